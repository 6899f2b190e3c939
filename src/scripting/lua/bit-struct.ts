/**
 * Redis's `bit` (LuaBitOp 1.0) and `struct` (Roberto Ierusalimschy's struct) libraries, written in
 * Lua 5.4 after their C code, with the sizes of Redis's x86-64 build (long and size_t are 8 bytes,
 * int 4). Numbers they return that Lua 5.1 would hold as integral doubles are Lua integers here,
 * so they print as 5.1 prints them.
 */
export const BIT_LIBRARY = String.raw`
local tonumber, type, error, select, format = tonumber, type, error, select, string.format
local floor, mtype, fmod, tointeger = math.floor, math.type, math.fmod, math.tointeger

local function arg_number(v, i, name)
  local n = tonumber(v)
  if n == nil then
    error(format("bad argument #%d to '%s' (number expected, got %s)", i, name, v == nil and 'no value' or type(v)), 0)
  end
  return n
end

-- LuaBitOp's tobit: round to the nearest integer (ties to even), keep the low 32 bits.
local function bits(v, i, name)
  local n = arg_number(v, i, name)
  if mtype(n) == 'float' then
    if n ~= n or n == math.huge or n == -math.huge then return 0 end
    if n > -2^51 and n < 2^51 then n = (n + 6755399441055744.0) - 6755399441055744.0
    else n = fmod(n, 4294967296.0) end
    n = tointeger(n)
  end
  return n & 0xFFFFFFFF
end

local function signed(u)
  if u >= 0x80000000 then return u - 0x100000000 end
  return u
end

local bit = {}
function bit.tobit(x) return signed(bits(x, 1, 'tobit')) end
function bit.bnot(x) return signed(~bits(x, 1, 'bnot') & 0xFFFFFFFF) end
local function fold(name, op)
  bit[name] = function(...)
    local r = bits((...), 1, name)
    for i = 2, select('#', ...) do r = op(r, bits((select(i, ...)), i, name)) end
    return signed(r)
  end
end
fold('band', function(a, b) return a & b end)
fold('bor', function(a, b) return a | b end)
fold('bxor', function(a, b) return a ~ b end)
function bit.lshift(x, n) return signed((bits(x, 1, 'lshift') << (bits(n, 2, 'lshift') & 31)) & 0xFFFFFFFF) end
function bit.rshift(x, n) return signed(bits(x, 1, 'rshift') >> (bits(n, 2, 'rshift') & 31)) end
function bit.arshift(x, n) return signed(bits(x, 1, 'arshift')) // (1 << (bits(n, 2, 'arshift') & 31)) end
function bit.rol(x, n)
  local v, s = bits(x, 1, 'rol'), bits(n, 2, 'rol') & 31
  return signed(((v << s) | (v >> (32 - s))) & 0xFFFFFFFF)
end
function bit.ror(x, n)
  local v, s = bits(x, 1, 'ror'), bits(n, 2, 'ror') & 31
  return signed(((v >> s) | (v << (32 - s))) & 0xFFFFFFFF)
end
function bit.bswap(x)
  local v = bits(x, 1, 'bswap')
  return signed(((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24))
end
function bit.tohex(x, n)
  local v = bits(x, 1, 'tohex')
  local digits = n == nil and 8 or bits(n, 2, 'tohex')
  local hex = '%08x'
  if digits >= 0x80000000 then digits, hex = 0x100000000 - digits, '%08X' end
  if digits > 8 then digits = 8 end
  local s = format(hex, v)
  return s:sub(9 - digits)
end
_G.bit = bit
`;

