"""Core of the independent reference (standard library only): numbers, tables, loading,
station-day statistics, unit statistics, composite index. See RULES.md for every rule and
its source; reference.py is the command line.
"""
import csv, glob, gzip, io, math, os, re
from array import array
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

# --------------------------------------------------------------------------- numbers

def rhe(x, nd=0):
    """GB/T 8170 round-half-even of an exact value (Fraction/int) to nd decimals -> Fraction."""
    if x is None:
        return None
    x = Fraction(x)
    q = Fraction(10) ** nd
    return Fraction(round(x * q)) / q          # round() on a Fraction is exact half-even


def out_num(x, nd=None):
    """JSON form of an exact value: int when integral, else float (optionally rounded first)."""
    if x is None:
        return None
    if nd is not None:
        x = rhe(x, nd)
    x = Fraction(x)
    if x.denominator == 1:
        return int(x)
    return float(x)


def exact(s):
    """Exact value of a decimal string."""
    return Fraction(s)

# --------------------------------------------------------------------------- pollutants, limits

POLLUTANTS = ['SO2', 'NO2', 'CO', 'O3', 'PM10', 'PM2.5']     # hourly types
DAILY_MEAN_POLS = ['SO2', 'NO2', 'CO', 'PM10', 'PM2.5']
DECIMALS = {'SO2': 0, 'NO2': 0, 'CO': 1, 'PM10': 0, 'PM2.5': 0, 'O3_8h': 0, 'O3_1h': 0, 'O3': 0}

# GB 3095 Table 1 (Grade II): limit sets by regime.
LIMITS = {
    '2012': {'annual': {'SO2': 60, 'NO2': 40, 'PM10': 70, 'PM2.5': 35},
             'daily': {'SO2': 150, 'NO2': 80, 'PM10': 150, 'PM2.5': 75, 'CO': 4, 'O3_8h': 160},
             'hourly': {'SO2': 500, 'NO2': 200, 'CO': 10, 'O3': 200}},
    '2026': {'annual': {'SO2': 60, 'NO2': 40, 'PM10': 60, 'PM2.5': 30},
             'daily': {'SO2': 150, 'NO2': 80, 'PM10': 120, 'PM2.5': 60, 'CO': 4, 'O3_8h': 160},
             'hourly': {'SO2': 500, 'NO2': 200, 'CO': 10, 'O3': 200}},
    '2031': {'annual': {'SO2': 20, 'NO2': 30, 'PM10': 50, 'PM2.5': 25},
             'daily': {'SO2': 50, 'NO2': 50, 'PM10': 100, 'PM2.5': 50, 'CO': 4, 'O3_8h': 160},
             'hourly': {'SO2': 150, 'NO2': 200, 'CO': 10, 'O3': 200}},
}


def limit_regime(d):
    """GB 3095 limit set in force on date d ('YYYY-MM-DD' or date)."""
    s = str(d)
    if s < '2026-03-01':
        return '2012'
    if s < '2031-01-01':
        return '2026'
    return '2031'


def aqi_version(d):
    """HJ 633 version for a date or an hour's date ('2012' before 2026-03-01)."""
    return '2012' if str(d) < '2026-03-01' else '2026'


def composite_S(regime):
    """S_i of the composite index: annual Grade II for SO2/NO2/PM10/PM2.5, CO 24 h 4, O3 MDA8 160."""
    a = LIMITS[regime]['annual']
    return {'SO2': a['SO2'], 'NO2': a['NO2'], 'PM10': a['PM10'], 'PM2.5': a['PM2.5'], 'CO': 4, 'O3_8h': 160}

# --------------------------------------------------------------------------- HJ 633 tables

IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500]
BP = {
    '2012': {
        'SO2_24h': [0, 50, 150, 475, 800, 1600, 2100, 2620],
        'SO2_1h': [0, 150, 500, 650, 800],
        'NO2_24h': [0, 40, 80, 180, 280, 565, 750, 940],
        'NO2_1h': [0, 100, 200, 700, 1200, 2340, 3090, 3840],
        'PM10_24h': [0, 50, 150, 250, 350, 420, 500, 600],
        'CO_24h': [0, 2, 4, 14, 24, 36, 48, 60],
        'CO_1h': [0, 5, 10, 35, 60, 90, 120, 150],
        'O3_1h': [0, 160, 200, 300, 400, 800, 1000, 1200],
        'O3_8h': [0, 100, 160, 215, 265, 800],
        'PM2.5_24h': [0, 35, 75, 115, 150, 250, 350, 500],
    },
}
BP['2026'] = dict(BP['2012'])
BP['2026']['PM2.5_24h'] = [0, 35, 60, 115, 150, 250, 350, 500]
BP['2026']['PM10_24h'] = [0, 50, 120, 250, 350, 420, 500, 600]

