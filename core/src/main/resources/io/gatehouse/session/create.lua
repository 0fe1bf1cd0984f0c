-- Creates a session: drops the user's expired entries, applies the per-user limit, appends the new entry.
-- Keys: KEYS[1] the user's entries, <prefix>:s:{<userId>} (a string: entries separated by "\n"; values written
--       before the compact format also start with one)
-- Args: ARGV[1] the value a first session writes: ARGV[3] followed by the new entry,
--       ARGV[2] its TTL (s: the entry's expiry - now, at least 1),
--       ARGV[3] "\n" to put a newline before every entry, as versions before the compact format wrote and
--       read values (gatehouse.sessions.entry-format = text), "" for none,
--       ARGV[4] now (epoch s), ARGV[5] idle timeout (s), ARGV[6] absolute lifetime (s),
--       ARGV[7] limit (0 = none), ARGV[8] "refuse" or "evict", ARGV[9] ceiling (oldest always evicted there),
--       ARGV[10] the new entry's expiry (epoch s)
-- Reply: {1, evicted name...} created (names of the evicted sessions, i.e. their handles' first parts, oldest first), or {0} refused by the limit
-- Example: KEYS gatehouse:s:{u1} ARGV AAAAAAAAAAAAAAAAAHVbeAAAAAAAAAAAAA 1800 '' 1700000000 1800 43200 2 evict 1000 1700001800
-- The common login first: nothing stored for the user (no session of theirs is alive), so nothing to prune
-- and any limit admits one. SET NX GET (Redis 7.0) writes the entry in that case and otherwise returns the
-- value without writing: one redis.call either way (a GET, then a SET, cost 1.5-2 us more per create). Its
-- value and TTL come ready-made as strings: no Lua arithmetic, concatenation or number formatting before
-- it (they cost 1-2 us of Redis's time per create: docs/BENCHMARKS.md, "#19 sessions: the rest of a
-- 1-thread create, and two cuts").
local blob = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'EX', ARGV[2])
if not blob then
  return {1}
end

local lead = ARGV[3]
local new = string.sub(ARGV[1], #lead + 1)
local now = tonumber(ARGV[4])
local deadline = tonumber(ARGV[10])
-- session(entry) -> name, created, last seen (either format): entries.lua.inc
-- @include entries.lua.inc
local idle = tonumber(ARGV[5])
local absolute = tonumber(ARGV[6])
local limit = tonumber(ARGV[7])
local refuse = ARGV[8] == 'refuse'
local ceiling = tonumber(ARGV[9])

local kept, live = {}, {}
for entry in string.gmatch(blob, '[^\n]+') do
  if string.byte(entry, 1) == 126 then -- '~': a trusted device
    local untilS = tonumber(string.match(entry, '^[^|]*|[^|]*|([^|]*)|') or '', 36)
    if untilS and untilS > now then
      kept[#kept + 1] = entry
      if untilS > deadline then deadline = untilS end
    end
  else
    local id, c, seen = session(entry)
    if id then
      local expires = math.min(seen + idle, c + absolute)
      if expires > now then
        live[#live + 1] = {id = id, seen = seen, entry = entry, expires = expires, order = #live}
      end
    end
  end
end

local cap = ceiling
if limit > 0 and limit < cap then cap = limit end
local evicted = {}
if #live >= cap then
  if refuse and limit > 0 and #live >= limit then
    return {0}
  end
  -- Least recently seen first; ties in insertion order (the in-memory backend sorts the same way).
  table.sort(live, function(a, b)
    if a.seen ~= b.seen then return a.seen < b.seen end
    return a.order < b.order
  end)
  local n = #live - cap + 1
  local rest = {}
  for i = 1, #live do
    if i <= n then evicted[#evicted + 1] = live[i].id else rest[#rest + 1] = live[i] end
  end
  table.sort(rest, function(a, b) return a.order < b.order end)
  live = rest
end

-- Entries joined by "\n" with none in front (unless the text format asks for one): a one-session value
-- stays in jemalloc's 64-byte class.
local out = kept
for i = 1, #live do
  out[#out + 1] = live[i].entry
  if live[i].expires > deadline then deadline = live[i].expires end
end
out[#out + 1] = new
redis.call('SET', KEYS[1], lead .. table.concat(out, '\n'), 'EX', math.max(1, deadline - now))
local reply = {1}
for i = 1, #evicted do reply[#reply + 1] = evicted[i] end
return reply
