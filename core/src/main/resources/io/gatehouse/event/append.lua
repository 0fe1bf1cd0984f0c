-- Appends security events to one stream, each at most once, trimming by time as it goes.
-- Keys: KEYS[1] the stream (one user's log, or one shard of the global log);
--       KEYS[2] optional: the shard's counts hash of the events' UTC day (fields t:<type>, s:<severity>)
-- Args: ARGV[1] retention cutoff, epoch ms: XADD MINID ~ trims entries with older ids, a node at a time;
--       ARGV[2] TTL of the stream in ms (the retention: a user who never comes back leaves nothing behind);
--       ARGV[3] TTL of the counts hash in ms;
--       then 10 values per event: id, time ms, type, severity, user, session, ip, user agent, reason, details
--       (every entry has the same fields in the same order, so Redis stores the names once per node)
-- Reply: the number of events added; an event whose id is already in the stream is skipped, which makes
--        retries and spool replays idempotent.
-- Example: KEYS gatehouse:ev:{g0}:log gatehouse:ev:{g0}:counts:20250101 ARGV 1700000000000 7776000000 7862400000 01JGFJJZ000000000000000000 1735689600000 login_failure warning u42 s1 203.0.113.9 curl bad_password {"n":"1"}
local stream = KEYS[1]
local counts = KEYS[2]
local topMs = nil
local added = 0
for i = 4, #ARGV, 10 do
  local id, t = ARGV[i], ARGV[i + 1]
  local tn = tonumber(t)
  -- An entry's id is never below its event's time, so if this event is stored it is at or after t;
  -- normally only a few entries are (a retry or replay follows the failure closely).
  local seen = false
  local later = redis.call('XRANGE', stream, t, '+', 'COUNT', 1000)
  for _, e in ipairs(later) do
    if e[2][2] == id then
      seen = true
      break
    end
  end
  if not seen then
    if topMs == nil then
      topMs = ''
      local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
      if #last > 0 then
        topMs = string.match(last[1][1], '^(%d+)')
      end
    end
    -- Stream ids must grow: an event older than the stream's last entry goes in at that entry's ms.
    local ms = t
    if topMs ~= '' and tonumber(topMs) >= tn then
      ms = topMs
    end
    local sid = redis.call('XADD', stream, 'MINID', '~', ARGV[1], ms .. '-*',
      'id', id, 't', t, 'ty', ARGV[i + 2], 'sv', ARGV[i + 3], 'u', ARGV[i + 4], 's', ARGV[i + 5],
      'ip', ARGV[i + 6], 'ua', ARGV[i + 7], 'r', ARGV[i + 8], 'd', ARGV[i + 9])
    topMs = string.match(sid, '^(%d+)')
    added = added + 1
    if counts then
      redis.call('HINCRBY', counts, 't:' .. ARGV[i + 2], 1)
      redis.call('HINCRBY', counts, 's:' .. ARGV[i + 3], 1)
    end
  end
end
redis.call('PEXPIRE', stream, ARGV[2])
if counts then
  redis.call('PEXPIRE', counts, ARGV[3])
end
return added
