-- Accepts a TOTP time step for a user only if it is later than every step accepted before: a code works once,
-- and once a code of step T was used, codes of T and earlier (still inside the drift window) are refused.
-- Keys: KEYS[1] = gatehouse:totp:{<user>}:step (the last accepted step)
-- Args: ARGV[1] = the step (RFC 6238 T); ARGV[2] = seconds to remember it (past that no code of it is valid)
-- Reply: 1 accepted (and remembered), 0 refused (a replay or an older code)
-- Example: KEYS gatehouse:totp:{u42}:step ARGV 58934021 120
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
local step = tonumber(ARGV[1])
if step <= last then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
