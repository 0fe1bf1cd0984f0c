-- Records a login origin (a device id or a network) of one user and says whether it was new. Entries are kept
-- least recently seen first; past the capacity the oldest are forgotten.
-- Keys: KEYS[1] the user's origins of one kind, <prefix>:origin:{<userId>}:d (devices) or :n (networks)
-- Args: ARGV[1] the origin (no '|', no whitespace), ARGV[2] now in millis, ARGV[3] capacity, ARGV[4] seconds to
--       remember after this login
-- Reply: 2 if the user had no origin of this kind remembered (first), 1 if this one is new, 0 if it was known
-- Example: KEYS gatehouse:origin:{0b6f...}:n ARGV 192.0.2.0/24 1767225600000 20 31536000
local blob = redis.call('GET', KEYS[1]) or ''
local prefix = ARGV[1] .. '|'
local kept, known, any = {}, false, false
for entry in string.gmatch(blob, '\n([^\n]+)') do
  any = true
  if string.sub(entry, 1, #prefix) == prefix then known = true else kept[#kept + 1] = entry end
end
kept[#kept + 1] = ARGV[1] .. '|' .. ARGV[2]
local capacity = tonumber(ARGV[3])
local first = #kept - capacity + 1
if first < 1 then first = 1 end
local out = {}
for i = first, #kept do out[#out + 1] = '\n' .. kept[i] end
redis.call('SET', KEYS[1], table.concat(out), 'EX', ARGV[4])
if not any then return 2 end
if known then return 0 end
return 1
