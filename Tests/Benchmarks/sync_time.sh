#!/usr/bin/env bash
# Wall time one `haze-bench ingest` of the 59 files spends inside msync/fsync/fdatasync (strace -f -c
# -w), two binaries alternately, twice each, on /tmp idle and while a direct-I/O dd loop writes there.
# Usage: Tests/Benchmarks/sync_time.sh OLD_HAZE_BENCH [NEW_HAZE_BENCH] [DATA_DIR]
set -u
cd "$(dirname "$0")/../.."
old="${1:?usage: sync_time.sh OLD_HAZE_BENCH [NEW_HAZE_BENCH] [DATA_DIR]}"
new="${2:-.build/release/haze-bench}" data="${3:-../shared/data/cnemc}"
command -v strace > /dev/null || { echo "sync_time.sh: needs strace" >&2; exit 69; }
trace=$(mktemp) dd_file=/tmp/haze-sync-time-dd.$$
one() { # label binary
  TMPDIR=/tmp/ strace -f -c -w -e trace=msync,fsync,fdatasync -o "$trace" "$2" ingest --data "$data" --stations stations --repeat 1 \
    | grep wall | sed "s|^|$1: |"
  awk -v l="$1" '$NF == "total" { printf "%s: %s calls, %s s inside them\n", l, $4, $2 }' "$trace"
}
both() { for which in old new old new; do bin=$old; [ $which = new ] && bin=$new; one "$which$1" "$bin"; done; }
both " idle"
( while true; do dd if=/dev/zero of="$dd_file" bs=1M count=4000 oflag=direct status=none; done ) &
loop=$!
trap 'kill $loop 2>/dev/null; for c in $(pgrep -P $loop 2>/dev/null); do kill $c; done; rm -f "$dd_file" "$trace"' EXIT
sleep 3
both " busy"
