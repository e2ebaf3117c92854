"""Dispatch of reference.py's extended modes (see reference.py's docstring and RULES.md)."""
import glob, os
from datetime import timedelta

import compare_ref
import unit_ref
from aqi_ref import (POLLUTANTS, load_hourly, station_day, day_values, daily_aqi, out_num, parse_date,
                     date_range, list_files)


def _codes(s):
    return [c.strip() for c in s.split(',') if c.strip()] if s else None


def _need(a, *names):
    for n in names:
        if not getattr(a, n):
            raise SystemExit('--%s is required for %s' % (n.replace('_', '-'), a.mode))


def _data_days(data_dir):
    files = list_files(data_dir)
    if not files:
        return None, None
    f = lambda s: '%s-%s-%s' % (s[:4], s[4:6], s[6:])
    return f(files[0][0]), f(files[-1][0])


def daily_stats(a):
    _need(a, 'data')
    codes = _codes(a.stations)
    d0, d1 = _data_days(a.data)
    d0 = a.date_from or d0
    d1 = a.date_to or d1
    h = load_hourly(a.data, types=POLLUTANTS, stations=codes, date_from=d0, date_to=d1)
    codes = codes or h.stations
    out = {}
    for c in codes:
        rows = {}
        for d in date_range(parse_date(d0), parse_date(d1)):
            sd = station_day(h, c, d, a.day_hours)
            aq = daily_aqi(day_values(sd), d)
            r = {}
            for p in ('SO2', 'NO2', 'CO', 'PM10', 'PM2.5'):
                e = sd[p]
                r[p] = {'mean': float(e['mean']) if e['mean'] is not None else None,
                        'value': out_num(e['mean'], 1 if p == 'CO' else 0) if e['mean'] is not None else None,
                        'hours': e['hours'], 'valid': e['valid']}
            e = sd['O3_8h']
            r['O3_8h'] = {'max': float(e['max']) if e['max'] is not None else None,
                          'value': out_num(e['max'], 0) if e['max'] is not None else None,
                          'windows': e['windows'], 'valid': e['valid'], 'valid_by_exceedance': e['valid_by_exceedance']}
            e = sd['O3_1h']
            r['O3_1h'] = {'max': float(e['max']) if e['max'] is not None else None,
                          'value': out_num(e['max'], 0) if e['max'] is not None else None,
                          'hours': e['hours'], 'valid': e['valid']}
            r.update({'aqi_version': aq['version'], 'iaqi': aq['iaqi'], 'aqi': aq['aqi'], 'aqi_partial': aq['aqi_partial'],
                      'complete': aq['complete'], 'valid_aqi_day': aq['valid_aqi_day'], 'primary': aq['primary'],
                      'level': aq['level'], 'category': aq['category']})
            rows[str(d)] = r
        out[c] = rows
    return {'day_hours': a.day_hours, 'stations': out}


def unit_stats(a):
    _need(a, 'data')
    first, last = unit_ref.period_of(a.month, a.from_ym, a.to_ym, a.year, a.cumulative)
    city = a.city
    if a.stations:
        codes = _codes(a.stations)
        if a.registry:
            reg = unit_ref.registry(a.registry, first + '-01')
            codes = [c for c in codes if not reg.get(c, {}).get('control')]
            cities = {reg.get(c, {}).get('city') for c in codes}
            if city is None and len(cities) == 1:
                city = cities.pop() or None
        name = ','.join(codes)
    else:
        _need(a, 'registry', 'city')
        reg = unit_ref.registry(a.registry, first + '-01')
        units = unit_ref.units_of(reg, 'district' if a.district else 'city', a.city, a.district)
        name = a.district or a.city
        if name not in units:
            raise SystemExit('no non-control station for %s' % name)
        codes = units[name]['codes']
    excl = unit_ref.excluded_for(unit_ref.read_exclusions(a.exclude_days), city)
    days = unit_ref.month_days(first)[0], unit_ref.month_days(last)[-1]
    h = load_hourly(a.data, types=POLLUTANTS, stations=codes, date_from=str(days[0]), date_to=str(days[1]))
    regime = a.limits
    if not regime and a.same_limits_as:
        regime = unit_ref.limit_regime(unit_ref.month_days(unit_ref.shift_year(last, int(a.same_limits_as) - int(last[:4])))[-1])
    ps = unit_ref.period_stats(h, codes, first, last, a.day_hours, excl=excl, regime=regime, o3_mode=a.o3_unit,
                               with_daily=not a.no_daily)
    out = {'unit': name, 'stations': codes, 'city': city, 'day_hours': a.day_hours, 'o3_unit': a.o3_unit,
           'period': {'from': first, 'to': last}}
    out.update(unit_ref.period_json(ps, excl))
    return out


