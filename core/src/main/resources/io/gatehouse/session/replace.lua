-- Compare-and-set of one entry (touch, attribute update): replaces it only if it is still exactly as read.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>} (entries separated by "\n", maybe one in front)
-- Args: ARGV[1] the entry as read, ARGV[2] the new entry, ARGV[3] seconds the key must live at least
-- Reply: 1 replaced, 0 the entry changed or went away meanwhile
-- Example: KEYS gatehouse:s:{u1} ARGV AAAAAAAAAAAAAAAAAHVbeAAAAAAAAAAAAA AAAAAAAAAAAAAAAABHVbeA8AAAAAAAAAAAAA 1800
local blob = redis.call('GET', KEYS[1])
if not blob then return 0 end
blob = '\n' .. blob
local needle = '\n' .. ARGV[1]
local from = string.find(blob, needle, 1, true)
if not from then return 0 end
local after = from + #needle
if after <= #blob and string.byte(blob, after) ~= 10 then return 0 end
-- Without the "\n" added in front above.
redis.call('SET', KEYS[1], string.sub(blob, 2, from) .. ARGV[2] .. string.sub(blob, after), 'KEEPTTL')
redis.call('EXPIRE', KEYS[1], ARGV[3], 'GT')
return 1
