-- Counts one attempt on a login challenge before its code is checked, so no more than the maximum number of codes
-- is ever checked against one challenge, however many requests race. The attempt past the maximum deletes the
-- challenge (locked: the login must start again, with the password).
-- Keys: KEYS[1] = gatehouse:mfa:{<sha256 of the challenge id>}
-- Args: ARGV[1] = the most attempts allowed
-- Reply: {attempt number, field, value, ...} (the context, with the counter field '#'), or {} when the challenge
--        does not exist, expired, or has no attempts left
-- Example: KEYS gatehouse:mfa:{9f86d0...} ARGV 5
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
local n = redis.call('HINCRBY', KEYS[1], '#', 1)
if n > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return {}
end
local reply = {n}
local h = redis.call('HGETALL', KEYS[1])
for i = 1, #h do
  reply[#reply + 1] = h[i]
end
return reply
