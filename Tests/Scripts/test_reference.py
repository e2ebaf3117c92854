"""Hand-computed checks of the reference (run: cd /work/helpers/reference && python3 -m unittest).

Every expected number below was worked out by hand from the rules in RULES.md, not by running
the code.  Synthetic CNEMC-style files are written to a temporary folder inside this folder and
removed afterwards.
"""
import gzip, io, json, os, shutil, subprocess, sys, tempfile, unittest
from datetime import date, timedelta
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import aqi_ref as A
import unit_ref as U

TYPES = A.ALL_TYPES


def write_day(folder, d, values, gz=False, drop_hours=(), trailing_newline=True, truncate_after=None):
    """values(code, type, hour) -> str ('' = missing).  Stations: the codes of STATIONS."""
    lines = ['date,hour,type,' + ','.join(STATIONS)]
    for hr in range(24):
        if hr in drop_hours:
            continue
        for t in TYPES:
            lines.append('%s,%d,%s,' % (d.strftime('%Y%m%d'), hr, t) + ','.join(values(c, t, hr) for c in STATIONS))
    text = '\n'.join(lines) + ('\n' if trailing_newline else '')
    if truncate_after is not None:
        text = text[:truncate_after]
    name = os.path.join(folder, 'china_sites_%s.csv' % d.strftime('%Y%m%d'))
    if gz:
        with open(name + '.gz', 'wb') as f:
            f.write(gzip.compress(text.encode()))
    else:
        with open(name, 'w') as f:
            f.write(text)


STATIONS = ['9001A', '9002A', '9003A', '9004A']


def const_values(table):
    """table[code][pollutant] = value (str); every hour the same; 24-h rows left empty."""
    def v(code, t, hr):
        return table.get(code, {}).get(t, '')
    return v


class Rounding(unittest.TestCase):
    def test_half_even(self):
        self.assertEqual(A.rhe(F(5, 2)), 2)
        self.assertEqual(A.rhe(F(7, 2)), 4)
        self.assertEqual(A.rhe(F('25.5')), 26)
        self.assertEqual(A.rhe(F('24.5')), 24)
        self.assertEqual(A.rhe(F('24.51')), 25)
        self.assertEqual(A.rhe(F('1.25'), 1), F('1.2'))
        self.assertEqual(A.rhe(F('1.35'), 1), F('1.4'))
        self.assertEqual(A.rhe(F('1.2500001'), 1), F('1.3'))


class Percentile(unittest.TestCase):
    def test_n1(self):
        for p in (50, 90, 95, 98):
            self.assertEqual(A.percentile([7], p), 7)

    def test_n2(self):
        # k = 1 + (2-1)*0.9 = 1.9 -> 1 + (3-1)*0.9 = 2.8 ; p95: 1 + 2*0.95 = 2.9
        self.assertEqual(A.percentile([3, 1], 90), F('2.8'))
        self.assertEqual(A.percentile([3, 1], 95), F('2.9'))

    def test_n27(self):
        xs = list(range(27, 0, -1))     # 1..27 shuffled order
        # p90: k = 1 + 26*0.9 = 24.4 -> 24 + (25-24)*0.4 = 24.4 ; p95: k = 25.7 -> 25.7
        self.assertEqual(A.percentile(xs, 90), F('24.4'))
        self.assertEqual(A.percentile(xs, 95), F('25.7'))
        # with a gap: values 1..26 and 100: p95 -> X(25) + (X(26) - X(25)) * 0.7 = 25 + 0.7 = 25.7
        ys = list(range(1, 27)) + [100]
        self.assertEqual(A.percentile(ys, 95), F('25.7'))
        # p98: k = 1 + 26*0.98 = 26.48 -> 26 + (100-26)*0.48 = 61.52
        self.assertEqual(A.percentile(ys, 98), F('61.52'))

    def test_worked_example(self):
        self.assertEqual(A.percentile([3, 4, 8, 2, 5, 4], 90), F('6.5'))


