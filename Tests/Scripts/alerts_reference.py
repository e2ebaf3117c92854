#!/usr/bin/env python3
"""Independent implementation of haze's threshold, rolling, ratio and excess
alert rules (standard library only), for the replay acceptance test.

It reads the raw CNEMC CSVs, the station registry and the rule files, and
walks each subject's series hour by hour with its own state machine:

  a condition is active, inactive, or unknown (missing data);
  active opens an episode, inactive closes it, unknown changes nothing.

  threshold  value >= threshold for N consecutive hours (subject value: the
             station's, or the mean of a unit's assessment stations present)
  rolling    mean of the last 24 h (>= minimum_hours values per station; a
             unit averages its stations' means), rounded half to even, above
             factor x the GB 3095 Grade II 24 h limit of that local date
  ratio      PM10 >= threshold and PM2.5/PM10 <= maximum_ratio, N hours
  excess     station >= median of its city's other assessment stations by
             difference and by percent, N hours, >= minimum_neighbours

Output (JSON): {rule_id: {subject: [[opened, closed_or_null], ...]}} with
local times like 2019-01-12T08:00+08:00.

usage: alerts_reference.py --data DIR --registry DIR --rules DIR --from 2019-01-01 --to 2019-02-28
"""
import argparse, csv, datetime, functools, glob, gzip, io, json, os, sys
from collections import defaultdict
from decimal import Decimal, ROUND_HALF_EVEN

EPOCH = datetime.date(1970, 1, 1)


def local_index(date_text, hour):
    d = datetime.date(int(date_text[0:4]), int(date_text[4:6]), int(date_text[6:8]))
    return (d - EPOCH).days * 24 + hour


