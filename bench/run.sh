#!/usr/bin/env bash
# Core benchmark of liaise: requests/s and latency of the topic page, the matrix page and the
# bodies API against a bare baseline route measured in the same run, resident memory idle and
# under load, and the time from process start to the first answered request.
#
# Usage: bench/run.sh [seconds-per-route] [connections]
# Needs wrk (Debian: apt-get install -y wrk). Results: bench/results/<date>.txt and .json.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-10}"
CONNS="${2:-32}"
THREADS=2
PORT="${BENCH_PORT:-18181}"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

echo "building the release binary with the baseline route..." >&2
cargo build --release --quiet -p liaise-cli --features bench-baseline
BIN=target/release/liaise

DATA="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

start() {
  "$BIN" serve --bind "127.0.0.1:$PORT" --data-dir "$DATA" >/dev/null 2>"$DATA/log" &
  PID=$!
}
stop() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
now_ns() { date +%s%N; }

# First start creates the database and loads the reference data.
start
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do sleep 0.02; done
stop

# Start to first answer on the existing database: median of 7 starts.
starts=()
for _ in 1 2 3 4 5 6 7; do
  t0=$(now_ns)
  start
  until curl -fs -o /dev/null "$BASE/healthz" 2>/dev/null; do :; done
  t1=$(now_ns)
  starts+=($(( (t1 - t0) / 1000000 )))
  stop
done
START_MS=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 4p)

start
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do sleep 0.02; done
for path in / /topics/dfs /matrix /api/v1/bodies; do curl -fs -o /dev/null "$BASE$path"; done
sleep 1
IDLE_KB=$(rss_kb "$PID")

# Peak RSS while wrk runs.
PEAK_FILE="$DATA/peak"
echo 0 > "$PEAK_FILE"
sample() {
  local peak=0 v
  while kill -0 "$PID" 2>/dev/null && [ -f "$DATA/sampling" ]; do
    v=$(rss_kb "$PID" 2>/dev/null || echo 0)
    [ "${v:-0}" -gt "$peak" ] && peak=$v && echo "$peak" > "$PEAK_FILE"
    sleep 0.1
  done
}
touch "$DATA/sampling"
sample &
SAMPLER=$!

declare -A RPS P50 P99
run() {
  local name=$1 path=$2 out
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$BASE$path")
  if echo "$out" | grep -q "Non-2xx"; then echo "bench: $path answered errors" >&2; echo "$out" >&2; exit 1; fi
  RPS[$name]=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  P50[$name]=$(echo "$out" | awk '$1 == "50%" {print $2}')
  P99[$name]=$(echo "$out" | awk '$1 == "99%" {print $2}')
}
run baseline /bench/baseline
run topic /topics/dfs
run matrix /matrix
run bodies_api /api/v1/bodies

# A signed-in member: the same topic page through the session and the viewer-aware queries.
BENCH_PASSWORD="bench-password-$(date +%s)"
for n in $(seq 1 20); do
  echo "$BENCH_PASSWORD" | "$BIN" user add "bench-$n@example.org" --role member --data-dir "$DATA" >/dev/null
done
BENCH_EMAIL="bench-1@example.org"
export BENCH_PASSWORD
# The sign-in form's token is signed by the server: take one pair from the form (valid 2 h).
LOGIN_FORM=$(curl -s -D - "$BASE/login")
BENCH_CSRF_COOKIE=$(echo "$LOGIN_FORM" | awk -F'[=;]' '/^[Ss]et-[Cc]ookie: liaise_csrf=/ {print $2}')
BENCH_CSRF_FIELD=$(echo "$LOGIN_FORM" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n1)
[ -n "$BENCH_CSRF_COOKIE" ] && [ -n "$BENCH_CSRF_FIELD" ] \
  || { echo "bench: the sign-in form gave no CSRF token" >&2; exit 1; }
export BENCH_CSRF_COOKIE BENCH_CSRF_FIELD
SESSION=$(curl -s -o /dev/null -D - -b "liaise_csrf=$BENCH_CSRF_COOKIE" \
  --data-urlencode "email=$BENCH_EMAIL" --data-urlencode "password=$BENCH_PASSWORD" \
  --data-urlencode "csrf=$BENCH_CSRF_FIELD" "$BASE/login" | awk -F'[=;]' '/^[Ss]et-[Cc]ookie: liaise_session=/ {print $2}')
