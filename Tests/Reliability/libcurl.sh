#!/usr/bin/env bash
# A release binary loads libcurl only when a command first uses the network
# (Sources/CLibcurl): checks what the debug build the tests use cannot show.
#
#   Tests/Reliability/libcurl.sh [HAZE_BINARY]   (default .build/release/haze)
#
# 1. libcurl is not linked, and not loaded by commands that stay on the machine;
# 2. with a real libcurl, a pull over HTTP from a loopback server stores the day;
# 3. with a library named libcurl.so.4 that is not libcurl (found first through
#    LD_LIBRARY_PATH): local commands work, a pull stops with one message and
#    exit 69, an alert's webhook report is kept "not sent";
# 4. a libcurl.so.4 whose constructor calls libcurl stops with a message, never hangs.
# Needs a C compiler (cc or the toolchain's clang) for the two fake libraries.
set -euo pipefail
cd "$(dirname "$0")/../.."
haze=$(realpath "${1:-.build/release/haze}")
[ -x "$haze" ] || { echo "libcurl.sh: no binary at $haze (swift build -c release first)" >&2; exit 64; }
cc=$(command -v cc || command -v clang || true)
[ -n "$cc" ] || { echo "libcurl.sh: no C compiler" >&2; exit 64; }
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok    $1"; else echo "FAIL  $1"; failures=$((failures + 1)); fi
}

# 1. Not linked, not loaded without the network.
check "libcurl is not among the binary's libraries" sh -c "! ldd '$haze' | grep -q libcurl"
check "haze --version does not load libcurl" sh -c "! LD_DEBUG=files '$haze' --version 2>&1 | grep -q 'libcurl'"
"$haze" init --store "$work/st" >/dev/null
"$haze" ingest --store "$work/st" --stations stations Tests/Fixtures/cnemc/china_sites_20190101.csv.gz >/dev/null 2>&1
check "haze status does not load libcurl" sh -c "! LD_DEBUG=files '$haze' status --store '$work/st' 2>&1 | grep -q 'libcurl'"

# 2. A pull from a loopback server with the real libcurl.
mkdir -p "$work/srv"
cp Tests/Fixtures/cnemc/china_sites_20190102.csv.gz "$work/srv/"
python3 Tests/Fixtures/http_server.py "$work/srv" > "$work/port" 2>/dev/null &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
cat > "$work/haze.json" <<JSON
{"sources":[{"id":"cnemc","url":"http://127.0.0.1:$port/china_sites_{yyyyMMdd}.csv.gz","format":"cnemc-wide","start":"2019-01-02"}]}
JSON
pull() { "$haze" pull --store "$work/st" --stations stations --config "$work/haze.json" --until 2019-01-02 "$@"; }
check "a pull with libcurl stores the day" sh -c "$(declare -f pull); haze='$haze' work='$work'; pull 2>&1 | grep -q 'complete through 2019-01-02'"

# 3. A library that is not libcurl, found first.
mkdir -p "$work/fake"
echo 'int not_libcurl(void) { return 0; }' > "$work/fake/f.c"
"$cc" -shared -fPIC -o "$work/fake/libcurl.so.4" "$work/fake/f.c"
export LD_LIBRARY_PATH="$work/fake"
rm -rf "$work/st2" && "$haze" init --store "$work/st2" >/dev/null
check "without libcurl, ingest and query work" sh -c "'$haze' ingest --store '$work/st2' --stations stations Tests/Fixtures/cnemc/china_sites_20190101.csv.gz >/dev/null 2>&1 && '$haze' query --store '$work/st2' --stations stations --station 1001A --pollutant pm2.5 --from 2019-01-01 --to 2019-01-01 >/dev/null"
set +e
out=$("$haze" pull --store "$work/st2" --stations stations --config "$work/haze.json" --until 2019-01-02 2>&1); status=$?
set -e
check "without libcurl, a pull exits 69" test "$status" -eq 69
check "... with one message naming the library and what to install" sh -c "printf '%s' \"\$1\" | grep -q 'nothing pulled: libcurl could not be loaded (the libcurl.so.4 found has no curl_global_init' && printf '%s' \"\$1\" | grep -q 'apt install libcurl4' && [ \$(printf '%s\n' \"\$1\" | grep -c libcurl) -eq 1 ]" sh "$out"
set +e
out=$("$haze" alert --store "$work/st2" --stations stations --city 北京 --at 2019-01-01T23:00+08:00 --webhook "http://127.0.0.1:$port/hook/T" 2>&1)
set -e
check "without libcurl, an alert's webhook report is kept, 'not sent', with the reason" sh -c "printf '%s' \"\$1\" | grep -q 'not sent: libcurl could not be loaded'" sh "$out"
unset LD_LIBRARY_PATH

# 4. A constructor calling libcurl while it is opened: a message, no hang.
mkdir -p "$work/fake2"
printf '%s\n' 'extern char *curl_version(void);' '__attribute__((constructor)) static void early(void) { curl_version(); }' \
  'char *curl_version(void) { return 0; }' > "$work/fake2/f.c"
"$cc" -shared -fPIC -o "$work/fake2/libcurl.so.4" "$work/fake2/f.c"
set +e
out=$(LD_LIBRARY_PATH="$work/fake2" timeout 20 "$haze" pull --store "$work/st2" --stations stations --config "$work/haze.json" --until 2019-01-02 2>&1); status=$?
set -e
check "a libcurl calling itself while opened does not hang (exit $status)" test "$status" -ne 124

echo "libcurl.sh: $failures failure(s)"
[ "$failures" -eq 0 ]
