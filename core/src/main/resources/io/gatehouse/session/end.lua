-- Ends sessions of a user: one, all, or all but one. Trusted-device entries stay.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] "one", "all" or "others", ARGV[2] the name (handle's first part) of the session to end (one) or keep (others), "-" for all,
--       ARGV[3] now (epoch s), ARGV[4] idle timeout (s), ARGV[5] absolute lifetime (s),
--       ARGV[6] "\n" to put a newline before every entry (entry-format = text; see create.lua), "" for none
--       (optional, default none)
-- Reply: the names of the live sessions removed (expired ones are removed without being reported)
-- Example: KEYS gatehouse:s:{u1} ARGV others AAAAAAAAAAAAAAAA 1700000000 1800 43200 ''
-- session(entry) -> name, created, last seen (either format): entries.lua.inc
-- @include entries.lua.inc
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
