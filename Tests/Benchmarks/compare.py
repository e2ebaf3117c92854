#!/usr/bin/env python3
"""Runs haze-bench and the pandas pipeline on the same data in one run,
checks that their rankings are equal, and prints the comparison table that
README.md's performance section shows.

usage: compare.py --bench .build/release/haze-bench --data DIR --registry DIR [--repeat N]
"""
import argparse, csv, json, os, platform, subprocess, sys, tempfile


def run_json(cmd, json_path):
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    return json.load(open(json_path))


def read_ranking(path):
    with open(path, newline='') as f:
        return {(r['pollutant'], r['unit']): r for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bench', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--registry', required=True)
    ap.add_argument('--month', default='2019-01')
    ap.add_argument('--repeat', default='5')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='haze-compare-')
    here = os.path.dirname(os.path.abspath(__file__))

    ingest = run_json([a.bench, 'ingest', '--data', a.data, '--stations', a.registry, '--repeat', a.repeat,
                       '--json', tmp + '/ingest.json'], tmp + '/ingest.json')
    rank = run_json([a.bench, 'rank', '--data', a.data, '--stations', a.registry, '--store', tmp + '/store',
                     '--month', a.month, '--level', 'city', '--repeat', a.repeat, '--out', tmp + '/haze.csv',
                     '--json', tmp + '/rank.json'], tmp + '/rank.json')
    alert = run_json([a.bench, 'alert', '--store', tmp + '/store', '--stations', a.registry, '--repeat', a.repeat,
                      '--json', tmp + '/alert.json'], tmp + '/alert.json')
    opened = run_json([a.bench, 'open', '--store', tmp + '/store', '--repeat', a.repeat, '--json', tmp + '/open.json'],
                      tmp + '/open.json')
    query = run_json([a.bench, 'query', '--store', tmp + '/store', '--stations', a.registry, '--repeat', a.repeat,
                      '--json', tmp + '/query.json'], tmp + '/query.json')
    runs = []
    for _ in range(int(a.repeat)):
        out = subprocess.run([sys.executable, os.path.join(here, 'pandas_pipeline.py'), '--data', a.data, '--registry',
                              a.registry, '--month', a.month, '--level', 'city', '--out', tmp + '/pandas.csv'],
                             check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    best = {k: min(r[k] for r in runs) for k in ('read', 'reshape', 'rank', 'total')}

    # Equal results: every unit pandas ranks matches haze; units haze lists that pandas
    # cannot see are those with no data at all.
    haze, pandas = read_ranking(tmp + '/haze.csv'), read_ranking(tmp + '/pandas.csv')
    mismatches = [k for k in pandas if k not in haze or any(haze[k][c] != pandas[k][c] for c in ('rank', 'mean', 'valid_days', 'valid'))]
    only_haze = [k for k in haze if k not in pandas]
    if mismatches or any(haze[k]['valid_days'] != '0' for k in only_haze):
        print('RESULTS DIFFER:', mismatches[:10], [k for k in only_haze if haze[k]['valid_days'] != '0'][:10])
        sys.exit(1)

    ingest_s, read_reshape = ingest['ingest_seconds_min'], best['read'] + best['reshape']
    rank_s, rank_process = rank['rank_in_process_seconds_min'], rank['rank_process_seconds_min']
    mb = ingest['csv_bytes'] / 1e6
    rows = [
        ('Ingest 59 CNEMC files (%.1f MB): parse, keep PM, reshape/store' % mb,
         '%.0f ms (%.0f MB/s)' % (ingest_s * 1e3, mb / ingest_s), '%.2f s read + reshape' % read_reshape,
         '%.1f×' % (read_reshape / ingest_s)),
        ('Monthly ranking of all %d cities: haze from its store, pandas from the raw CSVs' % (rank['rank_rows'] // 2),
         '%.1f ms' % (rank_s * 1e3), '%.2f s' % best['total'], '%.0f×' % (best['total'] / rank_s)),
        ('`haze rank --level city`, process start to exit (target < 50 ms)', '%.1f ms' % (rank_process * 1e3), '—', '—'),
        ('`haze alert`, all %d reports of one cron hour, process start to exit (target < 100 ms)' % alert['alert_reports'],
         '%.1f ms' % (alert['alert_process_seconds_min'] * 1e3), '—', '—'),
        ('Open the national store and read the newest row', '%.2f ms' % (opened['open_seconds_median'] * 1e3), '—', '—'),
        ('`haze query` a station\'s 1416 hours (CSV), process start to exit',
         '%.1f ms' % (query['query_station_hour_seconds_min'] * 1e3), '—', '—'),
        ('Hourly ring size', '%.4f bytes per hourly sample, headers included' % (ingest['ring_bytes'] / ingest['slots']), '—', '—'),
        ('Peak RSS of the ingest (target ≤ 2 × the ring files, %.0f MB)' % (ingest['rings_bytes'] / 1e6),
         '%.0f MiB' % ingest['peak_rss_mib'], '—', '—'),
    ]
    print('Machine: %s, %d cores, Python %s, pandas %s; best of %s runs; results equal (%d unit-pollutant rows).'
          % (platform.machine(), os.cpu_count(), platform.python_version(), __import__('pandas').__version__, a.repeat,
             len(pandas)))
    print()
    print('| work | haze | pandas | pandas / haze |')
    print('|---|---:|---:|---:|')
    for r in rows:
        print('| %s | %s | %s | %s |' % r)


if __name__ == '__main__':
    main()