def label(index):
    d = EPOCH + datetime.timedelta(days=index // 24)
    return '%s-%02d-%02dT%02d:00+08:00' % (d.year, d.month, d.day, index % 24)


def load_values(data_dir):
    """{(station, pollutant): {local_hour_index: value}}"""
    values = defaultdict(dict)
    for path in sorted(glob.glob(os.path.join(data_dir, 'china_sites_*.csv*'))):
        raw = open(path, 'rb').read()
        if raw[:2] == b'\x1f\x8b':
            raw = gzip.decompress(raw)
        lines = raw.decode('utf-8-sig').split('\n')
        header = next(csv.reader([lines[0]]))
        for line in lines[1:]:
            parts = line.split(',', 3)
            if len(parts) < 4 or parts[2] not in ('PM2.5', 'PM10'):
                continue
            row = next(csv.reader([line.rstrip('\r')]))
            if len(row) != len(header):
                continue
            h = local_index(row[0], int(row[1]))
            pol = row[2]
            for i in range(3, len(row)):
                cell = row[i].strip()
                if cell:
                    values[(header[i].strip(), pol)][h] = int(cell)
    return values


def load_registry(path):
    """{code: {'city','district','control'}} as haze's alerts see the registry (undated: each station as
    the newest dated list has it; registry_ref.py)."""
    import registry_ref
    return registry_ref.Registry(path).undated()


def half_even(x):
    return int(Decimal(repr(round(x, 6))).quantize(Decimal('1'), rounding=ROUND_HALF_EVEN))


def daily_limit(pol, local_hour):
    d = EPOCH + datetime.timedelta(days=local_hour // 24)
    if d < datetime.date(2026, 3, 1):
        return 75 if pol == 'PM2.5' else 150
    if d < datetime.date(2031, 1, 1):
        return 60 if pol == 'PM2.5' else 120
    return 50 if pol == 'PM2.5' else 100


def rolling_means(station_value, code, pol, first, last, need):
    """{h: mean of the 24 hours ending at h} where at least `need` values exist, by a sliding sum."""
    out = {}
    total, count = 0, 0
    for h in range(first - 23, last + 1):
        v = station_value(code, pol, h)
        if v is not None:
            total += v
            count += 1
        old = station_value(code, pol, h - 24)
        if old is not None:
            total -= old
            count -= 1
        if h >= first and count >= need and count > 0:
            out[h] = total / count
    return out


def run_length(qualifies, n, h):
    """True / False / None for 'qualifies for n consecutive hours ending at h'."""
    now = qualifies(h)
    if now is None:
        return None
    if not now:
        return False
    for back in range(1, n):
        if qualifies(h - back) is not True:
            return None
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--registry', required=True)
    ap.add_argument('--rules', required=True)
    ap.add_argument('--from', dest='start', required=True)
    ap.add_argument('--to', dest='end', required=True)
    a = ap.parse_args()
    values = load_values(a.data)
    reg = load_registry(a.registry)
    codes = sorted(reg)
    members = defaultdict(list)          # city -> assessment stations, by code
    for code in codes:
        if not reg[code]['control']:
            members[reg[code]['city']].append(code)
    first = local_index(a.start.replace('-', ''), 0)
    last = local_index(a.end.replace('-', ''), 23)

    empty = {}

    def station_value(code, pol, h):
        return values.get((code, pol), empty).get(h)

    @functools.lru_cache(maxsize=None)
    def city_sorted(city, pol, h):
        return tuple(sorted(w for w in (station_value(c, pol, h) for c in members[city]) if w is not None))

    def unit_value(stations, pol, h):
        vals = [v for v in (station_value(c, pol, h) for c in stations) if v is not None]
        return sum(vals) / len(vals) if vals else None

    def subjects(scope):
        if scope == 'station':
            return [(c, [c]) for c in codes]
        if scope == 'city':
            return [(city, ms) for city, ms in sorted(members.items())]
        pairs = defaultdict(list)
        for code in codes:
            e = reg[code]
            if e['district'] and not e['control']:
                pairs['%s/%s' % (e['city'], e['district'])].append(code)
        return sorted(pairs.items())

    result = {}
    for path in sorted(glob.glob(os.path.join(a.rules, '*.json'))):
        for rule in json.load(open(path, encoding='utf-8'))['rules']:
            kind = rule['kind']
            if kind not in ('threshold', 'rolling', 'ratio', 'excess'):
                continue
            scope = rule.get('scope', 'station')
            threshold = rule['levels'][0]['threshold'] if 'levels' in rule else rule.get('threshold')
            episodes = {}
            for key, stations in subjects(scope):
                if not any((c, p) in values for c in stations for p in ('PM2.5', 'PM10')):
                    continue
                if scope == 'station':
                    value = lambda pol, h, c=stations[0]: (lambda v: None if v is None else float(v))(station_value(c, pol, h))
                else:
                    value = lambda pol, h, s=stations: unit_value(s, pol, h)

                if kind == 'threshold':
                    pol = 'PM2.5' if rule['pollutant'] in ('pm2.5', 'pm25') else 'PM10'
                    @functools.lru_cache(maxsize=64)
                    def q(x, pol=pol, value=value):
                        v = value(pol, x)
                        return None if v is None else v >= threshold
                    def state(h, q=q):
                        return run_length(q, rule['hours'], h)
                elif kind == 'rolling':
                    pol = 'PM2.5' if rule['pollutant'] in ('pm2.5', 'pm25') else 'PM10'
                    need = rule.get('minimum_hours', 20)
                    factor = rule.get('factor', 1)
                    windows = [rolling_means(station_value, c, pol, first, last, need) for c in stations]
                    def state(h, pol=pol, windows=windows, factor=factor):
                        means = [w[h] for w in windows if w.get(h) is not None]
                        if not means:
                            return None
                        total = 0.0
                        for m in means:
                            total += m
                        return half_even(total / len(means)) > daily_limit(pol, h) * factor
                elif kind == 'ratio':
                    ratio = rule.get('maximum_ratio', 0.4)
                    @functools.lru_cache(maxsize=64)
                    def q(x, value=value, ratio=ratio):
                        pm10, pm25 = value('PM10', x), value('PM2.5', x)
                        if pm10 is None or pm25 is None or pm10 <= 0:
                            return None
                        return pm25 / pm10 <= ratio and pm10 >= threshold
                    def state(h, q=q):
                        return run_length(q, rule['hours'], h)
                else:  # excess
                    pol = 'PM2.5' if rule['pollutant'] in ('pm2.5', 'pm25') else 'PM10'
                    code = stations[0]
                    city = reg[code]['city']
                    is_member = code in members[city]
                    @functools.lru_cache(maxsize=64)
                    def q(x, pol=pol, code=code, city=city, is_member=is_member):
                        v = station_value(code, pol, x)
                        if v is None:
                            return None
                        # The city's values of the hour, sorted once for all its
                        # stations; a member's own value taken out (one of equal
                        # values is as good as another for a median).
                        vals = list(city_sorted(city, pol, x))
                        if is_member:
                            vals.remove(v)
                        if len(vals) < rule.get('minimum_neighbours', 2):
                            return None
                        n = len(vals)
                        m = vals[n // 2] if n % 2 == 1 else (vals[n // 2 - 1] + vals[n // 2]) / 2
                        return v - m >= rule['difference'] and v >= m * (1 + rule['percent'] / 100)
                    def state(h, q=q):
                        return run_length(q, rule['hours'], h)

                open_since = None
                found = []
                for h in range(first, last + 1):
                    s = state(h)
                    if s is True and open_since is None:
                        open_since = h
                    elif s is False and open_since is not None:
                        found.append([label(open_since), label(h)])
                        open_since = None
                if open_since is not None:
                    found.append([label(open_since), None])
                if found:
                    episodes[key] = found
            result[rule['id']] = episodes
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
