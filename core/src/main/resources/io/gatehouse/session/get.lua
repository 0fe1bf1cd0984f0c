-- Reads one entry of a user by its name: a session's name (the first part of its handle; the secret id is
-- never stored) or "~<device>" for a trust entry.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>} (entries separated by "\n", maybe one in front)
-- Args: ARGV[1] the entry's name
-- Reply: the entry (expired or not: the caller decides with its clock), or nil
-- Example: KEYS gatehouse:s:{u1} ARGV AAAAAAAAAAAAAAAA
local blob = redis.call('GET', KEYS[1])
if not blob then return false end
-- Every entry starts with its name (16 characters for a session, "~" and 11 for a trust entry) and holds
-- no "\n", so a name right after a "\n" is the start of that entry.
blob = '\n' .. blob
local from = string.find(blob, '\n' .. ARGV[1], 1, true)
if not from then return false end
local to = string.find(blob, '\n', from + 1, true)
return string.sub(blob, from + 1, (to or 0) - 1)
