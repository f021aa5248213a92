#!/usr/bin/env bash
# Meetings benchmark, against the route that does no work (GET /bench/baseline) in the same
# run, on a fresh SQLite file and a fresh PostgreSQL database: 500 generated meetings of SG2
# and 500 of POC (imported from generated calendars with `liaise import meetings`), one
# meeting with a 50-item agenda and minutes.
#   - the meeting page with 50 agenda items (one URL repeated);
#   - the .ics feed of a body with 500 meetings (/bodies/SG2/meetings.ics);
#   - 1,000 distinct meeting pages cycled (bench/cycle.lua);
#   - cold: the meeting page right after a write to that meeting (N times, p50/p99).
# Goals (issue 13): each ≥ 30 % of the baseline's requests/s with p99 ≤ 10 ms at 32
# connections; cold p99 ≤ 10 ms; cycling p99 ≤ 25 ms.
#
# Usage: bench/meetings.sh [seconds-per-run] [connections] [sqlite|postgres|both]
# PostgreSQL: LIAISE_BENCH_POSTGRES_URL as in bench/lists.sh. Needs wrk, python3, psql.
# Results: bench/results/meetings-<backend>-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-5}"
CONNS="${2:-32}"
BACKENDS="${3:-both}"
THREADS=2
PORT="${BENCH_PORT:-18185}"
BASE="http://127.0.0.1:$PORT"
COLD="${BENCH_COLD:-50}"
PG_SERVER="${LIAISE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

case "$BACKENDS" in
  sqlite) RUN_SQLITE=1 RUN_PG="" ;;
  postgres) RUN_SQLITE="" RUN_PG=1 ;;
  both) RUN_SQLITE=1 RUN_PG=1 ;;
  *) echo "bench: the backend is sqlite, postgres or both, not '$BACKENDS'" >&2; exit 64 ;;
esac
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 is needed" >&2; exit 1; }

echo "building the release binary with the baseline route..." >&2
cargo build --release --quiet -p liaise-cli --features bench-baseline
BIN=target/release/liaise

WORK="$(mktemp -d)"
PGDB="liaise_bench_meetings_$$_$(date +%s)"
PID=""
PG_CREATED=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
  if [ -n "$PG_CREATED" ]; then
    psql -q "$PG_SERVER" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

serve() {
  "$BIN" serve --bind "127.0.0.1:$PORT" --data-dir "$1" --database-url "$2" >/dev/null 2>>"$1/server.log" &
  PID=$!
  local waited=0
  until curl -fs "$BASE/healthz" >/dev/null 2>&1; do
    sleep 0.1; waited=$((waited + 1))
    kill -0 "$PID" 2>/dev/null && [ "$waited" -lt 600 ] \
      || { echo "bench: the server did not start" >&2; tail -20 "$1/server.log" >&2; exit 1; }
  done
}
stop() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

# run NAME FILE: wrk cycling over the paths of FILE (one path: one URL repeated).
run() {
  local name=$1 file=$2 out result
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s -s bench/cycle.lua "$BASE" -- "$file" "$THREADS")
  result=$(echo "$out" | grep '^RESULT')
  local requests duration p99 non2xx
  requests=$(echo "$result" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  duration=$(echo "$result" | sed -n 's/.*duration_us=\([0-9]*\).*/\1/p')
  p99=$(echo "$result" | sed -n 's/.*p99_us=\([0-9]*\).*/\1/p')
  non2xx=$(echo "$result" | sed -n 's/.*non2xx=\([0-9]*\).*/\1/p')
  [ "$non2xx" = 0 ] || { echo "bench: $name answered $non2xx non-2xx" >&2; exit 1; }
  echo "$name $(python3 -c "print($requests * 1e6 / $duration)") $(python3 -c "print($p99 / 1000)")" >> "$RAW"
  echo "  $name: $(tail -1 "$RAW")" >&2
}

measure() {
  local backend=$1 url=$2 data=$3
  RAW="$WORK/raw-$backend.txt"; : > "$RAW"
  echo "[$backend] generating and importing 2 × 500 meetings..." >&2
  for body in SG2 POC; do
    python3 bench/meetings.py ics "$WORK/$body.ics" "$body" 500 1
    "$BIN" import meetings "$WORK/$body.ics" --body "$body" --data-dir "$data" --database-url "$url" >/dev/null
  done
  TOKEN=$("$BIN" token create --name "bench-meetings" --data-dir "$data" --database-url "$url")
  serve "$data" "$url"
  python3 bench/meetings.py setup "$BASE" "$TOKEN" "$WORK/meeting"
  local id
  id=$(cat "$WORK/meeting")
  echo "/bench/baseline" > "$WORK/baseline"
  echo "/meetings/$id" > "$WORK/page"
  echo "/bodies/SG2/meetings.ics" > "$WORK/ics"
  # A fresh process: nothing remembered.
  stop
  serve "$data" "$url"
  echo "[$backend] cold: the page after a write, $COLD times..." >&2
  echo "cold $(python3 bench/meetings.py cold "$BASE" "$TOKEN" "$id" "$COLD")" >> "$RAW"
  echo "[$backend] wrk -t$THREADS -c$CONNS -d${DURATION}s per run..." >&2
  run baseline "$WORK/baseline"
  run meeting-page-50-items "$WORK/page"
  run body-ics-500-meetings "$WORK/ics"
  run cycle-1000 "$WORK/meeting.paths"
  stop
  mkdir -p bench/results
  local stamp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  python3 bench/meetings.py report "$RAW" "$backend" \
    "$stamp. $(nproc) cores; wrk -t$THREADS -c$CONNS -d${DURATION}s on loopback; load average $(cut -d' ' -f1-3 /proc/loadavg) after." \
    "bench/results/meetings-$backend-$stamp.md"
}

if [ -n "$RUN_SQLITE" ]; then
  mkdir -p "$WORK/sqlite"
  measure sqlite "sqlite://$WORK/sqlite/liaise.db?mode=rwc" "$WORK/sqlite"
fi
if [ -n "$RUN_PG" ]; then
  command -v psql >/dev/null || { echo "bench: psql is needed for PostgreSQL" >&2; exit 1; }
  psql -q "$PG_SERVER" -c "CREATE DATABASE $PGDB" >/dev/null
  PG_CREATED=1
  mkdir -p "$WORK/postgres"
  measure postgres "${PG_SERVER%/*}/$PGDB" "$WORK/postgres"
fi