class IAQITables(unittest.TestCase):
    STEPS = [0, 50, 100, 150, 200, 300, 400, 500]
    EXPECTED = {  # breakpoint concentrations at IAQI 0, 50, 100, 150, 200, 300, 400, 500 (HJ 633 Table 1 / 2026 Table 3)
        '2012': {'SO2_24h': [0, 50, 150, 475, 800, 1600, 2100, 2620], 'SO2_1h': [0, 150, 500, 650, 800],
                 'NO2_24h': [0, 40, 80, 180, 280, 565, 750, 940], 'NO2_1h': [0, 100, 200, 700, 1200, 2340, 3090, 3840],
                 'PM10_24h': [0, 50, 150, 250, 350, 420, 500, 600], 'CO_24h': [0, 2, 4, 14, 24, 36, 48, 60],
                 'CO_1h': [0, 5, 10, 35, 60, 90, 120, 150], 'O3_1h': [0, 160, 200, 300, 400, 800, 1000, 1200],
                 'O3_8h': [0, 100, 160, 215, 265, 800], 'PM2.5_24h': [0, 35, 75, 115, 150, 250, 350, 500]},
        '2026': {'SO2_24h': [0, 50, 150, 475, 800, 1600, 2100, 2620], 'SO2_1h': [0, 150, 500, 650, 800],
                 'NO2_24h': [0, 40, 80, 180, 280, 565, 750, 940], 'NO2_1h': [0, 100, 200, 700, 1200, 2340, 3090, 3840],
                 'PM10_24h': [0, 50, 120, 250, 350, 420, 500, 600], 'CO_24h': [0, 2, 4, 14, 24, 36, 48, 60],
                 'CO_1h': [0, 5, 10, 35, 60, 90, 120, 150], 'O3_1h': [0, 160, 200, 300, 400, 800, 1000, 1200],
                 'O3_8h': [0, 100, 160, 215, 265, 800], 'PM2.5_24h': [0, 35, 60, 115, 150, 250, 350, 500]},
    }

    def test_every_breakpoint(self):
        n = 0
        for ver, items in self.EXPECTED.items():
            for item, bps in items.items():
                for k, c in enumerate(bps):
                    self.assertEqual(A.iaqi(item, c, ver), self.STEPS[k], (ver, item, c))
                    n += 1
        self.assertEqual(n, 2 * (8 * 8 + 5 + 6))

    def test_between_breakpoints(self):
        # 2012 PM2.5 97: 100 + 50/40*22 = 127.5 -> 128 (CNEMC 1001A 2019-01-10 h0 AQI 128)
        self.assertEqual(A.iaqi('PM2.5_24h', 97, '2012'), 128)
        # 2026 PM2.5 84: 100 + 50/55*24 = 121.82 -> 122 (snapshot 1001A T00 aqi 122)
        self.assertEqual(A.iaqi('PM2.5_24h', 84, '2026'), 122)
        # 2026 PM10 148: 100 + 50/130*28 = 110.77 -> 111 ; 2012 PM10 148: 50 + 50/100*98 = 99
        self.assertEqual(A.iaqi('PM10_24h', 148, '2026'), 111)
        self.assertEqual(A.iaqi('PM10_24h', 148, '2012'), 99)
        # an exact integer IAQI is not pushed up: PM10 60 -> 50 + 50/100*10 = 55
        self.assertEqual(A.iaqi('PM10_24h', 60, '2012'), 55)
        # CO 1.6 (24 h): 50/2*1.6 = 40 ; CO 1.7 -> 42.5 -> 43
        self.assertEqual(A.iaqi('CO_24h', F('1.6'), '2012'), 40)
        self.assertEqual(A.iaqi('CO_24h', F('1.7'), '2012'), 43)
        # O3 8 h 170 (160..215 -> 100..150): 100 + 50/55*10 = 109.09 -> 110
        self.assertEqual(A.iaqi('O3_8h', 170, '2012'), 110)

    def test_special_cases(self):
        self.assertEqual(A.iaqi('SO2_1h', 801, '2012'), A.USE_24H)
        self.assertEqual(A.iaqi('SO2_1h', 801, '2026'), 200)
        self.assertEqual(A.iaqi('O3_8h', 801, '2012'), A.USE_1H)
        self.assertEqual(A.iaqi('O3_8h', 801, '2026'), 300)
        self.assertEqual(A.iaqi('PM10_24h', 1500, '2012'), 500)
        self.assertEqual(A.iaqi('PM2.5_24h', 501, '2026'), 500)
        self.assertIsNone(A.iaqi('PM2.5_24h', None, '2012'))

    def test_levels(self):
        self.assertEqual(A.level_of(50), (1, '优'))
        self.assertEqual(A.level_of(51), (2, '良'))
        self.assertEqual(A.level_of(100), (2, '良'))
        self.assertEqual(A.level_of(101), (3, '轻度污染'))
        self.assertEqual(A.level_of(200), (4, '中度污染'))
        self.assertEqual(A.level_of(300), (5, '重度污染'))
        self.assertEqual(A.level_of(301), (6, '严重污染'))


