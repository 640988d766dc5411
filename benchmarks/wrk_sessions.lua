-- wrk script: one logged-in session per connection (cookies from the file in $WRK_COOKIES,
-- one Cookie header a line; run with as many threads as connections), and a JSON summary.
local cookies = {}
for line in io.lines(os.getenv("WRK_COOKIES")) do
  table.insert(cookies, line)
end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("cookie", cookies[(counter - 1) % #cookies + 1])
end

function init(args)
  wrk.headers["Cookie"] = cookie
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "errors": %d, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "seconds": %.3f}\n',
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration / 1e6))
end
