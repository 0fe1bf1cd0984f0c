-- An application's write: replaces the value, cancels any loader lease (a load in progress must not
-- overwrite this newer value) and tells the other instances' near caches.
-- Keys: KEYS[1] value key, KEYS[2] its lease key (same hash tag)
-- Args: ARGV[1] encoded entry, ARGV[2] TTL in milliseconds, ARGV[3] invalidation channel, ARGV[4] message
-- Reply: 1
-- Example: KEYS gatehouse:cache:ex:{k1} gatehouse:cache:ex:{k1}:lease ARGV v|0|0||1 60000 gatehouse:cache i1_ex_k_k1
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
