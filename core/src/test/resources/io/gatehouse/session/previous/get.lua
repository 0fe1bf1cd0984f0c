-- Reads one session entry of a user, by its name (the first part of its handle; the secret id is never stored).
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] the entry's name
-- Reply: the entry (expired or not: the caller decides with its clock), or nil
-- Example: KEYS gatehouse:s:{u1} ARGV AAAAAAAAAAAAAAAA
local blob = redis.call('GET', KEYS[1])
if not blob then return false end
local from = string.find(blob, '\n' .. ARGV[1] .. '|', 1, true)
if not from then return false end
local to = string.find(blob, '\n', from + 1, true)
return string.sub(blob, from + 1, (to or 0) - 1)
