#!/usr/bin/env bash
# Fuzzes haze's parsers, rule loader, number conversions and calendar/option
# parsing with libFuzzer, each target for a bounded time.
#   Tests/Fuzz/run.sh [SECONDS_PER_TARGET [TARGET…]]   (default 300, every target; .ci/run uses a short form)
# Targets: wide long openaq rules numbers calendar (see Tests/HazeKitTests/Fuzz/FuzzTarget.swift).
# Builds one binary (swiftc -sanitize=fuzzer,address over the library targets'
# sources compiled as one module, and Tests/HazeKitTests/Fuzz/FuzzTarget.swift), seeds each target from the real data,
# fixtures and earlier findings, and copies any crashing input to
# Tests/Fixtures/fuzz-regressions/<target>/ — which the test suite replays
# (FuzzRegressionTests), so a finding stays a test after it is fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-300}"
shift || true
targets="${*:-wide long openaq rules numbers calendar}"
out=.build-fuzz
binary="$out/haze-fuzz"
mkdir -p "$out"

# The layers the fuzz targets reach (the calendar target parses command lines,
# so the CLI too). Compiled together as one module, so their imports of each
# other are dropped from copies of the sources.
layers="HazeModel HazeRegistry HazeStore HazeIngest HazeNet HazeSources HazeAssessment HazeAlerts HazeReport HazeCLI"
sources=$(for layer in $layers; do echo "Sources/$layer"; done)
# shellcheck disable=SC2086
if [ ! -x "$binary" ] || [ -n "$(find $sources Tests/Fuzz Tests/HazeKitTests/Fuzz -newer "$binary" -name '*.swift' | head -1)" ]; then
  echo "fuzz: building $binary"
  started=$(date +%s)
  rm -rf "$out/src" && mkdir -p "$out/src"
  for layer in $layers; do
    find "Sources/$layer" -name '*.swift' | while read -r file; do
      sed -E '/^import Haze[A-Za-z]+$/d' "$file" > "$out/src/${layer}_$(basename "$file")"
    done
  done
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name HazeFuzz -package-name haze -D HAZE_FUZZ_BINARY \
    -I Sources/CZlib -lz "$out"/src/*.swift \
    Tests/HazeKitTests/Fuzz/FuzzTarget.swift Tests/Fuzz/Entry.swift -o "$binary" 2>&1 | { grep -v warning || true; }
  echo "fuzz: built in $(( $(date +%s) - started ))s"
fi

seed() {  # target, then seed files
  local dir="$out/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do if [ -f "$f" ]; then cp "$f" "$dir/"; fi; done
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
  if [ -d "$dir" ]; then seed "$(basename "$dir")" "$dir"*; fi
done

status=0
for name in $targets; do
  mkdir -p "$out/findings/$name"
  echo "fuzz: $name for ${seconds}s"
  if ! HAZE_FUZZ_TARGET=$name "$binary" "$out/corpus/$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$out/findings/$name/" -print_final_stats=1 2> "$out/$name.log"; then
    status=1
    mkdir -p "Tests/Fixtures/fuzz-regressions/$name"
    cp "$out/findings/$name/"* "Tests/Fixtures/fuzz-regressions/$name/" 2>/dev/null || true
    echo "fuzz: $name FOUND A CRASH — input(s) now in Tests/Fixtures/fuzz-regressions/$name/"
    tail -30 "$out/$name.log"
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$' || echo "?")
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $name: ${execs} executions in ${seconds}s, peak RSS ${rss} MB, $(ls "$out/corpus/$name" | wc -l) corpus inputs"
done
if [ $status -eq 0 ]; then echo "fuzz: no crashes"; fi
exit $status