def all_units(a):
    """unit-stats for every unit of a level at once (station days computed once): the statistics,
    AQI days, composite and PM-only index of each unit, with its daily values unless --no-daily."""
    _need(a, 'data', 'registry')
    first, last = unit_ref.period_of(a.month, a.from_ym, a.to_ym, a.year, a.cumulative)
    reg = unit_ref.registry(a.registry)
    units = unit_ref.units_of(reg, a.level, a.city, a.district)
    codes = sorted({c for u in units.values() for c in u['codes']})
    excl = unit_ref.read_exclusions(a.exclude_days)
    d0, d1 = unit_ref.month_days(first)[0], unit_ref.month_days(last)[-1]
    h = load_hourly(a.data, types=POLLUTANTS, stations=codes, date_from=str(d0), date_to=str(d1))
    days = [d for ym in unit_ref.month_range(first, last) for d in unit_ref.month_days(ym)]
    sdays = unit_ref.compute_station_days(h, codes, days, a.day_hours)
    regime = a.limits
    if not regime and a.same_limits_as:
        regime = unit_ref.limit_regime(unit_ref.month_days(unit_ref.shift_year(last, int(a.same_limits_as) - int(last[:4])))[-1])
    out = {}
    for name, u in units.items():
        ex = unit_ref.excluded_for(excl, u['city'])
        ps = unit_ref.period_stats(h, u['codes'], first, last, a.day_hours, sdays={c: sdays[c] for c in u['codes']},
                                   excl=ex, regime=regime, o3_mode=a.o3_unit, with_daily=not a.no_daily)
        e = {'stations': u['codes'], 'city': u['city']}
        e.update(unit_ref.period_json(ps, ex))
        out[name] = e
    return {'level': a.level, 'city': a.city, 'day_hours': a.day_hours, 'o3_unit': a.o3_unit,
            'period': {'from': first, 'to': last}, 'units': out}


def rank(a):
    _need(a, 'data', 'registry', 'indicator')
    first, last = unit_ref.period_of(a.month, a.from_ym, a.to_ym, a.year, a.cumulative)
    reg = unit_ref.registry(a.registry, first + '-01')
    excl = unit_ref.read_exclusions(a.exclude_days)
    return unit_ref.rank_units(a.data, reg, a.level, a.city, first, last, a.indicator, a.day_hours,
                               by_change=a.by == 'change', top=a.top, bottom=a.bottom, excl=excl,
                               limits=a.limits, same_limits_as=a.same_limits_as, o3_mode=a.o3_unit,
                               district=a.district)


def run(a):
    if a.mode == 'hour-convention':
        _need(a, 'data')
        return compare_ref.hour_convention(a.data)
    if a.mode == 'compare-hourly':
        _need(a, 'data')
        return compare_ref.compare_hourly(a.data)
    if a.mode == 'compare-snapshot':
        files = a.files or sorted(glob.glob(os.path.join(a.data or '.', '*.csv')))
        return compare_ref.compare_snapshot(files)
    if a.mode == 'hourly-aqi':
        _need(a, 'data', 'stations')
        return {'stations': compare_ref.hourly_aqi(a.data, _codes(a.stations), a.date_from, a.date_to)}
    if a.mode == 'daily-stats':
        return daily_stats(a)
    if a.mode == 'unit-stats':
        return unit_stats(a)
    if a.mode == 'all-units':
        return all_units(a)
    if a.mode == 'rank':
        return rank(a)
    raise SystemExit('unknown mode')
