#!/usr/bin/env python3
"""Independent reference computation for haze's tests (standard library only).

Reads CNEMC wide CSVs (china_sites_YYYYMMDD.csv, plain or .gz) straight from
disk with the csv module and computes, per GB 3095 / HJ 663 as written in
DOMAIN.md:

  daily    per station and day: mean of the hours present, and their count
  monthly  per station: mean of valid daily means (>= 20 hours) and valid days
  unit     per unit (a group of stations): daily mean of its stations' valid
           daily means, monthly mean of those days, valid-day count

It shares no code with haze. Output is JSON on stdout.

usage: reference.py daily   --data DIR --stations 1001A,1003A
       reference.py monthly --data DIR --stations 1001A,1003A --month 2019-01
       reference.py unit    --data DIR --stations 1001A,1003A --month 2019-01
"""
import argparse, csv, glob, gzip, io, json, os, sys
from collections import defaultdict


def open_text(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    return io.StringIO(raw.decode('utf-8-sig'))


def hourly(data_dir, stations):
    """{(station, pollutant, 'YYYY-MM-DD'): {hour: value}}"""
    wanted = set(stations)
    out = defaultdict(dict)
    files = sorted(glob.glob(os.path.join(data_dir, 'china_sites_*.csv*')))
    for path in files:
        reader = csv.reader(open_text(path))
        header = next(reader)
        cols = [(i, code.strip()) for i, code in enumerate(header) if code.strip() in wanted]
        for row in reader:
            if len(row) != len(header) or row[2] not in ('PM2.5', 'PM10'):
                continue
            d = row[0]
            day = '%s-%s-%s' % (d[0:4], d[4:6], d[6:8])
            hour = int(row[1])
            for i, code in cols:
                cell = row[i].strip()
                if cell:
                    out[(code, row[2], day)][hour] = float(cell)
    return out


def daily(data_dir, stations):
    result = {}
    for (code, pol, day), hours in hourly(data_dir, stations).items():
        values = list(hours.values())
        result.setdefault(code, {}).setdefault(pol, {})[day] = {
            'mean': sum(values) / len(values), 'hours': len(values)}
    return result


def month_days(month):
    y, m = map(int, month.split('-'))
    n = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return ['%04d-%02d-%02d' % (y, m, d) for d in range(1, n + 1)]


def valid_daily(data_dir, stations):
    d = daily(data_dir, stations)
    return {code: {pol: {day: v['mean'] for day, v in days.items() if v['hours'] >= 20}
                   for pol, days in pols.items()} for code, pols in d.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['daily', 'monthly', 'unit'])
    ap.add_argument('--data', required=True)
    ap.add_argument('--stations', required=True)
    ap.add_argument('--month')
    a = ap.parse_args()
    stations = a.stations.split(',')
    if a.mode == 'daily':
        json.dump(daily(a.data, stations), sys.stdout)
        return
    days = month_days(a.month)
    need = 25 if a.month.endswith('-02') else 27
    vd = valid_daily(a.data, stations)
    out = {}
    if a.mode == 'monthly':
        for code in stations:
            out[code] = {}
            for pol in ('PM2.5', 'PM10'):
                vals = [vd.get(code, {}).get(pol, {}).get(day) for day in days]
                vals = [v for v in vals if v is not None]
                out[code][pol] = {'mean': sum(vals) / len(vals) if vals else None,
                                  'valid_days': len(vals), 'valid': len(vals) >= need}
    else:
        for pol in ('PM2.5', 'PM10'):
            unit_days = []
            for day in days:
                vals = [vd.get(code, {}).get(pol, {}).get(day) for code in stations]
                vals = [v for v in vals if v is not None]
                if vals:
                    unit_days.append(sum(vals) / len(vals))
            out[pol] = {'mean': sum(unit_days) / len(unit_days) if unit_days else None,
                        'valid_days': len(unit_days), 'valid': len(unit_days) >= need}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
