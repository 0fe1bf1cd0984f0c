-- A loader's write: stores the value only while the caller still holds its lease, so that a delete
-- or put that happened during the load (it removes the lease) is not overwritten by an older value.
-- The lease of a miss is the placeholder "L|<token>" in the value key itself (guard = value key),
-- "L|<token>|w" once another instance waits for it (lookup.lua); the lease of an early refresh is
-- the separate lease key (guard = lease key, deleted here). Kept to two Redis calls and five
-- arguments on a miss: it runs once per miss, on the path every cold key takes.
-- Keys: KEYS[1] value key, KEYS[2] guard key (KEYS[1] or its lease key; same hash tag)
-- Args: ARGV[1] the guard's expected content ("L|<token>" or "<token>"), ARGV[2] encoded entry,
--       ARGV[3] TTL in milliseconds; optional ARGV[4] channel and ARGV[5] message: publish it (a near
--       cache somewhere may hold an older copy)
-- Reply: 1 stored (lease released, published if asked); 2 stored, and another instance waits for
--        it: the caller publishes the wake-up; 0 lease lost, nothing written
-- Example: KEYS gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1} ARGV L|tok-1 v|0|0||1 60000
local guard = redis.call('GET', KEYS[2])
local waited = false
if guard ~= ARGV[1] then
  if guard ~= ARGV[1] .. '|w' then
    return 0
  end
  waited = true
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if KEYS[2] ~= KEYS[1] then
  redis.call('DEL', KEYS[2])
end
if ARGV[4] then
  redis.call('PUBLISH', ARGV[4], ARGV[5])
  return 1
end
if waited then
  return 2
end
return 1
