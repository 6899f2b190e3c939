/**
 * Redis's `cjson` (lua-cjson 2.1.0 with its default settings) and `cmsgpack` (lua-cmsgpack 0.4.0)
 * libraries, written in Lua 5.4 after their C code: the same encodings, the same choices between
 * arrays and maps, the same error messages. Decoded numbers that Lua 5.1 would hold as integral
 * doubles are Lua integers here, so they print as 5.1 prints them.
 */
export const CJSON_LIBRARY = String.raw`
local type, error, select, tostring, tonumber, next = type, error, select, tostring, tonumber, next
local format, byte, char, sub, find, gsub = string.format, string.byte, string.char, string.sub, string.find, string.gsub
local concat, floor, mtype, huge, tointeger = table.concat, math.floor, math.type, math.huge, math.tointeger

local cjson = { _NAME = 'cjson', _VERSION = '2.1.0' }
-- cjson.null: the NULL light userdata, passed in by the host.
local null = ...
cjson.null = null

local ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
for c = 0, 31 do
  local ch = char(c)
  if not ESCAPES[ch] then ESCAPES[ch] = format('\\u%04x', c) end
end

-- The settings of lua-cjson's configuration functions, kept for the life of the Lua state.
local cfg = {
  encode_max_depth = 1000, decode_max_depth = 1000, encode_number_precision = 14,
  encode_sparse_convert = false, encode_sparse_ratio = 2, encode_sparse_safe = 10,
  encode_keep_buffer = true, encode_invalid_numbers = false,
}

local function number_text(n)
  if n ~= n or n == huge or n == -huge then
    local invalid = cfg.encode_invalid_numbers
    if invalid == 'null' then return 'null' end
    if not invalid then error('Cannot serialise number: must not be NaN or Inf', 0) end
  end
  return format('%.' .. cfg.encode_number_precision .. 'g', n)
end

local function array_length(t)
  local max, items = 0, 0
  for k in next, t do
    if type(k) == 'number' and k == floor(k) and k >= 1 then
      if k > max then max = k end
      items = items + 1
    else
      return -1
    end
  end
  local ratio = cfg.encode_sparse_ratio
  if ratio > 0 and max > items * ratio and max > cfg.encode_sparse_safe then
    if not cfg.encode_sparse_convert then error('Cannot serialise table: excessively sparse array', 0) end
    return -1
  end
  return max
end

local encode_value
local function encode_table(t, depth, out)
  if depth > cfg.encode_max_depth then error(format('Cannot serialise, excessive nesting (%d)', depth), 0) end
  local length = array_length(t)
  if length > 0 then
    out[#out + 1] = '['
    for i = 1, length do
      if i > 1 then out[#out + 1] = ',' end
      encode_value(t[i], depth, out)
    end
    out[#out + 1] = ']'
    return
  end
  out[#out + 1] = '{'
  local first = true
  for k, v in next, t do
    if not first then out[#out + 1] = ',' end
    first = false
    if type(k) == 'number' then
      out[#out + 1] = '"' .. number_text(k) .. '":'
    elseif type(k) == 'string' then
      out[#out + 1] = '"' .. gsub(k, '[%c"\\/]', ESCAPES) .. '":'
    else
      error('Cannot serialise ' .. type(k) .. ': table key must be a number or string', 0)
    end
    encode_value(v, depth, out)
  end
  out[#out + 1] = '}'
end

encode_value = function(v, depth, out)
  local t = type(v)
  if t == 'string' then
    out[#out + 1] = '"' .. gsub(v, '[%c"\\/]', ESCAPES) .. '"'
  elseif t == 'number' then
    out[#out + 1] = number_text(v)
  elseif t == 'boolean' then
    out[#out + 1] = v and 'true' or 'false'
  elseif v == nil or v == null then
    out[#out + 1] = 'null'
  elseif t == 'table' then
    encode_table(v, depth + 1, out)
  else
    error('Cannot serialise ' .. t .. ': type not supported', 0)
  end
end

function cjson.encode(...)
  if select('#', ...) ~= 1 then error("bad argument #1 to 'encode' (expected 1 argument)", 0) end
  local out = {}
  local ok, err = pcall(encode_value, (...), 0, out)
  if not ok then error(err, 0) end
  return concat(out)
end

-- Decoding: a recursive descent over the text, with lua-cjson's messages.
local function utf8_char(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F)) end
  if cp < 0x10000 then return char(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F)) end
  return char(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
end

local Decoder = {}
Decoder.__index = Decoder

local function parse_error(expected, found, at)
  error(format('Expected %s but found %s at character %d', expected, found, at), 0)
end

-- The next token: its kind ('{', '}', '[', ']', ':', ',', 'string', 'number', 'value', 'end',
-- 'error'), its value, and where it started.
function Decoder:token()
  local s = self.s
  local i = find(s, '[^ \t\n\r]', self.i)
  if i == nil then self.i = #s + 1 return 'end', nil, #s + 1 end
  local c = sub(s, i, i)
  if c == '{' or c == '}' or c == '[' or c == ']' or c == ':' or c == ',' then
    self.i = i + 1
    return c, nil, i
  end
  if c == '"' then return self:string(i) end
  if c == '-' or find(c, '%d') then
    local text = s:match('^-?[%d.eE+-]+', i) or ''
    local n = tonumber(text)
    if n == nil or not text:match('^-?%d') then return 'error', 'invalid number', i end
    if mtype(n) == 'float' and n == floor(n) and n > -2^53 and n < 2^53 then n = tointeger(n) end
    self.i = i + #text
    return 'number', n, i
  end
  for word, value in pairs({ ['true'] = true, ['false'] = false, ['null'] = null }) do
    if sub(s, i, i + #word - 1) == word then
      self.i = i + #word
      return 'value', value, i
    end
  end
  return 'error', 'invalid token', i
end

-- Errors inside a string are reported where the scan stopped, as lua-cjson does.
function Decoder:string(start)
  local s, out, i = self.s, {}, start + 1
  while true do
    local j = find(s, '["\\]', i)
    if j == nil then return 'error', 'unexpected end of string', #s + 1 end
    out[#out + 1] = sub(s, i, j - 1)
    if sub(s, j, j) == '"' then
      self.i = j + 1
      return 'string', concat(out), start
    end
    local e = sub(s, j + 1, j + 1)
    local simple = ({ b = '\b', f = '\f', n = '\n', r = '\r', t = '\t', ['"'] = '"', ['\\'] = '\\', ['/'] = '/' })[e]
    if simple then
      out[#out + 1] = simple
      i = j + 2
    elseif e == 'u' then
      local hex = s:match('^%x%x%x%x', j + 2)
      if not hex then return 'error', 'invalid unicode escape code', j end
      local cp = tonumber(hex, 16)
      i = j + 6
      if cp >= 0xD800 and cp <= 0xDBFF then
        local low = s:match('^\\u(%x%x%x%x)', i)
        local lo = low and tonumber(low, 16)
        if not lo or lo < 0xDC00 or lo > 0xDFFF then return 'error', 'invalid unicode escape code', j end
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
        i = i + 6
      elseif cp >= 0xDC00 and cp <= 0xDFFF then
        return 'error', 'invalid unicode escape code', j
      end
      out[#out + 1] = utf8_char(cp)
    else
      return 'error', 'invalid escape code', j
    end
  end
end

local TOKEN_NAMES = { ['{'] = 'T_OBJ_BEGIN', ['}'] = 'T_OBJ_END', ['['] = 'T_ARR_BEGIN', [']'] = 'T_ARR_END',
  [':'] = 'T_COLON', [','] = 'T_COMMA', string = 'T_STRING', number = 'T_NUMBER', value = 'T_BOOLEAN', ['end'] = 'T_END' }

local function found_name(kind, value)
  if kind == 'error' then return value end
  if kind == 'value' and value == null then return 'T_NULL' end
  return TOKEN_NAMES[kind]
end

function Decoder:value(kind, value, at)
  if kind == 'string' or kind == 'number' or kind == 'value' then return value end
  if kind == '{' or kind == '[' then
    self.depth = self.depth + 1
    if self.depth > cfg.decode_max_depth then error(format('Found too many nested data structures (%d) at character %d', self.depth, at), 0) end
    local t = {}
    if kind == '{' then
      local k, v, a = self:token()
      if k ~= '}' then
        while true do
          if k ~= 'string' then parse_error('object key string', found_name(k, v), a) end
          local key = v
          k, v, a = self:token()
          if k ~= ':' then parse_error('colon', found_name(k, v), a) end
          t[key] = self:value(self:token())
          k, v, a = self:token()
          if k == '}' then break end
          if k ~= ',' then parse_error('comma or object end', found_name(k, v), a) end
          k, v, a = self:token()
        end
      end
    else
      local k, v, a = self:token()
      local n = 0
      if k ~= ']' then
        while true do
          n = n + 1
          t[n] = self:value(k, v, a)
          k, v, a = self:token()
          if k == ']' then break end
          if k ~= ',' then parse_error('comma or array end', found_name(k, v), a) end
          k, v, a = self:token()
        end
      end
    end
    self.depth = self.depth - 1
    return t
  end
  parse_error('value', found_name(kind, value), at)
end

function cjson.decode(...)
  if select('#', ...) ~= 1 then error("bad argument #1 to 'decode' (expected 1 argument)", 0) end
  local s = ...
  if type(s) ~= 'string' then error("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ')', 0) end
  local decoder = setmetatable({ s = s, i = 1, depth = 0 }, Decoder)
  local ok, result = pcall(function()
    local value = decoder:value(decoder:token())
    local k, v, a = decoder:token()
    if k ~= 'end' then parse_error('the end', found_name(k, v), a) end
    return value
  end)
  if not ok then error(result, 0) end
  return result
end

-- The configuration functions: each sets what it is given (nil leaves a setting) and returns the
-- settings, with lua-cjson's argument checks and messages.
local function check_count(name, most, ...)
  if select('#', ...) > most then
    error(format("bad argument #%d to '%s' (found too many arguments)", most + 1, name), 0)
  end
end

local function integer_option(name, index, value, key, min, max)
  if value ~= nil then
    local n = tonumber(value)
    if n == nil then
      error(format("bad argument #%d to '%s' (number expected, got %s)", index, name, type(value)), 0)
    end
    n = n < 0 and -floor(-n) or floor(n)
    -- lua-cjson names argument #1 whichever argument is out of range.
    if n < min or n > max then
      error(format("bad argument #1 to '%s' (expected integer between %d and %d)", name, min, max), 0)
    end
    cfg[key] = n
  end
  return cfg[key]
end

-- An on/off setting (true, false, 'on' or 'off'), with extra named values for some settings.
local function enum_option(name, index, value, key, extra)
  if value ~= nil then
    if type(value) == 'boolean' then
      cfg[key] = value
    elseif type(value) == 'string' or type(value) == 'number' then
      local text = tostring(value)
      if text == 'on' or text == 'off' then cfg[key] = text == 'on'
      elseif text == extra then cfg[key] = extra
      else error(format("bad argument #%d to '%s' (invalid option '%s')", index, name, text), 0) end
    else
      error(format("bad argument #%d to '%s' (string expected, got %s)", index, name, type(value)), 0)
    end
  end
  return cfg[key]
end

function cjson.encode_sparse_array(...)
  check_count('encode_sparse_array', 3, ...)
  local convert, ratio, safe = ...
  return enum_option('encode_sparse_array', 1, convert, 'encode_sparse_convert'),
    integer_option('encode_sparse_array', 2, ratio, 'encode_sparse_ratio', 0, 2147483647),
    integer_option('encode_sparse_array', 3, safe, 'encode_sparse_safe', 0, 2147483647)
end
function cjson.encode_max_depth(...)
  check_count('encode_max_depth', 1, ...)
  return integer_option('encode_max_depth', 1, (...), 'encode_max_depth', 1, 2147483647)
end
function cjson.decode_max_depth(...)
  check_count('decode_max_depth', 1, ...)
  return integer_option('decode_max_depth', 1, (...), 'decode_max_depth', 1, 2147483647)
end
function cjson.encode_number_precision(...)
  check_count('encode_number_precision', 1, ...)
  return integer_option('encode_number_precision', 1, (...), 'encode_number_precision', 1, 14)
end
function cjson.encode_keep_buffer(...)
  check_count('encode_keep_buffer', 1, ...)
  return enum_option('encode_keep_buffer', 1, (...), 'encode_keep_buffer')
end
function cjson.encode_invalid_numbers(...)
  check_count('encode_invalid_numbers', 1, ...)
  return enum_option('encode_invalid_numbers', 1, (...), 'encode_invalid_numbers', 'null')
end
-- Kvik's decoder reads standard JSON numbers only: this setting is reported, not applied.
function cjson.decode_invalid_numbers() return true end
function cjson.new() return cjson end
_G.cjson = cjson
`;

