#!/usr/bin/env python3
"""Real-time (hourly) AQI of a unit — a district or a city of the registry — by hour.

A unit's hourly value of each pollutant is the arithmetic mean of its non-control members' values
present at that hour (exact), rounded once (GB/T 8170, CO to 1 decimal) before the IAQI (RULES.md
§3, §7: the unit's value is the mean of its stations' values, the AQI is computed from the averaged
concentrations, never from station AQIs). Items and tables are those of a station-hour (§5.1);
SO2 1 h > 800 in 2012 uses the SO2 24-h IAQI of the unit's 24-h moving mean of its hourly means
(>= 20 hours). Standard library only; shares no code with haze.

usage: unit_hourly_ref.py --data DIR --registry stations/ --city 北京 --district 朝阳区
                          [--date-from YYYY-MM-DD] [--date-to YYYY-MM-DD]
Output: {"unit", "stations", "hours": {"YYYY-MM-DD HH" (file date, hour label): {...}}} as JSON.
"""
import argparse
import json
import sys
from fractions import Fraction

import unit_ref
from aqi_ref import (POLLUTANTS, MISSING, SCALE, DECIMALS, HOURLY_ITEMS, USE_24H, aqi_version, iaqi, rhe,
                     hourly_result, load_hourly, out_num)


def unit_hourly(data, registry, city, district, date_from=None, date_to=None):
    reg = unit_ref.registry(registry, date_from)
    units = unit_ref.units_of(reg, 'district' if district else 'city', city, district)
    name = district or city
    if name not in units:
        raise SystemExit('no non-control station for %s' % name)
    codes = units[name]['codes']
    h = load_hourly(data, types=POLLUTANTS, stations=codes)
    # The unit's exact hourly mean of each pollutant at every index (None = no member has a value).
    means = {}
    for p in POLLUTANTS:
        cols = [h.series(p, c) for c in codes]
        cols = [a for a in cols if a is not None]
        series = []
        for i in range(h.nhours):
            vals = [a[i] for a in cols if a[i] != MISSING]
            series.append(Fraction(sum(vals), SCALE * len(vals)) if vals else None)
        means[p] = series
    out = {}
    for i in range(h.nhours):
        if not any(h.rows[p][i] for p in POLLUTANTS):
            continue
        d = h.day_of_index(i)
        if (date_from and str(d) < date_from) or (date_to and str(d) > date_to):
            continue
        ver = aqi_version(d)
        its = {}
        for p in POLLUTANTS:
            m = means[p][i]
            v = iaqi(HOURLY_ITEMS[p], rhe(m, DECIMALS[p]), ver) if m is not None else None
            if v == USE_24H:
                window = [x for x in means['SO2'][max(0, i - 23):i + 1] if x is not None]
                v = iaqi('SO2_24h', rhe(sum(window, Fraction(0)) / len(window), 0), '2012') if len(window) >= 20 else None
            its[p] = v
        res = hourly_result(its, ver)
        out['%s %02d' % (d.isoformat(), i % 24)] = {
            'version': ver,
            'concentration': {p: (out_num(rhe(means[p][i], DECIMALS[p])) if means[p][i] is not None else None)
                              for p in POLLUTANTS},
            'iaqi': its, 'aqi': res['aqi'], 'aqi_partial': res['aqi_partial'], 'missing': res['missing'],
            'primary': res['primary'], 'level': res['level'], 'category': res['category']}
    return {'unit': name, 'stations': codes, 'hours': out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--registry', required=True)
    ap.add_argument('--city', required=True)
    ap.add_argument('--district')
    ap.add_argument('--date-from')
    ap.add_argument('--date-to')
    a = ap.parse_args()
    json.dump(unit_hourly(a.data, a.registry, a.city, a.district, a.date_from, a.date_to), sys.stdout,
              ensure_ascii=False, sort_keys=True)


if __name__ == '__main__':
    main()
