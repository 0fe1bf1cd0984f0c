-- Stores a new refresh family with its first refresh token's hash, in one round trip.
-- Keys: KEYS[1] family hash
-- Args: ARGV[1] SHA-256 of the refresh token, ARGV[2] family lifetime (ms)
-- Reply: 1
-- Example: KEYS gatehouse:rt:{fam1} ARGV h1 2592000000
redis.call('HSET', KEYS[1], 'cur', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