class HourlyAQI(unittest.TestCase):
    def raws(self, **kw):
        return {p: (round(F(str(kw[p.replace('.', '')])) * A.SCALE) if p.replace('.', '') in kw else A.MISSING)
                for p in A.POLLUTANTS}

    def test_2012_hour(self):
        # SO2 15 -> 5 ; NO2 75 -> 38 ; CO 1.2 (1 h) -> 12 ; O3 7 (1 h) -> 3 ; PM10 76 -> 63 ; PM2.5 97 -> 128
        r = self.raws(SO2=15, NO2=75, CO='1.2', O3=7, PM10=76, PM25=97)
        its = A.hourly_iaqis(r, '2012')
        self.assertEqual(its, {'SO2': 5, 'NO2': 38, 'CO': 12, 'O3': 3, 'PM10': 63, 'PM2.5': 128})
        res = A.hourly_result(its, '2012')
        self.assertEqual((res['aqi'], res['primary'], res['level']), (128, ['PM2.5'], 3))

    def test_so2_above_800(self):
        r = self.raws(SO2=915, NO2=44, CO='2.3', O3=58, PM10=249, PM25=116)
        its = A.hourly_iaqis(r, '2012', so2_24h=F(185))
        # SO2 24 h 185: 100 + 50/325*35 = 105.38 -> 106
        self.assertEqual(its['SO2'], 106)
        self.assertEqual(A.hourly_iaqis(r, '2026')['SO2'], 200)

    def test_missing_2026(self):
        # 2026: PM10 missing, AQI of the rest <= 100 -> NA ; > 100 -> published
        r = self.raws(SO2=5, NO2=20, CO='0.5', O3=50, PM25=50)
        res = A.hourly_result(A.hourly_iaqis(r, '2026'), '2026')
        self.assertIsNone(res['aqi'])
        self.assertEqual(res['aqi_partial'], 80)         # PM2.5 50 (2026): 50 + 50/25*15 = 80
        r = self.raws(SO2=5, NO2=20, CO='0.5', O3=50, PM25=90)
        self.assertEqual(A.hourly_result(A.hourly_iaqis(r, '2026'), '2026')['aqi'], 128)   # 100+50/55*30=127.3
        # '/' (not monitored) is not missing
        r = self.raws(NO2=20, O3=50, PM10=40, PM25=20)
        res = A.hourly_result(A.hourly_iaqis(r, '2026'), '2026', not_monitored=('SO2', 'CO'))
        self.assertEqual(res['aqi'], 40)
        # 2012: the AQI of the pollutants present is published (CNEMC practice in 2019)
        r = self.raws(SO2=5, NO2=20, CO='0.5', O3=50, PM25=50)
        self.assertEqual(A.hourly_result(A.hourly_iaqis(r, '2012'), '2012')['aqi'], 69)   # 50+50/40*15=68.75


