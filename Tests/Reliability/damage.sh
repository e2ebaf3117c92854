#!/usr/bin/env bash
# Damage harness (see damage.py). Long form, as recorded in the README:
#   Tests/Reliability/damage.sh --cases 1000 && Tests/Reliability/damage.sh --cases 300 --partial-raw
# Short form (.ci/run): HAZE_BUILD=debug Tests/Reliability/damage.sh --cases 60
# Uses ../shared/data/cnemc when present, else the bundled Tests/Fixtures/cnemc;
# the registry is Beijing's stations only, so each case takes a fraction of a second.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${HAZE_BUILD:-release}"
swift build -c "$build" --product haze 2>&1 | grep -E "error|warning: " || true
data=../shared/data/cnemc
[ -f "$data/china_sites_20190101.csv" ] || data=Tests/Fixtures/cnemc
registry=$(mktemp -d "${TMPDIR:-/tmp}/haze-damage-registry.XXXXXX")
trap 'rm -rf "$registry"' EXIT
cp stations/beijing.csv "$registry/"
python3 Tests/Reliability/damage.py --haze ".build/$build/haze" --data "$data" --stations "$registry" "$@"
