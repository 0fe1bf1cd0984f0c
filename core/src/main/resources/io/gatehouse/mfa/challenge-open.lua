-- Stores a login challenge that waits for its second factor: the context of the login and an attempt counter.
-- Keys: KEYS[1] = gatehouse:mfa:{<sha256 of the challenge id>}
-- Args: ARGV[1] = time to live (ms); ARGV[2..] = field, value, ... (the login's context)
-- Reply: OK
-- Example: KEYS gatehouse:mfa:{9f86d0...} ARGV 300000 user u42 ip 10.0.0.1
redis.call('DEL', KEYS[1])
local fields = {'#', '0'}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.status_reply('OK')