[ -n "$SESSION" ] || { echo "bench: could not sign in" >&2; exit 1; }
run_member() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H "Cookie: liaise_session=$SESSION" "$BASE/topics/dfs")
  echo "$out" | grep -q "Signed" || true
  RPS[topic_member]=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  P50[topic_member]=$(echo "$out" | awk '$1 == "50%" {print $2}')
  P99[topic_member]=$(echo "$out" | awk '$1 == "99%" {print $2}')
}
curl -fs -o /dev/null -H "Cookie: liaise_session=$SESSION" "$BASE/topics/dfs"
curl -fs -H "Cookie: liaise_session=$SESSION" "$BASE/topics/dfs" | grep -q "Signed in as" \
  || { echo "bench: the session cookie does not sign in" >&2; exit 1; }
run_member
run topic_again /topics/dfs

# Twenty sign-ins at a time (Argon2id) while pages are read: the pages' p99.
run_light() {
  local name=$1 out
  out=$(wrk -t1 -c4 -d"${DURATION}s" --latency "$BASE/topics/dfs")
  RPS[$name]=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  P50[$name]=$(echo "$out" | awk '$1 == "50%" {print $2}')
  P99[$name]=$(echo "$out" | awk '$1 == "99%" {print $2}')
}
run_light topic_c4
wrk -t1 -c20 -d"$((DURATION + 2))s" -s bench/login.lua "$BASE" > "$DATA/logins.txt" 2>&1 &
LOGINS=$!
sleep 1
run_light topic_c4_logins
wait "$LOGINS" || true
LOGIN_LINE=$(grep '^logins:' "$DATA/logins.txt" || echo "logins: (no summary)")
run baseline_again /bench/baseline
rm -f "$DATA/sampling"; wait "$SAMPLER" 2>/dev/null || true
LOAD_KB=$(cat "$PEAK_FILE")

mkdir -p bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CPU=$(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')
NPROC=$(nproc)
{
  echo "liaise core benchmark $STAMP"
  echo "machine: $NPROC cores, $CPU; wrk -t$THREADS -c$CONNS -d${DURATION}s on loopback; SQLite"
  printf '%-16s %12s %10s %10s %12s\n' route req/s p50 p99 "vs baseline"
  base=${RPS[baseline]}
  for n in baseline topic matrix bodies_api topic_member topic_again baseline_again; do
    pct=$(awk -v a="${RPS[$n]}" -v b="$base" 'BEGIN { printf "%.0f%%", 100*a/b }')
    printf '%-16s %12s %10s %10s %12s\n' "$n" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}" "$pct"
  done
  member_pct=$(awk -v m="${RPS[topic_member]}" -v a="${RPS[topic]}" -v b="${RPS[topic_again]}" 'BEGIN { printf "%.0f%%", 100*m/((a+b)/2) }')
  echo "member topic page vs anonymous (mean of the runs before and after): $member_pct"
  echo "pages at 4 connections, p99: ${P99[topic_c4]} alone, ${P99[topic_c4_logins]} during 20 concurrent sign-ins ($LOGIN_LINE)"
  echo "rss idle: $((IDLE_KB / 1024)) MB ($IDLE_KB kB); rss peak under load: $((LOAD_KB / 1024)) MB ($LOAD_KB kB)"
  echo "start to first answer (existing database, median of 7): ${START_MS} ms (all: ${starts[*]})"
} | tee "bench/results/$STAMP.txt"
cat > "bench/results/$STAMP.json" <<JSON
{"stamp": "$STAMP", "connections": $CONNS, "seconds": $DURATION,
 "rps": {"baseline": ${RPS[baseline]}, "topic": ${RPS[topic]}, "matrix": ${RPS[matrix]}, "bodies_api": ${RPS[bodies_api]}, "baseline_again": ${RPS[baseline_again]}},
 "rps_member_topic": ${RPS[topic_member]}, "rps_topic_again": ${RPS[topic_again]},
 "p99": {"baseline": "${P99[baseline]}", "topic": "${P99[topic]}", "matrix": "${P99[matrix]}", "bodies_api": "${P99[bodies_api]}", "topic_member": "${P99[topic_member]}", "topic_c4": "${P99[topic_c4]}", "topic_c4_during_logins": "${P99[topic_c4_logins]}"},
 "rss_kb": {"idle": $IDLE_KB, "load_peak": $LOAD_KB}, "start_to_first_answer_ms": $START_MS}
JSON
