#!/usr/bin/env bash
# Issue 18 target 1 ("a busy disk within 2× of tmpfs"): two haze-bench binaries alternately, each
# `haze-bench ingest --repeat 3` of the 59 files in turn, ROUNDS rounds, on the disk (/tmp), on tmpfs
# (/dev/shm), then the same while a direct-I/O dd loop writes 4 GB files to /tmp (the busy disk).
# Usage: Tests/Benchmarks/ingest_busy.sh OLD_HAZE_BENCH [NEW_HAZE_BENCH] [DATA_DIR] [ROUNDS]
#   NEW_HAZE_BENCH defaults to .build/release/haze-bench, DATA_DIR to ../shared/data/cnemc, ROUNDS to 4.
# Prints each run's wall-time line and syncs per run, and the load before and after.
set -u
cd "$(dirname "$0")/../.."
old="${1:?usage: ingest_busy.sh OLD_HAZE_BENCH [NEW_HAZE_BENCH] [DATA_DIR] [ROUNDS]}"
new="${2:-.build/release/haze-bench}" data="${3:-../shared/data/cnemc}" rounds="${4:-4}"
[ -d "$data" ] || { echo "ingest_busy.sh: no data directory $data" >&2; exit 64; }
dd_file=/tmp/haze-ingest-busy-dd.$$
run() { # label binary tmpdir
  TMPDIR="$3/" "$2" ingest --data "$data" --stations stations --repeat 3 | grep -E 'wall|syncs' | sed "s|^|$1: |"
}
pass() { # suffix for the labels
  for _ in $(seq "$rounds"); do
    for which in old new; do
      bin=$old; [ $which = new ] && bin=$new
      run "$which disk$1" "$bin" /tmp
      run "$which tmpfs$1" "$bin" /dev/shm
    done
  done
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
pass ""
( while true; do dd if=/dev/zero of="$dd_file" bs=1M count=4000 oflag=direct status=none; done ) &
loop=$!
trap 'kill $loop 2>/dev/null; for c in $(pgrep -P $loop 2>/dev/null); do kill $c; done; rm -f "$dd_file"' EXIT
sleep 3
pass " (dd loop writing to /tmp)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
