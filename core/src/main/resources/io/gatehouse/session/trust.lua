-- Sets or removes the trusted-device entry of one device of a user.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>} (entries separated by "\n", maybe one in front)
-- Args: ARGV[1] device id, ARGV[2] the new trust entry ("" to remove trust), ARGV[3] seconds the key must live at least,
--       ARGV[4] "\n" to put a newline before every entry (entry-format = text; see create.lua), "" for none
--       (optional, default none)
-- Reply: 1 if the device had a trust entry before, else 0
-- Example: KEYS gatehouse:s:{u1} ARGV AAAAAAAAAAA ~AAAAAAAAAAA|s4b5fk|s5b5fk|| 2592000
local blob = redis.call('GET', KEYS[1]) or ''
local prefix = '~' .. ARGV[1] .. '|'
local out, existed = {}, 0
for entry in string.gmatch(blob, '[^\n]+') do
  if string.sub(entry, 1, #prefix) == prefix then existed = 1 else out[#out + 1] = entry end
end
if ARGV[2] ~= '' then out[#out + 1] = ARGV[2] end
if #out == 0 then
  redis.call('DEL', KEYS[1])
  return existed
end
local ttl = redis.call('TTL', KEYS[1])
redis.call('SET', KEYS[1], (ARGV[4] or '') .. table.concat(out, '\n'), 'KEEPTTL')
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
else
  redis.call('EXPIRE', KEYS[1], ARGV[3], 'GT')
end
return existed
