"""Station-day, unit and period statistics, composite index and rankings (standard library only).

See RULES.md for each rule.  Exact arithmetic (Fraction) throughout; rounding only where a
published value is formed (GB/T 8170 half-even; IAQI ceil).
"""
import csv, glob, io, os
from collections import Counter, defaultdict
from datetime import date, timedelta
from fractions import Fraction

from aqi_ref import (MISSING, SCALE, POLLUTANTS, DAILY_MEAN_POLS, DECIMALS, SIX, LIMITS, load_hourly,
                     station_day, day_values, daily_aqi, percentile, rhe, out_num, composite_S,
                     limit_regime, day_hour_indices, day_series, O3_WINDOWS_NEEDED, O3_8H_LIMIT, level_of,
                     parse_date, date_range)

ITEMS = ['SO2', 'NO2', 'CO', 'PM10', 'PM2.5', 'O3_8h', 'O3_1h']
PM = ('PM10', 'PM2.5')

# --------------------------------------------------------------------------- periods

def ym_add(ym, k):
    y, m = int(ym[:4]), int(ym[5:7])
    t = y * 12 + (m - 1) + k
    return '%04d-%02d' % (t // 12, t % 12 + 1)


def month_range(a, b):
    out = []
    ym = a
    while ym <= b:
        out.append(ym)
        ym = ym_add(ym, 1)
    return out


def month_days(ym):
    d = date(int(ym[:4]), int(ym[5:7]), 1)
    e = date(int(ym_add(ym, 1)[:4]), int(ym_add(ym, 1)[5:7]), 1) - timedelta(days=1)
    return list(date_range(d, e))


def month_need(ym):
    """GB 3095 Table 4: >= 27 daily values a month, >= 25 in February."""
    return 25 if ym[5:7] == '02' else 27


def period_of(args_month=None, args_from=None, args_to=None, args_year=None, cumulative=False):
    """(first month, last month) of a period given as --month, --from/--to, --year (+ --cumulative)."""
    if args_year:
        return '%s-01' % args_year, '%s-12' % args_year
    if args_month:
        if cumulative:
            return (args_from or args_month[:4] + '-01'), args_month
        return args_month, args_month
    if args_from and args_to:
        return args_from, args_to
    raise SystemExit('a period is needed: --month, --from/--to or --year')


def shift_year(ym, k):
    return '%04d-%s' % (int(ym[:4]) + k, ym[5:7])

# --------------------------------------------------------------------------- registry, exclusions

def registry(path, day=None):
    """{code: {'city','district','control','name'}} of the stations counted on `day` (YYYY-MM-DD; default:
    before the oldest dated list, i.e. the oldest list), read by registry_ref.py (dated lists in
    national/, memberships, aliases, `#` comments); a single CSV file is read as one station table."""
    if os.path.isdir(path):
        import datetime, registry_ref
        reg = registry_ref.Registry(path)
        when = datetime.date.fromisoformat(day) if day else datetime.date.min
        out = {}
        for code in reg.codes():
            s = reg.station_on(code, when)
            if s is not None:
                out[code] = {'city': s['city'], 'district': reg.unit_of(code, 'district', when) or '',
                             'control': s['control'], 'name': s['name']}
        return out
    reg = {}
    for f in [path]:
        for row in csv.DictReader(io.StringIO(open(f, encoding='utf-8-sig').read())):
            code = (row.get('code') or '').strip()
            if not code:
                continue
            e = reg.setdefault(code, {'city': '', 'district': '', 'control': False, 'name': ''})
            for k in ('city', 'district', 'name'):
                if not e[k] and (row.get(k) or '').strip():
                    e[k] = row[k].strip()
            if (row.get('control') or '').strip().lower() in ('1', 'y', 'yes', 'true'):
                e['control'] = True
    return reg


def units_of(reg, level, city=None, district=None):
    """{unit name: {'codes': [...], 'city': c}} of non-control stations, by district or city."""
    units = {}
    for code in sorted(reg):
        e = reg[code]
        if e['control']:
            continue
        if city and e['city'] != city:
            continue
        if district and e['district'] != district:
            continue
        name = e['city'] if level == 'city' else e['district']
        if not name:
            continue
        u = units.setdefault(name, {'codes': [], 'city': e['city']})
        u['codes'].append(code)
        if u['city'] != e['city']:
            u['city'] = None
    return units


def read_exclusions(path):
    """CSV with a date column (YYYY-MM-DD or YYYYMMDD) and an optional city column -> [(date, city or '')]."""
    if not path:
        return []
    out = []
    text = open(path, encoding='utf-8-sig').read()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return out
    head = [c.strip().lower() for c in rows[0]]
    if 'date' in head:
        di = head.index('date')
        ci = head.index('city') if 'city' in head else None
        body = rows[1:]
    else:
        di, ci, body = 0, (1 if len(rows[0]) > 1 else None), rows
    for r in body:
        if len(r) <= di or not r[di].strip():
            continue
        s = r[di].strip().replace('/', '-')
        if len(s) == 8 and s.isdigit():
            s = '%s-%s-%s' % (s[:4], s[4:6], s[6:])
        city = r[ci].strip() if ci is not None and len(r) > ci else ''
        out.append((s, city))
    return out


def excluded_for(excl, city):
    return {d for d, c in excl if not c or (city is not None and c == city)}

# --------------------------------------------------------------------------- unit daily values

def _mean(vals):
    return sum(vals, Fraction(0)) / len(vals) if vals else None


def unit_hourly_o3(h, codes, d, conv):
    """Unit O3 hourly series of day d: mean of the stations' values present at each position."""
    idxs = day_hour_indices(h, d, conv)
    cols = [day_series(h, c, 'O3', idxs) for c in codes]
    out = []
    for k in range(24):
        v = [col[k] for col in cols if col[k] != MISSING]
        out.append(Fraction(sum(v), SCALE * len(v)) if v else None)
    return out


def mda8_exact(series):
    best = None
    nwin = 0
    for p in range(8, 25):
        w = [v for v in series[p - 8:p] if v is not None]
        if len(w) >= 6:
            nwin += 1
            m = sum(w, Fraction(0)) / len(w)
            if best is None or m > best:
                best = m
    return best, nwin


def unit_day(h, codes, d, conv, sdays, o3_mode='station-mean', min_stations=1):
    """Unit daily values of day d: {item: exact or None}, {item: stations used}."""
    vals = {}
    used = {}
    for it in ITEMS:
        xs = []
        for c in codes:
            v = day_values(sdays[c][d])[it]
            if v is not None:
                xs.append(v)
        used[it] = len(xs)
        vals[it] = _mean(xs) if len(xs) >= min_stations and xs else None
    if o3_mode == 'hourly-mean':
        ser = unit_hourly_o3(h, codes, d, conv)
        m8, nwin = mda8_exact(ser)
        ok = m8 is not None and (nwin >= O3_WINDOWS_NEEDED or rhe(m8) > O3_8H_LIMIT)
        vals['O3_8h'] = m8 if ok else None
        pres = [v for v in ser if v is not None]
        vals['O3_1h'] = max(pres) if len(pres) >= 20 else None
    return vals, used


def compute_station_days(h, codes, days, conv):
    return {c: {d: station_day(h, c, d, conv) for d in days} for c in codes}

# --------------------------------------------------------------------------- period statistics

def period_stats(h, codes, first_ym, last_ym, conv, sdays=None, excl=(), regime=None,
                 o3_mode='station-mean', min_stations=1, with_daily=True):
    """Statistics of one unit over whole months first_ym..last_ym (RULES.md §4)."""
    months = month_range(first_ym, last_ym)
    days = [d for ym in months for d in month_days(ym)]
    if sdays is None:
        sdays = compute_station_days(h, codes, days, conv)
    if regime is None:
        regime = limit_regime(days[-1])
    excl = set(excl)
    daily = {}
    series = {it: [] for it in ITEMS}
    for d in days:
        vals, used = unit_day(h, codes, d, conv, sdays, o3_mode, min_stations)
        aq = daily_aqi(vals, d)
        for it in ITEMS:
            series[it].append((d, vals[it]))
        daily[d] = (vals, used, aq)
    full_year = len(months) == 12 and months[0][5:7] == '01' and months[0][:4] == months[-1][:4]
    pols = {}
    for it in ['SO2', 'NO2', 'PM10', 'PM2.5', 'CO', 'O3_8h']:
        by_month = Counter()
        for d, v in series[it]:
            if v is not None:
                by_month[str(d)[:7]] += 1
        nvalid = sum(by_month.values())
        valid = all(by_month[ym] >= month_need(ym) for ym in months) and (not full_year or nvalid >= 324)
        use = [v for d, v in series[it] if v is not None and not (it in PM and str(d) in excl)]
        if it == 'CO':
            stat, x = 'p95', percentile(use, 95) if use else None
        elif it == 'O3_8h':
            stat, x = 'p90', percentile(use, 90) if use else None
        else:
            stat, x = 'mean', _mean(use)
        pols[it] = {'statistic': stat, 'exact': x, 'value': rhe(x, DECIMALS[it]) if (x is not None and valid) else None,
                    'valid': valid, 'valid_days': nvalid, 'days_used': len(use),
                    'valid_days_by_month': {ym: by_month[ym] for ym in months}}
    # AQI days
    lv = Counter()
    good = polluted = nvalid = 0
    aqi_by_month = Counter()
    prim = Counter()
    for d in days:
        aq = daily[d][2]
        if aq['valid_aqi_day']:
            nvalid += 1
            aqi_by_month[str(d)[:7]] += 1
            lv[aq['level']] += 1
            if aq['aqi'] <= 100:
                good += 1
            else:
                polluted += 1
            for p in aq['primary']:
                prim[p] += 1
    ratio = rhe(Fraction(good * 100, nvalid), 1) if nvalid else None
    aqi_valid = all(aqi_by_month[ym] >= month_need(ym) for ym in months) and (not full_year or nvalid >= 324)
    aqi_days = {'valid_days': nvalid, 'good_days': good, 'polluted_days': polluted, 'good_ratio': ratio,
                'valid': aqi_valid and nvalid > 0, 'by_level': {str(k): lv[k] for k in range(1, 7)},
                'primary_days': dict(prim), 'valid_days_by_month': {ym: aqi_by_month[ym] for ym in months}}
    comp = composite(pols, regime)
    res = {'months': months, 'regime': regime, 'pollutants': pols, 'aqi_days': aqi_days, 'composite': comp,
           'excluded_pm_days': sorted(x for x in excl if first_ym <= x[:7] <= last_ym)}
    if with_daily:
        res['daily'] = daily
    return res


def composite(pols, regime):
    """综合指数: I_i = C_i / S_i with C_i the published (rounded) statistic; I_sum = sum, rounded to
    2 decimals at the end; major pollutant = largest I_i (exact, ties jointly)."""
    S = composite_S(regime)
    C = {p: pols[p]['value'] for p in SIX}
    invalid = [p for p in SIX if C[p] is None]
    I = {p: (Fraction(C[p]) / S[p] if C[p] is not None else None) for p in SIX}
    out = {'S': S, 'regime': regime, 'invalid': invalid,
           'I': {p: (out_num(I[p], 2) if I[p] is not None else None) for p in SIX},
           'I_exact': {p: (float(I[p]) if I[p] is not None else None) for p in SIX}}
    if not invalid:
        tot = sum(I.values(), Fraction(0))
        mx = max(I.values())
        out['Isum'] = out_num(tot, 2)
        out['Isum_exact'] = float(tot)
        out['major'] = [p for p in SIX if I[p] == mx]
        out['attains_grade_ii'] = all(I[p] <= 1 for p in SIX)
    else:
        out['Isum'] = None
        out['major'] = []
        out['attains_grade_ii'] = None
    if C['PM2.5'] is not None and C['PM10'] is not None:
        out['pm_index'] = out_num(I['PM2.5'] + I['PM10'], 2)
    else:
        out['pm_index'] = None
    return out

# --------------------------------------------------------------------------- JSON forms

def daily_json(vals, used, aq, excluded):
    return {'values': {k: (float(v) if v is not None else None) for k, v in vals.items()},
            'rounded': {k: out_num(v) for k, v in aq['rounded'].items()},
            'stations_used': used, 'iaqi': aq['iaqi'], 'aqi': aq['aqi'], 'aqi_partial': aq['aqi_partial'],
            'complete': aq['complete'], 'valid_aqi_day': aq['valid_aqi_day'], 'primary': aq['primary'],
            'level': aq['level'], 'category': aq['category'], 'aqi_version': aq['version'],
            'pm_excluded': excluded}


def period_json(ps, excl=()):
    out = {'months': ps['months'], 'limits': ps['regime'], 'excluded_pm_days': ps['excluded_pm_days']}
    out['pollutants'] = {}
    for p, e in ps['pollutants'].items():
        out['pollutants'][p] = {'statistic': e['statistic'], 'exact': float(e['exact']) if e['exact'] is not None else None,
                                'value': out_num(e['value']), 'valid': e['valid'], 'valid_days': e['valid_days'],
                                'days_used': e['days_used'], 'valid_days_by_month': e['valid_days_by_month']}
    a = dict(ps['aqi_days'])
    a['good_ratio'] = out_num(a['good_ratio'])
    out['aqi_days'] = a
    out['composite'] = ps['composite']
    if 'daily' in ps:
        ex = set(excl)
        out['daily'] = {str(d): daily_json(v, u, aq, str(d) in ex) for d, (v, u, aq) in ps['daily'].items()}
    return out

# --------------------------------------------------------------------------- ranking

INDICATORS = {
    # name: (extractor, decimals, higher_is_better)
    'pm2.5': (lambda ps: (ps['pollutants']['PM2.5']['value'], ps['pollutants']['PM2.5']['valid']), 0, False),
    'pm10': (lambda ps: (ps['pollutants']['PM10']['value'], ps['pollutants']['PM10']['valid']), 0, False),
    'so2': (lambda ps: (ps['pollutants']['SO2']['value'], ps['pollutants']['SO2']['valid']), 0, False),
    'no2': (lambda ps: (ps['pollutants']['NO2']['value'], ps['pollutants']['NO2']['valid']), 0, False),
    'co': (lambda ps: (ps['pollutants']['CO']['value'], ps['pollutants']['CO']['valid']), 1, False),
    'o3': (lambda ps: (ps['pollutants']['O3_8h']['value'], ps['pollutants']['O3_8h']['valid']), 0, False),
    'composite': (lambda ps: (Fraction(str(ps['composite']['Isum'])) if ps['composite']['Isum'] is not None else None,
                              ps['composite']['Isum'] is not None), 2, False),
    'good-days': (lambda ps: (ps['aqi_days']['good_ratio'], ps['aqi_days']['valid']), 1, True),
    'aqi-days': (lambda ps: (Fraction(ps['aqi_days']['polluted_days']), ps['aqi_days']['valid']), 0, False),
}


def min_rank(values, higher_is_better=False):
    """'min' ranks of {name: value or None}; None (invalid) jointly last = (number valid) + 1."""
    valid = [v for v in values.values() if v is not None]
    out = {}
    for k, v in values.items():
        if v is None:
            out[k] = len(valid) + 1
        elif higher_is_better:
            out[k] = 1 + sum(1 for w in valid if w > v)
        else:
            out[k] = 1 + sum(1 for w in valid if w < v)
    return out


def change_of(indicator, this, last):
    """Year-on-year change from the rounded published values (RULES.md §5)."""
    if this is None or last is None:
        return None
    if indicator == 'good-days':
        return rhe(Fraction(this) - Fraction(last), 1)            # percentage points
    if indicator == 'aqi-days':
        return Fraction(this) - Fraction(last)                    # days
    if last == 0:
        return None
    return rhe((Fraction(this) - Fraction(last)) / Fraction(last) * 100, 1)


def rank_units(data_dir, reg, level, city, first_ym, last_ym, indicator, conv, by_change=False,
               top=None, bottom=None, excl=(), limits=None, same_limits_as=None, o3_mode='station-mean',
               district=None):
    units = units_of(reg, level, city, district)
    codes = sorted({c for u in units.values() for c in u['codes']})
    periods = {'this': (first_ym, last_ym), 'last': (shift_year(first_ym, -1), shift_year(last_ym, -1))}
    results = {}
    if limits:
        regime = limits
    elif same_limits_as:
        regime = limit_regime(month_days(shift_year(last_ym, int(same_limits_as) - int(last_ym[:4])))[-1])
    else:
        regime = None                      # each period: the limits in force on its last day
    for key, (a, b) in periods.items():
        days0 = month_days(a)[0]
        days1 = month_days(b)[-1]
        h = load_hourly(data_dir, types=POLLUTANTS, stations=codes, date_from=str(days0), date_to=str(days1))
        days = [d for ym in month_range(a, b) for d in month_days(ym)]
        sdays = compute_station_days(h, codes, days, conv)
        res = {}
        for name, u in units.items():
            ex = excluded_for(excl, u['city'])
            res[name] = period_stats(h, u['codes'], a, b, conv, sdays={c: sdays[c] for c in u['codes']},
                                     excl=ex, regime=regime, o3_mode=o3_mode, with_daily=False)
        results[key] = res
        del h
    ext, nd, hib = INDICATORS[indicator]
    vals = {}
    for key in results:
        vals[key] = {}
        for name, ps in results[key].items():
            v, ok = ext(ps)
            vals[key][name] = v if ok and v is not None else None
    ranks = {k: min_rank(vals[k], hib) for k in vals}
    rows = {}
    for name in units:
        ps = results['this'][name]
        row = {'stations': units[name]['codes'], 'value': out_num(vals['this'][name]), 'valid': vals['this'][name] is not None,
               'rank': ranks['this'][name], 'last_year_value': out_num(vals['last'][name]),
               'last_year_valid': vals['last'][name] is not None,
               'last_year_rank': ranks['last'][name], 'limits': ps['regime'],
               'attains_grade_ii': ps['composite']['attains_grade_ii']}
        if indicator in ('good-days', 'aqi-days'):
            row['valid_aqi_days'] = ps['aqi_days']['valid_days']
            row['good_days'] = ps['aqi_days']['good_days']
            row['polluted_days'] = ps['aqi_days']['polluted_days']
        elif indicator == 'composite':
            row['I'] = ps['composite']['I']
            row['major'] = ps['composite']['major']
            row['pm_index'] = ps['composite']['pm_index']
        else:
            key = {'pm2.5': 'PM2.5', 'pm10': 'PM10', 'so2': 'SO2', 'no2': 'NO2', 'co': 'CO', 'o3': 'O3_8h'}[indicator]
            row['valid_days'] = ps['pollutants'][key]['valid_days']
        ch = change_of(indicator, vals['this'][name], vals['last'][name])
        row['change'] = out_num(ch)
        rows[name] = row
    out = {'indicator': indicator, 'level': level, 'city': city, 'period': {'from': first_ym, 'to': last_ym},
           'last_year_period': {'from': periods['last'][0], 'to': periods['last'][1]}, 'day_hours': conv,
           'order': sorted(rows, key=lambda n: (rows[n]['rank'], n)), 'units': rows}
    # change ranking: improvement first (lower change for lower-is-better indicators)
    chg = {n: (Fraction(str(r['change'])) if r['change'] is not None else None) for n, r in rows.items()}
    crank = min_rank(chg, hib)
    for n in rows:
        rows[n]['change_rank'] = crank[n]
        rows[n]['excluded_from_deteriorating'] = rows[n]['attains_grade_ii'] is True
    if by_change:
        out['order'] = sorted(rows, key=lambda n: (rows[n]['change_rank'], n))
    if top:
        if by_change:
            imp = {n: v for n, v in chg.items() if v is not None and ((v > 0) if hib else (v < 0))}
            r = min_rank(imp, hib)
            out['most_improved'] = sorted([n for n in imp if r[n] <= top], key=lambda n: (r[n], n))
        else:
            out['red_list'] = sorted([n for n in rows if rows[n]['valid'] and rows[n]['rank'] <= top],
                                     key=lambda n: (rows[n]['rank'], n))
    if bottom:
        if by_change:
            det = {n: v for n, v in chg.items() if v is not None and ((v < 0) if hib else (v > 0))
                   and not rows[n]['excluded_from_deteriorating']}
            r = min_rank(det, not hib)
            out['most_deteriorated'] = sorted([n for n in det if r[n] <= bottom], key=lambda n: (r[n], n))
        else:
            valid = {n: vals['this'][n] for n in rows if vals['this'][n] is not None}
            r = min_rank(valid, not hib)
            out['black_list'] = sorted([n for n in valid if r[n] <= bottom], key=lambda n: (r[n], n))
    return out
