-- wrk script for bench/concurrency.sh: requests rotate over CK_PATHS
-- (space-separated "web:/path" or "api:/path"); web paths carry the session
-- cookie CK_COOKIE, api paths the bearer token CK_BEARER. Prints the count
-- of 5xx answers and the latency percentiles in milliseconds.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  c5 = 0
  i = 0
  reqs = {}
  for item in string.gmatch(os.getenv("CK_PATHS") or "", "%S+") do
    local kind, path = string.match(item, "^(%a+):(.*)$")
    local headers = {}
    if kind == "web" then headers["Cookie"] = os.getenv("CK_COOKIE") else
      headers["Authorization"] = "Bearer " .. (os.getenv("CK_BEARER") or "") end
    table.insert(reqs, wrk.format("GET", path, headers))
  end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1 end
end

function done(summary, latency, requests)
  local n5 = 0
  for _, t in ipairs(threads) do n5 = n5 + t:get("c5") end
  io.write(string.format("requests: %d\n", summary.requests))
  io.write(string.format("req_per_s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("status_5xx: %d\n", n5))
  io.write(string.format("non_2xx_3xx: %d\n", summary.errors.status))
  io.write(string.format("socket_errors: %d\n", summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("client_p50_ms: %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("client_p99_ms: %.2f\n", latency:percentile(99) / 1000))
  -- wrk's histogram disagrees with its own request count on this machine
  -- (one connection: its mean latency times the requests exceeds the run),
  -- so the mean a closed loop of CK_CONNS connections must have had
  -- (Little's law: connections x duration / requests) is printed beside it.
  io.write(string.format("client_mean_ms: %.3f\n", latency.mean / 1000))
  local conns = tonumber(os.getenv("CK_CONNS") or "")
  if conns and summary.requests > 0 then
    io.write(string.format("client_mean_from_rate_ms: %.3f\n", conns * summary.duration / 1000 / summary.requests))
  end
end
