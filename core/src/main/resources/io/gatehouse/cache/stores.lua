-- A batch of loaders' writes after misses (StoreBatcher: the writes that arrive while the previous
-- batch is on its way go together): each entry is stored only while its caller still holds its load
-- lease, the placeholder "L|<token>" in the value key ("L|<token>|w" once another instance waits for
-- it), exactly as store.lua does for one. One script call per batch instead of one per miss: a script
-- call's own cost in Redis is several times a plain SET's, and it ran on every miss.
-- Keys: the value keys, one per write (a single server takes keys of any slot: RedisConnection.evalBatches;
--       should it split a batch by slot, each call still gets every write's arguments and does its keys')
-- Args: four per write, in the order of the keys: value key, the expected placeholder "L|<token>",
--       encoded entry, TTL in milliseconds
-- Reply: per key, in the order of KEYS, the write's number (1-based, in ARGV) and its result, flat:
--        {n1, r1, n2, r2, ...}; r = 1 stored, 2 stored and another instance waits for it (the caller
--        publishes the wake-up), 0 lease lost, nothing written
-- Example: KEYS gatehouse:cache:ex:{k1} ARGV gatehouse:cache:ex:{k1} L|i1:7 v|0|0||1 60000
local n = #KEYS
-- In order (the batch as sent): KEYS[i]'s write is the i-th. Else (a call split by slot) each key takes
-- the first write of that key not done yet.
local inOrder = #ARGV == 4 * n
for i = 1, n do
  if inOrder and ARGV[4 * i - 3] ~= KEYS[i] then
    inOrder = false
  end
end
local byKey = {}
if not inOrder then
  for j = #ARGV - 3, 1, -4 do
    local list = byKey[ARGV[j]] or {}
    table.insert(list, j)
    byKey[ARGV[j]] = list
  end
end
local out = {}
for i = 1, n do
  local k = KEYS[i]
  local a = 4 * i - 3
  if not inOrder then
    a = table.remove(byKey[k])
  end
  local guard = redis.call('GET', k)
  local r = 0
  if guard == ARGV[a + 1] then
    r = 1
  elseif guard == ARGV[a + 1] .. '|w' then
    r = 2
  end
  if r > 0 then
    redis.call('SET', k, ARGV[a + 2], 'PX', ARGV[a + 3])
  end
  out[2 * i - 1] = (a + 3) / 4
  out[2 * i] = r
end
return out
