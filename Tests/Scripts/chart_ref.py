#!/usr/bin/env python3
"""Independent reference for what the charts show (standard library only,
sharing no code with haze): the HJ 633 category of a daily value on its date
(aqi_ref's tables), the PM AQI of a day, profile statistics (mean and
inclusive quartiles, numpy's 'linear' method) and PM2.5/PM10 ratios paired
by station.

usage: chart_ref.py REQUEST.json  (or the request on stdin) → JSON on stdout
request: {"calendar": [{"date", "pollutant", "value"}],
          "aqi": [{"date", "pm25", "pm10"}],
          "profile": {"grouping": "hour"|"weekday", "values": [{"time", "value"}]},
          "ratio": {"stations": [{"pm25": {time: v}, "pm10": {time: v}}]}}
"""
import json, statistics, sys
from datetime import date
from fractions import Fraction

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from aqi_ref import iaqi, level_of, aqi_version  # noqa: E402


def category(pollutant, value, day):
    item = 'PM2.5_24h' if pollutant == 'PM2.5' else 'PM10_24h'
    return level_of(iaqi(item, Fraction(value), aqi_version(day)))[0]


def profile(request):
    groups = {}
    for entry in request['values']:
        t = entry['time']
        if request['grouping'] == 'hour':
            key = int(t[11:13])
            size = 24
        else:
            key = date.fromisoformat(t[:10]).weekday()      # Monday = 0
            size = 7
        groups.setdefault(key, []).append(Fraction(entry['value']))
    out = []
    for key in range(size):
        xs = sorted(groups.get(key, []))
        if not xs:
            out.append({'n': 0, 'mean': None, 'p25': None, 'p75': None})
            continue
        if len(xs) == 1:
            q1 = q3 = xs[0]
        else:
            q1, _, q3 = statistics.quantiles(xs, n=4, method='inclusive')
        out.append({'n': len(xs), 'mean': float(sum(xs) / len(xs)), 'p25': float(q1), 'p75': float(q3)})
    return out


def ratio(request):
    sums = {}
    for station in request['stations']:
        for t, a in station['pm25'].items():
            b = station['pm10'].get(t)
            if a is None or b is None:
                continue
            s = sums.setdefault(t, [Fraction(0), Fraction(0)])
            s[0] += Fraction(a)
            s[1] += Fraction(b)
    return {t: float(a / b) for t, (a, b) in sums.items() if b > 0}


def main():
    request = json.load(open(sys.argv[1], encoding='utf-8') if len(sys.argv) > 1 else sys.stdin)
    result = {}
    if 'calendar' in request:
        result['calendar'] = [category(c['pollutant'], c['value'], c['date']) for c in request['calendar']]
    if 'aqi' in request:
        levels = []
        for d in request['aqi']:
            vals = [iaqi(item, Fraction(d[key]), aqi_version(d['date']))
                    for item, key in (('PM2.5_24h', 'pm25'), ('PM10_24h', 'pm10')) if d.get(key) is not None]
            levels.append(level_of(max(vals))[0] if vals else None)
        result['aqi'] = levels
    if 'profile' in request:
        result['profile'] = profile(request['profile'])
    if 'ratio' in request:
        result['ratio'] = ratio(request['ratio'])
    json.dump(result, sys.stdout)


main()
