-- Counts keys per kind, for a backup's manifest and its verification. Runs only on a scratch
-- redis-server that holds a loaded snapshot (SCAN is for offline tooling).
-- Keys: none (it walks the whole scratch keyspace with SCAN)
-- ARGV[1]: the SCAN cursor to start from ("0" at first)
-- ARGV[2]: the key prefix with its separator, for example "gatehouse:"
-- ARGV[3]: how many keys to look at before returning (bounds how long one call blocks)
-- Reply: {next cursor ("0" when done), kind, keys, keys with a TTL, kind, keys, keys with a TTL, ...};
--        the kind is the segment after the prefix ("s", "rt", "cache", ...) or "" for other keys.
-- Example: no keys, ARGV 0 gatehouse: 100000
local cursor, prefix, budget = ARGV[1], ARGV[2], tonumber(ARGV[3])
local counts, ttls, seen = {}, {}, 0
repeat
  local r = redis.call('SCAN', cursor, 'COUNT', 1000)
  cursor = r[1]
  for _, key in ipairs(r[2]) do
    local kind = ''
    if string.sub(key, 1, #prefix) == prefix then
      kind = string.match(string.sub(key, #prefix + 1), '^[^:]*')
    end
    counts[kind] = (counts[kind] or 0) + 1
    if redis.call('PTTL', key) > 0 then
      ttls[kind] = (ttls[kind] or 0) + 1
    end
    seen = seen + 1
  end
until cursor == '0' or seen >= budget
local reply = {cursor}
for kind, n in pairs(counts) do
  table.insert(reply, kind)
  table.insert(reply, n)
  table.insert(reply, ttls[kind] or 0)
end
return reply
