-- Writes revocations to the authoritative index AND appends them to the revocation stream, in one
-- atomic step, so the index and the stream can never disagree. Also drops a bounded number of expired
-- index entries, and trims the stream by age and by length, exactly but at most ARGV[5] entries per call
-- (a mass logout ages out as one burst; removing it all in one call would block Redis for tens of ms).
-- Keys: KEYS[1] stream; per kind a zset id->until and a hash id->"until|at|reason", in this order:
--       KEYS[2],KEYS[3] token; KEYS[4],KEYS[5] session; KEYS[6],KEYS[7] family; KEYS[8],KEYS[9] user;
--       KEYS[10] the trim watermark: the highest stream id ever trimmed (all under one hash tag: one slot)
-- Args: ARGV[1] now (ms), ARGV[2] stream max length, ARGV[3] stream retention (ms), ARGV[4] max expired
--       entries to drop per kind, ARGV[5] max stream entries to trim (>= 1), then 5 per revocation:
--       kind (j|s|f|u), id, at (ms), until (ms), reason
-- Reply: { more: 1 when a bound stopped the cleanup (expired entries or stream entries are left that a
--        further call removes; the periodic cleanup calls again until 0), then the stream ids of the
--        appended entries }
-- Example: KEYS gatehouse:rev:{log}:stream gatehouse:rev:{log}:token gatehouse:rev:{log}:token:info gatehouse:rev:{log}:session gatehouse:rev:{log}:session:info gatehouse:rev:{log}:family gatehouse:rev:{log}:family:info gatehouse:rev:{log}:user gatehouse:rev:{log}:user:info gatehouse:rev:{log}:trimmed ARGV 1700000000000 1000 3600000 10 100 j jti-1 1700000000000 1700000900000 logout
local now = tonumber(ARGV[1])
local slot = { j = 2, s = 4, f = 6, u = 8 }
local ids = { 0 }
local n = (#ARGV - 5) / 5
for i = 0, n - 1 do
  local b = 6 + i * 5
  local kind, id, at, untl, reason = ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), ARGV[b + 4]
  local z = slot[kind]
  if not z then
    return redis.error_reply('ERR unknown revocation kind ' .. tostring(kind))
  end
  -- Merge with an existing entry as LocalRevocationState.merge does: latest until; for users the
  -- latest not-before wins, for the others the first revocation (and its reason) stays.
  local old = redis.call('HGET', KEYS[z + 1], id)
  if old then
    local ou, oa, oreason = string.match(old, '^(%d+)|(%d+)|(.*)$')
    ou = tonumber(ou)
    oa = tonumber(oa)
    if ou > untl then untl = ou end
    if (kind == 'u' and oa >= at) or (kind ~= 'u' and oa <= at) then
      at = oa
      reason = oreason
    end
  end
  redis.call('HSET', KEYS[z + 1], id, string.format('%d|%d|%s', untl, at, reason))
  redis.call('ZADD', KEYS[z], untl, id)
  ids[#ids + 1] = redis.call('XADD', KEYS[1], '*',
    'k', kind, 'i', id, 'a', string.format('%d', at), 'u', string.format('%d', untl), 'r', reason)
end
-- Expired entries: bounded work per call; the periodic cleanup call (no revocations) does the rest.
local limit = tonumber(ARGV[4])
for z = 2, 8, 2 do
  local dead = redis.call('ZRANGEBYSCORE', KEYS[z], '-inf', '(' .. ARGV[1], 'LIMIT', 0, limit)
  if #dead > 0 then
    redis.call('ZREM', KEYS[z], unpack(dead))
    redis.call('HDEL', KEYS[z + 1], unpack(dead))
  end
  if #dead == limit then ids[1] = 1 end
end
-- Trimming, exact and bounded, recording the highest id removed (the watermark): a reader whose position
-- is below the watermark has missed entries and must resync; one at or above it has missed nothing.
-- At most ARGV[5] entries leave per call, by age first, then by length: when more are due, the call reads
-- the oldest budget + 1, removes exactly the first budget (XTRIM MINID <the next one's id>) and replies
-- more = 1. Stream ids only grow, so each call's watermark is above the previous one.
local budget = tonumber(ARGV[5])
local watermark = nil
-- By age: ids below <now - retention>-0 (the full id: an XRANGE end without its sequence would take in
-- the entries of that very millisecond, which XTRIM MINID keeps).
local t = redis.call('TIME')
local minid = string.format('%d-0', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[3]))
local aged = redis.call('XRANGE', KEYS[1], '-', '(' .. minid, 'COUNT', budget + 1)
if #aged > budget then
  watermark = aged[budget][1]
  redis.call('XTRIM', KEYS[1], 'MINID', aged[budget + 1][1])
  budget = 0
  ids[1] = 1
elseif #aged > 0 then
  watermark = aged[#aged][1]
  redis.call('XTRIM', KEYS[1], 'MINID', minid)
  budget = budget - #aged
end
-- By length: the oldest entries beyond the max length.
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[2])
if excess > budget then
  ids[1] = 1
  if budget > 0 then
    local victims = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', budget + 1)
    watermark = victims[budget][1]
    redis.call('XTRIM', KEYS[1], 'MINID', victims[budget + 1][1])
  end
elseif excess > 0 then
  local victims = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
  watermark = victims[excess][1]
  redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[2])
end
if watermark then
  redis.call('SET', KEYS[10], watermark)
end
return ids
