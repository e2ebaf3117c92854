#!/usr/bin/env bash
# The six-pollutant ingest side by side in one run (issues 14 and 18):
#   haze-bench ingest on the disk's temporary directory and on tmpfs (/dev/shm),
#   optionally an older haze-bench binary the same way (before/after),
#   and the C ceiling (Tests/Benchmarks/ceiling/ingest_ceiling.c, compiled here).
# Usage: Tests/Benchmarks/ingest.sh [--old OLD_HAZE_BENCH] [--repeat N] [--rounds R] [DATA_DIR]
#
# The tools take turns: each of R rounds runs every tool once (each a best of
# N), so a change in the machine's speed between minutes (a shared virtual
# machine: the ceiling alone has measured 109 to 230 ms in one session) falls
# on all of them alike. Prints each tool's best and median over the rounds, the
# ceiling's share of haze's time per round (median and range) and of the bests,
# and the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
old="" repeat=3 rounds=5 data=../shared/data/cnemc
while [ $# -gt 0 ]; do
  case "$1" in
    --old) old="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) data="$1"; shift ;;
  esac
done
[ -d "$data" ] || { echo "ingest.sh: no data directory $data" >&2; exit 64; }
swift build -c release --product haze-bench 2>&1 | grep -E "error|warning: " || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/ingest_ceiling" Tests/Benchmarks/ceiling/ingest_ceiling.c
plain=("$data"/china_sites_*.csv)
[ -f "${plain[0]}" ] || { echo "ingest.sh: the ceiling needs the uncompressed national files in $data" >&2; exit 64; }
shm=/dev/shm
[ -d "$shm" ] || shm=""

# One line per measurement into $work/results: TOOL MILLISECONDS [CPU_MS SYNCS RSS_MIB]
measure_haze() {  # label binary tmpdir
  local out
  out=$(TMPDIR="$3" "$2" ingest --data "$data" --stations stations --repeat "$repeat")
  local wall cpu syncs rss
  wall=$(sed -n 's/^wall time: min \([0-9.]*\) ms.*/\1/p' <<<"$out")
  cpu=$(sed -n 's/^CPU time.*min \([0-9.]*\) ms.*/\1/p' <<<"$out")
  syncs=$(sed -n 's/.*syncs (msync, fsync) per run: \([0-9]*\).*/\1/p' <<<"$out")
  rss=$(sed -n 's/^peak RSS: \([0-9.]*\) MiB.*/\1/p' <<<"$out")
  echo "$1 $wall ${cpu:-nan} ${syncs:-nan} ${rss:-nan}" >>"$work/results"  # an older haze-bench may not print them
  if [ "$round" = 1 ]; then echo "== $1: $2"; grep -E "values stored|hourly ring" <<<"$out" || true; fi
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  if [ -n "$old" ]; then measure_haze old-disk "$old" "${TMPDIR:-/tmp}/"; fi
  measure_haze new-disk .build/release/haze-bench "${TMPDIR:-/tmp}/"
  if [ -n "$shm" ]; then
    if [ -n "$old" ]; then measure_haze old-tmpfs "$old" "$shm/"; fi
    measure_haze new-tmpfs .build/release/haze-bench "$shm/"
  fi
  ceiling=$("$work/ingest_ceiling" --repeat "$repeat" "${plain[@]}")
  echo "ceiling $(sed -n 's/.*best of [0-9]*: \([0-9.]*\) ms.*/\1/p' <<<"$ceiling")" >>"$work/results"
  [ "$round" = 1 ] && { echo "== C ceiling (one core, no validation, no store)"; head -1 <<<"$ceiling"; }
  echo "round $round of $rounds done (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/results" "$rounds" <<'EOF'
import sys, statistics
rows = [line.split() for line in open(sys.argv[1])]
rounds = int(sys.argv[2])
tools = {}
for row in rows:
    tools.setdefault(row[0], []).append([float(x) for x in row[1:]])
print()
print("| tool | wall best | wall median | CPU best | syncs | peak RSS |")
print("|---|---:|---:|---:|---:|---:|")
for tool, runs in tools.items():
    walls = [r[0] for r in runs]
    shown = lambda format, value: "—" if value != value else format % value  # nan: not printed by that haze-bench
    extra = [shown("%.1f ms", min(r[1] for r in runs)), shown("%d", runs[0][2]), shown("%.1f MiB", max(r[3] for r in runs))] if len(runs[0]) > 1 else ["", "", ""]
    print("| %s | %.1f ms | %.1f ms | %s |" % (tool, min(walls), statistics.median(walls), " | ".join(extra)))
ceiling = [r[0] for r in tools["ceiling"]]
print()
for tool in [t for t in tools if t != "ceiling"]:
    walls = [r[0] for r in tools[tool]]
    shares = [100 * c / w for c, w in zip(ceiling, walls)]
    print("%s: ceiling / haze per round: median %.1f %%, range %.1f – %.1f %%; best / best: %.1f %% (%d rounds)"
          % (tool, statistics.median(shares), min(shares), max(shares), 100 * min(ceiling) / min(walls), rounds))
if "old-disk" in tools:
    for medium in ("disk", "tmpfs"):
        if "old-" + medium in tools:
            o = [r[0] for r in tools["old-" + medium]]; n = [r[0] for r in tools["new-" + medium]]
            print("%s, old / new per round: median %.2f×; best %.1f → %.1f ms" % (medium, statistics.median([a / b for a, b in zip(o, n)]), min(o), min(n)))
EOF
