#!/usr/bin/env bash
# This checkout against an older release build doing the same work (issue 11's
# "no slowdown beyond 10 %"): the same input (the 59 files' PM rows in
# Tests/Fixtures/cnemc), the older checkout's registry and alert rules for both,
# a store per version, haze-bench ingest, rank and alert --repeat 5 each, the
# versions in turns (order swapped every round).
#
# Usage: Tests/Benchmarks/same_work.sh OLD_CHECKOUT [ROUNDS]
#   OLD_CHECKOUT: a worktree built with `swift build -c release`, e.g.
#     git worktree add --detach ../old 0b02644 && (cd ../old && swift build -c release)
# Prints min / median of the rounds' medians per version and the ratios.
# Old haze-bench binaries run `haze rank --out /dev/null`, which before 2e64f1a
# replaced the null device when run as root: they run in a private mount
# namespace with a tmpfs /dev (unshare, root only).
set -euo pipefail
cd "$(dirname "$0")/../.."
old="${1:?usage: same_work.sh OLD_CHECKOUT [ROUNDS]}"
rounds="${2:-6}"
[ -x "$old/.build/release/haze-bench" ] || { echo "same_work.sh: build $old in release first" >&2; exit 64; }
swift build -c release 2>&1 | grep -E "error|warning: " || true
here=$(pwd)
data="$here/Tests/Fixtures/cnemc"
stations="$old/stations"
rules="$old/alerts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

private_dev() {
  unshare -m --propagation private sh -c '
    mount -t tmpfs -o mode=755 tmpfs /dev &&
    mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
    mknod -m 666 /dev/urandom c 1 9 && mknod -m 666 /dev/random c 1 8 &&
    ln -s /proc/self/fd /dev/fd && ln -s /proc/self/fd/1 /dev/stdout && ln -s /proc/self/fd/2 /dev/stderr &&
    exec "$@"' sh "$@"
}

run() {  # run VERSION ROUND
  local version=$1 round=$2 bench dir wrap=()
  if [ "$version" = old ]; then bench="$old/.build/release/haze-bench"; dir="$old"; wrap=(private_dev)
  else bench="$here/.build/release/haze-bench"; dir="$here"; fi
  local out="$work/$version.$round"
  (cd "$dir" &&
    "${wrap[@]}" "$bench" ingest --data "$data" --stations "$stations" --repeat 5 > "$out.ingest" 2>&1 &&
    "${wrap[@]}" "$bench" rank --store "$work/store-$version" --data "$data" --stations "$stations" \
      --month 2019-01 --level city --repeat 5 > "$out.rank" 2>&1 &&
    "${wrap[@]}" "$bench" alert --store "$work/store-$version" --data "$data" --stations "$stations" \
      --rules "$rules" --repeat 5 > "$out.alert" 2>&1)
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then run old $r; run new $r; else run new $r; run old $r; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" <<'EOF'
import glob, re, statistics, sys
work = sys.argv[1]
def grab(path, label):
    for line in open(path):
        if line.strip().startswith(label):
            m = re.search(r"min ([\d.]+) ms, median ([\d.]+) ms", line)
            return float(m.group(1)), float(m.group(2))
for bench, label in [("ingest", "wall time"), ("rank", "in process"), ("rank", "haze rank process"),
                     ("alert", "in process"), ("alert", "haze alert process")]:
    figures = {}
    for version in ("old", "new"):
        found = [grab(f, label) for f in glob.glob(f"{work}/{version}.*.{bench}")]
        found = [x for x in found if x]
        figures[version] = (min(x[0] for x in found), statistics.median(x[1] for x in found))
    o, n = figures["old"], figures["new"]
    print(f"{bench:6} {label:20} old {o[0]:8.1f} / {o[1]:8.1f} ms   new {n[0]:8.1f} / {n[1]:8.1f} ms   "
          f"new/old {n[0] / o[0]:.2f} (min), {n[1] / o[1]:.2f} (median)")
EOF
ls -la /dev/null | grep -q '^c' || echo "same_work.sh: /dev/null is no longer a character device!" >&2
