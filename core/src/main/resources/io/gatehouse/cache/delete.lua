-- Removes a value and any loader lease on it (so a load in progress does not write an outdated value
-- back), then tells the other instances' near caches.
-- Keys: KEYS[1] value key, KEYS[2] its lease key (same hash tag)
-- Args: ARGV[1] invalidation channel, ARGV[2] message
-- Reply: number of keys removed
-- Example: KEYS gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1}:lease ARGV gatehouse:cache i1_ex_k_k1
local n = redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return n
