-- GCRA for limits whose keys share one Cluster slot, decided all or nothing.
-- Each key holds one number: the theoretical arrival time (TAT) in microseconds since the epoch. A request
-- of cost c fits a limit when max(TAT, now) + c*interval - burst*interval <= now. In "consume" mode, if every
-- limit fits, each TAT moves to max(TAT, now) + c*interval and expires when it drains (PX); if one does not
-- fit, nothing is written. "peek" never writes. The caller computes remaining/retry-after/reset from the
-- reply with the same arithmetic (Gcra.java), so the script stays small and both sides cannot disagree.
-- Keys: KEYS[i] = TAT key of limit i (gatehouse:rl:{<subject>}:<policy>), all sharing one hash tag.
-- Args: ARGV[1] = "consume" or "peek"; ARGV[2] = now in microseconds, or "redis" to read Redis TIME;
--       then for each key i: ARGV[3i] = emission interval (microseconds), ARGV[3i+1] = burst, ARGV[3i+2] = cost.
-- Reply: {now, all_fit (1/0), committed (1/0), TAT of key 1 before the call (0 if none), TAT of key 2, ...}
-- Example: KEYS gatehouse:rl:{u1}:api-second gatehouse:rl:{u1}:api-day ARGV consume redis 100000 10 1 864000 100 1

local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local n = #KEYS
local stored = {}
local fit = 1
for i = 1, n do
  local interval = tonumber(ARGV[3 * i])
  local burst = tonumber(ARGV[3 * i + 1])
  local cost = tonumber(ARGV[3 * i + 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0') or 0
  stored[i] = tat
  if math.max(tat, now) + cost * interval - burst * interval > now then
    fit = 0
  end
end

local committed = 0
if fit == 1 and ARGV[1] == 'consume' then
  for i = 1, n do
    local interval = tonumber(ARGV[3 * i])
    local cost = tonumber(ARGV[3 * i + 2])
    local tat = math.max(stored[i], now) + cost * interval
    redis.call('SET', KEYS[i], string.format('%.0f', tat), 'PX', math.max(1, math.ceil((tat - now) / 1000)))
  end
  committed = 1
end

local reply = {now, fit, committed}
for i = 1, n do
  reply[3 + i] = stored[i]
end
return reply
