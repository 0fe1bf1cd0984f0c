-- Gives a loader lease back (the load failed or cached nothing), only if the caller still holds it:
-- a lease that expired and was taken by another loader is not the caller's to delete.
-- Keys: KEYS[1] lease key
-- Args: ARGV[1] the caller's lease token
-- Reply: 1 released, 0 not held by the caller
-- Example: KEYS gatehouse:cache:ex:{k1}:lease ARGV tok-1
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