export const CMSGPACK_LIBRARY = String.raw`
local type, error, select, tonumber, next = type, error, select, tonumber, next
local format, byte, char, sub, spack, sunpack = string.format, string.byte, string.char, string.sub, string.pack, string.unpack
local concat, floor, mtype, huge, tointeger, tunpack = table.concat, math.floor, math.type, math.huge, math.tointeger, table.unpack
local MAXINTEGER = math.maxinteger

local cmsgpack = { _NAME = 'cmsgpack', _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
  _DESCRIPTION = 'MessagePack C implementation for Lua' }
local MAX_NESTING = 16

local function encode_int(n, out)
  if n >= 0 then
    if n <= 127 then out[#out + 1] = char(n)
    elseif n <= 0xFF then out[#out + 1] = char(0xCC, n)
    elseif n <= 0xFFFF then out[#out + 1] = spack('>BI2', 0xCD, n)
    elseif n <= 0xFFFFFFFF then out[#out + 1] = spack('>BI4', 0xCE, n)
    else out[#out + 1] = spack('>Bi8', 0xCF, n) end
  else
    if n >= -32 then out[#out + 1] = char(n & 0xFF)
    elseif n >= -128 then out[#out + 1] = spack('>Bi1', 0xD0, n)
    elseif n >= -32768 then out[#out + 1] = spack('>Bi2', 0xD1, n)
    elseif n >= -2147483648 then out[#out + 1] = spack('>Bi4', 0xD2, n)
    else out[#out + 1] = spack('>Bi8', 0xD3, n) end
  end
end

local function encode_number(n, out)
  if mtype(n) == 'integer' then return encode_int(n, out) end
  if n ~= huge and n ~= -huge and n == n and n >= -2^63 and n < 2^63 and n == floor(n) then
    return encode_int(tointeger(n), out)
  end
  if n ~= n or sunpack('f', spack('f', n)) == n then out[#out + 1] = spack('>Bf', 0xCA, n)
  else out[#out + 1] = spack('>Bd', 0xCB, n) end
end

local function is_array(t)
  local count, max = 0, 0
  for k in next, t do
    if type(k) ~= 'number' or k <= 0 or k ~= floor(k) then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count
end

local encode
local function encode_table(t, level, out)
  if is_array(t) then
    local n = #t
    if n < 16 then out[#out + 1] = char(0x90 | n)
    elseif n <= 0xFFFF then out[#out + 1] = spack('>BI2', 0xDC, n)
    else out[#out + 1] = spack('>BI4', 0xDD, n) end
    for i = 1, n do encode(t[i], level + 1, out) end
    return
  end
  local n = 0
  for _ in next, t do n = n + 1 end
  if n < 16 then out[#out + 1] = char(0x80 | n)
  elseif n <= 0xFFFF then out[#out + 1] = spack('>BI2', 0xDE, n)
  else out[#out + 1] = spack('>BI4', 0xDF, n) end
  for k, v in next, t do
    encode(k, level + 1, out)
    encode(v, level + 1, out)
  end
end

encode = function(v, level, out)
  local t = type(v)
  if t == 'table' and level == MAX_NESTING then t = 'nil' end
  if t == 'string' then
    local n = #v
    if n < 32 then out[#out + 1] = char(0xA0 | n)
    elseif n <= 0xFF then out[#out + 1] = char(0xD9, n)
    elseif n <= 0xFFFF then out[#out + 1] = spack('>BI2', 0xDA, n)
    else out[#out + 1] = spack('>BI4', 0xDB, n) end
    out[#out + 1] = v
  elseif t == 'boolean' then
    out[#out + 1] = v and '\xC3' or '\xC2'
  elseif t == 'number' then
    encode_number(v, out)
  elseif t == 'table' then
    encode_table(v, level, out)
  else
    out[#out + 1] = '\xC0'
  end
end

function cmsgpack.pack(...)
  local argc = select('#', ...)
  if argc == 0 then error("bad argument #0 to 'pack' (MessagePack pack needs input.)", 0) end
  local out = {}
  for i = 1, argc do encode((select(i, ...)), 0, out) end
  return concat(out)
end

-- Decoding: returns the value and the next position, or raises 'eof' / 'bad'.
local decode
local function need(s, at, n)
  if at + n - 1 > #s then error('eof', 0) end
end
local function integral(v)
  if mtype(v) == 'float' and v == floor(v) and v > -2^53 and v < 2^53 then return tointeger(v) end
  return v
end
local function decode_array(s, at, n)
  local t = {}
  for i = 1, n do t[i], at = decode(s, at) end
  return t, at
end
local function decode_map(s, at, n)
  local t = {}
  for _ = 1, n do
    local k, v
    k, at = decode(s, at)
    v, at = decode(s, at)
    if k ~= nil then t[k] = v end
  end
  return t, at
end
local function decode_str(s, at, n)
  need(s, at, n)
  return sub(s, at, at + n - 1), at + n
end

decode = function(s, at)
  need(s, at, 1)
  local b = byte(s, at)
  at = at + 1
  if b <= 0x7F then return b, at end
  if b >= 0xE0 then return b - 256, at end
  if b >= 0xA0 and b <= 0xBF then return decode_str(s, at, b & 0x1F) end
  if b >= 0x90 and b <= 0x9F then return decode_array(s, at, b & 0x0F) end
  if b >= 0x80 and b <= 0x8F then return decode_map(s, at, b & 0x0F) end
  if b == 0xC0 then return nil, at end
  if b == 0xC2 then return false, at end
  if b == 0xC3 then return true, at end
  local fixed = ({ [0xCC] = 'I1', [0xCD] = '>I2', [0xCE] = '>I4', [0xCF] = '>I8', [0xD0] = 'i1',
    [0xD1] = '>i2', [0xD2] = '>i4', [0xD3] = '>i8', [0xCA] = '>f', [0xCB] = '>d' })[b]
  if fixed then
    local size = ({ I1 = 1, i1 = 1 })[fixed] or tonumber(sub(fixed, 3)) or (sub(fixed, 2) == 'f' and 4 or 8)
    need(s, at, size)
    local v = sunpack(fixed, s, at)
    if b == 0xCF and v < 0 then v = v + 18446744073709551616.0 end
    return integral(v), at + size
  end
  local lengths = ({ [0xD9] = 'I1', [0xC4] = 'I1', [0xDA] = '>I2', [0xC5] = '>I2', [0xDB] = '>I4', [0xC6] = '>I4',
    [0xDC] = '>I2', [0xDD] = '>I4', [0xDE] = '>I2', [0xDF] = '>I4' })[b]
  if lengths then
    local size = lengths == 'I1' and 1 or tonumber(sub(lengths, 3))
    need(s, at, size)
    local n = sunpack(lengths, s, at)
    at = at + size
    if b == 0xDC or b == 0xDD then return decode_array(s, at, n) end
    if b == 0xDE or b == 0xDF then return decode_map(s, at, n) end
    return decode_str(s, at, n)
  end
  error('bad', 0)
end

local function unpack_full(name, s, limit, offset)
  if type(s) ~= 'string' then error(format("bad argument #1 to '%s' (string expected, got %s)", name, s == nil and 'no value' or type(s)), 0) end
  local decode_all = limit == 0 and offset == 0
  if offset < 0 or limit < 0 then error(format('Invalid request to unpack with offset of %d and limit of %d.', offset, #s), 0) end
  if offset > #s then error(format('Start offset %d greater than input length %d.', offset, #s), 0) end
  if decode_all then limit = MAXINTEGER end
  local results, n, at = {}, 0, offset + 1
  while at <= #s and n < limit do
    local ok, v, next_at = pcall(decode, s, at)
    if not ok then
      error(v == 'eof' and 'Missing bytes in input.' or 'Bad data format in input.', 0)
    end
    n = n + 1
    results[n] = v
    at = next_at
  end
  if not decode_all then
    return at > #s and -1 or at - 1, tunpack(results, 1, n)
  end
  return tunpack(results, 1, n)
end

function cmsgpack.unpack(s) return unpack_full('unpack', s, 0, 0) end
function cmsgpack.unpack_one(s, offset) return unpack_full('unpack_one', s, 1, tonumber(offset) or 0) end
function cmsgpack.unpack_limit(s, limit, offset)
  return unpack_full('unpack_limit', s, tonumber(limit) or 0, tonumber(offset) or 0)
end
_G.cmsgpack = cmsgpack
`;
