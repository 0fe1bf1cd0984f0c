-- Read-through: returns the cached value, or gives the caller the loader lease for the key. A caller
-- told to wait leaves a "waiting" mark, so the lease holder's store.lua knows to publish a wake-up
-- (without waiters and without near caches, a load publishes nothing).
-- Keys: KEYS[1] value key, KEYS[2] its lease key, KEYS[3] its waiting mark (same hash tag)
-- Args: ARGV[1] the caller's lease token (unique per load), ARGV[2] lease time in milliseconds,
--       ARGV[3] a value the caller found unusable (unreadable, or invalidated by group): treated as
--       absent, so it gets replaced; empty for none
-- Reply: {1, value} when a value is cached; {2} when the caller now holds the lease (it should load);
--        {3, pttl, holder} when another loader (token holder) holds it for pttl more milliseconds
-- Example: KEYS gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1}:lease gatehouse:cache:ex:{k1}:waiting ARGV tok-1 5000 v|0|0|g1=1|1
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[3] then
  return {1, v}
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {2}
end
local holder = redis.call('GET', KEYS[2])
if holder == ARGV[1] then
  return {2}
end
local pttl = redis.call('PTTL', KEYS[2])
redis.call('SET', KEYS[3], '1', 'PX', math.max(pttl, 1))
return {3, pttl, holder}