def o3_raw(values):
    return [A.MISSING if v is None else round(F(str(v)) * A.SCALE) for v in values]


class OzoneDay(unittest.TestCase):
    def test_windows_13_and_14(self):
        # positions 1..5 missing: windows ending 8, 9, 10 have 3, 4, 5 values -> 14 valid windows
        d14 = o3_raw([None] * 5 + [50] * 19)
        r = A.o3_day(d14)
        self.assertEqual((r['windows'], r['max'], r['valid']), (14, 50, True))
        # positions 1..6 missing: windows 8..11 invalid -> 13 valid windows, below the limit -> invalid
        d13 = o3_raw([None] * 6 + [50] * 18)
        r = A.o3_day(d13)
        self.assertEqual((r['windows'], r['valid']), (13, False))
        # 13 windows above the limit -> valid anyway
        r = A.o3_day(o3_raw([None] * 6 + [170] * 18))
        self.assertEqual((r['windows'], r['max'], r['valid'], r['valid_by_exceedance']), (13, 170, True, True))
        # exactly 160 does not exceed; 160.5 rounds (half-even) to 160: both invalid; 161 valid
        self.assertFalse(A.o3_day(o3_raw([None] * 6 + [160] * 18))['valid'])
        self.assertFalse(A.o3_day(o3_raw([None] * 6 + ['160.5'] * 18))['valid'])
        self.assertTrue(A.o3_day(o3_raw([None] * 6 + [161] * 18))['valid'])
        # 14 windows below the limit: valid
        self.assertTrue(A.o3_day(o3_raw([None] * 5 + [20] * 19))['valid'])

    def test_mda8_value(self):
        # hours 1..24 = 1..24: window ending p has mean p - 3.5 -> MDA8 = 20.5 (window 17..24)
        r = A.o3_day(o3_raw(list(range(1, 25))))
        self.assertEqual((r['max'], r['windows']), (F('20.5'), 17))
        self.assertEqual(A.rhe(r['max']), 20)
        # a window with 6 of 8 values uses the mean of the 6
        vals = [10] * 16 + [None, None] + [100] * 6
        r = A.o3_day(o3_raw(vals))
        self.assertEqual(r['max'], 100)                 # window 17..24: six values of 100


class DailyAQI(unittest.TestCase):
    def test_2012_day(self):
        v = {'SO2': F(16), 'NO2': F('91.58'), 'CO': F('1.6125'), 'PM10': F('134.3'), 'PM2.5': F('92.45'),
             'O3_8h': None, 'O3_1h': None}
        r = A.daily_aqi(v, date(2019, 1, 10))
        # SO2 16 -> 16 ; NO2 92 -> 106 ; CO 1.6 -> 40 ; PM10 134 -> 92 ; PM2.5 92 -> 121.25 -> 122
        self.assertEqual(r['iaqi'], {'SO2': 16, 'NO2': 106, 'CO': 40, 'PM10': 92, 'PM2.5': 122, 'O3_8h': None, 'O3_1h': None})
        self.assertEqual((r['aqi'], r['primary'], r['level'], r['complete'], r['valid_aqi_day']), (122, ['PM2.5'], 3, False, True))

    def test_incomplete_low_day_is_not_a_valid_aqi_day(self):
        v = {'SO2': F(5), 'NO2': F(20), 'CO': F('0.4'), 'PM10': F(40), 'PM2.5': F(20), 'O3_8h': None, 'O3_1h': None}
        r = A.daily_aqi(v, date(2019, 1, 10))
        self.assertEqual((r['aqi'], r['aqi_partial'], r['valid_aqi_day']), (None, 40, False))

    def test_2012_vs_2026_items(self):
        # O3 1-h max 250 counts in 2012 (200..300 -> 100..150: 100 + 50/100*50 = 125) but not in 2026
        v = {'SO2': F(5), 'NO2': F(20), 'CO': F('0.4'), 'PM10': F(40), 'PM2.5': F(20), 'O3_8h': F(120), 'O3_1h': F(250)}
        r12 = A.daily_aqi(v, date(2026, 2, 28))
        r26 = A.daily_aqi(v, date(2026, 3, 1))
        self.assertEqual((r12['aqi'], r12['primary']), (125, ['O3_1h']))
        # O3 8 h 120 -> 50 + 50/60*20 = 66.67 -> 67
        self.assertEqual((r26['aqi'], r26['primary'], r26['level']), (67, ['O3_8h'], 2))

    def test_joint_primary(self):
        # PM10 150 and PM2.5 75 both give IAQI 100 in 2012 -> both primary
        v = {'SO2': F(5), 'NO2': F(20), 'CO': F('0.4'), 'PM10': F(150), 'PM2.5': F(75), 'O3_8h': F(50), 'O3_1h': F(60)}
        r = A.daily_aqi(v, date(2019, 1, 1))
        self.assertEqual((r['aqi'], sorted(r['primary'])), (100, ['PM10', 'PM2.5']))
        # 2026: PM2.5 60 and PM10 120 are the IAQI-100 points
        v.update({'PM10': F(120), 'PM2.5': F(60)})
        r = A.daily_aqi(v, date(2026, 3, 1))
        self.assertEqual((r['aqi'], sorted(r['primary'])), (100, ['PM10', 'PM2.5']))


