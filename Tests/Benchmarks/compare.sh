#!/usr/bin/env bash
# haze against pandas, same machine, same data, one run.
#   Tests/Benchmarks/compare.sh [DATA_DIR] [REPEAT]
# Builds haze in release mode, makes a virtual environment with pandas from
# PyPI (.venv-bench, ignored by git), runs both, checks the results are equal
# and prints the table for README.md's performance section.
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-../shared/data/cnemc}"
[ -d "$data" ] || data="Tests/Fixtures/cnemc"
repeat="${2:-5}"
swift build -c release --product haze >/dev/null
swift build -c release --product haze-bench >/dev/null
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet pandas
fi
.venv-bench/bin/python Tests/Benchmarks/compare.py --bench .build/release/haze-bench --data "$data" \
  --registry stations --repeat "$repeat"
