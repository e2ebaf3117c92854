#!/usr/bin/env bash
# The test suite under Thread Sanitizer and Address Sanitizer, each in its own
# scratch directory (.build-tsan, .build-asan) so the normal build is untouched.
#   Tests/Reliability/sanitizers.sh            both, the whole suite (long form)
#   Tests/Reliability/sanitizers.sh --short    both, without the two-month real-data suites (.ci/run)
# Fails on any sanitizer report, not only on failing tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
skip=()
if [ "${1:-}" = "--short" ]; then
  # The real-data suites re-run the whole national pipeline many times; under a
  # sanitizer that is minutes each, and their code paths are covered by the rest.
  # The multi-process tests (concurrent processes, damaged-ring repair) gain
  # little from instrumenting each child and run minutes under a sanitizer. The
  # pull fault test mostly waits out its servers' stalls and deadlines. The
  # end-to-end alert-state repair re-evaluates a national week twice (the
  # cheaper repair test keeps the path instrumented).
  skip=(--skip "RealDataTests" --skip "pullEqualsIngest" --skip "writerReadersAndAlert" --skip "damagedHourlyRing" --skip "faultInjection" --skip "repairRebuildsFromTheLog")
fi
status=0
for sanitizer in thread address; do
  scratch=".build-${sanitizer:0:1}san"
  extra=()
  # TSan backs its shadow memory with mappings that the file-size limit used to
  # simulate a full disk also limits: under TSan those tests fault in TSan itself.
  [ "$sanitizer" = thread ] && extra=(--skip "FaultTests/diskFull")
  log="$scratch/sanitizer-test.log"
  mkdir -p "$scratch"
  started=$(date +%s)
  echo "sanitizers: $sanitizer: building"
  swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" 2>&1 | grep -E "error|warning: " | grep -v "Cannot export local symbol" || true
  echo "sanitizers: $sanitizer: testing"
  # halt_on_error: the first report fails the run instead of scrolling past.
  if ! TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ASAN_OPTIONS="halt_on_error=1 detect_leaks=0" \
       swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "${skip[@]}" "${extra[@]}" > "$log" 2>&1; then
    status=1
    echo "sanitizers: $sanitizer: FAILED"
  fi
  if grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log"; then
    status=1
    grep -E -A20 "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log" | head -60
  fi
  echo "sanitizers: $sanitizer: $(grep -E "Test run with" "$log" | tail -1) ($(( $(date +%s) - started ))s)"
done
[ $status -eq 0 ] && echo "sanitizers: clean"
exit $status
