-- Tells a reader resuming the revocation stream from a position whether it missed entries, exactly:
-- revoke.lua records the highest id it ever trimmed (the watermark); a position below it has missed
-- entries. A position beyond the stream's last generated id, or a missing stream while the reader had
-- a position, means the stream was deleted or recreated (Redis lost its data): also a gap.
-- Keys: KEYS[1] the revocation stream, KEYS[2] the trim watermark (same hash tag)
-- Args: ARGV[1] the reader's position (a stream id; 0-0 before any entry)
-- Reply: { gap (1 or 0), the stream's last generated id (0-0 when there is no stream) }
-- Example: KEYS gatehouse:rev:{log}:stream gatehouse:rev:{log}:trimmed ARGV 0-0
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function greater(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am > bm or (am == bm and as > bs)
end
local pos = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then
  if pos == '0-0' then return { 0, '0-0' } end
  return { 1, '0-0' }
end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
end
if greater(pos, last) then return { 1, last } end
local watermark = redis.call('GET', KEYS[2])
if watermark and greater(watermark, pos) then return { 1, last } end
return { 0, last }
