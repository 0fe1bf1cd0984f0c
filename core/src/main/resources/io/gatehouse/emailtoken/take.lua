-- Takes a mailed single-use token: returns what it was issued for and deletes it, in one atomic step, so of
-- two concurrent takes (two clicks, two instances) exactly one gets the value.
-- Keys: KEYS[1] the token's key, <prefix>:et:{<sha256 of the token, base64url>}:<purpose>
-- Args: none
-- Reply: the stored "<userId>\n<binding>", or nil when the token is unknown, expired or already taken
-- Example: KEYS gatehouse:et:{n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg}:reset
local value = redis.call('GET', KEYS[1])
if not value then
  return false
end
redis.call('DEL', KEYS[1])
return value
