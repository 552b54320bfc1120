-- wrk script for `make bench`: optional session POSTs, and one JSON summary line.
--
-- BENCH_SESSIONS: one session per line, "<Cookie header>\t<CSRF token>[\t<path>]";
-- when set, requests rotate over the sessions, each to its own path if it has one.
-- BENCH_METHOD (POST by default) with BENCH_POST_BODY: "{token}" is replaced by the
-- session's token and "{code}" by the next of BENCH_CODES (one per line).

local sessions = {}
for line in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^\n]+") do
  local cookie, token, path = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
  table.insert(sessions, { cookie = cookie, token = token, path = path ~= "" and path or nil })
end
local codes = {}
for code in string.gmatch(os.getenv("BENCH_CODES") or "", "[^\n]+") do
  table.insert(codes, code)
end
local method = os.getenv("BENCH_METHOD") or "POST"
local body_template = os.getenv("BENCH_POST_BODY") or ""
local counter = 0

if #sessions > 0 then
  request = function()
    counter = counter + 1
    local session = sessions[(counter % #sessions) + 1]
    if method == "GET" then
      return wrk.format("GET", session.path, { ["Cookie"] = session.cookie })
    end
    local body = (body_template:gsub("{token}", session.token))
    if #codes > 0 then
      body = body:gsub("{code}", codes[(counter % #codes) + 1])
    end
    return wrk.format("POST", session.path, {
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
