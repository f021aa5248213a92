-- wrk script: sign in over and over with valid credentials (double-submit CSRF token).
-- BENCH_EMAIL and BENCH_PASSWORD come from the environment.
local email = os.getenv("BENCH_EMAIL")
local password = os.getenv("BENCH_PASSWORD")
local token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
wrk.method = "POST"
wrk.path = "/login"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "liaise_csrf=" .. token
wrk.body = "email=" .. email .. "&password=" .. password .. "&csrf=" .. token .. "&next=%2F"

done = function(summary, latency, requests)
  io.write(string.format("logins: %d in %.1fs, non-3xx: %d\n",
    summary.requests, summary.duration / 1e6, summary.errors.status))
end
