-- Removes users' expired entries (sessions past their idle or absolute deadline, trust past its end),
-- shortens each key's TTL to its latest remaining expiry (deletes it when nothing remains), and returns
-- what is left. Listing prunes one user; a cleanup pass prunes a batch of users in one call (on Cluster the
-- users of one slot, on a single server any), bounded by a work budget so that no call runs long.
-- Keys: KEYS[1..n] the users' entries, <prefix>:s:{<userId>}
-- Args: ARGV[1] now (epoch s), ARGV[2] idle timeout (s), ARGV[3] absolute lifetime (s),
--       ARGV[4] "dry" to only count what would be removed (optional), "quiet" to prune and leave the
--       remaining entries out of the reply (a cleanup pass needs only the count),
--       ARGV[5] work budget (optional, default none): once this many entries (plus one per key) have been
--       examined, the call stops before its next key; at least one key is always done ("" for none),
--       ARGV[6] "\n" to put a newline before every entry of a rewritten value (entry-format = text; see
--       create.lua), "" for none (optional, default none)
-- Reply: {number of entries removed (or removable) in all, the remaining entries of the key (string,
--        separated by "\n"; '' when quiet or with several keys), then the keys left undone by the budget
--        (none when every key was done): the caller sends them again}
-- Example: KEYS gatehouse:s:{u1} ARGV 1700000000 1800 43200
-- session(entry) -> name, created, last seen (either format): entries.lua.inc
-- @include entries.lua.inc
local now, idle, absolute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local mode = ARGV[4]
local budget = tonumber(ARGV[5] or '') or math.huge
local lead = ARGV[6] or ''

-- Returns the entries removed, the entries left, and the entries examined.
local function prune(key)
  local blob = redis.call('GET', key)
  if not blob then return 0, '', 0 end
  local out, removed, latest, seen = {}, 0, now, 0
  for entry in string.gmatch(blob, '[^\n]+') do
    seen = seen + 1
    local expires
    if string.byte(entry, 1) == 126 then
      expires = tonumber(string.match(entry, '^[^|]*|[^|]*|([^|]*)|') or '', 36)
    else
      local id, c, last = session(entry)
      if id then expires = math.min(last + idle, c + absolute) end
    end
    if expires and expires > now then
      out[#out + 1] = entry
      if expires > latest then latest = expires end
    else
      removed = removed + 1
    end
  end
  if removed == 0 then return 0, blob, seen end
  local rest = table.concat(out, '\n')
  if mode == 'dry' then return removed, rest, seen end
  if rest == '' then
    redis.call('DEL', key)
  else
    redis.call('SET', key, lead .. rest, 'EX', latest - now)
  end
  return removed, rest, seen
end

local total, rest, spent = 0, '', 0
for i = 1, #KEYS do
  if i > 1 and spent >= budget then
    local reply = {total, ''}
    for j = i, #KEYS do reply[#reply + 1] = KEYS[j] end
    return reply
  end
  local removed, left, seen = prune(KEYS[i])
  total, rest, spent = total + removed, left, spent + seen + 1
end
if mode == 'quiet' or #KEYS > 1 then rest = '' end
return {total, rest}
