-- Ends sessions of a user: one, all, or all but one. Trusted-device entries stay.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] "one", "all" or "others", ARGV[2] the name (handle's first part) of the session to end (one) or keep (others), "-" for all,
--       ARGV[3] now (epoch s), ARGV[4] idle timeout (s), ARGV[5] absolute lifetime (s),
--       ARGV[6] "\n" to put a newline before every entry (entry-format = text; see create.lua), "" for none
--       (optional, default none)
-- Reply: the names of the live sessions removed (expired ones are removed without being reported)
-- Example: KEYS gatehouse:s:{u1} ARGV others AAAAAAAAAAAAAAAA 1700000000 1800 43200 ''
-- A session entry's name, created and last-seen seconds, in either stored format (nil if they do not
-- parse). Text: <name>|<created b36>|<lastSeen - created, b36>|...; compact (no '|' anywhere):
-- <name 16><shape><created: 5 digits><lastSeen - created: shape % 4 digits>...<mac 11>, digits in
-- base64url order (A = 0 ... _ = 63), created counted from 2020-01-01T00:00:00Z. See RecordCodec. The same
-- in create.lua, end.lua and prune.lua (a script cannot include another); Entries.java is its Java twin.
local function digit(b)
  if not b then return nil end
  if b >= 97 and b <= 122 then return b - 71 end
  if b >= 65 and b <= 90 then return b - 65 end
  if b >= 48 and b <= 57 then return b + 4 end
  if b == 45 then return 62 end
  if b == 95 then return 63 end
  return nil
end
local function number(entry, from, to)
  local n = 0
  for i = from, to do
    local d = digit(string.byte(entry, i))
    if not d then return nil end
    n = n * 64 + d
  end
  return n
end
local function session(entry)
  if string.find(entry, '|', 1, true) then
    local id, c, l = string.match(entry, '^([^|]*)|([^|]*)|([^|]*)|')
    c = tonumber(c or '', 36)
    l = tonumber(l or '', 36)
    if c and l then return id, c, c + l end
    return nil
  end
  local shape = digit(string.byte(entry, 17))
  if not shape or #entry < 33 + shape % 4 then return nil end
  local c, l = number(entry, 18, 22), number(entry, 23, 22 + shape % 4)
  if not (c and l) then return nil end
  c = c + 1577836800
  return string.sub(entry, 1, 16), c, c + l
end
local blob = redis.call('GET', KEYS[1])
if not blob then return {} end
local mode, target = ARGV[1], ARGV[2]
local now, idle, absolute = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out, removed, dropped = {}, {}, 0
for entry in string.gmatch(blob, '[^\n]+') do
  local drop = false
  local id, c, seen
  if string.byte(entry, 1) ~= 126 then
    id, c, seen = session(entry)
    if not id then id = string.match(entry, '^([^|]*)|') or string.sub(entry, 1, 16) end
    drop = mode == 'all' or (mode == 'one' and id == target) or (mode == 'others' and id ~= target)
  end
  if drop then
    dropped = dropped + 1
    if c and math.min(seen + idle, c + absolute) > now then removed[#removed + 1] = id end
  else
    out[#out + 1] = entry
  end
end
if #out == 0 then
  redis.call('DEL', KEYS[1])
elseif dropped > 0 then
  redis.call('SET', KEYS[1], (ARGV[6] or '') .. table.concat(out, '\n'), 'KEEPTTL')
end
return removed
