-- Removes a user's expired entries (sessions past their idle or absolute deadline, trust past its end),
-- shortens the key's TTL to the latest remaining expiry, and returns what is left. Used by listing and cleanup.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] now (epoch s), ARGV[2] idle timeout (s), ARGV[3] absolute lifetime (s),
--       ARGV[4] "dry" to only count what would be removed (optional), "quiet" to prune and leave the
--       remaining entries out of the reply (a cleanup pass needs only the count)
-- Reply: {number of entries removed (or removable), remaining entries (string, each preceded by "\n";
--        '' when quiet)}
-- Example: KEYS gatehouse:s:{u1} ARGV 1700000000 1800 43200
local blob = redis.call('GET', KEYS[1])
if not blob then return {0, ''} end
local now, idle, absolute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out, removed, latest = {}, 0, now
for entry in string.gmatch(blob, '\n([^\n]+)') do
  local expires
  if string.byte(entry, 1) == 126 then
    expires = tonumber(string.match(entry, '^[^|]*|[^|]*|([^|]*)|') or '', 36)
  else
    local c, l = string.match(entry, '^[^|]*|([^|]*)|([^|]*)|')
    c = tonumber(c or '', 36)
    l = tonumber(l or '', 36)
    if c and l then expires = math.min(c + l + idle, c + absolute) end
  end
  if expires and expires > now then
    out[#out + 1] = '\n' .. entry
    if expires > latest then latest = expires end
  else
    removed = removed + 1
  end
end
local quiet = ARGV[4] == 'quiet'
if removed == 0 then return {0, quiet and '' or blob} end
local rest = table.concat(out)
if ARGV[4] == 'dry' then return {removed, quiet and '' or rest} end
if rest == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], rest, 'EX', latest - now)
end
return {removed, quiet and '' or rest}