USE_24H = 'use-24h'      # 2012: SO2 1 h > 800 -> report the SO2 24 h IAQI
USE_1H = 'use-1h'        # 2012: O3 8 h > 800 -> report the O3 1 h IAQI
ABOVE_TOP = 500          # concentration above the IAQI-500 breakpoint -> IAQI 500 (see RULES.md)


def iaqi(item, c, version):
    """IAQI (int, rounded up) of a GB/T 8170-rounded concentration c (exact) for a table item.

    Returns None for a missing value, or USE_24H / USE_1H for the 2012 special cases."""
    if c is None:
        return None
    c = Fraction(c)
    bps = BP[version][item]
    if c < 0:
        return None
    if c > bps[-1]:
        if item == 'SO2_1h':
            return USE_24H if version == '2012' else 200
        if item == 'O3_8h':
            return USE_1H if version == '2012' else 300
        return ABOVE_TOP
    for i in range(len(bps) - 1):
        lo, hi = bps[i], bps[i + 1]
        if lo <= c <= hi:
            il, ih = IAQI_STEPS[i], IAQI_STEPS[i + 1]
            return math.ceil(Fraction(ih - il, hi - lo) * (c - lo) + il)
    raise AssertionError('unreachable')


def level_of(aqi):
    """(level 1..6, category) of an AQI value (HJ 633 Table 2 / 2026 Table 1)."""
    if aqi is None:
        return None, None
    for top, lv, cat in ((50, 1, '优'), (100, 2, '良'), (150, 3, '轻度污染'), (200, 4, '中度污染'), (300, 5, '重度污染')):
        if aqi <= top:
            return lv, cat
    return 6, '严重污染'


def combine(iaqis):
    """AQI = max IAQI; primary pollutant(s) = every item with IAQI == AQI when AQI > 50 (ties jointly)."""
    vals = {k: v for k, v in iaqis.items() if v is not None}
    if not vals:
        return None, []
    aqi = max(vals.values())
    prim = [k for k, v in vals.items() if v == aqi] if aqi > 50 else []
    return aqi, prim

# --------------------------------------------------------------------------- loading

ALL_TYPES = ['AQI', 'PM2.5', 'PM2.5_24h', 'PM10', 'PM10_24h', 'SO2', 'SO2_24h', 'NO2', 'NO2_24h',
             'O3', 'O3_24h', 'O3_8h', 'O3_8h_24h', 'CO', 'CO_24h']
SCALE = 1000                      # values are stored as integers in thousandths (exact for <= 3 decimals)
MISSING = -(1 << 62)
NAME_RE = re.compile(r'china_sites_(\d{8})\.csv(\.gz)?$')


