#!/usr/bin/env bash
# Search benchmark: COUNT generated index entries (about 5 KB of English or French text each,
# words by Zipf's law over a long tail, one topic a document; 100,000 is about 500 MB of text)
# loaded into a fresh SQLite file and a fresh PostgreSQL database, then p50/p99 of one-word and
# three-word queries through GET /api/v1/search, each answer one page of 20 hits with
# snippets, the total and the facet counts, at each number of connections given. A route that
# does no work (GET /bench/baseline) is measured in the same run, on the same server.
#
# The entries are index-only (`liaise generate search-corpus`): they measure the search, not
# the writing of documents.
#
# Usage: bench/search.sh [count] [seconds-per-list] [connections, e.g. "1 4"]
# PostgreSQL: LIAISE_BENCH_POSTGRES_URL names the server (default
# postgres://postgres@127.0.0.1:5432/postgres); a database is created and dropped. Set it to
# `none` to measure SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${1:-100000}"
DURATION="${2:-20}"
CONNS="${3:-1 4}"
PORT="${BENCH_PORT:-18183}"
BASE="http://127.0.0.1:$PORT"
PG_SERVER="${LIAISE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p liaise-cli --features bench-baseline
BIN=target/release/liaise
DATA="$(mktemp -d)"
PGDB="liaise_bench_search_$$"
PID=""
PG_CREATED=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$DATA"
  if [ -n "$PG_CREATED" ]; then psql -q "$PG_SERVER" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

declare -a REPORT
# Resident memory of a process, and the part of it that is its own (not mapped file pages,
# which are the kernel's page cache, shared and given back under pressure).
memory() {
  awk '/^Rss:/ {r=$2} /^Private_Dirty:/ {d=$2} /^Anonymous:/ {a=$2} END {printf "rss %d MB, anonymous %d MB", r/1024, a/1024}' "/proc/$1/smaps_rollup"
}
row() {
  local label=$1 out=$2
  printf '  %-22s %10s req/s   p50 %8s   p99 %8s' "$label" \
    "$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')"
}
measure() {
  local backend=$1 url=$2 size=$3 t0 gen_ms
  echo "[$backend] generating $COUNT entries..." >&2
  t0=$(date +%s%N)
  "$BIN" generate search-corpus --count "$COUNT" --seed 1 --data-dir "$DATA" --database-url "$url" >/dev/null
  gen_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  "$BIN" serve --bind "127.0.0.1:$PORT" --data-dir "$DATA" --database-url "$url" >/dev/null 2>&1 &
  PID=$!
  local waited=0
  until curl -fs "$BASE/healthz" >/dev/null 2>&1; do
    sleep 0.1; waited=$((waited + 1))
    [ "$waited" -lt 600 ] || { echo "bench: the $backend server did not start" >&2; exit 1; }
  done
  local total first
  total=$(curl -fs "$BASE/api/v1/search?q=postal&per_page=1" | sed -n 's/.*"total":\([0-9]*\),"total_exact":\([a-z]*\).*/\1 (exact: \2)/p')
  t0=$(date +%s%N); curl -fs -o /dev/null "$BASE/api/v1/search?q=services&per_page=20"
  first=$(( ($(date +%s%N) - t0) / 1000000 ))
  REPORT+=("$backend: $COUNT entries written in ${gen_ms} ms; database $(eval "$size"); \"postal\" matches $total; first answer ${first} ms")
  # Every query once before measuring: the first reading of the index pages from disk is
  # not what a running server pays.
  for list in one-word three-words; do
    while read -r q; do [ -n "$q" ] && curl -fs -o /dev/null "$BASE/api/v1/search?per_page=20&q=$q"; done < "bench/search-$list.txt"
  done
  for c in $CONNS; do
    local out
    out=$(wrk -t1 -c"$c" -d"${DURATION}s" --latency "$BASE/bench/baseline")
    REPORT+=("$(row "baseline c$c" "$out")")
    for list in one-word three-words; do
      out=$(wrk -t1 -c"$c" -d"${DURATION}s" --latency -s bench/search.lua "$BASE" -- "bench/search-$list.txt")
      if echo "$out" | grep -q "Non-2xx"; then echo "bench: $backend $list answered errors" >&2; echo "$out" >&2; exit 1; fi
      REPORT+=("$(row "$list c$c" "$out")")
    done
  done
  REPORT+=("  server memory after the runs: $(memory "$PID")")
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}

measure sqlite "sqlite://$DATA/liaise.db?mode=rwc" "du -sh $DATA | cut -f1"
if [ "$PG_SERVER" != "none" ] && command -v psql >/dev/null; then
  psql -q "$PG_SERVER" -c "CREATE DATABASE $PGDB" >/dev/null
  PG_CREATED=1
  PG_URL="${PG_SERVER%/*}/$PGDB"
  measure postgresql "$PG_URL" "psql -Atq '$PG_URL' -c \"SELECT pg_size_pretty(pg_database_size(current_database()))\""
else
  REPORT+=("postgresql: skipped (LIAISE_BENCH_POSTGRES_URL=none or psql missing)")
fi

mkdir -p bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
{
  echo "liaise search benchmark $STAMP"
  echo "machine: $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)); wrk -t1 -d${DURATION}s per query list on loopback at $CONNS connections; 20 hits per page with snippets, total and facets"
  printf '%s\n' "${REPORT[@]}"
} | tee "bench/results/search-$STAMP.txt"
