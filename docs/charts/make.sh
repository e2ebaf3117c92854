#!/usr/bin/env bash
# Makes the README's chart pictures (docs/charts/*.svg) from the bundled
# sample, Tests/Fixtures/cnemc (CNEMC, January–February 2019):
#
#     docs/charts/make.sh            # uses .build/release/haze (built if missing), or $HAZE
#
# The test suite checks that the committed pictures are what this script
# makes (ChartValueTests), so a change to the charts shows in the README.
set -euo pipefail
cd "$(dirname "$0")/../.."
haze=${HAZE:-.build/release/haze}
[ -x "$haze" ] || swift build -c release --product haze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$haze" ingest --quiet --store "$work/store" --stations stations Tests/Fixtures/cnemc
p() { "$haze" plot "$@" --store "$work/store" --stations stations --width 800; }
p timeseries --station 1001A --from 2019-01-01 --to 2019-01-31 --aqi-band --out docs/charts/timeseries.svg
p timeseries --city 北京 --resolution hour --from 2019-01-10 --to 2019-01-16 --out docs/charts/timeseries-hourly.svg
p calendar --city 北京 --from 2019-01-01 --to 2019-02-28 --out docs/charts/calendar.svg
p diurnal --district 朝阳区 --city 北京 --from 2019-01-01 --to 2019-02-28 --out docs/charts/diurnal.svg
p weekday --district 朝阳区 --city 北京 --from 2019-01-01 --to 2019-02-28 --out docs/charts/weekday.svg
p bump --city 北京 --from 2019-01-01 --to 2019-02-28 --highlight 朝阳区 --out docs/charts/bump.svg
p ratio --city 北京 --from 2019-01-01 --to 2019-02-28 --out docs/charts/ratio.svg
p timeseries --city 北京 --resolution month --from 2019-01-01 --to 2019-02-28 --lang en --out docs/charts/timeseries-monthly-en.svg