def open_text(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    return raw.decode('utf-8-sig')


class Hourly:
    """Hourly station values of the wide CNEMC files on one time axis.

    Index i = (file date - base).days * 24 + file hour label.  vals[type][code] is an
    array('q') of values in thousandths (MISSING = absent); rows[type] marks which hour rows
    exist at all in the files.  Labels are kept as written: how a label maps to a day is
    decided by the day-hours convention (day_index())."""

    def __init__(self, base, ndays):
        self.base = base
        self.ndays = ndays
        self.nhours = ndays * 24
        self.vals = {}
        self.rows = {}
        self.stations = []
        self.files = []

    def idx(self, d, hour):
        return (d - self.base).days * 24 + hour

    def day_of_index(self, i):
        return self.base + timedelta(days=i // 24)

    def series(self, typ, code):
        return self.vals.get(typ, {}).get(code)

    def value(self, typ, code, i):
        a = self.series(typ, code)
        if a is None or i < 0 or i >= self.nhours:
            return None
        v = a[i]
        return None if v == MISSING else Fraction(v, SCALE)


def list_files(data_dir):
    out = []
    for p in glob.glob(os.path.join(data_dir, 'china_sites_*')):
        m = NAME_RE.search(os.path.basename(p))
        if m:
            out.append((m.group(1), p))
    out.sort()
    return out


def load_hourly(data_dir, types=None, stations=None, date_from=None, date_to=None):
    """Read every china_sites_YYYYMMDD.csv[.gz] of data_dir (plain or gzip, keyed on the header).

    types/stations restrict what is kept; date_from/date_to ('YYYY-MM-DD') restrict files
    (the file after date_to is also read, for the hour-0 label that closes a 1-24 day).
    A short (truncated) row keeps all its fields but the last one, which may be cut."""
    files = list_files(data_dir)
    if date_from or date_to:
        lo = (date_from or '0000-00-00').replace('-', '')
        hi = date_to.replace('-', '') if date_to else '99999999'
        hi_d = (date(int(hi[:4]), int(hi[4:6]), int(hi[6:])) + timedelta(days=1)).strftime('%Y%m%d') if date_to else hi
        lo_d = (date(int(lo[:4]), int(lo[4:6]), int(lo[6:])) - timedelta(days=1)).strftime('%Y%m%d') if date_from else lo
        files = [(d, p) for d, p in files if lo_d <= d <= hi_d]
    want_types = set(types) if types else set(ALL_TYPES)
    want_st = set(stations) if stations else None
    if not files:
        h = Hourly(date(2000, 1, 1), 0)
        return h
    d0 = files[0][0]
    d1 = files[-1][0]
    base = date(int(d0[:4]), int(d0[4:6]), int(d0[6:]))
    last = date(int(d1[:4]), int(d1[4:6]), int(d1[6:]))
    h = Hourly(base, (last - base).days + 2)       # one spare day for the next file's hour 0
    st_index = {}
    for t in want_types:
        h.vals[t] = {}
        h.rows[t] = bytearray(h.nhours)
    for fdate, path in files:
        text = open_text(path)
        lines = text.split('\n')
        if not lines:
            continue
        header = [c.strip() for c in next(csv.reader([lines[0].rstrip('\r')]))]
        cols = []
        for i, c in enumerate(header):
            if i < 3 or not c:
                continue
            if want_st is not None and c not in want_st:
                continue
            if c not in st_index:
                st_index[c] = len(h.stations)
                h.stations.append(c)
            cols.append((i, c))
        h.files.append(path)
        nh = len(header)
        for line in lines[1:]:
            line = line.rstrip('\r')
            if not line:
                continue
            head = line.split(',', 3)
            if len(head) < 4:
                continue
            typ = head[2].strip()
            if typ not in want_types:
                continue
            if '"' in line:
                row = next(csv.reader([line]))
            else:
                row = line.split(',')
            try:
                dd = row[0].strip()
                rd = date(int(dd[:4]), int(dd[4:6]), int(dd[6:8]))
                hour = int(row[1])
            except (ValueError, IndexError):
                continue
            i = (rd - base).days * 24 + hour
            if i < 0 or i >= h.nhours or not 0 <= hour <= 23:
                continue
            usable = len(row) if len(row) >= nh else len(row) - 1
            h.rows[typ][i] = 1
            vt = h.vals[typ]
            for ci, code in cols:
                if ci >= usable:
                    break
                cell = row[ci]
                if not cell:
                    continue
                cell = cell.strip()
                if not cell:
                    continue
                try:
                    v = round(float(cell) * SCALE)
                except ValueError:
                    continue
                a = vt.get(code)
                if a is None:
                    a = vt[code] = array('q', [MISSING]) * h.nhours
                a[i] = v
    return h

# --------------------------------------------------------------------------- day conventions

def day_hour_indices(h, d, conv):
    """The 24 axis indices of day d (positions 1..24) under a day-hours convention.

    conv '0-23': labels 0..23 of d's file (label = hour beginning).  conv '1-24': labels
    1..23 of d's file plus label 0 of the next file (label = hour ending, CNEMC)."""
    start = (d - h.base).days * 24 + (0 if conv == '0-23' else 1)
    return list(range(start, start + 24))


def parse_date(s):
    return date(int(s[:4]), int(s[5:7]), int(s[8:10]))


def date_range(d0, d1):
    d = d0
    while d <= d1:
        yield d
        d += timedelta(days=1)

# --------------------------------------------------------------------------- fast IAQI on stored values

_IAQI_CACHE = {}


def iaqi_raw(item, raw, version, nd):
    """IAQI of a stored value (thousandths) after GB/T 8170 rounding to nd decimals (cached)."""
    if raw == MISSING:
        return None
    key = (item, raw, version, nd)
    r = _IAQI_CACHE.get(key)
    if r is None and key not in _IAQI_CACHE:
        r = iaqi(item, rhe(Fraction(raw, SCALE), nd), version)
        _IAQI_CACHE[key] = r
    return r


HOURLY_ITEMS = {'SO2': 'SO2_1h', 'NO2': 'NO2_1h', 'CO': 'CO_1h', 'O3': 'O3_1h',
                'PM10': 'PM10_24h', 'PM2.5': 'PM2.5_24h'}


def moving24(a, i, min_hours=20):
    """(mean, n) of the values present at axis indices i-23..i; mean None when n < min_hours."""
    if a is None:
        return None, 0
    s = 0
    n = 0
    for j in range(max(0, i - 23), i + 1):
        v = a[j]
        if v != MISSING:
            s += v
            n += 1
    if n == 0 or n < min_hours:
        return None, n
    return Fraction(s, SCALE * n), n


def hourly_iaqis(raws, version, so2_24h=None):
    """Real-time IAQI per pollutant from stored 1-h values (dict pollutant -> raw or MISSING).

    SO2/NO2/CO/O3 use their 1-h tables; PM10/PM2.5 use their 1-h value on the 24-h (2026:
    daily) table.  SO2 1 h > 800: 2012 -> the SO2 24 h IAQI (so2_24h = exact 24 h mean or
    None); 2026 -> 200."""
    out = {}
    for p in POLLUTANTS:
        r = raws.get(p, MISSING)
        v = iaqi_raw(HOURLY_ITEMS[p], r, version, DECIMALS[p])
        if v == USE_24H:
            v = iaqi('SO2_24h', rhe(so2_24h, 0), '2012') if so2_24h is not None else None
        out[p] = v
    return out


def hourly_result(iaqis, version, not_monitored=()):
    """AQI, primary pollutant(s), level of one station-hour; 2026 §5.3.1 NA rule applied for 2026."""
    aqi_partial, prim = combine(iaqis)
    missing = [p for p in POLLUTANTS if iaqis.get(p) is None and p not in not_monitored]
    if version == '2026' and missing and (aqi_partial is None or aqi_partial <= 100):
        aqi = None
    else:
        aqi = aqi_partial
    lv, cat = level_of(aqi)
    return {'aqi': aqi, 'aqi_partial': aqi_partial, 'missing': missing,
            'primary': prim if aqi is not None else [], 'level': lv, 'category': cat}

# --------------------------------------------------------------------------- station-day statistics

O3_WINDOWS_NEEDED = 14       # HJ 663 §6.1.2: >= 14 valid 8-h values among the windows ending 8..24
O3_8H_LIMIT = 160            # GB 3095 Grade II O3 MDA8 (both 2012 and 2026)


def _mean_ge(s1, n1, s2, n2):
    return s1 * n2 >= s2 * n1


def day_series(h, code, typ, idxs):
    a = h.series(typ, code)
    if a is None:
        return [MISSING] * len(idxs)
    n = h.nhours
    lo, hi = idxs[0], idxs[-1]
    if lo >= 0 and hi < n and hi - lo + 1 == len(idxs):
        return a[lo:hi + 1].tolist()
    return [a[i] if 0 <= i < n else MISSING for i in idxs]


def mda8_of(o3):
    """O3 MDA8 of a day's 24 hourly values (positions 1..24, MISSING allowed).

    8-h mean at position p = mean of the valid values at positions p-7..p, valid with >= 6
    values; windows p = 8..24 (17) count.  Returns (exact max or None, valid windows)."""
    best = None
    nwin = 0
    for p in range(8, 25):
        w = [v for v in o3[p - 8:p] if v != MISSING]
        if len(w) >= 6:
            nwin += 1
            s, n = sum(w), len(w)
            if best is None or not _mean_ge(best[0], best[1], s, n):
                best = (s, n)
    if best is None:
        return None, 0
    return Fraction(best[0], SCALE * best[1]), nwin


def station_day(h, code, d, conv):
    """Daily statistics of one station for day d (see RULES.md §3)."""
    idxs = day_hour_indices(h, d, conv)
    res = {}
    for p in DAILY_MEAN_POLS:
        vals = [v for v in day_series(h, code, p, idxs) if v != MISSING]
        n = len(vals)
        res[p] = {'mean': Fraction(sum(vals), SCALE * n) if n else None, 'hours': n, 'valid': n >= 20}
    o3 = day_series(h, code, 'O3', idxs)
    pres = [v for v in o3 if v != MISSING]
    res['O3_1h'] = {'max': Fraction(max(pres), SCALE) if pres else None, 'hours': len(pres), 'valid': len(pres) >= 20}
    res['O3_8h'] = o3_day(o3)
    return res


def o3_day(o3):
    """MDA8 of a day's 24 stored O3 values with HJ 663 §6.1.2 validity: >= 14 valid 8-h values,
    or fewer when the MDA8 (GB/T 8170-rounded) exceeds the Grade II limit 160."""
    m8, nwin = mda8_of(o3)
    exceeds = m8 is not None and rhe(m8, 0) > O3_8H_LIMIT
    return {'max': m8, 'windows': nwin, 'valid': m8 is not None and (nwin >= O3_WINDOWS_NEEDED or exceeds),
            'valid_by_exceedance': m8 is not None and nwin < O3_WINDOWS_NEEDED and exceeds}


def day_values(sd):
    """Valid daily values of a station_day result: {item: exact value or None (invalid)}."""
    v = {p: (sd[p]['mean'] if sd[p]['valid'] else None) for p in DAILY_MEAN_POLS}
    v['O3_8h'] = sd['O3_8h']['max'] if sd['O3_8h']['valid'] else None
    v['O3_1h'] = sd['O3_1h']['max'] if sd['O3_1h']['valid'] else None
    return v


DAILY_ITEMS = {'SO2': 'SO2_24h', 'NO2': 'NO2_24h', 'CO': 'CO_24h', 'PM10': 'PM10_24h',
               'PM2.5': 'PM2.5_24h', 'O3_8h': 'O3_8h', 'O3_1h': 'O3_1h'}
SIX = ['SO2', 'NO2', 'CO', 'PM10', 'PM2.5', 'O3_8h']


def daily_aqi(values, d):
    """Daily IAQI/AQI/primary/level from exact daily values (None = invalid) of day d.

    Values are rounded per GB/T 8170 first (µg integers, CO 1 decimal).  2012: seven items
    (the five daily means, O3 MDA8, O3 1-h max); 2026: six (no O3 1-h).  AQI from the valid
    items; the day is a valid AQI day when all six pollutants are valid, or when the AQI of
    the valid ones already exceeds 100 (HJ 633-2026 §5.3.1)."""
    ver = aqi_version(d)
    rounded = {k: (rhe(x, DECIMALS[k]) if x is not None else None) for k, x in values.items()}
    items = {}
    for k in SIX + (['O3_1h'] if ver == '2012' else []):
        items[k] = iaqi(DAILY_ITEMS[k], rounded.get(k), ver)
    if items.get('O3_8h') == USE_1H:        # 2012: O3 8 h > 800 -> report the O3 1 h IAQI
        items['O3_8h'] = iaqi('O3_1h', rounded.get('O3_1h'), '2012')
    aqi, prim = combine(items)
    complete = all(values.get(k) is not None for k in SIX)
    valid_day = aqi is not None and (complete or aqi > 100)
    lv, cat = level_of(aqi if valid_day else None)
    return {'version': ver, 'rounded': rounded, 'iaqi': items, 'aqi': aqi if valid_day else None,
            'aqi_partial': aqi, 'complete': complete, 'valid_aqi_day': valid_day,
            'primary': prim if valid_day else [], 'level': lv, 'category': cat}

# --------------------------------------------------------------------------- HJ 663 percentile

def percentile(values, p):
    """HJ 663-2013 Appendix A: sort ascending, k = 1 + (n-1)p, m = X(s) + (X(s+1)-X(s))(k-s),
    s = integer part of k.  Exact (Fraction) for exact inputs; p in percent (e.g. 90)."""
    xs = sorted(Fraction(v) for v in values)
    n = len(xs)
    if n == 0:
        return None
    k = 1 + (n - 1) * Fraction(p) / 100
    s = int(k)                      # k >= 1, so int() is the floor
    if s >= n:
        return xs[n - 1]
    return xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)
