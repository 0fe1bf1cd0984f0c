-- POST /oauth2/introspect with a valid access token, authenticated as an OAuth client with HTTP Basic.
-- Environment: ACCESS_TOKEN (the token to introspect), CLIENT_BASIC (the base64 of "id:secret",
-- form-urlencoded first as RFC 6749 section 2.3.1 asks). Counts answers that are not 200 + active.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("CLIENT_BASIC")
wrk.body = "token=" .. os.getenv("ACCESS_TOKEN")

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   bad = 0
end

function response(status, headers, body)
   if status ~= 200 or not string.find(body, '"active":true', 1, true) then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local total = 0
   for _, t in ipairs(threads) do
      total = total + t:get("bad")
   end
   io.write(string.format("bad answers (not 200 + active): %d\n", total))
end
