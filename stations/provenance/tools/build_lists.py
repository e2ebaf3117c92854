"""Task 1 + 2: control-points.csv, national/*.csv, city-aliases.csv, diff-2020-2026.txt."""
import csv, re, sys, math, collections
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import geo
from sources import *

OUT = Path(__file__).resolve().parent.parent
A = list(csv.DictReader(open('/work/shared/data/stations/national-2020.csv', encoding='utf-8')))
B = list(csv.DictReader(open('/work/shared/data/stations/national-2026-10.csv', encoding='utf-8')))
Z = list(csv.DictReader(open(OUT / 'sources/zkzkok_mydata_站点列表-2022.02.13起.csv', encoding='utf-8')))
a = {r['监测点编码']: r for r in A}
b = {r['code']: r for r in B}
z = {r['监测点编码']: r for r in Z}
STOP = re.compile(r'停运|停用')


def fnum(s):
    s = (s or '').strip()
    if s in ('', '-'):
        return None
    return float(s)

# ---------------------------------------------------------------- control points
named20 = {c for c, r in a.items() if '对照点' in r['监测点名称']}
named22 = {c for c, r in z.items() if '对照点' in r['监测点名称']}
Y22 = {c for c, r in z.items() if r['对照点'] == 'Y'}
assert len(named20) == 23 and len(Y22) == 250 and len(named22) == 130
control_codes = named20 | named22          # clean control points (对照点) in any source
rows = []
for c in sorted(control_codes | Y22):
    src, notes = [], []
    name = (z.get(c) or a.get(c))['监测点名称']
    city = (z.get(c) or {}).get('城市') or a[c]['城市']
    if c in named20:
        src.append(NAT2020 + ' name "%s"' % a[c]['监测点名称'])
    if c in Y22:
        src.append(ZK2022 + ' = Y, name "%s"' % z[c]['监测点名称'])
        src.append(TRAJRF)
    if c in FEED2022_CODES:
        src.append(FEED2022)
    if c in control_codes:
        control = 1
        if c in named20 and c not in named22:
            notes.append('CONFLICT: named 对照点 only in the 2020 list; 2022-02-13 list has "%s" with 对照点=%s and the '
                         '2022-01-01T12 real-time feed publishes it as "东湖" with data; treated as control only in '
                         'national/2020-01-01.csv' % (z[c]['监测点名称'], z[c]['对照点']))
        if c in named22 and c not in named20:
            if c in a:
                if c == '1002A':
                    notes.append('2020 list name "定陵" has no label; control on 2020-01-01 corroborated: Beijing Jan-2019 '
                                 'PM2.5 mean of the other 11 stations = 52 = MEE figure (/work/shared/data/README.md)')
                else:
                    notes.append('2020 list name "%s" has no 对照点 label; control assumed already on 2020-01-01 (a '
                                 'station\'s role rarely changes) - not verified' % a[c]['监测点名称'])
            else:
                notes.append('not in the 2020 list (new after 2020-01-01)')
        if c <= FEED2022_MAXCODE and c in named22:
            if c in FEED2022_CODES:
                notes.append('2022-01-01T12 feed also labels it (对照点)')
            elif c in FEED2022_ABSENT:
                notes.append('absent from the 2022-01-01T12 feed hour that was read')
        if c in a and c in z:
            d = None
            xa, ya, xz, yz = fnum(a[c]['经度']), fnum(a[c]['纬度']), fnum(z[c]['经度']), fnum(z[c]['纬度'])
            if None not in (xa, ya, xz, yz):
                d = float(geo.haversine_m(xa, ya, xz, yz))
                if d > 1000:
                    notes.append('coordinates differ by %.1f km between the 2020 and 2022 lists (relocation or coordinate revision)' % (d / 1000))
        notes.append('absent from the 2026-10-09 feed' if c not in b else 'PRESENT in the 2026-10-09 feed')
    else:
        control = 0
        kind = 'decommissioned (name says 停运/停用)' if STOP.search(z[c]['监测点名称']) else \
            'unlabelled: no 对照点/停运 in the name'
        notes.append('对照点=Y in the 2022-02-13 list but not a control point: %s; in that list Y marks stations '
                     'excluded from the city mean, incl. retired ones. Applied as control=1 only in '
                     'national/2022-02-13.csv, not in the 2020 list (it was an assessment station before it stopped)' % kind)
        if c in a and STOP.search(a[c]['监测点名称']) and not STOP.search(z[c]['监测点名称']):
            notes.append('2020 list name "%s"' % a[c]['监测点名称'])
        if c <= FEED2022_MAXCODE:
            notes.append('absent from the 2022-01-01T12 feed')
    rows.append({'code': c, 'name': name, 'city': city, 'control': control,
                 'source': ' | '.join(src), 'note': '; '.join(notes)})
