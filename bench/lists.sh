#!/usr/bin/env bash
# List benchmark: every list of liaise measured three ways against a route that does no work
# (GET /bench/baseline), in the same run, on a fresh SQLite file and a fresh PostgreSQL
# database holding 20,000 generated statements, 10,000 generated documents, 300 imported
# proposals and 1,000 activities:
#   1. one URL repeated (what a cache of answers flatters most);
#   2. cycling through 1,100 to 2,000 distinct filter × sort × page URLs a list (body and
#      topic pages: every one there is) with bench/cycle.lua;
#   3. the same cycling while a writer adds 2 statements a second through the API;
# and, on the idle server before any load, each of 200 distinct URLs once, one after the
# other (p50/p99 of answers nothing remembered yet).
#
# Lists: /liaisons and GET /api/v1/liaisons, /documents and GET /api/v1/documents,
# GET /api/v1/proposals, /activities and GET /api/v1/activities, /bodies/{code},
# /topics/{slug}, /search and GET /api/v1/search, GET /api/v1/audit (admin token).
#
# Usage: bench/lists.sh [seconds-per-run] [connections] [sqlite|postgres|both]
# Defaults: 5 s, 32 connections, both. At 5 s a backend takes about 8 minutes on 2 cores
# (3 to 5 minutes of data and URL lists, 38 runs of wrk, 12 × 200 single requests), so both
# take about 17 minutes after the build.
# PostgreSQL: LIAISE_BENCH_POSTGRES_URL names the server (default
# postgres://postgres@127.0.0.1:5432/postgres); a database with a unique name is created and
# dropped at the end. Sizes: BENCH_STATEMENTS, BENCH_DOCUMENTS, BENCH_PROPOSALS,
# BENCH_ACTIVITIES, BENCH_URLS (distinct URLs per list), BENCH_IDLE_URLS.
# Needs wrk (apt-get install -y wrk), python3 and, for PostgreSQL, psql.
# Results: a markdown table per backend on standard output and in
# bench/results/lists-<backend>-<date>.md, each target marked met or not met.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-5}"
CONNS="${2:-32}"
BACKENDS="${3:-both}"
THREADS=2
PORT="${BENCH_PORT:-18184}"
BASE="http://127.0.0.1:$PORT"
STATEMENTS="${BENCH_STATEMENTS:-20000}"
DOCUMENTS="${BENCH_DOCUMENTS:-10000}"
PROPOSALS="${BENCH_PROPOSALS:-300}"
ACTIVITIES="${BENCH_ACTIVITIES:-1000}"
URLS="${BENCH_URLS:-2000}"
IDLE_URLS="${BENCH_IDLE_URLS:-200}"
WRITES_PER_SECOND=2
PG_SERVER="${LIAISE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
LISTS="liaisons-page liaisons-api documents-page documents-api proposals-api activities-page
activities-api body-pages topic-pages search-page search-api audit-api"

case "$BACKENDS" in
  sqlite) RUN_SQLITE=1 RUN_PG="" ;;
  postgres) RUN_SQLITE="" RUN_PG=1 ;;
  both) RUN_SQLITE=1 RUN_PG=1 ;;
  *) echo "bench: the backend is sqlite, postgres or both, not '$BACKENDS'" >&2; exit 64 ;;
esac
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 is needed" >&2; exit 1; }
if [ -n "$RUN_PG" ]; then
  command -v psql >/dev/null || { echo "bench: psql is needed for PostgreSQL" >&2; exit 1; }
  psql -Atq "$PG_SERVER" -c "SELECT 1" >/dev/null || { echo "bench: no PostgreSQL at $PG_SERVER" >&2; exit 1; }
fi

echo "building the release binary with the baseline route..." >&2
cargo build --release --quiet -p liaise-cli --features bench-baseline
BIN=target/release/liaise
FIXTURE=crates/liaise-import/tests/fixtures/seed-ATU-35A3-1.txt

