/**
 * The Lua side of the sandbox, run once in every Lua state: what Redis 7.0 scripts see of Lua 5.1
 * on top of Lua 5.4, the `redis` table, the read-only globals, and the entry points the JS side
 * calls (compile, run a script, run a function, load a library).
 *
 * It is called with one argument, a table of the JS bridge functions (redis.call and friends).
 * Everything it needs of the standard library is kept in locals first, so that what it then
 * removes from the globals (io, os, require, debug ...) stays out of the scripts' reach.
 */
export const PRELUDE = String.raw`
local bridge = ...
local G = _G
local type, error, pcall, xpcall, select, tostring, tonumber = type, error, pcall, xpcall, select, tostring, tonumber
local rawget, rawset, setmetatable, getmetatable, next, load = rawget, rawset, setmetatable, getmetatable, next, load
local format, gsub, sub, byte, strfind = string.format, string.gsub, string.sub, string.byte, string.find
local floor, mtype, fmod = math.floor, math.type, math.fmod
local tconcat, tmove, tunpack = table.concat, table.move, table.unpack
local dbg_getinfo = debug.getinfo
local function getinfo_what(f) return dbg_getinfo(f, 'S').what end
-- Library functions written in Lua are called through a C trampoline (bridge.native), as Redis's
-- are C functions: a script's \`return f(x)\` keeps its frame, and the trampoline prefixes their
-- errors (raised at level 0 here) with the script's position, as luaL_error does.
local native = bridge.native

-- Lua 5.1 prints every number with %.14g: an integral float is "5", not "5.0".
local function tostring51(...)
  if select('#', ...) == 0 then error("bad argument #1 to 'tostring' (value expected)", 0) end
  local v = ...
  if mtype(v) == 'float' then return format('%.14g', v) end
  return tostring(v)
end

-- 5.4 says "attempt to index a nil value (local 'x')", 5.1 "attempt to index local 'x' (a nil value)".
local function message51(msg)
  return (gsub(msg, "attempt to (%l[%l ]-) a (%l+) value %(([%l ]+) '(.-)'%)", "attempt to %1 %3 '%4' (a %2 value)"))
end

-- Calls a library function on behalf of the script: its errors carry the script's position and
-- the function's own name, as when the script calls the C function directly.
-- Called through pcall, a C function's errors carry no position and '?' for its name.
local function rethrow(name, ok, ...)
  if ok then return ... end
  local msg = ...
  if type(msg) == 'string' then msg = gsub(message51(msg), "to '%?'", "to '" .. name .. "'", 1) end
  error(msg, 0)
end

local function has_float(...)
  for i = 1, select('#', ...) do
    if mtype((select(i, ...))) == 'float' then return true end
  end
  return false
end

-- string.format with 5.1's arguments: %d and friends truncate, %s of an integral float has no ".0".
local function format51(fmt, ...)
  if not has_float(...) then return rethrow('format', pcall(format, fmt, ...)) end
  local args = { ... }
  local n = 0
  if type(fmt) == 'string' then
    for flags, conv in fmt:gmatch('%%([-+ #0-9.]*)(.)') do
      if conv ~= '%' then
        n = n + 1
        local v = args[n]
        if mtype(v) == 'float' then
          if strfind('diouxXc', conv, 1, true) then
            if v == v and v > -2^63 and v < 2^63 then args[n] = v >= 0 and floor(v) or -floor(-v) end
          elseif conv == 's' or conv == 'q' then
            args[n] = format('%.14g', v)
          end
        end
      end
    end
  end
  return rethrow('format', pcall(format, fmt, tunpack(args, 1, select('#', ...))))
end

local function concat51(t, sep, i, j)
  if type(t) == 'table' then
    local first, last = i or 1, j or #t
    local copy = nil
    for k = first, last do
      if mtype(rawget(t, k)) == 'float' then
        copy = copy or tmove(t, first, last, first, {})
        copy[k] = format('%.14g', copy[k])
      end
    end
    if copy then t = copy end
  end
  return rethrow('concat', pcall(tconcat, t, sep, i, j))
end

-- Redis's pcall: an error table with an err field comes back as its message.
local function fix_pcall(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'string' then
    e = message51(e)
  elseif type(e) == 'table' and type(rawget(e, 'err')) == 'string' then
    e = rawget(e, 'err')
  end
  return false, e
end

G.tostring = native(tostring51)
G.unpack = tunpack
-- 5.1's error adds the position to a number too.
G.error = bridge.error
G.gcinfo = native(function() return floor(collectgarbage('count')) end)
G.pcall = function(...) return fix_pcall(pcall(...)) end
G.xpcall = function(f, h, ...) return fix_pcall(xpcall(f, function(e) if type(e) == 'string' then e = message51(e) end return h(e) end, ...)) end
string.format = native(format51)
string.gfind = string.gmatch
table.concat = native(concat51)
table.getn = function(t) return #t end
table.setn = function() error("'setn' is obsolete", 0) end
table.maxn = function(t)
  local max = 0
  for k in next, t do
    if type(k) == 'number' and k > max then max = k end
  end
  return max
end
table.foreach = function(t, f)
  for k, v in next, t do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
table.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end
math.mod = fmod
math.pow = function(x, y) return x ^ y end
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
math.atan2 = function(y, x) return math.atan(y, x) end

-- Redis's own deterministic generator (rand48), one sequence per server, as redisLrand48.
local rand_state = 0x1234ABCD330E
local function rand48()
  rand_state = (rand_state * 0x5DEECE66D + 0xB) & 0xFFFFFFFFFFFF
  return rand_state >> 17
end
local function checkint(v, arg, name)
  local n = tonumber(v)
  if n == nil then error(format("bad argument #%d to '%s' (number expected, got %s)", arg, name, v == nil and 'no value' or type(v)), 0) end
  n = n >= 0 and floor(n) or -floor(-n)
  return n
end
math.random = function(...)
  local r = (rand48() % 0x7FFFFFFF) / 0x7FFFFFFF
  local argc = select('#', ...)
  if argc == 0 then return r end
  if argc == 1 then
    local u = checkint((...), 1, 'random')
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 0) end
    return floor(r * u) + 1
  end
  if argc == 2 then
    local l, u = checkint((...), 1, 'random'), checkint(select(2, ...), 2, 'random')
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 0) end
    return floor(r * (u - l + 1)) + l
  end
  error('wrong number of arguments', 0)
end
math.randomseed = function(seed)
  rand_state = ((checkint(seed, 1, 'randomseed') & 0xFFFFFFFF) << 16) | 0x330E
end

-- What Redis 7.0 scripts do not get.
for _, name in ipairs({ 'print', 'dofile', 'loadfile', 'require', 'package', 'io', 'os', 'debug',
    'utf8', 'warn', 'rawlen' }) do
  G[name] = nil
end
for _, name in ipairs({ 'pack', 'unpack', 'packsize' }) do string[name] = nil end
for _, name in ipairs({ 'move', 'unpack' }) do table[name] = nil end
for _, name in ipairs({ 'type', 'tointeger', 'ult', 'maxinteger', 'mininteger' }) do math[name] = nil end
G._VERSION = 'Lua 5.1'

-- Read-only tables: a proxy whose writes fail, over the real table.
local readonly = setmetatable({}, { __mode = 'k' })
local function readonly_error() error('Attempt to modify a readonly table', 2) end
local function protect(t, missing)
  local mt = { __index = t, __newindex = readonly_error, __pairs = function() return next, t, nil end }
  if missing then setmetatable(t, { __index = missing }) end
  local proxy = setmetatable({}, mt)
  readonly[proxy] = true
  return proxy
end
-- Refused without a position, as Redis's readonly tables refuse them.
local READONLY_ERROR = { err = 'ERR Attempt to modify a readonly table' }
G.rawset = native(function(t, k, v)
  if readonly[t] then error(READONLY_ERROR, 0) end
  return rethrow('rawset', pcall(rawset, t, k, v))
end)
G.setmetatable = native(function(t, mt)
  if readonly[t] then error(READONLY_ERROR, 0) end
  return rethrow('setmetatable', pcall(setmetatable, t, mt))
end)

-- The frame an error is reported at: the first of the script's own (not a C function, not this
-- prelude), or none left.
local function reported_frame(info)
  return info == nil or (info.what ~= 'C' and sub(info.source, 1, 5) ~= '=kvik')
end

-- A script's error as Redis's __redis__err__handler makes it: a table with the message and where
-- it was raised (info: that frame, or nil).
local function error_table(err, info)
  if type(err) ~= 'table' then
    if type(err) == 'string' then err = message51(err) end
    err = { err = 'ERR ' .. tostring51(err) }
  end
  if info then
    err.source = info.source
    err.line = info.currentline
  end
  return err
end

-- The error handler of a library's load, run where the error was raised.
local function error_handler(err)
  local level, info = 2, nil
  repeat
    info = dbg_getinfo(level, 'nSl')
    level = level + 1
  until reported_frame(info)
  return error_table(err, info)
end

-- Redis returns (does not raise) an error table for bad arguments here.
local function error_reply(msg)
  if type(msg) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  if sub(msg, 1, 1) ~= '-' then msg = '-' .. msg end
  local space = strfind(msg, ' ', 1, true)
  if space then return { err = sub(msg, 2) } end
  return { err = 'ERR ' .. sub(msg, 2) }
end

local function status_reply(msg)
  if type(msg) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { ok = msg }
end

local redis = {
  call = bridge.call,
  pcall = bridge.pcall,
  sha1hex = bridge.sha1hex,
  log = bridge.log,
  setresp = bridge.setresp,
  set_repl = bridge.set_repl,
  acl_check_cmd = bridge.acl_check_cmd,
  error_reply = error_reply,
  status_reply = status_reply,
  replicate_commands = function() return true end,
  breakpoint = function() return false end,
  debug = function() end,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
  REDIS_VERSION = bridge.version, REDIS_VERSION_NUM = bridge.version_num,
}

-- Only these may be called while a library loads, as in Redis.
local library_redis = {
  register_function = bridge.register_function,
  log = bridge.log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = bridge.version, REDIS_VERSION_NUM = bridge.version_num,
}

-- The compatibility functions above, and the libraries written in Lua, become "C" functions.
for _, lib in ipairs({ table, math }) do
  for name, f in next, lib do
    if type(f) == 'function' and getinfo_what(f) == 'Lua' then lib[name] = native(f) end
  end
end
for _, name in ipairs({ 'bit', 'struct', 'cjson', 'cmsgpack' }) do
  for key, f in next, G[name] do
    if type(f) == 'function' then G[name][key] = native(f) end
  end
end
for _, name in ipairs({ 'string', 'table', 'math', 'coroutine', 'bit', 'struct', 'cjson', 'cmsgpack' }) do
  G[name] = protect(G[name])
end
G.redis = protect(redis)
local function missing_global(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring51(name) .. "'", 2)
end
local library_api = protect(library_redis, missing_global)

local env = protect(G, missing_global)
G._G = env
G.load = native(function(chunk, name, mode, e) return load(chunk, name, 't', e or env) end)
G.loadstring = native(function(s, name) return load(s, name, 't', env) end)
getmetatable('').__index = G.string

local entry = {}

-- Libraries (FUNCTION LOAD) run with their own globals: while their code loads, only the loading
-- API is there; when their functions run, the globals scripts have.
local library_globals = setmetatable({ redis = library_api }, { __index = missing_global })
local library_meta = { __index = library_globals, __newindex = readonly_error }
local library_env = setmetatable({}, library_meta)

--- Compiles a script body or library: the function, or nil and the error message.
function entry.compile(code, chunkname, library)
  local f, err = load(code, chunkname, 't', library and library_env or env)
  -- 5.1 quotes the end of the chunk: near '<eof>'.
  if not f then err = gsub(err, 'near <eof>$', "near '<eof>'") end
  return f, err
end

-- Scripts and functions run unprotected in the host's coroutine: an error stops it where it was
-- raised, and the host reads its error from there with error_of (cheaper than an xpcall per run).

--- Runs a compiled script with the KEYS and ARGV tables (built by the host): its results.
function entry.run_script(f, keys, argv)
  -- G's metatable has no __newindex: plain assignments, cheaper than calls of rawset.
  G.KEYS = keys
  G.ARGV = argv
  return f()
end

--- Runs a registered function with its keys and arguments tables.
function entry.run_function(f, keys, args)
  return f(keys, args)
end

--- The error table of a script or function stopped by err in the coroutine co.
function entry.error_of(co, err)
  local level, info = 0, nil
  repeat
    info = dbg_getinfo(co, level, 'nSl')
    level = level + 1
  until reported_frame(info)
  return error_table(err, info)
end

--- The bytes the Lua heap of this state holds (INFO's used_memory_vm_*).
function entry.memory()
  return math.floor(collectgarbage('count') * 1024)
end

--- Runs a library's code (which registers its functions): true, or false and the error. While
--- it runs, 'redis' is the loading API.
function entry.load_library(f)
  library_meta.__index = library_globals
  local ok, err = xpcall(f, error_handler)
  library_meta.__index = env
  return ok, err
end

return entry
`;
