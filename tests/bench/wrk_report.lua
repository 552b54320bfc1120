-- wrk script for `make bench`: optional session POSTs, and one JSON summary line.
--
-- BENCH_SESSIONS: one session per line, "<Cookie header>\t<CSRF token>"; when set,
-- every request is a POST of BENCH_POST_BODY ("{token}" replaced by the session's
-- token), rotating over the sessions.

local sessions = {}
for line in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^\n]+") do
  local cookie, token = line:match("^(.*)\t(.*)$")
  table.insert(sessions, { cookie = cookie, token = token })
end
local body_template = os.getenv("BENCH_POST_BODY") or ""
local counter = 0

if #sessions > 0 then
  request = function()
    counter = counter + 1
    local session = sessions[(counter % #sessions) + 1]
    local body = (body_template:gsub("{token}", session.token))
    return wrk.format("POST", nil, {
      ["Cookie"] = session.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
