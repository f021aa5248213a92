#!/usr/bin/env bash
# Liaison statement benchmark: 20,000 generated statements, then the filtered list page and
# GET /api/v1/liaisons?overdue=true against the bare baseline route, in the same run.
#
# Usage: bench/liaisons.sh [seconds-per-route] [connections] [statements]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-10}"
CONNS="${2:-32}"
COUNT="${3:-20000}"
PORT="${BENCH_PORT:-18182}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

echo "building the release binary with the baseline route..." >&2
cargo build --release --quiet -p liaise-cli --features bench-baseline
BIN=target/release/liaise
DATA="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

t0=$(date +%s%N)
"$BIN" generate liaisons --count "$COUNT" --data-dir "$DATA" >/dev/null
GEN_MS=$(( ($(date +%s%N) - t0) / 1000000 ))

"$BIN" serve --bind "127.0.0.1:$PORT" --data-dir "$DATA" >/dev/null 2>&1 &
PID=$!
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do sleep 0.05; done

LIST="/liaisons?organization=ITU&purpose=action&year=2025"
OVERDUE="/api/v1/liaisons?overdue=true"
t0=$(date +%s%N); curl -fs -o /dev/null "$BASE$LIST"; FIRST_LIST_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
t0=$(date +%s%N); curl -fs -o /dev/null "$BASE$OVERDUE"; FIRST_OVERDUE_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
TOTAL=$(curl -fs "$BASE$OVERDUE&per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')

declare -A RPS P99
run() {
  local name=$1 path=$2 out
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$BASE$path")
  if echo "$out" | grep -q "Non-2xx"; then echo "bench: $path answered errors" >&2; exit 1; fi
  RPS[$name]=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  P99[$name]=$(echo "$out" | awk '$1 == "99%" {print $2}')
}
run baseline /bench/baseline
run list_page "$LIST"
run overdue_api "$OVERDUE"
run baseline_again /bench/baseline

mkdir -p bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
{
  echo "liaise liaison benchmark $STAMP: $COUNT statements generated in ${GEN_MS} ms; $TOTAL overdue"
  echo "machine: $(nproc) cores; wrk -t2 -c$CONNS -d${DURATION}s on loopback; SQLite"
  echo "first (uncached) answers: list page ${FIRST_LIST_MS} ms, overdue API ${FIRST_OVERDUE_MS} ms"
  printf '%-16s %12s %10s %12s\n' route req/s p99 "vs baseline"
  for n in baseline list_page overdue_api baseline_again; do
    pct=$(awk -v a="${RPS[$n]}" -v b="${RPS[baseline]}" 'BEGIN { printf "%.0f%%", 100*a/b }')
    printf '%-16s %12s %10s %12s\n' "$n" "${RPS[$n]}" "${P99[$n]}" "$pct"
  done
} | tee "bench/results/liaisons-$STAMP.txt"
