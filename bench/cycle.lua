-- wrk script: cycles through a file of paths (one a line, given as the script's first
-- argument), so that requests at the same moment name different URLs and a remembered answer
-- only helps as often as a URL comes round again. Headers given with -H (an Authorization
-- header, say) go with every request.
--
-- Each thread starts at its own offset (thread k of n at k/n of the file) and takes the next
-- line for each request its connections make, so concurrent requests name neighbouring,
-- different lines. Any answer that is not 2xx counts as an error (wrk itself counts only
-- 4xx and 5xx); the first few are printed with their path.
--
-- The last line of output is machine-readable:
--   RESULT requests=N duration_us=N p50_us=N p90_us=N p99_us=N max_us=N non2xx=N
--          socket_errors=N timeouts=N
-- The latencies are wrk's own distribution (closed loop: a slow answer delays the next
-- request of its connection, so p99 understates what an open-loop client would see).

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("id", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local paths = {}
local n = 0
non2xx = 0 -- global: done() reads it from each thread with thread:get
local shown = 0
local last_path = nil

function init(args)
  local file = args[1] or error("cycle.lua: give the URL file as the script's argument")
  for line in io.lines(file) do
    if #line > 0 then table.insert(paths, line) end
  end
  if #paths == 0 then error("cycle.lua: " .. file .. " has no URLs") end
  -- Spread the threads over the file. `threads` is only known in the main state, so the
  -- thread count comes as the second argument.
  local count = tonumber(args[2] or "1")
  n = math.floor(#paths * (id or 0) / count)
end

function request()
  n = n % #paths + 1
  last_path = paths[n]
  return wrk.format(nil, last_path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if shown < 3 then
      shown = shown + 1
      io.stderr:write(string.format("cycle.lua: answered %d (a recent request: %s)\n", status, last_path or "?"))
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, bad, e.connect + e.read + e.write, e.timeout))
end