export const STRUCT_LIBRARY = String.raw`
local tonumber, type, error, format = tonumber, type, error, string.format
local byte, char, sub, find, spack, sunpack = string.byte, string.char, string.sub, string.find, string.pack, string.unpack
local concat, floor, mtype, tointeger, tunpack = table.concat, math.floor, math.type, math.tointeger, table.unpack

local SIZES = { b = 1, B = 1, h = 2, H = 2, l = 8, L = 8, T = 8, f = 4, d = 8, x = 1 }
local MAXINTSIZE, MAXALIGN = 32, 8

local function argerror(i, name, msg) error(format("bad argument #%d to '%s' (%s)", i, name, msg), 0) end

-- Reads a number after an option; default when there is none.
local function getnum(fmt, pos, default)
  local digits = fmt:match('^%d+', pos)
  if not digits then return default, pos end
  local n = tonumber(digits)
  if n > 2147483647 then error('integral size overflow', 0) end
  return n, pos + #digits
end

-- One option of a format: its size, and where the format goes on.
local function option(fmt, pos, opt)
  local size = SIZES[opt]
  if size then return size, pos end
  if opt == 'c' then return getnum(fmt, pos, 1) end
  if opt == 'i' or opt == 'I' then
    local n, next_pos = getnum(fmt, pos, 4)
    if n > MAXINTSIZE then error(format('integral size %d is larger than limit of %d', n, MAXINTSIZE), 0) end
    return n, next_pos
  end
  return 0, pos
end

local function toalign(len, align, opt, size)
  if size == 0 or opt == 'c' then return 0 end
  if size > align then size = align end
  return (size - (len & (size - 1))) & (size - 1)
end

-- Endianness and alignment options; returns the new state.
local function control(fmt, pos, opt, state, name)
  if opt == ' ' then return pos end
  if opt == '>' then state.big = true return pos end
  if opt == '<' then state.big = false return pos end
  if opt == '!' then
    local a, next_pos = getnum(fmt, pos, MAXALIGN)
    if a & (a - 1) ~= 0 then error(format('alignment %d is not a power of 2', a), 0) end
    state.align = a
    return next_pos
  end
  argerror(1, name, format("invalid format option '%s'", opt))
end

local function truncate(n)
  if n >= 0 then return floor(n) end
  return -floor(-n)
end

local function int_bytes(n, size, big)
  local v = mtype(n) == 'integer' and n or tointeger(truncate(n)) or 0
  local out = {}
  for i = 1, size do
    out[i] = char(v & 0xFF)
    v = v >> 8
  end
  if big then
    for i = 1, size // 2 do out[i], out[size + 1 - i] = out[size + 1 - i], out[i] end
  end
  return concat(out)
end

local struct = {}

function struct.pack(fmt, ...)
  if type(fmt) ~= 'string' and type(fmt) ~= 'number' then argerror(1, 'pack', 'string expected, got ' .. (fmt == nil and 'no value' or type(fmt))) end
  fmt = tostring(fmt)
  local args, arg = { ... }, 1
  local out, total, pos = {}, 0, 1
  local state = { big = false, align = 1 }
  while pos <= #fmt do
    local opt = sub(fmt, pos, pos)
    local size
    size, pos = option(fmt, pos + 1, opt)
    local pad = toalign(total, state.align, opt, size)
    total = total + pad
    if pad > 0 then out[#out + 1] = string.rep('\0', pad) end
    if find('bBhHlLTiI', opt, 1, true) then
      local n = tonumber(args[arg])
      if n == nil then argerror(arg + 1, 'pack', 'number expected, got ' .. (args[arg] == nil and 'no value' or type(args[arg]))) end
      out[#out + 1] = int_bytes(n, size, state.big)
      arg = arg + 1
    elseif opt == 'x' then
      out[#out + 1] = '\0'
    elseif opt == 'f' or opt == 'd' then
      local n = tonumber(args[arg])
      if n == nil then argerror(arg + 1, 'pack', 'number expected, got ' .. (args[arg] == nil and 'no value' or type(args[arg]))) end
      out[#out + 1] = spack((state.big and '>' or '<') .. opt, n)
      arg = arg + 1
    elseif opt == 'c' or opt == 's' then
      local s = args[arg]
      if type(s) == 'number' then s = tostring(s) end
      if type(s) ~= 'string' then argerror(arg + 1, 'pack', 'string expected, got ' .. (s == nil and 'no value' or type(s))) end
      arg = arg + 1
      if size == 0 then size = #s end
      if #s < size then argerror(arg + 1, 'pack', 'string too short') end
      out[#out + 1] = sub(s, 1, size)
      if opt == 's' then
        out[#out + 1] = '\0'
        size = size + 1
      end
    else
      pos = control(fmt, pos, opt, state, 'pack')
    end
    total = total + size
  end
  return concat(out)
end

local function read_int(data, at, size, big, signed)
  local v = 0
  for i = 0, size - 1 do
    local b = big and byte(data, at + i) or byte(data, at + size - 1 - i)
    v = (v << 8) | b
  end
  if signed and size < 8 and v & (1 << (size * 8 - 1)) ~= 0 then v = v - (1 << (size * 8)) end
  if not signed and size >= 8 and v < 0 then return v + 18446744073709551616.0 end
  return v
end

function struct.unpack(fmt, data, init)
  if type(fmt) ~= 'string' then argerror(1, 'unpack', 'string expected, got ' .. (fmt == nil and 'no value' or type(fmt))) end
  if type(data) ~= 'string' then argerror(2, 'unpack', 'string expected, got ' .. (data == nil and 'no value' or type(data))) end
  local ld = #data
  local at = (init and tonumber(init) or 1) - 1
  if at < 0 or at > ld then argerror(3, 'unpack', 'offset must be 1 or greater') end
  local results, n = {}, 0
  local state = { big = false, align = 1 }
  local pos = 1
  while pos <= #fmt do
    local opt = sub(fmt, pos, pos)
    local size
    size, pos = option(fmt, pos + 1, opt)
    at = at + toalign(at, state.align, opt, size)
    if size > ld or at > ld - size then argerror(2, 'unpack', 'data string too short') end
    if find('bBhHlLTiI', opt, 1, true) then
      n = n + 1
      results[n] = read_int(data, at + 1, size, state.big, opt:lower() == opt)
    elseif opt == 'x' then
      -- padding
    elseif opt == 'f' or opt == 'd' then
      local v = sunpack((state.big and '>' or '<') .. opt, data, at + 1)
      if v == floor(v) and v > -2^53 and v < 2^53 then v = tointeger(v) end
      n = n + 1
      results[n] = v
    elseif opt == 'c' then
      if size == 0 then
        if n == 0 or type(results[n]) ~= 'number' then error("format 'c0' needs a previous size", 0) end
        size = results[n]
        n = n - 1
        if size > ld or at > ld - size then argerror(2, 'unpack', 'data string too short') end
      end
      n = n + 1
      results[n] = sub(data, at + 1, at + size)
    elseif opt == 's' then
      local e = find(data, '\0', at + 1, true)
      if e == nil then error('unfinished string in data', 0) end
      size = e - at
      n = n + 1
      results[n] = sub(data, at + 1, e - 1)
    else
      pos = control(fmt, pos, opt, state, 'unpack')
    end
    at = at + size
  end
  n = n + 1
  results[n] = at + 1
  return tunpack(results, 1, n)
end

function struct.size(fmt)
  if type(fmt) ~= 'string' then argerror(1, 'size', 'string expected, got ' .. (fmt == nil and 'no value' or type(fmt))) end
  local total, pos = 0, 1
  local state = { big = false, align = 1 }
  while pos <= #fmt do
    local opt = sub(fmt, pos, pos)
    local size
    size, pos = option(fmt, pos + 1, opt)
    total = total + toalign(total, state.align, opt, size)
    if opt == 's' then argerror(1, 'size', "option 's' has no fixed size")
    elseif opt == 'c' and size == 0 then argerror(1, 'size', "option 'c0' has no fixed size") end
    if not opt:match('%w') then pos = control(fmt, pos, opt, state, 'size') end
    total = total + size
  end
  return total
end
_G.struct = struct
`;
