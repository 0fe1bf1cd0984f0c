-- POST /api/v1/auth/refresh, each wrk thread keeping its own refresh chain: it sends its current
-- refresh token, reads the new one from the response and sends that next (never a retired token, so
-- no reuse detection and no grace-window replays). Run with as many threads as connections (-t N -c N):
-- wrk does not say which connection a response came from, so one connection per thread keeps each
-- chain strictly sequential.
-- Environment: REFRESH_TOKENS_FILE, one refresh token per line (one login per thread).
local tokens = {}
local threads = {}
local next_index = 1

for line in io.lines(os.getenv("REFRESH_TOKENS_FILE")) do
   if line ~= "" then
      table.insert(tokens, line)
   end
end

function setup(thread)
   if next_index > #tokens then
      error("fewer refresh tokens than wrk threads: log in once per thread")
   end
   thread:set("token", tokens[next_index])
   thread:set("id", next_index)
   next_index = next_index + 1
   table.insert(threads, thread)
end

function init(args)
   failures = 0
   broken = false
end

function request()
   return wrk.format("POST", "/api/v1/auth/refresh", {["Content-Type"] = "application/json"},
      '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
   if status == 200 then
      local t = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
      if t then
         token = t
         return
      end
   end
   -- The chain is broken (limited, revoked, or an unexpected answer): counted; the thread keeps sending
   -- the same token, which is then reported as failures rather than hidden.
   failures = failures + 1
end

function done(summary, latency, requests)
   local total = 0
   for _, t in ipairs(threads) do
      total = total + t:get("failures")
   end
   io.write(string.format("refresh failures (not 200 with a new refresh token): %d\n", total))
end
