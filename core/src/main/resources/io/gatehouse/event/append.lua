-- Appends security events to one stream, each at most once, trimming by time as it goes.
-- Keys: KEYS[1] the stream (one user's log, or one shard of the global log);
--       KEYS[2] its "late" sorted set: ids of events that could not take their own stream id (score: time ms);
--       KEYS[3] optional: the shard's counts hash of the events' UTC day (fields t:<type>, s:<severity>)
-- Args: ARGV[1] retention cutoff, epoch ms: XADD MINID ~ trims entries with older ids, a node at a time;
--       ARGV[2] TTL of the stream and late set in ms (the retention: a user who never comes back leaves nothing);
--       ARGV[3] TTL of the counts hash in ms;
--       then 11 values per event: id, time ms, seq (48-bit hash of the id), type, severity, user, session, ip,
--       user agent, reason, details (every entry has the same fields in the same order, so Redis stores the
--       field names once per stream node)
-- Reply: the number of events added. An event's own stream id is <time ms>-<seq>: if an entry with that id
--        and this event id exists, or the id is in the late set, the event is already stored and is skipped.
--        This makes retries and spool replays idempotent at O(log n) per event.
-- Example: KEYS gatehouse:ev:{g0}:log gatehouse:ev:{g0}:late gatehouse:ev:{g0}:counts:20250101 ARGV 1700000000000 7776000000 7862400000 01JGFJJZ000000000000000000 1735689600000 123456789 login_failure warning u42 s1 203.0.113.9 curl bad_password {"n":"1"}
local stream, late, counts = KEYS[1], KEYS[2], KEYS[3]
local topMs, topSeq = -1, -1
local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
if #last > 0 then
  local a, b = string.match(last[1][1], '^(%d+)-(%d+)$')
  topMs, topSeq = tonumber(a), tonumber(b)
end
local hasLate = redis.call('EXISTS', late) == 1
if hasLate then
  redis.call('ZREMRANGEBYSCORE', late, '-inf', '(' .. ARGV[1])
end
local added = 0
for i = 4, #ARGV, 11 do
  local id, t, seq = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local tn, sn = tonumber(t), tonumber(seq)
  local own = t .. '-' .. seq
  local at = redis.call('XRANGE', stream, own, own)
  local stored = (#at > 0 and at[1][2][2] == id) or (hasLate and redis.call('ZSCORE', late, id))
  if not stored then
    local sid
    if #at == 0 and (tn > topMs or (tn == topMs and sn > topSeq)) then
      sid = own
    else
      -- Older than the stream's last entry (or its own id is taken): it goes in at the top, which keeps
      -- ids never below event times, and is remembered in the late set for the duplicate check.
      sid = string.format('%d', topMs) .. '-*'
      redis.call('ZADD', late, tn, id)
      hasLate = true
    end
    sid = redis.call('XADD', stream, 'MINID', '~', ARGV[1], sid,
      'id', id, 't', t, 'ty', ARGV[i + 3], 'sv', ARGV[i + 4], 'u', ARGV[i + 5], 's', ARGV[i + 6],
      'ip', ARGV[i + 7], 'ua', ARGV[i + 8], 'r', ARGV[i + 9], 'd', ARGV[i + 10])
    local a, b = string.match(sid, '^(%d+)-(%d+)$')
    topMs, topSeq = tonumber(a), tonumber(b)
    added = added + 1
    if counts then
      redis.call('HINCRBY', counts, 't:' .. ARGV[i + 3], 1)
      redis.call('HINCRBY', counts, 's:' .. ARGV[i + 4], 1)
    end
  end
end
redis.call('PEXPIRE', stream, ARGV[2])
if hasLate then
  redis.call('PEXPIRE', late, ARGV[2])
end
if counts then
  redis.call('PEXPIRE', counts, ARGV[3])
end
return added
