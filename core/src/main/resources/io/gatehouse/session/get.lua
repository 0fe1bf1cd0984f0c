-- Reads one session entry of a user, by the random part of its id.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] the random part of the session id
-- Reply: the entry (expired or not: the caller decides with its clock), or nil
-- Example: KEYS gatehouse:s:{u1} ARGV AAAAAAAAAAAAAAAAAAAAAA
local blob = redis.call('GET', KEYS[1])
if not blob then return false end
local from = string.find(blob, '\n' .. ARGV[1] .. '|', 1, true)
if not from then return false end
local to = string.find(blob, '\n', from + 1, true)
return string.sub(blob, from + 1, (to or 0) - 1)
