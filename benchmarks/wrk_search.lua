-- wrk script for benchmarks/search.py: one logged-in session per connection (cookies from the
-- file in $WRK_COOKIES, run with as many threads as connections), each thread walking the query
-- mix in $WRK_PATHS (one path a line) from its own offset; and a JSON summary.
local cookies = {}
for line in io.lines(os.getenv("WRK_COOKIES")) do
  table.insert(cookies, line)
end
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  table.insert(paths, line)
end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("cookie", cookies[(counter - 1) % #cookies + 1])
  thread:set("offset", counter * 97)
end

local position = 0

function init(args)
  wrk.headers["Cookie"] = cookie
  position = offset
end

function request()
  position = position + 1
  return wrk.format("GET", paths[position % #paths + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "errors": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "seconds": %.3f}\n',
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.duration / 1e6))
end
