#!/usr/bin/env python3
"""Independent reference computation for haze's tests (standard library only).

Reads CNEMC wide CSVs (china_sites_YYYYMMDD.csv, plain or .gz) with the csv
module and computes, following GB 3095 / HJ 663 as written in DOMAIN.md:

  daily    per station and day: mean of the hours present, and their count
  monthly  per station: mean of valid daily means (>= 20 hours), valid days
  unit     one group of stations: daily value = mean of its stations' valid
           daily means; month = mean of those days; valid days
  rank     a monthly ranking of the registry's districts or cities: rounded
           mean (GB/T 8170 half-even), rank (ties share, invalid last
           jointly), valid days, exceedance days (rounded daily value above
           the Grade II 24 h limit), highest daily value and its date

It shares no code with haze. Output is JSON on stdout.  The four modes above read only the
PM2.5/PM10 rows and take a date's day as that file's hours 0..23, unless --day-hours 1-24 is
given: then a date's day is its file's labels 1..23 plus label 0 of the next date's file (the
day haze stores use by default; see RULES.md §2).

usage: reference.py daily   --data DIR --stations 1001A,1003A
       reference.py monthly --data DIR --stations 1001A,1003A --month 2019-01
       reference.py unit    --data DIR --stations 1001A,1003A --month 2019-01
       reference.py rank    --data DIR --registry stations/ --month 2019-01 --level district [--city 北京]
                 (--level city, station or any layer of the registry's memberships; units are formed
                 day by day from the dated lists and memberships: registry_ref.py)

Extended modes (aqi_ref.py, compare_ref.py, unit_ref.py; rules and sources in RULES.md).  Every
one takes --day-hours 1-24 (default: CNEMC hour-ending labels, a date's day = its labels 1..23
plus label 0 of the next date's file) or --day-hours 0-23 (a date's day = its file's labels 0..23).

  hour-convention  --data DIR
        Compares both conventions with CNEMC's own daily rows (PM2.5_24h/PM10_24h, O3_8h_24h,
        O3_24h at the last label of the day) and with the O3_8h row at labels 1..7.
  hourly-aqi       --data DIR --stations CODES [--date-from YYYY-MM-DD] [--date-to YYYY-MM-DD]
        Per station-hour (keyed "YYYY-MM-DD HH" = file date and hour label): real-time IAQI per
        pollutant, AQI, primary pollutant(s), level/category (HJ 633-2012 before 2026-03-01,
        HJ 633-2026 from then), and the recomputed 24-h moving PM2.5/PM10 means (>= 20 h).
  compare-hourly   --data DIR
        Every station-hour of the files: recomputed AQI vs the AQI row, 24-h moving PM means vs
        the PM2.5_24h/PM10_24h rows; counts of agreement and of each class of disagreement.
  compare-snapshot --files F1.csv [F2.csv ...]   (or --data DIR of cnemc-hourly CSVs)
        cnemc-hourly snapshot rows: aqi and primarypollutant recomputed with the 2026 tables.
  daily-stats      --data DIR [--stations CODES] [--date-from D] [--date-to D]
        Per station-day: SO2/NO2/CO/PM10/PM2.5 daily means (hours, validity >= 20 h), O3 MDA8
        (windows, validity), O3 1-h max, daily IAQI per item, AQI, primary, level, category.
  unit-stats       --data DIR (--stations CODES [--registry DIR] | --registry DIR --city C [--district D])
                   (--month YYYY-MM [--cumulative] | --from YYYY-MM --to YYYY-MM | --year YYYY)
                   [--exclude-days FILE] [--limits 2012|2026|2031 | --same-limits-as YEAR]
                   [--o3-unit station-mean|hourly-mean] [--no-daily]
        A unit's daily values and AQI series, period statistics with validity, AQI-day counts,
        composite index and PM-only index.
  all-units        --data DIR --registry DIR --level district|city [--city C] (period as unit-stats) [--no-daily] …
        unit-stats for every unit of a level in one run (station days computed once): {units: {name: …}}.
  rank             --data DIR --registry DIR --indicator pm2.5|pm10|so2|no2|co|o3|composite|good-days|aqi-days
                   --level district|city [--city C] (--month M [--cumulative] | --from/--to | --year)
                   [--by change] [--top N] [--bottom N] [--exclude-days FILE]
                   [--limits ... | --same-limits-as YEAR] [--o3-unit ...]
        Without --indicator (and without the new options) rank keeps its PM behaviour above.
        Output: {indicator, level, period, last_year_period, day_hours, order, units: {name:
        {value, valid, rank, last_year_value, last_year_valid, last_year_rank, change, change_rank,
        attains_grade_ii, excluded_from_deteriorating, ...}}, red_list/black_list or
        most_improved/most_deteriorated}.
"""
import argparse, csv, glob, gzip, io, json, os, sys
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, ROUND_HALF_EVEN


