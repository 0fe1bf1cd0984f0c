-- Consecutive login-failure counters of one hash tag (one account, or one IP), read or counted in one step.
-- Each counter is a hash: f = failures since the last lockout, n = lockouts so far, u = locked until (ms),
-- p = 1 when locked permanently, l = last failure (ms), e = the epoch it belongs to. An administrator's unlock bumps the tag's
-- epoch (KEYS[1]), which voids every counter of the tag at once, without having to find them (no SCAN).
-- "fail" counts one failure on each counter whose dimension is on (max failures > 0) and that is not locked
-- now; at max failures it locks for min(n * increment, max wait) and starts again from zero, and after
-- "permanent after" lockouts (0 = never) it locks for good. "check" only reads.
-- A counter is forgotten after the failure reset time without failures (plus its running lockout): checked
-- against "now" here (so it holds for either time source) and by PEXPIRE (so Redis drops it).
-- Keys: KEYS[1] = the tag's epoch key; KEYS[2..] = counter hashes (gatehouse:lock:{<account>}:account,
--       gatehouse:lock:{<account>}:ip:<ip>, or gatehouse:lockip:{<ip>}:ip), all sharing one hash tag.
-- Args: ARGV[1] = "fail" or "check"; ARGV[2] = now in ms, or "redis" to read Redis TIME;
--       ARGV[3] = wait increment (ms); ARGV[4] = max wait (ms); ARGV[5] = failure reset (ms);
--       ARGV[6] = permanent after (0 = never); ARGV[5 + i] = max failures of KEYS[i] (i >= 2; 0 = off).
-- Reply: {now, then for each counter: locked until (ms, 0 if never locked), permanent (1/0), locked by this call (1/0)}
-- Example: KEYS gatehouse:lock:{alice}:epoch gatehouse:lock:{alice}:account gatehouse:lock:{alice}:ip:10.0.0.1 ARGV fail redis 60000 900000 900000 0 0 5

local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local epoch = redis.call('GET', KEYS[1]) or '0'
local inc = tonumber(ARGV[3])
local maxWait = tonumber(ARGV[4])
local reset = tonumber(ARGV[5])
local permanentAfter = tonumber(ARGV[6])

local reply = {now}
for i = 2, #KEYS do
  local maxFailures = tonumber(ARGV[5 + i])
  local h = {}
  if maxFailures > 0 then
    -- A dimension switched off is not enforced, even if it has counters from before.
    h = redis.call('HMGET', KEYS[i], 'f', 'n', 'u', 'p', 'l', 'e')
  end
  local f, n, u, p = 0, 0, 0, 0
  if h[6] == epoch then
    f = tonumber(h[1]) or 0
    n = tonumber(h[2]) or 0
    u = tonumber(h[3]) or 0
    p = tonumber(h[4]) or 0
    if p == 0 and now >= math.max(u, tonumber(h[5]) or 0) + reset then
      f, n, u = 0, 0, 0
    end
  end
  local newly = 0
  if ARGV[1] == 'fail' and maxFailures > 0 and p == 0 and u <= now then
    f = f + 1
    if f >= maxFailures then
      n = n + 1
      f = 0
      u = now + math.min(n * inc, maxWait)
      newly = 1
      if permanentAfter > 0 and n >= permanentAfter then
        p = 1
      end
    end
    redis.call('HSET', KEYS[i], 'f', f, 'n', n, 'u', string.format('%.0f', u), 'p', p, 'l', string.format('%.0f', now), 'e', epoch)
    if p == 1 then
      redis.call('PERSIST', KEYS[i])
    else
      redis.call('PEXPIRE', KEYS[i], math.max(u - now, 0) + reset)
    end
  end
  reply[#reply + 1] = u
  reply[#reply + 1] = p
  reply[#reply + 1] = newly
end
return reply
