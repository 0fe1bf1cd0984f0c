-- Gives a loader lease back (the load failed or cached nothing), only if the caller still holds it:
-- a lease that expired and was taken by another loader is not the caller's to delete. The lease is
-- the value key's placeholder "L|<token>" (a miss; "L|<token>|w" once someone waits for it) or the
-- lease key (an early refresh).
-- Keys: KEYS[1] the key holding the lease
-- Args: ARGV[1] its expected content ("L|<token>" or "<token>")
-- Reply: 1 released, 0 not held by the caller
-- Example: KEYS gatehouse:cache:ex:{k1}:lease ARGV tok-1
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == ARGV[1] .. '|w' then
  return redis.call('DEL', KEYS[1])
end
return 0
