-- Reads a refresh family for introspection and revocation: no write.
-- Keys: KEYS[1] family hash
-- Args: none
-- Reply: {cur, prev, claims, ms to live} or {} when the family does not exist ('' for missing fields)
-- Example: KEYS gatehouse:rt:{fam1}
local f = redis.call('HMGET', KEYS[1], 'cur', 'prev', 'c', 'reused')
if not f[1] then
  return {}
end
if f[4] then
  return {}
end
return { f[1], f[2] or '', f[3] or '', redis.call('PTTL', KEYS[1]) }
