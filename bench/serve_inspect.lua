-- serve_inspect.lua - wrk script: POST /api/v1/inspections with the load benchmark's documents.
--
-- The peer measurement of bench/serve_bench.sh (wrk 4.1.0 from Debian, closed loop: each
-- connection sends its next request when the previous answer came). Reads the same request file
-- as serve_load_bench (written by serve_seed_bench --write-requests; tab-separated: label,
-- expected entry, bcp_id, direction, MRZ lines) and cycles through it, each thread from its own
-- offset. Every answer is checked: HTTP 200 and a JSON body holding "hits"; done() prints the
-- counts and wrk's latency percentiles as "=wrk_<key> value" lines.
--
-- Environment: BENCH_REQUESTS (the file), BENCH_TOKEN (bearer token), BENCH_WRK_DELAY_MS (pause
-- before each request of a connection, to hold the rate near a target; 0 = as fast as possible),
-- BENCH_WRK_MAX (stop after about this many answers in all; 0 = only the -d duration bounds it),
-- BENCH_WRK_THREADS (the -t given to wrk, to split BENCH_WRK_MAX between threads).

local requests = {}
local next_index = 0
answered, non200, nohits = 0, 0, 0 -- globals: done() reads them with thread:get
local max_per_thread = 0
local threads = {}
local delay_ms = tonumber(os.getenv("BENCH_WRK_DELAY_MS") or "0") or 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("BENCH_REQUESTS")
  local token = os.getenv("BENCH_TOKEN")
  if file == nil or token == nil then
    error("serve_inspect.lua: set BENCH_REQUESTS and BENCH_TOKEN")
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  for line in io.lines(file) do
    local f = {}
    for field in string.gmatch(line, "[^\t]+") do
      f[#f + 1] = field
    end
    if #f >= 6 then
      local mrz = table.concat(f, "\\n", 5)
      local body = string.format('{"mrz":"%s","bcp_id":%s,"direction":"%s"}', mrz, f[3], f[4])
      requests[#requests + 1] = wrk.format("POST", "/api/v1/inspections", headers, body)
    end
  end
  if #requests == 0 then
    error("serve_inspect.lua: no inspections in " .. file)
  end
  next_index = ((thread_index or 0) * 7919) % #requests
  local max_all = tonumber(os.getenv("BENCH_WRK_MAX") or "0") or 0
  local nthreads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1") or 1
  if max_all > 0 then
    max_per_thread = math.ceil(max_all / nthreads)
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    non200 = non200 + 1
  elseif body == nil or not string.find(body, '"hits":[', 1, true) then
    nohits = nohits + 1
  end
  if max_per_thread > 0 and answered >= max_per_thread then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests_stats)
  local a, n, h = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + (t:get("answered") or 0)
    n = n + (t:get("non200") or 0)
    h = h + (t:get("nohits") or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("=wrk_requests %d\n", summary.requests))
  io.write(string.format("=wrk_seconds %.2f\n", seconds))
  io.write(string.format("=wrk_rate %.0f\n", summary.requests / seconds))
  io.write(string.format("=wrk_answered %d\n=wrk_non200 %d\n=wrk_nohits %d\n", a, n, h))
  io.write(string.format("=wrk_socket_errors %d\n",
    e.connect + e.read + e.write + e.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("=wrk_p%s_ms %.2f\n", string.gsub(tostring(p), "%.", ""),
      latency:percentile(p) / 1000))
  end
  io.write(string.format("=wrk_max_ms %.2f\n", latency.max / 1000))
end
