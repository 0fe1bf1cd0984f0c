-- Appends a batch of security events to one shard: each event to the shard's global stream and to its
-- user's stream (both in the shard's hash tag), each at most once, trimming by time as it goes.
-- Keys: KEYS[1] the shard's global stream; KEYS[2] the shard's "late" sorted set (members: <event id> for
--       the global stream, u:<event id> for a user stream; score: event time ms): events that could not
--       take their own stream id; KEYS[3] the shard's counts hash of the events' UTC day (t:<type>,
--       s:<severity>); KEYS[4..] the user streams the events go to
-- Args: ARGV[1] retention cutoff, epoch ms (XADD MINID ~ trims older entries a node at a time, and the
--       late set below it); ARGV[2] TTL in ms of the streams and the late set (the retention plus the
--       client's TTL refresh interval: a user who never comes back leaves nothing); ARGV[3] TTL in ms of the
--       counts hash; ARGV[4] r: the user streams KEYS[4] to KEYS[3 + r] get their TTL set (the client sets
--       each user's TTL at most once per refresh interval, not on every call);
--       then 6 values per event, sorted by (time, seq): time ms, seq (48-bit hash of the id), index into
--       KEYS of its user stream (0: no user), type code, severity, body (the packed event, starting with
--       "<id>\31"; see RedisEventStore)
-- Reply: the number of events newly added to the global stream. An event's own stream id is
--        <time ms>-<seq>. The common case (newer than the stream's last entry) is one XADD with that id;
--        when Redis refuses it as not above the top, the event is stored already if the entry at its own id
--        carries its id or the late set holds it; otherwise it goes in at the top (field t keeps its time)
--        and into the late set. Retries and spool replays are therefore idempotent.
-- Example: KEYS gatehouse:ev:{g0}:log gatehouse:ev:{g0}:late gatehouse:ev:{g0}:counts:20250101 gatehouse:ev:{g0}:u:u42 ARGV 1700000000000 7776000000 7862400000 1 1735689600000 123456789 4 login_failure warning 01JGFJJZ000000000000000000
local cutoff = ARGV[1]
local late = KEYS[2]

-- Adds body to stream unless it is there already; true when added. keep: the stream's TTL is not due
-- for a refresh, so NOMKSTREAM: a stream that is gone (deleted, lost in a failover) is created again
-- here with its TTL, never left without one.
local function append(stream, member, ms, seq, body, keep)
  local r
  if keep then
    r = redis.pcall('XADD', stream, 'NOMKSTREAM', 'MINID', '~', cutoff, ms .. '-' .. seq, 'e', body)
    if r == false then
      r = redis.pcall('XADD', stream, 'MINID', '~', cutoff, ms .. '-' .. seq, 'e', body)
      redis.call('PEXPIRE', stream, ARGV[2])
    end
  else
    r = redis.pcall('XADD', stream, 'MINID', '~', cutoff, ms .. '-' .. seq, 'e', body)
  end
  if type(r) ~= 'table' then
    return true
  end
  if not string.find(r.err, 'equal or smaller', 1, true) then
    error(r.err)
  end
  local own = ms .. '-' .. seq
  local id = string.match(body, '^[^\31]*')
  local at = redis.call('XRANGE', stream, own, own)
  if #at > 0 then
    local f = at[1][2]
    local stored = f[#f]
    if string.sub(stored, 1, #id + 1) == id .. '\31' then
      return false
    end
  end
  if redis.call('ZSCORE', late, member .. id) then
    return false
  end
  -- Not above the top: it goes in at the top's millisecond (so a stream id is never below its event's
  -- time, which lets time-range reads stop early) and is remembered in the late set for the check above.
  local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  local topMs = string.match(top[1][1], '^(%d+)-')
  redis.call('XADD', stream, 'MINID', '~', cutoff, topMs .. '-*', 't', ms, 'e', body)
  redis.call('ZADD', late, ms, member .. id)
  return true
end

local refreshed = 3 + tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', late, '-inf', '(' .. cutoff)
local added = 0
local counts = {}
for i = 5, #ARGV, 6 do
  local ms, seq, u, body = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 5]
  if append(KEYS[1], '', ms, seq, body, false) then
    added = added + 1
    local t, s = 't:' .. ARGV[i + 3], 's:' .. ARGV[i + 4]
    counts[t] = (counts[t] or 0) + 1
    counts[s] = (counts[s] or 0) + 1
  end
  if u > 0 then
    append(KEYS[u], 'u:', ms, seq, body, u > refreshed)
  end
end
for field, n in pairs(counts) do
  redis.call('HINCRBY', KEYS[3], field, n)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', late, ARGV[2])
if added > 0 then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
for k = 4, refreshed do
  redis.call('PEXPIRE', KEYS[k], ARGV[2])
end
return added
