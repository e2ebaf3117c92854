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

It shares no code with haze. Output is JSON on stdout.

usage: reference.py daily   --data DIR --stations 1001A,1003A
       reference.py monthly --data DIR --stations 1001A,1003A --month 2019-01
       reference.py unit    --data DIR --stations 1001A,1003A --month 2019-01
       reference.py rank    --data DIR --registry stations/ --month 2019-01 --level district [--city 北京]
"""
import argparse, csv, glob, gzip, io, json, os, sys
from collections import defaultdict
from decimal import Decimal, ROUND_HALF_EVEN


def open_text(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    return raw.decode('utf-8-sig')


def daily(data_dir, wanted=None):
    """{station: {pollutant: {'YYYY-MM-DD': {'mean': m, 'hours': n}}}}, streaming one day file at a time."""
    out = defaultdict(lambda: defaultdict(dict))
    for path in sorted(glob.glob(os.path.join(data_dir, 'china_sites_*.csv*'))):
        text = open_text(path)
        lines = text.split('\n')
        header = next(csv.reader([lines[0]]))
        cols = [(i, c.strip()) for i, c in enumerate(header) if i >= 3 and (wanted is None or c.strip() in wanted)]
        acc = defaultdict(lambda: [0.0, 0])
        for line in lines[1:]:
            parts = line.split(',', 3)
            if len(parts) < 4 or parts[2] not in ('PM2.5', 'PM10'):
                continue
            row = next(csv.reader([line.rstrip('\r')]))
            if len(row) != len(header):
                continue
            d = row[0]
            day = '%s-%s-%s' % (d[0:4], d[4:6], d[6:8])
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
    """Merged stations/*.csv: {code: {'city', 'district', 'control'}} (non-empty fields fill empty ones)."""
    reg = {}
    for f in sorted(glob.glob(os.path.join(path, '*.csv'))):
        for row in csv.DictReader(io.StringIO(open(f, encoding='utf-8-sig').read())):
            e = reg.setdefault(row['code'].strip(), {'city': '', 'district': '', 'control': False})
            for k in ('city', 'district'):
                if not e[k] and row.get(k, '').strip():
                    e[k] = row[k].strip()
            if row.get('control', '').strip().lower() in ('1', 'y', 'yes', 'true'):
                e['control'] = True
    return reg


def rank_month(d, reg, month, level, city):
    units = defaultdict(list)
    for code, e in reg.items():
        if e['control'] or (city and e['city'] != city):
            continue
        if level == 'city':
            units[e['city']].append(code)
        elif e['district']:
            units[e['district']].append(code)
    days = month_days(month)
    need = 25 if month.endswith('-02') else 27
    out = {}
    for pol in ('PM2.5', 'PM10'):
        rows = []
        for name, codes in units.items():
            series = unit_days(d, codes, pol, days)
            valid = [(day, v) for day, v in series if v is not None]
            mean = sum(v for _, v in valid) / len(valid) if valid else None
            high = None
            for day, v in valid:
                if high is None or v > high[1]:
                    high = (day, v)
            rows.append({'unit': name, 'valid_days': len(valid), 'valid': len(valid) >= need,
                         'mean': round_half_even(mean) if mean is not None and len(valid) >= need else None,
                         'exceedance_days': sum(1 for day, v in valid if round_half_even(v) > daily_limit(pol, day)),
                         'highest_daily': round_half_even(high[1]) if high else None,
                         'highest_daily_date': high[0] if high else None})
        ranked = sorted(r['mean'] for r in rows if r['mean'] is not None)
        for r in rows:
            r['rank'] = (sum(1 for m in ranked if m < r['mean']) + 1) if r['mean'] is not None else len(ranked) + 1
        out[pol] = {r['unit']: r for r in rows}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['daily', 'monthly', 'unit', 'rank'])
    ap.add_argument('--data', required=True)
    ap.add_argument('--stations')
    ap.add_argument('--registry')
    ap.add_argument('--month')
    ap.add_argument('--level', default='district')
    ap.add_argument('--city')
    a = ap.parse_args()
    if a.mode == 'rank':
        json.dump(rank_month(daily(a.data), registry(a.registry), a.month, a.level, a.city), sys.stdout, ensure_ascii=False)
        return
    stations = a.stations.split(',')
    d = daily(a.data, set(stations))
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
    main()
