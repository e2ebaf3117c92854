#!/usr/bin/env bash
# Issue 18's acceptance: every figure of its targets, before and after, side
# by side in one run, the C ceiling included.
#   Tests/Benchmarks/issue18.sh OLD_BUILD_DIR [DATA_DIR]
# OLD_BUILD_DIR: the release build directory (holding haze and haze-bench) of
# the version to compare with, e.g. a worktree of 6f31cd2 (main when the issue
# was filed) built with `swift build -c release`. This tree is built here.
# Each part prints its own table; the processes take turns (alternate.py,
# ingest.sh --rounds), so the machine's changes of speed fall on both alike.
set -euo pipefail
cd "$(dirname "$0")/../.."
old="${1:?usage: issue18.sh OLD_BUILD_DIR [DATA_DIR]}"
data="${2:-../shared/data/cnemc}"
for tool in haze haze-bench; do
  [ -x "$old/$tool" ] || { echo "issue18.sh: no $old/$tool (build the old version with swift build -c release)" >&2; exit 64; }
done
[ -d "$data" ] || { echo "issue18.sh: no data directory $data" >&2; exit 64; }
swift build -c release 2>&1 | grep -E "error|warning: " || true
new=.build/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
section() { echo; echo "## $1 ($(date -u +%H:%M), load $(cut -d' ' -f1-3 /proc/loadavg))"; }

section "national stores: each version ingests the 59 files into its own"
for version in old new; do
  bin=$old; [ $version = new ] && bin=$new
  /usr/bin/time -f "$version: haze ingest %e s wall, %U + %S s CPU, %M KiB peak RSS" \
    "$bin/haze" ingest --store "$work/$version" --stations stations --quiet "$data" >/dev/null
done

section "readers as processes, start to exit, 20 rounds taking turns"
python3 - "$old" "$new" "$work" >"$work/readers.json" <<'EOF'
import json, sys
old, new, work = sys.argv[1:]
works = [
    ("haze --version", ["--version"], False),
    ("haze status", ["status", "--store", "{store}"], False),
    ("haze rank --month 2019-01 --level city (CSV)",
     ["rank", "--store", "{store}", "--stations", "stations", "--month", "2019-01", "--level", "city", "--format", "csv"], True),
    ("haze alert --dry-run, one cron hour, every rule",
     ["alert", "--store", "{store}", "--stations", "stations", "--rules", "alerts", "--at", "2019-02-28T23:00",
      "--dry-run", "--format", "ndjson"], True),
    ("haze query, a station's 1 416 hours (CSV)",
     ["query", "--store", "{store}", "--stations", "stations", "--format", "csv", "--station", "1001A",
      "--resolution", "hour", "--from", "2019-01-01", "--to", "2019-02-28"], True),
]
spec = []
for work_name, argv, compare in works:
    for label, binary, store in (("before", old, work + "/old"), ("after", new, work + "/new")):
        spec.append({"work": work_name, "label": label, "compare": compare,
                     "argv": [binary + "/haze"] + [a.replace("{store}", store) for a in argv]})
print(json.dumps(spec))
EOF
python3 Tests/Benchmarks/alternate.py --rounds 20 "$work/readers.json"

section "status over five years of history (haze-bench status makes the store once)"
status_out=$("$new/haze-bench" status --repeat 5)
grep -E "store|in process" <<<"$status_out" || true
status_store=$(ls -d "${TMPDIR:-/tmp}"/haze-bench-status-5y-* 2>/dev/null | head -1)
if [ -n "$status_store" ]; then
  printf '[{"work":"haze status, 5 years","label":"before","argv":["%s","status","--store","%s"]},{"work":"haze status, 5 years","label":"after","argv":["%s","status","--store","%s"]}]' \
    "$old/haze" "$status_store" "$new/haze" "$status_store" >"$work/status.json"
  python3 Tests/Benchmarks/alternate.py --rounds 20 "$work/status.json"
fi

section "ingest: the 59 files, disk and tmpfs, and the C ceiling (ingest.sh, 5 rounds of best of 3)"
Tests/Benchmarks/ingest.sh --old "$old/haze-bench" --rounds 5 --repeat 3 "$data"

section "alert replay, one month (haze-bench replay)"
"$new/haze-bench" replay --months 1 --old "$old/haze" --old-months 1 --repeat 3 | grep -vE "^haze-bench: " || true

section "province scale (haze-bench province, 5 runs each, taking turns)"
"$new/haze-bench" province --repeat 5 --old "$old/haze" --keep "$work/province" 2>/dev/null | grep -E "^\||ring:|values|load" || true

section "analysts' formats: haze export parquet of the national store"
/usr/bin/time -f "haze export parquet: %e s wall, %M KiB peak RSS" \
  "$new/haze" export parquet --store "$work/new" --stations stations --out "$work/national.parquet" >/dev/null
ls -l "$work/national.parquet" | awk '{print "national.parquet: " $5 " bytes"}'

section "pandas, the analysts' reference (compare.sh, best of 3)"
Tests/Benchmarks/compare.sh "$data" 3 | tail -8
