#!/usr/bin/env bash
# Two haze binaries ingest the same inputs into two stores; the stores must be
# byte-identical (hourly.ring, daily.ring), with the same quarantine files, the
# same ingest.log lines (times aside) and the same printed summaries.
# For changes of the ingest path that must not change what is stored.
#
# Usage: Tests/Benchmarks/same_store.sh OLD_HAZE [NEW_HAZE] [DATA_DIR]
#   NEW_HAZE defaults to .build/release/haze, DATA_DIR to ../shared/data/cnemc.
# Steps, each into both stores in turn: damaged copies of eight national files
# (Tests/Benchmarks/mutate_cnemc.py: odd cells, short and long rows, unknown
# stations, bad dates, a truncated end) into a new store; the national files
# (correcting them); the same files again (all unchanged); the damaged copies
# with --unknown-stations skip and store; the fixtures of Tests/Fixtures/bad
# one by one; the national files once more.
set -euo pipefail
cd "$(dirname "$0")/../.."
old="${1:?usage: same_store.sh OLD_HAZE [NEW_HAZE] [DATA_DIR]}"
new="${2:-.build/release/haze}"
data="${3:-../shared/data/cnemc}"
[ -d "$data" ] || { echo "same_store.sh: no data directory $data" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stations="$(pwd)/stations"
damaged="$work/damaged"
python3 Tests/Benchmarks/mutate_cnemc.py "$damaged" $(ls "$data"/china_sites_*.csv | sed -n '3p;10p;17p;24p;31p;38p;45p;51p')
failed=0

step() {  # step NAME ARGS... : runs both binaries with the same arguments
  local name=$1; shift
  for v in old new; do
    local bin; [ $v = old ] && bin="$old" || bin="$new"
    "$bin" ingest --store "$work/$v" --stations "$stations" "$@" > "$work/$v.out" 2>&1 || echo "exit $?" >> "$work/$v.out"
    sed -i "s#$work/$v#STORE#g" "$work/$v.out"
  done
  if ! diff -q "$work/old.out" "$work/new.out" > /dev/null; then
    echo "DIFFERENT output: $name"; diff "$work/old.out" "$work/new.out" | head -20; failed=1
  fi
  for ring in hourly.ring daily.ring; do
    if ! cmp "$work/old/$ring" "$work/new/$ring"; then echo "DIFFERENT $ring after: $name"; failed=1; fi
  done
  if ! diff -r "$work/old/quarantine" "$work/new/quarantine" > /dev/null 2>&1; then
    if [ -d "$work/old/quarantine" ] || [ -d "$work/new/quarantine" ]; then
      echo "DIFFERENT quarantine after: $name"; diff -r "$work/old/quarantine" "$work/new/quarantine" | head -20; failed=1
    fi
  fi
  if ! diff <(sed -E 's/"(time|seconds)":[^,]*,//g' "$work/old/ingest.log") \
            <(sed -E 's/"(time|seconds)":[^,]*,//g' "$work/new/ingest.log") > /dev/null; then
    echo "DIFFERENT ingest.log after: $name"; failed=1
  fi
  echo "same: $name ($(wc -c < "$work/new/hourly.ring") + $(wc -c < "$work/new/daily.ring") bytes of rings, $(ls "$work/new/quarantine" 2>/dev/null | wc -l) quarantine files)"
}

step "damaged copies into a new store, unknown stations quarantined" "$damaged"
step "national files" "$data"
step "the same files again" "$data"
step "damaged copies, unknown stations skipped" --unknown-stations skip "$damaged"
step "damaged copies, unknown stations stored" --unknown-stations store "$damaged"
for f in Tests/Fixtures/bad/*.csv; do
  step "$(basename "$f")" "$f"
done
step "the national files once more" "$data"
[ $failed = 0 ] && echo "same_store.sh: the stores are byte-identical" || { echo "same_store.sh: DIFFERENCES"; exit 1; }
