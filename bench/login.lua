-- wrk script: twenty people signing in over and over (accounts bench-1 … bench-20, created by
-- bench/run.sh with the password in BENCH_PASSWORD), with one sign-in CSRF token the server
-- issued (its cookie and form halves in BENCH_CSRF_COOKIE and BENCH_CSRF_FIELD).
local password = os.getenv("BENCH_PASSWORD")
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local field = os.getenv("BENCH_CSRF_FIELD")
local n = 0

request = function()
  n = n + 1
  local body = "email=bench-" .. ((n % 20) + 1) .. "%40example.org&password=" .. password
    .. "&csrf=" .. field .. "&next=%2F"
  return wrk.format("POST", "/login", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "liaise_csrf=" .. cookie,
  }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("logins: %d in %.1fs, non-3xx: %d\n",
    summary.requests, summary.duration / 1e6, summary.errors.status))
end
