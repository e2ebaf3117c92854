"""Comparisons of the reference's computations with CNEMC's own rows (standard library only).

hour_convention(data_dir)     -> which day-hours convention reproduces CNEMC's daily rows
compare_hourly(data_dir)      -> hourly AQI and 24-h moving PM means against the AQI/PMx_24h rows
compare_snapshot(paths)       -> the cnemc-hourly snapshot files (aqi, primarypollutant)
hourly_aqi(...)               -> per station-hour real-time IAQI/AQI (the hourly-aqi mode)
"""
import csv, io
from collections import Counter, defaultdict
from datetime import timedelta
from fractions import Fraction

from aqi_ref import (MISSING, SCALE, POLLUTANTS, DECIMALS, Hourly, load_hourly, open_text, rhe,
                     iaqi, iaqi_raw, hourly_iaqis, hourly_result, moving24, aqi_version, combine,
                     day_hour_indices, mda8_of, day_series, out_num, level_of, HOURLY_ITEMS)

# --------------------------------------------------------------------------- hour convention

def _end_label(h, d, conv):
    """Axis index of the last hour label of day d under a convention."""
    return (d - h.base).days * 24 + (23 if conv == '0-23' else 24)


def hour_convention(data_dir):
    h = load_hourly(data_dir, types=['PM2.5', 'PM10', 'O3', 'PM2.5_24h', 'PM10_24h', 'O3_8h', 'O3_24h', 'O3_8h_24h'])
    days = [h.base + timedelta(days=k) for k in range(h.ndays - 1)]
    # a day is comparable under both conventions only if the next file exists (1-24 needs its hour 0)
    have_file = set()
    for i in range(h.nhours):
        if h.rows['PM2.5'][i]:
            have_file.add(i // 24)
    days = [d for d in days if (d - h.base).days in have_file and (d - h.base).days + 1 in have_file]
    out = {'days_compared': [str(days[0]), str(days[-1])] if days else None, 'conventions': {}}
    for conv in ('0-23', '1-24'):
        res = {}
        for pol, ftype in (('PM2.5', 'PM2.5_24h'), ('PM10', 'PM10_24h')):
            c = Counter()
            for code in h.stations:
                fa = h.series(ftype, code)
                for d in days:
                    e = _end_label(h, d, conv)
                    fv = None if fa is None or fa[e] == MISSING else Fraction(fa[e], SCALE)
                    vals = [v for v in day_series(h, code, pol, day_hour_indices(h, d, conv)) if v != MISSING]
                    n = len(vals)
                    ours = rhe(Fraction(sum(vals), SCALE * n)) if n >= 20 else None
                    if ours is None and fv is None:
                        continue
                    if ours is None:
                        c['cnemc_only'] += 1
                    elif fv is None:
                        c['ours_only'] += 1
                    else:
                        c['both'] += 1
                        c['equal'] += ours == fv
                        if n == 24:
                            c['both_24h'] += 1
                            c['equal_24h'] += ours == fv
            res[pol + ' daily mean (>=20 h) vs ' + ftype + ' at the last label'] = dict(c)
        c = Counter()
        c1 = Counter()
        for code in h.stations:
            f8 = h.series('O3_8h_24h', code)
            f1 = h.series('O3_24h', code)
            for d in days:
                e = _end_label(h, d, conv)
                o3 = day_series(h, code, 'O3', day_hour_indices(h, d, conv))
                m8, nwin = mda8_of(o3)
                valid = m8 is not None and (nwin >= 14 or rhe(m8) > 160)
                fv = None if f8 is None or f8[e] == MISSING else Fraction(f8[e], SCALE)
                ours = rhe(m8) if valid else None
                if not (ours is None and fv is None):
                    if ours is None:
                        c['cnemc_only'] += 1
                    elif fv is None:
                        c['ours_only'] += 1
                    else:
                        c['both'] += 1
                        c['equal'] += ours == fv
                        c['cnemc_higher'] += fv > ours
                        c['cnemc_lower'] += fv < ours
                        if MISSING not in o3:
                            c['both_24h'] += 1
                            c['equal_24h'] += ours == fv
                pres = [v for v in o3 if v != MISSING]
                ours1 = Fraction(max(pres), SCALE) if len(pres) >= 20 else None
                fv1 = None if f1 is None or f1[e] == MISSING else Fraction(f1[e], SCALE)
                if not (ours1 is None and fv1 is None):
                    if ours1 is None:
                        c1['cnemc_only'] += 1
                    elif fv1 is None:
                        c1['ours_only'] += 1
                    else:
                        c1['both'] += 1
                        c1['equal'] += ours1 == fv1
        res['O3 MDA8 (HJ 663: windows ending at day positions 8..24, >=6 h each, >=14 windows or >160) vs O3_8h_24h at the last label'] = dict(c)
        res['O3 max 1 h (>=20 h) vs O3_24h at the last label'] = dict(c1)
        out['conventions'][conv] = res
    # CNEMC's O3_8h row at labels 1..7: restarted within the day (mean of labels 1..h) or a true 8-h window?
    r = Counter()
    for code in h.stations:
        o3 = h.series('O3', code)
        f = h.series('O3_8h', code)
        if o3 is None or f is None:
            continue
        for d in days:
            b = (d - h.base).days * 24
            for lab in range(1, 8):
                i = b + lab
                if f[i] == MISSING:
                    continue
                fv = Fraction(f[i], SCALE)
                part = [o3[j] for j in range(b + 1, i + 1) if o3[j] != MISSING]
                full = [o3[j] for j in range(i - 7, i + 1) if j >= 0 and o3[j] != MISSING]
                pm = rhe(Fraction(sum(part), SCALE * len(part))) if part else None
                fm = rhe(Fraction(sum(full), SCALE * len(full))) if full else None
                r['compared'] += 1
                r['equal_mean_of_labels_1..h'] += pm == fv
                r['equal_true_8h_window_across_midnight'] += fm == fv
    out['O3_8h row at labels 1..7'] = dict(r)
    verdict = {}
    for key in out['conventions']['0-23']:
        a = out['conventions']['0-23'][key]
        b = out['conventions']['1-24'][key]
        ra = a.get('equal', 0) / a['both'] if a.get('both') else 0
        rb = b.get('equal', 0) / b['both'] if b.get('both') else 0
        verdict[key] = {'0-23': round(ra * 100, 2), '1-24': round(rb * 100, 2),
                        'better': '1-24' if rb > ra else ('0-23' if ra > rb else 'tie')}
    out['equal_percent'] = verdict
    return out

# --------------------------------------------------------------------------- hourly AQI and 24-h PM

def _raws(h, code, i, types):
    out = {}
    for t in types:
        a = h.series(t, code)
        out[t] = MISSING if a is None else a[i]
    return out


def compare_hourly(data_dir, examples=5):
    types = ['AQI', 'SO2', 'NO2', 'CO', 'O3', 'PM10', 'PM2.5', 'PM2.5_24h', 'PM10_24h', 'O3_8h']
    h = load_hourly(data_dir, types=types)
    aqi = Counter()
    alt = Counter()
    ex = defaultdict(list)
    absent_rows = [not any(h.rows[p][i] for p in POLLUTANTS) for i in range(h.nhours)]
    for code in h.stations:
        A = h.series('AQI', code)
        ser = {p: h.series(p, code) for p in POLLUTANTS}
        so2 = ser['SO2']
        o38 = h.series('O3_8h', code)
        p24 = {p: h.series(p + '_24h', code) for p in ('PM10', 'PM2.5')}
        for i in range(h.nhours):
            if not h.rows['AQI'][i]:
                continue
            ver = aqi_version(h.day_of_index(i))
            raws = {p: (MISSING if ser[p] is None else ser[p][i]) for p in POLLUTANTS}
            so2_24 = None
            if raws['SO2'] != MISSING and raws['SO2'] > 800 * SCALE:
                so2_24 = moving24(so2, i)[0]
            its = hourly_iaqis(raws, ver, so2_24)
            ours = hourly_result(its, ver)['aqi']
            fv = None if A is None or A[i] == MISSING else A[i] // SCALE
            nmiss = sum(1 for p in POLLUTANTS if raws[p] == MISSING)
            if fv is None and ours is None:
                aqi['both_missing'] += 1
                continue
            aqi['compared'] += 1
            if fv == ours:
                aqi['equal'] += 1
                if nmiss:
                    aqi['equal_with_missing_pollutants_(AQI_from_the_others)'] += 1
            elif fv is not None and ours is None:
                k = 'cnemc_aqi_but_no_pollutant_row_at_that_hour' if absent_rows[i] else 'cnemc_aqi_but_all_six_cells_empty'
                aqi[k] += 1
                if len(ex[k]) < examples:
                    ex[k].append([code, str(h.day_of_index(i)), i % 24, fv])
            elif fv is None:
                pm_miss = [p for p in ('PM10', 'PM2.5') if raws[p] == MISSING]
                k = 'cnemc_aqi_empty_although_%d_of_6_present_%s' % (6 - nmiss,
                    'both_PM_missing' if len(pm_miss) == 2 else ('one_PM_missing' if pm_miss else 'both_PM_present'))
                aqi['cnemc_aqi_empty_with_pollutants_present'] += 1
                aqi[k] += 1
                if len(ex[k]) < examples:
                    ex[k].append([code, str(h.day_of_index(i)), i % 24, ours])
            else:
                if raws['SO2'] != MISSING and raws['SO2'] > 800 * SCALE:
                    k = 'SO2_1h_above_800_(HJ633-2012: 24h IAQI; CNEMC value shown)'
                    its2 = dict(its)
                    its2['SO2'] = 200
                    if combine(its2)[0] == fv:
                        aqi['  of which CNEMC equals IAQI(SO2)=200'] += 1
                else:
                    k = 'other'
                aqi[k] += 1
                if len(ex[k]) < examples:
                    ex[k].append([code, str(h.day_of_index(i)), i % 24, fv, ours, {p: (None if raws[p] == MISSING else out_num(Fraction(raws[p], SCALE))) for p in POLLUTANTS}])
            # alternatives tried
            if fv is not None:
                alt['compared'] += 1
                alt['rule: 1-h PM on the 24-h table, no O3-8h (adopted)'] += fv == ours
                its_b = dict(its)
                its_b['O3_8h'] = iaqi_raw('O3_8h', MISSING if o38 is None else o38[i], ver, 0)
                if its_b['O3_8h'] in ('use-1h',):
                    its_b['O3_8h'] = None
                alt['alternative: plus CNEMC O3_8h row as an item'] += combine(its_b)[0] == fv
                its_c = dict(its)
                for p in ('PM10', 'PM2.5'):
                    its_c[p] = iaqi_raw(p + '_24h', MISSING if p24[p] is None else p24[p][i], ver, 0)
                alt['alternative: PM from the CNEMC 24-h moving mean rows'] += combine(its_c)[0] == fv
    res = {'aqi': {'rule': 'IAQI of the 1-h SO2/NO2/CO/O3 on their 1-h tables and of the 1-h PM10/PM2.5 on the '
                            '24-h tables (2012 Table 1), AQI = max of the pollutants present, ceil; no O3-8h item',
                   'counts': dict(aqi), 'examples': dict(ex), 'alternatives_equal_counts': dict(alt)}}
    for p in ('PM2.5', 'PM10'):
        res[p + '_24h'] = _compare_24h(h, p, examples)
    return res


def _compare_24h(h, p, examples):
    """24-h moving mean of the hourly PM values vs CNEMC's PMx_24h row, every station-hour."""
    rows_absent = [0 if h.rows[p][i] else 1 for i in range(h.nhours)]
    absent_pref = [0]
    for x in rows_absent:
        absent_pref.append(absent_pref[-1] + x)
    cnt = {m: Counter() for m in (20, 1)}
    exs = {m: defaultdict(list) for m in (20, 1)}
    ties = Counter()
    frow = h.rows[p + '_24h']
    for code in h.stations:
        a = h.series(p, code)
        f = h.series(p + '_24h', code)
        ps = [0]
        pn = [0]
        if a is not None:
            for v in a:
                if v != MISSING:
                    ps.append(ps[-1] + v)
                    pn.append(pn[-1] + 1)
                else:
                    ps.append(ps[-1])
                    pn.append(pn[-1])
        for i in range(23, h.nhours):
            if not frow[i]:
                continue
            fv = None if f is None or f[i] == MISSING else Fraction(f[i], SCALE)
            if a is not None:
                s = ps[i + 1] - ps[i - 23]
                n = pn[i + 1] - pn[i - 23]
            else:
                s = n = 0
            mean = Fraction(s, SCALE * n) if n else None
            rm = rhe(mean) if n else None
            if fv is not None and mean is not None and mean.denominator == 2:
                ties['exact_.5_means'] += 1
                ties['cnemc_equals_half_even'] += rm == fv
                ties['cnemc_equals_half_up'] += (mean + Fraction(1, 2)) == fv
            absent = absent_pref[i + 1] - absent_pref[i - 23] > 0
            for min_hours in (20, 1):
                c = cnt[min_hours]
                ours = rm if n and n >= min_hours else None
                if fv is None and ours is None:
                    c['both_missing'] += 1
                    continue
                c['compared'] += 1
                if n == 24 and fv is not None:
                    c['compared_24_of_24_hours_present'] += 1
                    c['equal_24_of_24_hours_present'] += ours == fv
                if ours == fv:
                    c['equal'] += 1
                    continue
                if fv is None:
                    k = 'cnemc_empty_ours_%s' % ('24h' if n == 24 else ('20-23h' if n >= 20 else '<20h'))
                elif absent:
                    k = 'differs_window_contains_an_hour_row_absent_from_the_files'
                elif ours is None:
                    k = 'cnemc_value_no_hourly_value_in_window' if n == 0 else 'cnemc_value_with_fewer_than_%d_hours' % min_hours
                    if n and rm == fv:
                        c['  of which equal to the mean of the hours present'] += 1
                elif n < 24:
                    k = 'differs_window_has_empty_cells_(CNEMC_used_values_not_published_hourly)'
                else:
                    k = 'differs_full_24h_window'
                    if mean.denominator == 2 and mean + Fraction(1, 2) == fv:
                        c['  of which round-half-up would match'] += 1
                c[k] += 1
                if len(exs[min_hours][k]) < examples:
                    exs[min_hours][k].append([code, h.day_of_index(i).isoformat(), i % 24, n,
                                              None if mean is None else float(mean), None if fv is None else out_num(fv)])
    out = {'min_hours_%d' % m: {'counts': dict(cnt[m]), 'examples': dict(exs[m])} for m in (20, 1)}
    out['tie_rounding'] = dict(ties)
    out['rule'] = ('mean of the values present at the 24 labels ending at the hour (labels i-23..i, across file '
                   'boundaries), rounded half-even; reported for a minimum of 20 hours (GB 3095 Table 4) and of 1 hour; '
                   'the first 23 labels of the first file are not compared (window before the data)')
    return out

# --------------------------------------------------------------------------- snapshots (cnemc-hourly)

PRIMARY_NAMES = {'细颗粒物(PM2.5)': 'PM2.5', '颗粒物(PM10)': 'PM10', '二氧化硫(SO2)': 'SO2', '二氧化氮(NO2)': 'NO2',
                 '一氧化碳(CO)': 'CO', '臭氧1小时(O3_1h)': 'O3', '臭氧8小时(O3_8h)': 'O3_8h'}
SNAP_COLS = {'SO2': 'so2', 'NO2': 'no2', 'CO': 'co', 'O3': 'o3', 'PM10': 'pm10', 'PM2.5': 'pm2_5'}


def snapshot_rows(path):
    text = open_text(path)
    for r in csv.DictReader(io.StringIO(text)):
        yield r


def snapshot_aqi(r):
    """Real-time AQI of one snapshot row (HJ 633 version from the timepoint date)."""
    tp = r['timepoint']
    ver = aqi_version(tp[:10])
    raws = {}
    not_mon = []
    for p, col in SNAP_COLS.items():
        v = (r.get(col) or '').strip()
        if v == '/':
            not_mon.append(p)
            raws[p] = MISSING
        elif v in ('', 'NA', '—', '-'):
            raws[p] = MISSING
        else:
            raws[p] = round(float(v) * SCALE)
    its = hourly_iaqis(raws, ver, None)
    res = hourly_result(its, ver, not_monitored=not_mon)
    res['iaqi'] = its
    res['version'] = ver
    return res


def compare_snapshot(paths, examples=5):
    out = {}
    for path in paths:
        c = Counter()
        ex = defaultdict(list)
        for r in snapshot_rows(path):
            res = snapshot_aqi(r)
            fa = (r.get('aqi') or '').strip()
            fv = None if fa in ('', 'NA') else int(float(fa))
            ours = res['aqi']
            c['rows'] += 1
            if fv == ours:
                c['aqi_equal'] += 1
                if fv is None:
                    c['  both NA'] += 1
                elif res['missing']:
                    c['  equal, AQI > 100 published with a pollutant missing'] += 1
            else:
                if fv is not None and ours is None and res['aqi_partial'] == fv:
                    k = 'cnemc_publishes_aqi<=100_with_a_pollutant_missing'
                elif fv is None and ours is not None:
                    k = 'cnemc_NA_ours_value'
                else:
                    k = 'differs'
                c[k] += 1
                if len(ex[k]) < examples:
                    ex[k].append([r['stationcode'], fv, ours, res['aqi_partial'], res['missing']])
            # primary pollutant
            fp = (r.get('primarypollutant') or '').strip()
            if fp != 'NA' and fv is not None and fv == ours:
                names = sorted(PRIMARY_NAMES.get(x.strip(), x.strip()) for x in fp.split(',') if x.strip())
                c['primary_compared'] += 1
                if names == sorted(res['primary']):
                    c['primary_equal'] += 1
                else:
                    c['primary_differs'] += 1
                    if len(ex['primary_differs']) < examples:
                        ex['primary_differs'].append([r['stationcode'], fp, res['primary'], res['iaqi']])
            # o3_8h is not an item of the real-time AQI: would it change the AQI?
            o8 = (r.get('o3_8h') or '').strip()
            if o8 not in ('', 'NA', '/') and fv is not None:
                c['rows_with_o3_8h'] += 1
                it = dict(res['iaqi'])
                it['O3_8h'] = iaqi('O3_8h', rhe(Fraction(o8)), res['version'])
                if isinstance(it['O3_8h'], int) and combine(it)[0] != fv:
                    c['  of which adding o3_8h as an item would break the match'] += 1
        out[path.split('/')[-1]] = {'counts': dict(c), 'examples': dict(ex)}
    out['rule'] = ('HJ 633-2026 §4.2.3-4.2.4 real-time AQI: 1-h SO2/NO2/CO/O3 on their 1-h tables, 1-h PM10/PM2.5 '
                   'on the daily tables (PM2.5 IAQI 100 at 60, PM10 at 120); "/" = not monitored (not missing); '
                   '§5.3.1: with a pollutant missing the AQI is published only when > 100')
    out['not_recomputable'] = ('pm2_5_24h / pm10_24h need 24 hourly values and each file holds one hour; '
                               'o3_24h is NA in every row; o3_8h/o3_8h_24h are filled only at T00 (README caution: '
                               'swapped ozone columns in the upstream scrape) - not used')
    return out

# --------------------------------------------------------------------------- hourly-aqi mode

def hourly_aqi(data_dir, stations, date_from=None, date_to=None, min_hours_24h=20):
    """Per station-hour real-time IAQI/AQI/primary/level, plus the recomputed 24-h moving PM means."""
    h = load_hourly(data_dir, types=POLLUTANTS, stations=stations, date_from=date_from, date_to=date_to)
    out = {}
    for code in stations:
        rows = {}
        ser = {p: h.series(p, code) for p in POLLUTANTS}
        for i in range(h.nhours):
            if not any(h.rows[p][i] for p in POLLUTANTS):
                continue
            d = h.day_of_index(i)
            if (date_from and str(d) < date_from) or (date_to and str(d) > date_to):
                continue
            ver = aqi_version(d)
            raws = {p: (MISSING if ser[p] is None else ser[p][i]) for p in POLLUTANTS}
            so2_24 = moving24(ser['SO2'], i, min_hours_24h)[0] if raws['SO2'] != MISSING and raws['SO2'] > 800 * SCALE else None
            its = hourly_iaqis(raws, ver, so2_24)
            res = hourly_result(its, ver)
            m25, n25 = moving24(ser['PM2.5'], i, min_hours_24h)
            m10, n10 = moving24(ser['PM10'], i, min_hours_24h)
            rows['%s %02d' % (d.isoformat(), i % 24)] = {
                'version': ver,
                'concentration': {p: (None if raws[p] == MISSING else out_num(Fraction(raws[p], SCALE))) for p in POLLUTANTS},
                'iaqi': its, 'aqi': res['aqi'], 'aqi_partial': res['aqi_partial'], 'missing': res['missing'],
                'primary': res['primary'], 'level': res['level'], 'category': res['category'],
                'PM2.5_24h': out_num(rhe(m25)) if m25 is not None else None, 'PM2.5_24h_hours': n25,
                'PM10_24h': out_num(rhe(m10)) if m10 is not None else None, 'PM10_24h_hours': n10}
        out[code] = rows
    return out
