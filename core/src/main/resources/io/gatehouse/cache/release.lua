-- Gives a loader lease back (the load failed or cached nothing), only if the caller still holds it:
-- a lease that expired and was taken by another loader is not the caller's to delete. The lease is
-- the value key's placeholder "L|<token>" (a miss) or the lease key (an early refresh).
-- Keys: KEYS[1] the key holding the lease
-- Args: ARGV[1] its expected content ("L|<token>" or "<token>")
-- Reply: 1 released, 0 not held by the caller
-- Example: KEYS gatehouse:cache:ex:{k1}:lease ARGV tok-1
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
