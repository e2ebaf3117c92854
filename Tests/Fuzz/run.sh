#!/usr/bin/env bash
# Fuzzes haze's parsers and rule loader with libFuzzer, each for a bounded time.
#   Tests/Fuzz/run.sh [SECONDS_PER_TARGET]      (default 60; .ci/run uses a short form)
# Builds each target with swiftc -sanitize=fuzzer,address from HazeKit's sources,
# seeds it from the real data and fixtures, and copies any crashing input to
# Tests/Fuzz/findings/<target>/ — add it to Tests/Fixtures/fuzz-regressions/<target>/
# so the test suite replays it for ever.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
out=.build-fuzz
mkdir -p "$out"
sources=$(find Sources/HazeKit -name '*.swift' | sort)

seed() {  # target, then seed files
  local dir="$out/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}
# Small excerpts of real CNEMC files: the header's first columns and some rows.
mkdir -p "$out/excerpts"
for f in $(ls Tests/Fixtures/cnemc/*.gz | head -3); do
  (zcat "$f" | head -8 | cut -d, -f1-12 > "$out/excerpts/$(basename "$f" .gz)") || true
done
seed wide "$out"/excerpts/* Tests/Fixtures/bad/*.csv
seed long Tests/Fixtures/bad/long-mixed.csv Tests/Fixtures/bad/gbk-long.csv
seed openaq Tests/Fixtures/openaq/*.json
seed rules alerts/*.json
for dir in Tests/Fixtures/fuzz-regressions/*/; do
  [ -d "$dir" ] && seed "$(basename "$dir")" "$dir"* || true
done

status=0
for target in wide:WideCSV long:LongCSV openaq:OpenAQ rules:Rules; do
  name="${target%%:*}"; file="${target##*:}"
  if [ ! -x "$out/$name" ] || [ -n "$(find Sources/HazeKit Tests/Fuzz -newer "$out/$name" -name '*.swift' | head -1)" ]; then
    echo "fuzz: building $name"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name HazeFuzz -I Sources/CZlib -lz \
      $sources Tests/Fuzz/Common.swift "Tests/Fuzz/$file.swift" -o "$out/$name" 2>&1 | grep -v warning || true
  fi
  mkdir -p "$out/findings/$name"
  echo "fuzz: $name for ${seconds}s"
  if ! "$out/$name" "$out/corpus/$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/findings/$name/" -print_final_stats=1 2> "$out/$name.log"; then
    status=1
    mkdir -p "Tests/Fuzz/findings/$name"
    cp "$out/findings/$name/"* "Tests/Fuzz/findings/$name/" 2>/dev/null || true
    echo "fuzz: $name FOUND A CRASH — inputs in Tests/Fuzz/findings/$name/"
    tail -30 "$out/$name.log"
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/$name.log" | sed "s/^/fuzz: $name /"
done
exit $status
