-- Read-through, the careful way (the fast way is one plain SET value "L|token" NX PX lease GET):
-- returns the cached value, or gives the caller the loader lease for the key, which is a placeholder
-- "L|<token>" in the value key itself, or says another loader holds it. A caller told to wait marks
-- the placeholder "L|<token>|w" (same TTL), so the holder's store.lua has its wake-up published
-- (unwaited loads publish nothing); the mark lives and dies with the lease, no key of its own.
-- Keys: KEYS[1] value key
-- Args: ARGV[1] the caller's lease token (unique per load), ARGV[2] lease time in milliseconds,
--       ARGV[3] a value the caller found unusable (unreadable, or invalidated by group): treated as
--       absent, so it gets replaced; empty for none
-- Reply: {1, value} when a value is cached; {2} when the caller now holds the lease (it should load);
--        {3, pttl, holder} when another loader (token holder) holds it for pttl more milliseconds
-- Example: KEYS gatehouse:cache:ex:{k1} ARGV tok-1 5000 v|0|0|g1=1|1
local v = redis.call('GET', KEYS[1])
local mine = 'L|' .. ARGV[1]
if v == mine or v == mine .. '|w' then
  return {2}
end
if (not v) or v == ARGV[3] then
  redis.call('SET', KEYS[1], mine, 'PX', ARGV[2])
  return {2}
end
if string.sub(v, 1, 2) ~= 'L|' then
  return {1, v}
end
local pttl = redis.call('PTTL', KEYS[1])
local holder = string.sub(v, 3)
if string.sub(v, -2) == '|w' then
  holder = string.sub(v, 3, -3)
else
  redis.call('SET', KEYS[1], v .. '|w', 'KEEPTTL')
end
return {3, pttl, holder}
