-- Ends sessions of a user: one, all, or all but one. Trusted-device entries stay.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] "one", "all" or "others", ARGV[2] the name (handle's first part) of the session to end (one) or keep (others), "-" for all,
--       ARGV[3] now (epoch s), ARGV[4] idle timeout (s), ARGV[5] absolute lifetime (s)
-- Reply: the names of the live sessions removed (expired ones are removed without being reported)
-- Example: KEYS gatehouse:s:{u1} ARGV others AAAAAAAAAAAAAAAA 1700000000 1800 43200
local blob = redis.call('GET', KEYS[1])
if not blob then return {} end
local mode, target = ARGV[1], ARGV[2]
local now, idle, absolute = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out, removed, dropped = {}, {}, 0
for entry in string.gmatch(blob, '\n([^\n]+)') do
  local drop = false
  local id, c, l
  if string.byte(entry, 1) ~= 126 then
    id, c, l = string.match(entry, '^([^|]*)|([^|]*)|([^|]*)|')
    drop = mode == 'all' or (mode == 'one' and id == target) or (mode == 'others' and id ~= target)
  end
  if drop then
    dropped = dropped + 1
    c = tonumber(c or '', 36)
    l = tonumber(l or '', 36)
    if c and l and math.min(c + l + idle, c + absolute) > now then removed[#removed + 1] = id end
  else
    out[#out + 1] = '\n' .. entry
  end
end
if #out == 0 then
  redis.call('DEL', KEYS[1])
elseif dropped > 0 then
  redis.call('SET', KEYS[1], table.concat(out), 'KEEPTTL')
end
return removed