def open_text(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    return raw.decode('utf-8-sig')


def day_of_label(d, hour, conv):
    """'YYYY-MM-DD' of the day a row of date d (YYYYMMDD) and hour label belongs to."""
    day = date(int(d[0:4]), int(d[4:6]), int(d[6:8]))
    if conv == '1-24' and hour == 0:
        day -= timedelta(days=1)
    return day.isoformat()


def daily(data_dir, wanted=None, conv='0-23'):
    """{station: {pollutant: {'YYYY-MM-DD': {'mean': m, 'hours': n}}}}, streaming one day file at a time."""
    acc = defaultdict(lambda: [0.0, 0])
    out = defaultdict(lambda: defaultdict(dict))
    for path in sorted(glob.glob(os.path.join(data_dir, 'china_sites_*.csv*'))):
        text = open_text(path)
        lines = text.split('\n')
        header = next(csv.reader([lines[0]]))
        cols = [(i, c.strip()) for i, c in enumerate(header) if i >= 3 and (wanted is None or c.strip() in wanted)]
        for line in lines[1:]:
            parts = line.split(',', 3)
            if len(parts) < 4 or parts[2] not in ('PM2.5', 'PM10'):
                continue
            row = next(csv.reader([line.rstrip('\r')]))
            if len(row) != len(header):
                continue
            day = day_of_label(row[0], int(row[1]), conv)
            for i, code in cols:
                cell = row[i].strip()
                if cell:
                    a = acc[(code, row[2], day)]
                    a[0] += float(cell)
                    a[1] += 1
    for (code, pol, day), (total, n) in acc.items():
        out[code][pol][day] = {'mean': total / n, 'hours': n}
    return out


def month_days(month):
    y, m = map(int, month.split('-'))
    n = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return ['%04d-%02d-%02d' % (y, m, d) for d in range(1, n + 1)]


def round_half_even(x):
    """GB/T 8170 on the decimal value: six places first to drop binary noise."""
    return int(Decimal(repr(round(x, 6))).quantize(Decimal('1'), rounding=ROUND_HALF_EVEN))


def daily_limit(pol, day):
    if day < '2026-03-01':
        return 75 if pol == 'PM2.5' else 150
    if day < '2031-01-01':
        return 60 if pol == 'PM2.5' else 120
    return 50 if pol == 'PM2.5' else 100


def unit_days(d, stations, pol, days):
    """[(day, value or None)]: mean of the stations' valid (>= 20 h) daily means."""
    result = []
    for day in days:
        vals = []
        for code in stations:
            v = d.get(code, {}).get(pol, {}).get(day)
            if v is not None and v['hours'] >= 20:
                vals.append(v['mean'])
        result.append((day, sum(vals) / len(vals) if vals else None))
    return result


def registry(path):
    """The registry's stations as the newest dated list describes them (registry_ref.py)."""
    import registry_ref
    return registry_ref.Registry(path).undated()


def rank_month(d, reg_path, month, level, city):
    """Units by day: on each day a unit is the non-control stations counted that day (the dated list
    in force, the memberships of that day; registry_ref.py), its daily value the mean of their valid
    daily means."""
    import datetime, registry_ref
    reg = registry_ref.Registry(reg_path)
    if city:
        city = reg.city(city)
    days = month_days(month)
    members = {day: reg.units_on(level, datetime.date.fromisoformat(day), city) for day in days}
    names = set()
    for by_unit in members.values():
        names.update(by_unit)
    need = 25 if month.endswith('-02') else 27
    out = {}
    for pol in ('PM2.5', 'PM10'):
        rows = []
        for name in names:
            series = []
            for day in days:
                vals = []
                for code in members[day].get(name, []):
                    v = d.get(code, {}).get(pol, {}).get(day)
                    if v is not None and v['hours'] >= 20:
                        vals.append(v['mean'])
                series.append((day, sum(vals) / len(vals) if vals else None))
            valid = [(day, v) for day, v in series if v is not None]
            mean = sum(v for _, v in valid) / len(valid) if valid else None
            high = None
            for day, v in valid:
                if high is None or v > high[1]:
                    high = (day, v)
            rows.append({'unit': name, 'valid_days': len(valid), 'valid': len(valid) >= need,
                         'mean': round_half_even(mean) if mean is not None and len(valid) >= need else None,
                         'mean_exact': mean,
                         'exceedance_days': sum(1 for day, v in valid if round_half_even(v) > daily_limit(pol, day)),
                         'highest_daily': round_half_even(high[1]) if high else None,
                         'highest_daily_date': high[0] if high else None,
                         'stations': sorted({c for day in days for c in members[day].get(name, [])})})
        ranked = sorted(r['mean'] for r in rows if r['mean'] is not None)
        for r in rows:
            r['rank'] = (sum(1 for m in ranked if m < r['mean']) + 1) if r['mean'] is not None else len(ranked) + 1
        out[pol] = {r['unit']: r for r in rows}
    return out


NEW_MODES = ['hour-convention', 'hourly-aqi', 'compare-hourly', 'compare-snapshot', 'daily-stats', 'unit-stats',
             'all-units']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['daily', 'monthly', 'unit', 'rank'] + NEW_MODES)
    ap.add_argument('--data')
    ap.add_argument('--stations')
    ap.add_argument('--registry')
    ap.add_argument('--month')
    ap.add_argument('--level', default='district')
    ap.add_argument('--city')
    ap.add_argument('--district')
    ap.add_argument('--day-hours', choices=['0-23', '1-24'], default=None)
    ap.add_argument('--date-from')
    ap.add_argument('--date-to')
    ap.add_argument('--from', dest='from_ym')
    ap.add_argument('--to', dest='to_ym')
    ap.add_argument('--year')
    ap.add_argument('--cumulative', action='store_true')
    ap.add_argument('--indicator', choices=['pm2.5', 'pm10', 'so2', 'no2', 'co', 'o3', 'composite', 'good-days', 'aqi-days'])
    ap.add_argument('--by', choices=['value', 'change'], default='value')
    ap.add_argument('--top', type=int)
    ap.add_argument('--bottom', type=int)
    ap.add_argument('--exclude-days')
    ap.add_argument('--limits', choices=['2012', '2026', '2031'])
    ap.add_argument('--same-limits-as')
    ap.add_argument('--o3-unit', choices=['station-mean', 'hourly-mean'], default='station-mean')
    ap.add_argument('--files', nargs='*')
    ap.add_argument('--no-daily', action='store_true')
    a = ap.parse_args()
    new_rank = a.mode == 'rank' and (a.indicator or a.by != 'value' or a.cumulative or a.top or a.bottom or a.from_ym
                                     or a.year or a.exclude_days or a.limits or a.same_limits_as)
    if a.mode in NEW_MODES or new_rank:
        a.day_hours = a.day_hours or '1-24'
        import extended
        json.dump(extended.run(a), sys.stdout, ensure_ascii=False)
        return
    if not a.data:
        ap.error('--data is required')
    conv = a.day_hours or '0-23'
    if a.mode == 'rank':
        json.dump(rank_month(daily(a.data, None, conv), a.registry, a.month, a.level, a.city), sys.stdout,
                  ensure_ascii=False)
        return
    stations = a.stations.split(',')
    d = daily(a.data, set(stations), conv)
    if a.mode == 'daily':
        json.dump(d, sys.stdout)
        return
    days = month_days(a.month)
    need = 25 if a.month.endswith('-02') else 27
    out = {}
    if a.mode == 'monthly':
        for code in stations:
            out[code] = {}
            for pol in ('PM2.5', 'PM10'):
                vals = [v for _, v in unit_days(d, [code], pol, days) if v is not None]
                out[code][pol] = {'mean': sum(vals) / len(vals) if vals else None,
                                  'valid_days': len(vals), 'valid': len(vals) >= need}
    else:
        for pol in ('PM2.5', 'PM10'):
            vals = [v for _, v in unit_days(d, stations, pol, days) if v is not None]
            out[pol] = {'mean': sum(vals) / len(vals) if vals else None,
                        'valid_days': len(vals), 'valid': len(vals) >= need}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
