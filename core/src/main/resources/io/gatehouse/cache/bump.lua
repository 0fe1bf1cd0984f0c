-- Invalidates a group in O(1): gives it a new generation. Entries stamped with an older generation
-- are then treated as absent. Generations are server microseconds (or the old one plus one, if larger),
-- so after the key expires and the group starts again at "0", an old stamp can never match again.
-- Keys: KEYS[1] the group's generation key
-- Args: ARGV[1] how long to keep the generation, ms (at least the longest entry TTL),
--       ARGV[2] invalidation channel, ARGV[3] message
-- Reply: the new generation, as a string
-- Example: KEYS gatehouse:cache-group:ex:{g1} ARGV 2592000000 gatehouse:cache i1_ex_g_g1
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local gen = string.format('%.0f', math.max(cur + 1, now))
redis.call('SET', KEYS[1], gen, 'PX', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return gen