with open(OUT / 'control-points.csv', 'w', encoding='utf-8', newline='') as f:
    f.write('# Control points (对照点) and other 对照点=Y flags of the national CNEMC station lists.\n')
    f.write('# control=1: clean control/background point, excluded from city means (applied in national/2020-01-01.csv\n')
    f.write('#   and national/2022-02-13.csv). control=0: flagged Y in the 2022-02-13 list only because the station is\n')
    f.write('#   retired/non-assessment; it is NOT a control point (see note). See README.md for the sources.\n')
    w = csv.DictWriter(f, fieldnames=['code', 'name', 'city', 'control', 'source', 'note'], lineterminator='\n')
    w.writeheader(); w.writerows(rows)
ctrl1 = {r['code'] for r in rows if r['control'] == 1}
print('control-points rows', len(rows), 'control=1', len(ctrl1), 'control=0', len(rows) - len(ctrl1))

# ---------------------------------------------------------------- national lists
HDR = ['code', 'name', 'city', 'district', 'longitude', 'latitude', 'control', 'control_source']
(OUT / 'national').mkdir(exist_ok=True)


def write_list(path, header_lines, recs):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        for h in header_lines:
            f.write('# ' + h + '\n')
        w = csv.DictWriter(f, fieldnames=HDR, lineterminator='\n')
        w.writeheader(); w.writerows(recs)

recs = []
seen = set()
for r in A:
    c = r['监测点编码']
    if c in seen:      # 3207A appears twice in the source (启用 date written two ways); keep the first row
        continue
    seen.add(c)
    if c in ctrl1:
        cs = []
        if c in named20: cs.append('name in this list')
        if c in named22: cs.append('对照点=Y and name in 2022-02-13 list')
        ctl, csrc = 1, '; '.join(cs) + ' (control-points.csv)'
    else:
        ctl, csrc = 0, ''
    recs.append({'code': c, 'name': r['监测点名称'], 'city': r['城市'], 'district': '', 'longitude': r['经度'],
                 'latitude': r['纬度'], 'control': ctl, 'control_source': csrc})
write_list(OUT / 'national/2020-01-01.csv',
           ['National CNEMC station list effective 2020-01-01, converted from ' + NAT2020 + '.',
            'Names and city names exactly as in the source. district empty (national list has none).',
            'control=1 for %d stations: %d named 对照点 here, %d more named 对照点 with 对照点=Y in the 2022-02-13 list'
            % (sum(x['control'] for x in recs), len(named20), len(ctrl1 & set(a)) - len(named20)),
            'Retired stations (名称 含 停运/停用) keep control=0: they have no data after their stop date.',
            'The source has 1641 rows for 1640 codes: 3207A appears twice (市政府原办公楼(190307启用) and (20190308启用),',
            'same coordinates); the first row is kept.'], recs)

recs = []
for r in Z:
    c = r['监测点编码']
    y = r['对照点'] == 'Y'
    if y:
        kind = '对照点' if c in named22 else ('retired' if STOP.search(r['监测点名称']) else 'non-assessment/retired, unlabelled')
        csrc = '对照点=Y in this list (%s)' % kind
    else:
        csrc = ''
    recs.append({'code': c, 'name': r['监测点名称'], 'city': r['城市'], 'district': '',
                 'longitude': '' if r['经度'].strip() == '-' else r['经度'],
                 'latitude': '' if r['纬度'].strip() == '-' else r['纬度'],
                 'control': 1 if y else 0, 'control_source': csrc})
write_list(OUT / 'national/2022-02-13.csv',
           ['National CNEMC station list "站点列表-2022.02.13起" (in force from 2022-02-13), transcribed from',
            ZK2022 + '; transcription checked: 68256 characters, identical length to the stored file.',
            'Same rows/flags as ' + TRAJRF + '.',
            'control = 对照点 column (Y -> 1): 130 对照点 + 120 retired/non-assessment stations (all %d Y rows).' % len(Y22),
            "Coordinates '-' in the source are left empty. 2026 rows, incl. retired stations kept by CNEMC."], recs)

recs = []
for r in B:
    c = r['code']
    note = 'not published (see header)'
    recs.append({'code': c, 'name': r['name'], 'city': r['city'], 'district': '', 'longitude': r['longitude'],
                 'latitude': r['latitude'], 'control': 0, 'control_source': note})
assert not (ctrl1 & set(b))
write_list(OUT / 'national/2026-10-09.csv',
           ['Stations of the CNEMC hourly history feed on 2026-10-09, from ' + NAT2026 + '.',
            'control=0 for all: the feed publishes no control flag and carries none of the known control-point codes',
            '(control-points.csv); control points appear to be left out of this feed altogether.'], recs)

