#!/usr/bin/env bash
# The six-pollutant ingest side by side in one run (issues 14 and 18):
#   haze-bench ingest on the disk's temporary directory and on tmpfs (/dev/shm),
#   optionally an older haze-bench binary the same way (before/after),
#   and the C ceiling (Tests/Benchmarks/ceiling/ingest_ceiling.c, compiled here).
# Usage: Tests/Benchmarks/ingest.sh [--old OLD_HAZE_BENCH] [--repeat N] [DATA_DIR]
# Prints each tool's lines and the load average before and after (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
old="" repeat=5 data=../shared/data/cnemc
while [ $# -gt 0 ]; do
  case "$1" in
    --old) old="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) data="$1"; shift ;;
  esac
done
[ -d "$data" ] || { echo "ingest.sh: no data directory $data" >&2; exit 64; }
swift build -c release --product haze-bench 2>&1 | grep -E "error|warning: " || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/ingest_ceiling" Tests/Benchmarks/ceiling/ingest_ceiling.c
shm=/dev/shm
[ -d "$shm" ] || shm=""
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for bench in ${old:+"$old"} .build/release/haze-bench; do
  echo "== $bench, disk (${TMPDIR:-/tmp})"
  "$bench" ingest --data "$data" --stations stations --repeat "$repeat" | grep -E "wall|throughput|CPU|RSS|sample"
  if [ -n "$shm" ]; then
    echo "== $bench, tmpfs ($shm)"
    TMPDIR="$shm/" "$bench" ingest --data "$data" --stations stations --repeat "$repeat" | grep -E "wall|throughput|CPU"
  fi
done
echo "== C ceiling (one core, no validation, no store)"
plain=("$data"/china_sites_*.csv)
[ -f "${plain[0]}" ] && "$work/ingest_ceiling" --repeat "$repeat" "${plain[@]}" || echo "(needs the uncompressed national files)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
