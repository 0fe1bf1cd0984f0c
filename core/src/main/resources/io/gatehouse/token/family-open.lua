-- Stores a new refresh family with its first refresh token's hash and its claims, in one round trip.
-- Keys: KEYS[1] family hash
-- Args: ARGV[1] SHA-256 of the refresh token, ARGV[2] family lifetime (ms), ARGV[3] the family's claims
--       (FamilyClaims: subject, session, start, roles, permissions)
-- Reply: 1
-- Example: KEYS gatehouse:rt:{fam1} ARGV h1 2592000000 '{"s":"user-1","i":"sess-1","t":1700000000000,"r":["admin"]}'
redis.call('HSET', KEYS[1], 'cur', ARGV[1], 'c', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
