-- Check-and-rotate of a refresh family, atomically: concurrent refreshes with one token get one
-- rotation, and the others either the same successor (inside the grace window) or a reuse verdict.
-- The caller may skip verifying the presented token's signature (ARGV[7] = '0'): a presented hash equal
-- to the stored current or last retired hash proves the token is, byte for byte, one we issued. A hash
-- we never stored proves nothing, so it changes nothing ('unmatched'): the caller verifies the signature
-- and asks again with ARGV[7] = '1' (an authentic token of this family that is neither current nor the
-- last retired one is an older generation: reuse). A forged token can therefore never mark a family.
-- Keys: KEYS[1] family hash {cur, prev, rot, reused}, KEYS[2] sealed successor string (expires with
--       the grace window) -- same hash tag, the family id
-- Args: ARGV[1] SHA-256 of the presented token, ARGV[2] SHA-256 of the new token, ARGV[3] new token
--       sealed with a key derived from the presented one, ARGV[4] now (ms), ARGV[5] grace (ms),
--       ARGV[6] family lifetime (ms), ARGV[7] '1' if the caller verified the presented token's signature
-- Reply: {'rotated'} | {'grace', sealed successor} | {'reused', '1' first time or '0'} | {'unknown'}
--        | {'unmatched'} (ARGV[7] = '0' and the hash is neither cur nor prev: nothing changed)
-- Example: KEYS gatehouse:rt:{fam1} gatehouse:rt:{fam1}:succ ARGV h1 h2 sealed 1700000000000 10000 2592000000 0
local f = redis.call('HMGET', KEYS[1], 'cur', 'prev', 'rot', 'reused')
if not f[1] then
  return { 'unknown' }
end
if ARGV[1] ~= f[1] and ARGV[1] ~= f[2] and ARGV[7] ~= '1' then
  return { 'unmatched' }
end
if f[4] then
  return { 'reused', '0' }
end
local now = tonumber(ARGV[4])
if ARGV[1] == f[1] then
  redis.call('HSET', KEYS[1], 'cur', ARGV[2], 'prev', ARGV[1], 'rot', ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  if tonumber(ARGV[5]) > 0 then
    redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[5])
  else
    redis.call('DEL', KEYS[2])
  end
  return { 'rotated' }
end
-- The grace window is anchored at the rotation instant and never slides: a retry does not extend it.
if ARGV[1] == f[2] and now - tonumber(f[3]) <= tonumber(ARGV[5]) then
  local succ = redis.call('GET', KEYS[2])
  if succ then
    return { 'grace', succ }
  end
end
redis.call('HSET', KEYS[1], 'reused', ARGV[4])
redis.call('DEL', KEYS[2])
return { 'reused', '1' }
