#!/usr/bin/env bash
# Kill/re-run crash harness (see crash.py). Long form, as recorded in the README:
#   Tests/Reliability/crash.sh --iterations 1000
# Short form (.ci/run): HAZE_BUILD=debug Tests/Reliability/crash.sh --iterations 24 --days 3
# Uses ../shared/data/cnemc when present, else the bundled Tests/Fixtures/cnemc.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${HAZE_BUILD:-release}"
swift build -c "$build" --product haze 2>&1 | grep -E "error|warning: " || true
data=../shared/data/cnemc
[ -f "$data/china_sites_20190101.csv" ] || data=Tests/Fixtures/cnemc
exec python3 Tests/Reliability/crash.py --haze ".build/$build/haze" --data "$data" --stations stations \
  --rules alerts --server Tests/Fixtures/http_server.py "$@"