WORK="$(mktemp -d)"
PGDB="liaise_bench_lists_$$_$(date +%s)"
PID=""
WRITER=""
PG_CREATED=""
cleanup() {
  [ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null || true
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
  if [ -n "$PG_CREATED" ]; then
    psql -q "$PG_SERVER" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# serve DATA URL: start the server and wait until it answers (at most a minute).
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

# wrk_run LIST MODE FILE [auth]: one wrk run over the URLs of FILE; appends its RESULT line.
wrk_run() {
  local name=$1 mode=$2 file=$3 auth=${4:-} out
  # A 10 s timeout: answers slower than wrk's default 2 s are measured, not dropped.
  local args=(-t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s -s bench/cycle.lua)
  [ -n "$auth" ] && args+=(-H "Authorization: Bearer $TOKEN")
  out=$(wrk "${args[@]}" "$BASE" -- "$file" "$THREADS" 2>"$WORK/wrk.err") \
    || { echo "bench: wrk failed on $name" >&2; cat "$WORK/wrk.err" >&2; exit 1; }
  if [ -s "$WORK/wrk.err" ]; then sed "s/^/  [$name $mode] /" "$WORK/wrk.err" >&2; fi
  local result
  result=$(echo "$out" | grep '^RESULT') || { echo "bench: no result from wrk on $name" >&2; echo "$out" >&2; exit 1; }
  echo "$name $mode $(grep -c . "$file") $result" >> "$RAW"
  echo "  $name $mode: $(echo "$result" | cut -d' ' -f2-5)" >&2
}

measure() {
  local backend=$1 url=$2 data=$3 t0 gen_ls gen_docs gen_props setup_ms
  RAW="$WORK/raw-$backend.txt"; : > "$RAW"
  echo "[$backend] generating $STATEMENTS statements, $DOCUMENTS documents, $PROPOSALS proposals..." >&2
  t0=$(date +%s%N)
  "$BIN" generate liaisons --count "$STATEMENTS" --data-dir "$data" --database-url "$url" >/dev/null
  gen_ls=$(ms_since "$t0")
  t0=$(date +%s%N)
  "$BIN" generate documents --count "$DOCUMENTS" --seed 1 --data-dir "$data" --database-url "$url" >/dev/null
  gen_docs=$(ms_since "$t0")
  python3 bench/lists.py proposals "$WORK/proposals-$backend" "$PROPOSALS" "$FIXTURE"
  t0=$(date +%s%N)
  "$BIN" import "$WORK"/proposals-"$backend"/*.txt --organization ITU --kind contribution \
    --data-dir "$data" --database-url "$url" >/dev/null
  gen_props=$(ms_since "$t0")
  TOKEN=$("$BIN" token create --name "bench-lists" --data-dir "$data" --database-url "$url")

  serve "$data" "$url"
  echo "[$backend] $ACTIVITIES activities through the API, proposal statuses, URL lists..." >&2
  t0=$(date +%s%N)
  python3 bench/lists.py setup "$BASE" "$TOKEN" "$ACTIVITIES"
  local urls_dir="$WORK/urls-$backend"
  python3 bench/lists.py urls "$BASE" "$TOKEN" "$urls_dir" "$URLS"
  setup_ms=$(ms_since "$t0")
  local counts
  counts=$(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/liaisons?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  counts="$counts statements, $(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/documents?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p') documents"
  counts="$counts, $(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/proposals?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p') proposals"
  counts="$counts, $(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/activities?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p') activities"
  counts="$counts, $(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/audit?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p') audit entries"
  # A fresh process: nothing the URL lists asked for is remembered.
  stop
  serve "$data" "$url"

  echo "[$backend] idle server: $IDLE_URLS distinct URLs of each list, one after the other..." >&2
  for name in $LISTS; do
    local auth=""
    [ "$name" = audit-api ] && auth="$TOKEN"
    echo "$name idle $(python3 bench/lists.py idle "$BASE" "$urls_dir/$name" "$IDLE_URLS" $auth)" >> "$RAW"
  done

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "[$backend] wrk -t$THREADS -c$CONNS -d${DURATION}s per run..." >&2
  wrk_run baseline first "$urls_dir/baseline"
  for name in $LISTS; do
    local auth=""
    [ "$name" = audit-api ] && auth=1
    wrk_run "$name" repeat "$urls_dir/$name.repeat" $auth
    wrk_run "$name" cycle "$urls_dir/$name" $auth
    python3 bench/lists.py writer "$BASE" "$TOKEN" "$WRITES_PER_SECOND" "$WORK/writer.txt" &
    WRITER=$!
    sleep 0.5
    wrk_run "$name" writes "$urls_dir/$name" $auth
    kill -TERM "$WRITER"; wait "$WRITER" || { echo "bench: the writer failed" >&2; exit 1; }
    WRITER=""
    echo "$name writes $(cat "$WORK/writer.txt")" >> "$RAW"
  done
  wrk_run baseline last "$urls_dir/baseline"
  stop

  mkdir -p bench/results
  local stamp header
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  header="$stamp. Machine: $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)); wrk -t$THREADS -c$CONNS -d${DURATION}s a run on loopback, the server on the same machine; load average $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after (other work on the machine competes for the 2 cores). Data: $counts (statements generated in ${gen_ls} ms, documents in ${gen_docs} ms, proposals imported in ${gen_props} ms; activities, statuses and URL lists in ${setup_ms} ms). Reads are anonymous except the audit log (admin token); the writer posts $WRITES_PER_SECOND public statements a second with the admin token, each on its schedule (open loop). Latencies are wrk's (closed loop)."
  python3 bench/lists.py report "$RAW" "$backend" "$header" "bench/results/lists-$backend-$stamp.md"
  echo
}

if [ -n "$RUN_SQLITE" ]; then
  mkdir -p "$WORK/sqlite"
  measure sqlite "sqlite://$WORK/sqlite/liaise.db?mode=rwc" "$WORK/sqlite"
fi
if [ -n "$RUN_PG" ]; then
  psql -q "$PG_SERVER" -c "CREATE DATABASE $PGDB" >/dev/null
  PG_CREATED=1
  mkdir -p "$WORK/postgres"
  measure postgres "${PG_SERVER%/*}/$PGDB" "$WORK/postgres"
fi
