-- Makes a new signing key active if the active key is still the one the caller saw (compare-and-set),
-- so that instances rotating at the same moment agree on one new key.
-- Keys: KEYS[1] hash kid -> key record, KEYS[2] string: the active kid (same hash tag)
-- Args: ARGV[1] the active kid the caller saw ('-' for none; kids never contain '-' alone), ARGV[2] new kid, ARGV[3] new key record
-- Reply: the kid active afterwards (ARGV[2] if this call won, else the winner's kid)
-- Example: KEYS gatehouse:tok:{keys}:set gatehouse:tok:{keys}:active ARGV - k1 {"kid":"k1"}
local current = redis.call('GET', KEYS[2])
if not current then current = '-' end
if current ~= ARGV[1] then
  return current
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SET', KEYS[2], ARGV[2])
return ARGV[2]
