-- Read-through miss: returns the cached value, or gives the caller the loader lease for the key.
-- Keys: KEYS[1] value key, KEYS[2] its lease key (same hash tag)
-- Args: ARGV[1] the caller's lease token (unique per load), ARGV[2] lease time in milliseconds,
--       ARGV[3] a value the caller found unusable (unreadable, or invalidated by group): treated as
--       absent, so it gets replaced; empty for none
-- Reply: {1, value} when a value is cached; {2} when the caller now holds the lease (it should load);
--        {3, pttl} when another loader holds it for pttl more milliseconds (wait for the value)
-- Example: KEYS gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1}:lease ARGV tok-1 5000 v|0|0|g1=1|1
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[3] then
  return {1, v}
end
local holder = redis.call('GET', KEYS[2])
if not holder then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  return {2}
end
if holder == ARGV[1] then
  return {2}
end
return {3, redis.call('PTTL', KEYS[2])}