class Composite(unittest.TestCase):
    def pols(self, **c):
        names = {'PM25': 'PM2.5', 'PM10': 'PM10', 'SO2': 'SO2', 'NO2': 'NO2', 'CO': 'CO', 'O3': 'O3_8h'}
        return {names[k]: {'value': F(str(v))} for k, v in c.items()}

    def test_by_hand(self):
        # 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 0.6 + 0.5571 + 0.15 + 0.375 + 1.2 + 0.175 = 3.0571 -> 3.06
        c = U.composite(self.pols(PM25=21, PM10=39, SO2=9, NO2=15, O3=192, CO='0.7'), '2012')
        self.assertEqual(c['Isum'], 3.06)
        self.assertEqual(c['major'], ['O3_8h'])
        self.assertEqual(c['I']['PM10'], 0.56)
        self.assertEqual(c['I']['CO'], 0.18)              # 0.175 -> 0.18 (half-even on 0.175)
        self.assertEqual(c['pm_index'], 1.16)             # 0.6 + 0.5571 = 1.1571
        self.assertFalse(c['attains_grade_ii'])           # O3 192 > 160
        # 2026 transitional S: 21/30 + 39/60 + 9/60 + 15/40 + 192/160 + 0.7/4 = 0.7+0.65+0.15+0.375+1.2+0.175 = 3.25
        c = U.composite(self.pols(PM25=21, PM10=39, SO2=9, NO2=15, O3=192, CO='0.7'), '2026')
        self.assertEqual(c['Isum'], 3.25)

    def test_sum_of_exact_not_of_rounded(self):
        # I: 0.125 + 0.125 + ... : SO2 7.5? use CO 0.5/4 = 0.125 and O3 20/160 = 0.125 ; others 0
        c = U.composite(self.pols(PM25=0, PM10=0, SO2=0, NO2=0, O3=20, CO='0.5'), '2012')
        self.assertEqual(c['Isum'], 0.25)                 # rounded I would give 0.12 + 0.12 = 0.24
        self.assertEqual(sorted(c['major']), ['CO', 'O3_8h'])

    def test_invalid(self):
        p = self.pols(PM25=21, PM10=39, SO2=9, NO2=15, O3=192, CO='0.7')
        p['NO2'] = {'value': None}
        c = U.composite(p, '2012')
        self.assertIsNone(c['Isum'])
        self.assertEqual(c['invalid'], ['NO2'])

    def test_limits(self):
        self.assertEqual(A.limit_regime('2026-02-28'), '2012')
        self.assertEqual(A.limit_regime('2026-03-01'), '2026')
        self.assertEqual(A.limit_regime('2031-01-01'), '2031')
        self.assertEqual(A.composite_S('2026')['PM2.5'], 30)
        self.assertEqual(A.composite_S('2026')['PM10'], 60)


