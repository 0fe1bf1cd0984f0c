-- A loader's write: stores the value only while the caller still holds its lease, so that a delete
-- or put that happened during the load (it removes the lease) is not overwritten by an older value.
-- The lease of a miss is the placeholder "L|<token>" in the value key itself (guard = value key);
-- the lease of an early refresh is the separate lease key (guard = lease key, deleted here).
-- Publishes only when someone listens for it: a caller that waited (lookup.lua left the waiting mark)
-- or, as the caller says, a near cache somewhere that may hold an older copy.
-- Keys: KEYS[1] value key, KEYS[2] guard key (KEYS[1] or its lease key), KEYS[3] its waiting mark
--       (same hash tag)
-- Args: ARGV[1] the guard's expected content ("L|<token>" or "<token>"), ARGV[2] encoded entry,
--       ARGV[3] TTL in milliseconds, ARGV[4] invalidation channel, ARGV[5] message (wakes waiting
--       instances, drops near copies), ARGV[6] "1" to publish even without waiters, "0" otherwise
-- Reply: 1 stored (lease released, published if needed); 0 lease lost, nothing written
-- Example: KEYS gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1}:waiting ARGV L|tok-1 v|0|0||1 60000 gatehouse:cache i1_ex_k_k1 0
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if KEYS[2] ~= KEYS[1] then
  redis.call('DEL', KEYS[2])
end
if redis.call('DEL', KEYS[3]) == 1 or ARGV[6] == '1' then
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return 1