# ---------------------------------------------------------------- 2026 stations close to known control points
near = []
for c in sorted(ctrl1):
    r = z.get(c) or a.get(c)
    x, y = fnum(r.get('经度')), fnum(r.get('纬度'))
    if x is None: continue
    best = min(((float(geo.haversine_m(x, y, float(s['longitude']), float(s['latitude']))), s['code'], s['name'])
                for s in B), key=lambda t: t[0])
    if best[0] < 500:
        near.append((c, r['监测点名称'], best))
print('2026 stations within 500 m of a known control point:', near)

# ---------------------------------------------------------------- city aliases
canon = sorted(set(r['city'] for r in B))
pairs = set()
for X, lab in ((a, '城市'), (z, '城市')):
    for c, r in X.items():
        if c in b and r[lab] != b[c]['city']:
            pairs.add((r[lab], b[c]['city']))
# z vs a for cities absent from 2026 (e.g. 巴音郭楞州)
for c, r in z.items():
    if c in a and r['城市'] != a[c]['城市'] and c not in b:
        pairs.add((a[c]['城市'], r['城市']))
REASSIGN = {('章丘', '济南'), ('文登', '威海'), ('胶南', '青岛')}
alias = {}
for old, new in sorted(pairs):
    if (old, new) in REASSIGN:
        continue
    alias[old] = new
alias['库尔勒'] = '巴音郭楞蒙古自治州'; alias['巴音郭楞州'] = '巴音郭楞蒙古自治州'
# 2022-only short forms whose codes are gone by 2026
for c, r in z.items():
    n = r['城市']
    if n.endswith('州') and n not in canon and n not in alias:
        full = [x for x in canon if x.startswith(n[:-1]) and x.endswith('自治州')]
        if len(full) == 1:
            alias[n] = full[0]
# '市' forms (hourly feed `area`, cnmaps, current-registry usage)
allnames = set(canon) | set(r['城市'] for r in A) | set(r['城市'] for r in Z)
for n in sorted(allnames):
    tgt = alias.get(n, n)
    if not re.search(r'(州|盟|地区|新区|市)$', n):
        alias.setdefault(n + '市', tgt)
h = list(csv.DictReader(open('/work/shared/data/cnemc-hourly/2026-10-09T05.csv', encoding='utf-8')))
for r in h:
    if r['area'] != b[r['stationcode']]['city']:
        alias.setdefault(r['area'], b[r['stationcode']]['city'])
alias = {k: v for k, v in alias.items() if k != v}
with open(OUT / 'city-aliases.csv', 'w', encoding='utf-8', newline='') as f:
    f.write('# alias -> city: spelling variants of the same city unit across the 2020 / 2022-02-13 / 2026-10-09 lists,\n')
    f.write('# the hourly feed `area` column and cnmaps names. Target = the 2026-10-09 list name when the city is in it.\n')
    f.write('# NOT aliases (same code moved to another city unit, i.e. a reassignment, keep per-list city):\n')
    f.write('#   章丘 -> 济南 (1961A 东山小学; 1962A stays 章丘 in 2022), 文登 -> 威海 (1982A only; 1981A stays 文登),\n')
    f.write('#   胶南 -> 青岛 (1966A 黄岛区4号, 2022 list; gone by 2026).\n')
    f.write('# County-level cities of the 2020 list (寿光, 即墨, 胶州, 平度, 莱西, 蓬莱, 招远, 莱州, 荣成, 乳山, 吴江, 昆山, 常熟,\n')
    f.write('#   张家港, 太仓, 句容, 江阴, 宜兴, 金坛, 溧阳, 海门, 临安, 富阳, 义乌, 诸暨, 瓦房店 ...) are separate units, not aliases.\n')
    w = csv.writer(f, lineterminator='\n'); w.writerow(['alias', 'city'])
    for k in sorted(alias):
        w.writerow([k, alias[k]])
print('aliases', len(alias))

# ---------------------------------------------------------------- diff 2020 -> 2026
def cityu(n):
    return alias.get(n, n)
new = sorted(set(b) - set(a)); gone = sorted(set(a) - set(b)); both = sorted(set(a) & set(b))
ren = [(c, a[c]['监测点名称'], b[c]['name']) for c in both if a[c]['监测点名称'] != b[c]['name']]
moved = []
for c in both:
    x1, y1, x2, y2 = map(fnum, (a[c]['经度'], a[c]['纬度'], b[c]['longitude'], b[c]['latitude']))
    if None in (x1, y1, x2, y2): continue
    d = float(geo.haversine_m(x1, y1, x2, y2))
    if d > 1000: moved.append((c, b[c]['name'], b[c]['city'], d, (x1, y1), (x2, y2)))