class Ranking(unittest.TestCase):
    def test_min_rank(self):
        r = U.min_rank({'a': F(3), 'b': F(1), 'c': F(3), 'd': None, 'e': F(5)})
        self.assertEqual(r, {'b': 1, 'a': 2, 'c': 2, 'e': 4, 'd': 5})
        r = U.min_rank({'a': F(80), 'b': F(90), 'c': F(90), 'd': None}, higher_is_better=True)
        self.assertEqual(r, {'b': 1, 'c': 1, 'a': 3, 'd': 4})

    def test_change(self):
        self.assertEqual(U.change_of('composite', F('2.82'), F('3.25')), F('-13.2'))    # -13.23
        self.assertEqual(U.change_of('pm2.5', 52, 40), F('30.0'))
        self.assertEqual(U.change_of('pm2.5', F(41), F(40)), F('2.5'))
        self.assertEqual(U.change_of('pm2.5', F(81), F(80)), F('1.2'))              # 1.25 -> 1.2 half-even
        self.assertEqual(U.change_of('good-days', F('77.4'), F('80.6')), F('-3.2'))


class Files(unittest.TestCase):
    """Synthetic CNEMC-style files: loader defects, day conventions, unit statistics, rank."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='tmp_test_', dir=HERE)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_ref(self, *args):
        out = subprocess.run([sys.executable, os.path.join(HERE, 'reference.py')] + list(args),
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    def test_loader_defects_and_conventions(self):
        # day 1: PM2.5 = 10 at every label; day 2: label 0 = 250, others 10 ; gzip, no trailing newline,
        # a dropped hour and a truncated last row
        def v1(c, t, h):
            return '10' if t == 'PM2.5' else ''
        def v2(c, t, h):
            return ('250' if h == 0 else '10') if t == 'PM2.5' else ''
        write_day(self.dir, date(2019, 1, 1), v1, gz=True, drop_hours=(22,))
        write_day(self.dir, date(2019, 1, 2), v2, trailing_newline=False)
        h = A.load_hourly(self.dir, types=['PM2.5'])
        self.assertEqual(h.rows['PM2.5'][22], 0)
        self.assertEqual(h.value('PM2.5', '9001A', 24), 250)
        # 0-23: day 1 = 23 labels of 10 -> 10 ; 1-24: day 1 = labels 1..23 (22 present) + next label 0 = 250
        sd0 = A.station_day(h, '9001A', date(2019, 1, 1), '0-23')
        sd1 = A.station_day(h, '9001A', date(2019, 1, 1), '1-24')
        self.assertEqual((sd0['PM2.5']['mean'], sd0['PM2.5']['hours']), (10, 23))
        self.assertEqual((sd1['PM2.5']['mean'], sd1['PM2.5']['hours']), (F(22 * 10 + 250, 23), 23))
        # truncated row: the last (possibly cut) field is not used
        write_day(self.dir, date(2019, 1, 3), v1, truncate_after=None)
        p = os.path.join(self.dir, 'china_sites_20190103.csv')
        txt = open(p).read().rstrip('\n')
        open(p, 'w').write(txt + '\n20190103,23,PM10,55,66,7')         # short row, last field '7' may be cut
        h = A.load_hourly(self.dir, types=['PM10'])
        i = h.idx(date(2019, 1, 3), 23)
        self.assertEqual((h.value('PM10', '9001A', i), h.value('PM10', '9002A', i), h.value('PM10', '9003A', i)),
                         (55, 66, None))

    def _month(self, year, table_fn, days=31, month=1):
        for k in range(days + 1):                        # + the next month's first file (label 0)
            d = date(year, month, 1) + timedelta(days=k)
            write_day(self.dir, d, table_fn(d))

    def _registry(self):
        reg = os.path.join(self.dir, 'reg')
        os.mkdir(reg)
        with open(os.path.join(reg, 'r.csv'), 'w') as f:
            f.write('code,name,city,district,longitude,latitude,control\n'
                    '9001A,s1,X,A,0,0,0\n9002A,s2,X,B,0,0,0\n9003A,s3,X,B,0,0,1\n9004A,s4,X,C,0,0,0\n')
        return reg

    def test_unit_stats_rank_change_exclusions(self):
        base19 = {'9001A': dict(zip(['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'], ['30', '60', '10', '20', '0.5', '50'])),
                  '9002A': dict(zip(['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'], ['70', '100', '20', '50', '1.0', '80'])),
                  '9003A': dict(zip(['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'], ['500', '600', '20', '50', '1.0', '80'])),
                  '9004A': dict(zip(['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'], ['30', '60', '10', '20', '0.5', '50']))}
        base18 = {c: dict(v) for c, v in base19.items()}
        base18['9001A']['PM2.5'] = '40'
        base18['9001A']['PM10'] = '70'
        base18['9002A']['PM2.5'] = '60'
        base18['9004A']['PM2.5'] = '25'

        def fn19(d):
            t = {c: dict(v) for c, v in base19.items()}
            if d == date(2019, 1, 15):
                t['9001A']['PM2.5'] = '300'              # a dust day for city X
            return const_values(t)
        self._month(2019, fn19)
        self._month(2018, lambda d: const_values(base18))
        reg = self._registry()
        excl = os.path.join(self.dir, 'dust.csv')
        with open(excl, 'w') as f:
            f.write('date,city\n2019-01-15,X\n2019-01-16,Y\n')
        D = self.dir
        # unit A without exclusion: label 0 of 01-15 belongs to 01-14 under 1-24, so 01-14 has
        # 23 x 30 + 300 and 01-15 has 23 x 300 + 30:  mean of days = (29*30 + (690+300)/24 + (6900+30)/24) / 31
        u = self.run_ref('unit-stats', '--data', D, '--registry', reg, '--city', 'X', '--district', 'A', '--month', '2019-01', '--no-daily')
        exp = (29 * 30 + F(990, 24) + F(6930, 24)) / 31
        self.assertAlmostEqual(u['pollutants']['PM2.5']['exact'], float(exp))
        self.assertEqual(u['pollutants']['PM2.5']['value'], 39)     # 38.71 -> 39
        # 0-23: day 15 is all 300 -> (30*30 + 300)/31 = 38.71 -> 39
        u0 = self.run_ref('unit-stats', '--data', D, '--registry', reg, '--city', 'X', '--district', 'A', '--month', '2019-01',
                          '--day-hours', '0-23', '--no-daily')
        self.assertAlmostEqual(u0['pollutants']['PM2.5']['exact'], float(F(30 * 30 + 300, 31)))
        # AQI days: 0-23 day 15: PM2.5 300 -> 300 + 100/100*50 = 350 -> level 6 ; the other 30 days: max(PM2.5 30 -> 43,
        # PM10 60 -> 55, O3-8h 50 -> 25, O3-1h 50 -> 16, NO2 20 -> 25, SO2 10 -> 10, CO 0.5 -> 13) = 55
        self.assertEqual((u0['aqi_days']['good_days'], u0['aqi_days']['polluted_days'], u0['aqi_days']['good_ratio']),
                         (30, 1, 96.8))                      # 30/31 = 96.77 -> 96.8
        self.assertEqual(u0['aqi_days']['by_level'], {'1': 0, '2': 30, '3': 0, '4': 0, '5': 0, '6': 1})
        # with the dust day excluded (0-23): PM2.5 = 30 exactly; good days unchanged
        ue = self.run_ref('unit-stats', '--data', D, '--registry', reg, '--city', 'X', '--district', 'A', '--month', '2019-01',
                          '--day-hours', '0-23', '--exclude-days', excl, '--no-daily')
        self.assertEqual((ue['pollutants']['PM2.5']['value'], ue['pollutants']['PM2.5']['valid_days'],
                          ue['pollutants']['PM2.5']['days_used']), (30, 31, 30))
        self.assertEqual(ue['aqi_days']['good_days'], 30)
        # composite of A (dust excluded): 30/35 + 60/70 + 10/60 + 20/40 + 0.5/4 + 50/160 = 2.8185 -> 2.82
        self.assertEqual(ue['composite']['Isum'], 2.82)
        self.assertTrue(ue['composite']['attains_grade_ii'])
        # --limits 2026: 30/30 + 60/60 + 10/60 + 20/40 + 0.5/4 + 50/160 = 3.1042 -> 3.10
        u26 = self.run_ref('unit-stats', '--data', D, '--registry', reg, '--city', 'X', '--district', 'A', '--month', '2019-01',
                           '--day-hours', '0-23', '--exclude-days', excl, '--limits', '2026', '--no-daily')
        self.assertEqual(u26['composite']['Isum'], 3.1)
        # rank by composite change, dust day excluded:
        #   A: 2019 2.82 ; 2018 40/35 + 70/70 + 1/6 + 1/2 + 1/8 + 5/16 = 3.2470 -> 3.25 ; change -13.2
        #   B: 2019 70/35 + 100/70 + 20/60 + 50/40 + 1/4 + 80/160 = 5.7619 -> 5.76 ; 2018 60/35 + ... = 5.4762 -> 5.48 ; +5.1
        #   C: 2019 2.82 ; 2018 25/35 + 60/70 + ... = 2.6756 -> 2.68 ; +5.2, but C attains Grade II -> not 'deteriorating'
        r = self.run_ref('rank', '--data', D, '--registry', reg, '--level', 'district', '--month', '2019-01',
                         '--indicator', 'composite', '--by', 'change', '--top', '1', '--bottom', '2',
                         '--exclude-days', excl, '--day-hours', '0-23')
        un = r['units']
        self.assertEqual({k: un[k]['value'] for k in un}, {'A': 2.82, 'B': 5.76, 'C': 2.82})
        self.assertEqual({k: un[k]['last_year_value'] for k in un}, {'A': 3.25, 'B': 5.48, 'C': 2.68})
        self.assertEqual({k: un[k]['change'] for k in un}, {'A': -13.2, 'B': 5.1, 'C': 5.2})
        self.assertEqual({k: un[k]['rank'] for k in un}, {'A': 1, 'B': 3, 'C': 1})
        self.assertEqual({k: un[k]['last_year_rank'] for k in un}, {'A': 2, 'B': 3, 'C': 1})
        self.assertEqual({k: un[k]['change_rank'] for k in un}, {'A': 1, 'B': 2, 'C': 3})
        self.assertEqual(r['order'], ['A', 'B', 'C'])
        self.assertEqual(r['most_improved'], ['A'])
        self.assertEqual(r['most_deteriorated'], ['B'])
        self.assertEqual(un['B']['stations'], ['9002A'])      # the control point 9003A never counts
        # value ranking, red/black lists, PM2.5
        r = self.run_ref('rank', '--data', D, '--registry', reg, '--level', 'district', '--month', '2019-01',
                         '--indicator', 'pm2.5', '--top', '1', '--bottom', '1', '--exclude-days', excl, '--day-hours', '0-23')
        self.assertEqual({k: r['units'][k]['value'] for k in r['units']}, {'A': 30, 'B': 70, 'C': 30})
        self.assertEqual(r['red_list'], ['A', 'C'])
        self.assertEqual(r['black_list'], ['B'])
        # cumulative from January = the same single month here
        rc = self.run_ref('rank', '--data', D, '--registry', reg, '--level', 'district', '--month', '2019-01', '--cumulative',
                          '--indicator', 'pm2.5', '--exclude-days', excl, '--day-hours', '0-23')
        self.assertEqual(rc['period'], {'from': '2019-01', 'to': '2019-01'})
        self.assertEqual({k: rc['units'][k]['value'] for k in rc['units']}, {'A': 30, 'B': 70, 'C': 30})


if __name__ == '__main__':
    unittest.main()
