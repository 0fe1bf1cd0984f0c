-- Gives back units that a multi-limit decision consumed in this slot while a limit in another slot refused
-- the request: each TAT moves back by cost*interval; a TAT that lands at or before now is deleted (drained).
-- GCRA is additive, so this removes exactly this request's share even if others consumed since.
-- Keys: KEYS[i] = TAT key of limit i (gatehouse:rl:{<subject>}:<policy>), all sharing one hash tag.
-- Args: ARGV[1] = now in microseconds, or "redis" to read Redis TIME;
--       then for each key i: ARGV[2i] = emission interval (microseconds), ARGV[2i+1] = cost.
-- Reply: the number of keys changed.
-- Example: KEYS gatehouse:rl:{u1}:api-second gatehouse:rl:{u1}:api-day ARGV redis 100000 1 864000 1

local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local changed = 0
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '')
  if tat then
    local back = tat - tonumber(ARGV[2 * i]) * tonumber(ARGV[2 * i + 1])
    if back <= now then
      redis.call('DEL', KEYS[i])
    else
      redis.call('SET', KEYS[i], string.format('%.0f', back), 'PX', math.max(1, math.ceil((back - now) / 1000)))
    end
    changed = changed + 1
  end
end
return changed
