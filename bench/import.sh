#!/usr/bin/env bash
# Contribution import benchmark: a few hundred generated .docx files with tracked changes
# (bench/gen_docx.py), read by the release build
#   1. as the importer reads them, without storing (zip, XML, tracked changes, proposals, text:
#      the `extract` example of liaise-import), and
#   2. end to end with `liaise import` (each file one transaction on a fresh SQLite database,
#      file kept by hash, process start included),
# against python-docx extracting the paragraphs' text of the same files in one process.
# Reports MB/s of each and the ratios (the target is the importer at 20x python-docx or more).
#
# Usage: bench/import.sh [files] [items-per-file]
# python-docx comes from $PYTHON_DOCX (a python with it installed) or a venv made here
# (pip install python-docx).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${1:-300}"
ITEMS="${2:-60}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "generating $COUNT contributions..." >&2
python3 bench/gen_docx.py "$COUNT" "$WORK/docx" 1 "$ITEMS"
FILES=("$WORK"/docx/*.docx)
BYTES=$(cat "${FILES[@]}" | wc -c)

echo "building the release binaries..." >&2
cargo build --release --quiet -p liaise-cli
cargo build --release --quiet -p liaise-import --example extract

PY="${PYTHON_DOCX:-}"
if [ -z "$PY" ]; then
  echo "installing python-docx in a virtual environment..." >&2
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet python-docx
  PY="$WORK/venv/bin/python"
fi

# 1. The importer alone (best of three runs).
BEST_PARSE=""
for _ in 1 2 3; do
  read -r _ _ SECS MBS SECTIONS CHANGES TEXT < <(target/release/examples/extract "${FILES[@]}")
  if [ -z "$BEST_PARSE" ] || awk "BEGIN{exit !($MBS > $BEST_PARSE)}"; then BEST_PARSE=$MBS; PARSE_SECS=$SECS; fi
done

# 2. End to end: one `liaise import` of every file, stored.
t0=$(date +%s%N)
target/release/liaise import --data-dir "$WORK/data" "${FILES[@]}" >/dev/null
IMPORT_NS=$(( $(date +%s%N) - t0 ))
IMPORT_SECS=$(awk "BEGIN{printf \"%.3f\", $IMPORT_NS/1e9}")
IMPORT_MBS=$(awk "BEGIN{printf \"%.2f\", $BYTES/1e6/($IMPORT_NS/1e9)}")

# 3. python-docx: open each file and join its paragraphs' text (best of three).
PY_MBS=$("$PY" - "${FILES[@]}" <<'PYEOF'
import sys, time, os
import docx
files = sys.argv[1:]
total = sum(os.path.getsize(f) for f in files)
best = 0.0
for _ in range(3):
    t0 = time.perf_counter()
    chars = 0
    for f in files:
        d = docx.Document(f)
        chars += len("\n".join(p.text for p in d.paragraphs))
    secs = time.perf_counter() - t0
    best = max(best, total / 1e6 / secs)
print(f"{best:.2f}")
PYEOF
)

PARSE_RATIO=$(awk "BEGIN{printf \"%.1f\", $BEST_PARSE/$PY_MBS}")
IMPORT_RATIO=$(awk "BEGIN{printf \"%.1f\", $IMPORT_MBS/$PY_MBS}")
mkdir -p bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
{
  echo "liaise contribution import benchmark, $STAMP"
  echo "machine: $(nproc) cores, $(uname -m), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "files: $COUNT .docx, $BYTES bytes ($(awk "BEGIN{printf \"%.1f\", $BYTES/$COUNT/1024}") KiB each), $SECTIONS sections, $CHANGES tracked changes"
  echo "importer alone (read + recognize + text): ${BEST_PARSE} MB/s (${PARSE_SECS} s)"
  echo "liaise import, stored on SQLite:           ${IMPORT_MBS} MB/s (${IMPORT_SECS} s, one transaction per file)"
  echo "python-docx paragraphs' text:              ${PY_MBS} MB/s"
  echo "ratio importer / python-docx:              ${PARSE_RATIO}x (target >= 20x)"
  echo "ratio liaise import / python-docx:         ${IMPORT_RATIO}x"
} | tee "bench/results/import-$STAMP.txt"
