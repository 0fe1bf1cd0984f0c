-- Check-and-rotate of a refresh family, atomically: concurrent refreshes with one token get one
-- rotation, and the others either the same successor (inside the grace window) or a reuse verdict.
-- A presented hash equal to the stored current or last retired hash proves the token is, byte for byte,
-- one we issued: opaque refresh tokens are authenticated by nothing else, JWT ones need no signature
-- check then. A hash we never stored proves nothing, so it changes nothing ('unmatched'). For a JWT the
-- caller may verify its signature and ask again with ARGV[7] = '1' (an authentic token of this family
-- that is neither current nor the last retired one is an older generation: reuse). A forged token can
-- therefore never mark a family, nor spend its rate limit: the limit counts hash-matched requests only.
-- 'old' keeps the first 16 hex digits (64 bits) of the four tokens retired before prev, so an opaque token
-- up to five generations old is still recognised as reuse; guessing 64 bits of the SHA-256 of a secret
-- one does not hold is as hopeless as guessing the secret.
-- Keys: KEYS[1] family hash {cur, prev, rot, reused, c, n, w, old}, KEYS[2] sealed successor string (expires
--       with the grace window) -- same hash tag, the family id
-- Args: ARGV[1] SHA-256 of the presented token, ARGV[2] SHA-256 of the new token, ARGV[3] new token
--       sealed with a key derived from the presented one, ARGV[4] now (ms), ARGV[5] grace (ms),
--       ARGV[6] family lifetime (ms), ARGV[7] '1' if the caller verified the presented token's signature,
--       ARGV[8] the family's claims to store ('' keeps the stored ones), ARGV[9] rotations and retries
--       allowed per window (0: no limit), ARGV[10] the window (ms)
-- Reply: {'rotated', claims} | {'grace', sealed successor, claims} | {'reused', '1' first time or '0', claims}
--        | {'unknown'} | {'unmatched'} (ARGV[7] = '0' and the hash is neither cur nor prev: nothing changed)
--        | {'limited', ms until the window ends} (nothing changed but the count). claims is '' when the
--        family has none (opened by a version that kept the claims in JWT refresh tokens only).
-- Example: KEYS gatehouse:rt:{fam1} gatehouse:rt:{fam1}:succ ARGV h1 h2 sealed 1700000000000 10000 2592000000 0 '' 60 60000
local f = redis.call('HMGET', KEYS[1], 'cur', 'prev', 'rot', 'reused', 'c', 'n', 'w', 'old')
if not f[1] then
  return { 'unknown' }
end
local function retiredEarlier(h)
  local old = f[8]
  if not old then
    return false
  end
  local p = string.sub(h, 1, 16)
  for i = 1, #old, 16 do
    if string.sub(old, i, i + 15) == p then
      return true
    end
  end
  return false
end
if ARGV[1] ~= f[1] and ARGV[1] ~= f[2] and ARGV[7] ~= '1' and not retiredEarlier(ARGV[1]) then
  return { 'unmatched' }
end
local claims = f[5] or ''
if f[4] then
  return { 'reused', '0', claims }
end
local now = tonumber(ARGV[4])
local current = ARGV[1] == f[1]
local retry = not current and ARGV[1] == f[2] and now - tonumber(f[3]) <= tonumber(ARGV[5])
local limit = tonumber(ARGV[9])
local counted = nil
if limit > 0 and (current or retry) then
  local window = tonumber(ARGV[10])
  local started = tonumber(f[7] or '0')
  local count = tonumber(f[6] or '0')
  if now - started >= window then
    started = now
    count = 0
  end
  if count >= limit then
    return { 'limited', tostring(started + window - now) }
  end
  counted = { 'n', count + 1, 'w', started }
  if not current then
    redis.call('HSET', KEYS[1], unpack(counted))
  end
end
if current then
  local fields = { 'cur', ARGV[2], 'prev', ARGV[1], 'rot', ARGV[4] }
  if f[2] then
    fields[#fields + 1] = 'old'
    fields[#fields + 1] = string.sub(string.sub(f[2], 1, 16) .. (f[8] or ''), 1, 64)
  end
  if ARGV[8] ~= '' then
    claims = ARGV[8]
    fields[#fields + 1] = 'c'
    fields[#fields + 1] = claims
  end
  if counted then
    for i = 1, #counted do
      fields[#fields + 1] = counted[i]
    end
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  if tonumber(ARGV[5]) > 0 then
    redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[5])
  else
    redis.call('DEL', KEYS[2])
  end
  return { 'rotated', claims }
end
-- The grace window is anchored at the rotation instant and never slides: a retry does not extend it.
if retry then
  local succ = redis.call('GET', KEYS[2])
  if succ then
    return { 'grace', succ, claims }
  end
end
redis.call('HSET', KEYS[1], 'reused', ARGV[4])
redis.call('DEL', KEYS[2])
return { 'reused', '1', claims }