citych = [(c, a[c]['城市'], b[c]['city']) for c in both if cityu(a[c]['城市']) != cityu(b[c]['city'])]
cnt_a = collections.Counter(cityu(r['城市']) for r in a.values()); cnt_b = collections.Counter(cityu(r['city']) for r in B)
L = []
L.append('Diff of the national station lists 2020-01-01 (national-2020.csv, %d rows = %d codes, 3207A twice; %d city names) and' % (len(A), len(a), len(set(r['城市'] for r in A))))
L.append('2026-10-09 (national-2026-10.csv, %d stations, %d city names). City names compared through city-aliases.csv.' % (len(B), len(set(r['city'] for r in B))))
L.append('Distances: haversine on a sphere R=6371008.8 m, coordinates as published (no datum conversion).')
L.append('')
L.append('COUNTS')
L.append('  new codes (in 2026, not in 2020): %d' % len(new))
L.append('  gone codes (in 2020, not in 2026): %d' % len(gone))
L.append('  codes in both: %d' % len(both))
ws = lambda t: re.sub(r'\s|\u3000', '', t)
L.append('  renamed (same code, other name): %d (%d of them differ only by trailing/full-width spaces)' % (len(ren), sum(1 for c, o, n in ren if ws(o) == ws(n))))
L.append('  moved > 1 km (same code): %d' % len(moved))
L.append('  same code, other city unit (after aliases): %d' % len(citych))
L.append('  Beijing (北京): %d -> %d ; Zhoukou (周口): %d -> %d' % (cnt_a['北京'], cnt_b['北京'], cnt_a['周口'], cnt_b['周口']))
L.append('  control points of the 2020 list (control-points.csv, control=1) that are gone: %d of %d'
         % (len(ctrl1 & set(gone)), len(ctrl1 & set(a))))
L.append('  gone codes whose 2020 name says 停运/停用: %d' % sum(1 for c in gone if STOP.search(a[c]['监测点名称'])))
L.append('')
L.append('NOTE on "moved": many of these are coordinate revisions rather than physical moves: the 2020 list carries')
L.append('older, often 3-decimal coordinates (e.g. Beijing 1003A 东四 116.434,39.9522 vs 116.4174,39.9289 in 2022/2026),')
L.append('while the 2022-02-13 list already has the 2026 values for most codes.')
mv22 = sum(1 for m in moved if m[0] in z and fnum(z[m[0]]['经度']) and float(geo.haversine_m(fnum(z[m[0]]['经度']), fnum(z[m[0]]['纬度']), *m[5])) < 100)
L.append('  of the %d moved codes, %d already have (within 100 m) their 2026 coordinates in the 2022-02-13 list.' % (len(moved), mv22))
L.append('')
L.append('CITY UNIT CHANGES (same code) after aliases')
for c, o, n in citych: L.append('  %s %s: %s -> %s' % (c, b[c]['name'], o, n))
L.append('')
L.append('PER-CITY STATION COUNTS THAT CHANGED (city unit: 2020 -> 2026)')
for cu in sorted(set(cnt_a) | set(cnt_b)):
    if cnt_a[cu] != cnt_b[cu]:
        L.append('  %s: %d -> %d' % (cu, cnt_a[cu], cnt_b[cu]))
L.append('')
L.append('NEW CODES (%d): code name city lon lat' % len(new))
for c in new: L.append('  %s %s %s %s %s' % (c, b[c]['name'], b[c]['city'], b[c]['longitude'], b[c]['latitude']))
L.append('')
L.append('GONE CODES (%d): code name city lon lat [control]' % len(gone))
for c in gone: L.append('  %s %s %s %s %s%s' % (c, a[c]['监测点名称'], a[c]['城市'], a[c]['经度'], a[c]['纬度'], ' [control]' if c in ctrl1 else ''))
L.append('')
L.append('RENAMED (%d): code 2020-name -> 2026-name' % len(ren))
for c, o, n in ren: L.append('  %s %s -> %s%s' % (c, o, n, '   (whitespace only)' if ws(o) == ws(n) else ''))
L.append('')
L.append('MOVED > 1 km (%d): code name city distance_km  2020(lon,lat) -> 2026(lon,lat)' % len(moved))
for c, n, ci, d, p1, p2 in sorted(moved, key=lambda t: -t[3]):
    L.append('  %s %s %s %.2f  %.4f,%.4f -> %.4f,%.4f%s' % (c, n, ci, d / 1000, p1[0], p1[1], p2[0], p2[1],
             '   (> 50 km: coordinate error in the 2020 list, corrected later)' if d > 50000 else ''))
(OUT / 'diff-2020-2026.txt').write_text('\n'.join(L) + '\n', encoding='utf-8')
print('\n'.join(L[:20]))
