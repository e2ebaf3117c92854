#!/usr/bin/env python3
"""The reference pipeline an analyst would write with pandas: the same work as
haze, from the same raw CNEMC CSVs.

  read the day files, keep PM2.5 and PM10, reshape to long form, daily means
  with >= 20 hours, unit (city or district) daily means of assessment stations,
  monthly means valid with >= 27 days (February 25), GB/T 8170 rounding, ranks
  with ties shared and invalid units last.

Prints timings as JSON on stdout; writes the ranking as CSV to --out.

usage: pandas_pipeline.py --data DIR --registry DIR --month 2019-01 --level city --out ranking.csv
"""
import argparse
import io, glob, json, os, time

t0 = time.perf_counter()
import numpy as np
import pandas as pd
t_import = time.perf_counter() - t0


def station_list(path):
    """A station list without its '#' comment lines; None for the registry's other files (units, aliases)."""
    with open(path, encoding='utf-8') as f:
        text = ''.join(line for line in f if not line.startswith('#'))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame if {'code', 'city', 'district', 'control'} <= set(frame.columns) else None


def registry(path, month):
    # The station lists of the folder, and the dated national list in force on the
    # month's first day (the oldest applies before its date), as haze reads them.
    lists = sorted(glob.glob(os.path.join(path, '*.csv')))
    dated = sorted(glob.glob(os.path.join(path, 'national', '????-??-??.csv')))
    if dated:
        first = month + '-01'
        in_force = [f for f in dated if os.path.basename(f)[:10] <= first]
        lists.append(in_force[-1] if in_force else dated[0])
    frames = [frame for frame in (station_list(f) for f in lists) if frame is not None]
    # Spellings of one city across the lists, named as haze names them (city-aliases.csv).
    aliases = os.path.join(path, 'city-aliases.csv')
    if os.path.exists(aliases):
        with open(aliases, encoding='utf-8') as f:
            table = pd.read_csv(io.StringIO(''.join(l for l in f if not l.startswith('#'))), dtype=str, keep_default_na=False)
        same = table[table['use'].isin(['', 'name'])]
        names = dict(zip(same['alias'], same['city']))
        for frame in frames:
            frame['city'] = frame['city'].map(lambda c: names.get(c, c))
    reg = pd.concat(frames)
    reg['control'] = reg['control'].str.lower().isin(['1', 'y', 'yes', 'true'])
    merged = reg.groupby('code').agg(city=('city', lambda s: next((v for v in s if v), '')),
                                     district=('district', lambda s: next((v for v in s if v), '')),
                                     control=('control', 'any'))
    return merged


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--registry', required=True)
    ap.add_argument('--month', required=True)
    ap.add_argument('--level', default='city')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    timings = {'import': t_import}

    start = time.perf_counter()
    files = sorted(glob.glob(os.path.join(a.data, 'china_sites_*.csv*')))
    frames = []
    for f in files:
        df = pd.read_csv(f)
        frames.append(df[df['type'].isin(['PM2.5', 'PM10'])])
    wide = pd.concat(frames, ignore_index=True)
    timings['read'] = time.perf_counter() - start

    t = time.perf_counter()
    # A day is hour labels 1-24, as haze's stores count it (README, `haze init --day-hours`):
    # a file's hour 0 ends the day before.
    dates = pd.to_datetime(wide['date'].astype(str), format='%Y%m%d')
    wide['date'] = (dates - pd.to_timedelta((wide['hour'] == 0).astype(int), unit='D')).dt.strftime('%Y%m%d').astype(int)
    long = wide.drop(columns=['hour']).melt(id_vars=['date', 'type'], var_name='station', value_name='value').dropna(subset=['value'])
    timings['reshape'] = time.perf_counter() - t

    t = time.perf_counter()
    daily = long.groupby(['station', 'type', 'date'])['value'].agg(['mean', 'count']).reset_index()
    daily = daily[daily['count'] >= 20]
    reg = registry(a.registry, a.month)
    reg = reg[~reg['control']]
    unit_column = 'city' if a.level == 'city' else 'district'
    reg = reg[reg[unit_column] != '']
    daily = daily.merge(reg[[unit_column]], left_on='station', right_index=True)
    unit_daily = daily.groupby([unit_column, 'type', 'date'])['mean'].mean().reset_index()
    unit_daily['month'] = (unit_daily['date'] // 100).astype(str).str[:4] + '-' + (unit_daily['date'] // 100).astype(str).str[4:]
    month = unit_daily[unit_daily['month'] == a.month]
    monthly = month.groupby([unit_column, 'type'])['mean'].agg(['mean', 'count']).reset_index()
    need = 25 if a.month.endswith('-02') else 27
    monthly['valid'] = monthly['count'] >= need
    # GB/T 8170: half to even on the decimal value (six places first to drop float noise).
    monthly['rounded'] = np.round(np.round(monthly['mean'], 6))
    monthly.loc[~monthly['valid'], 'rounded'] = np.nan
    monthly['rank'] = monthly.groupby('type')['rounded'].rank(method='min')
    valid_count = monthly.groupby('type')['valid'].transform('sum')
    monthly['rank'] = monthly['rank'].fillna(valid_count + 1).astype(int)
    timings['rank'] = time.perf_counter() - t
    timings['total'] = time.perf_counter() - start

    out = monthly.rename(columns={unit_column: 'unit', 'type': 'pollutant', 'count': 'valid_days'})
    out['mean'] = out['rounded'].astype('Int64')
    out[['pollutant', 'unit', 'rank', 'mean', 'valid_days', 'valid']].sort_values(['pollutant', 'rank', 'unit']).to_csv(a.out, index=False)
    timings['rows'] = int(len(long))
    timings['files'] = len(files)
    print(json.dumps(timings))


if __name__ == '__main__':
    main()
