#!/usr/bin/env python3
"""Crash harness: kill haze's cron jobs with SIGKILL at random points, re-run
them, and check that nothing was lost, duplicated or corrupted.

The job sequence is a bureau's cron day by day over the CNEMC files (and, in
the batch passes, `haze ingest --archive` of five day files at a time, whose
rings and quarantine must equal the day-by-day ones):
`haze ingest <day file>` (or `haze pull --until <day>` from a loopback HTTP
server serving the same files) followed by `haze alert` (its clock fixed at the
first hour after the day with `--now`, so the data-stopped rules see the same
"now" in every pass). A clean run of the
sequence gives the reference store. Each pass then runs the sequence again in
a fresh store, killing every step at a random moment within its clean duration
(sometimes killing the re-run too) before running it to completion, as cron
would next hour. After each pass:

  - `haze check` must report the store healthy;
  - hourly.ring and daily.ring must equal the reference byte for byte (so no
    reading lost, none stored twice);
  - the alert log and state, the quarantine files, the pull cursor and the
    raw archive (decompressed) must equal the reference.

After the first pass, one flipped byte in the daily ring must make the
comparison fail, and one in the alert state must make `haze check` fail.

Usage: crash.py --haze BIN --data DIR --stations DIR --rules DIR --server PY
                [--iterations N] [--days D] [--time-limit S] [--seed K]
Prints one summary line; exits 1 on any difference.
"""
import argparse, datetime, gzip, json, os, random, shutil, signal, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument('--haze', required=True)
p.add_argument('--data', required=True)
p.add_argument('--stations', required=True)
p.add_argument('--rules', required=True)
p.add_argument('--server', required=True)
p.add_argument('--iterations', type=int, default=200, help='kills that must land while the job runs')
p.add_argument('--days', type=int, default=0, help='use only the first D day files (0 = all)')
p.add_argument('--time-limit', type=float, default=600, help='stop after this many seconds, passed or not')
p.add_argument('--seed', type=int, default=int(time.time()))
args = p.parse_args()
rng = random.Random(args.seed)
work = tempfile.mkdtemp(prefix='haze-crash-')
started = time.monotonic()

files = sorted(f for f in os.listdir(args.data) if f.startswith('china_sites_'))
if args.days:
    files = files[:args.days]
days = [f[len('china_sites_'):len('china_sites_') + 8] for f in files]
suffix = files[0][len('china_sites_') + 8:]

# The loopback server for the pull passes.
served = os.path.join(work, 'served')
os.makedirs(served)
for f in files:
    os.symlink(os.path.abspath(os.path.join(args.data, f)), os.path.join(served, f))
# Its stderr would fill with the resets of killed pulls; those are the point here.
server = subprocess.Popen([sys.executable, args.server, served], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = int(server.stdout.readline().strip())
config = os.path.join(work, 'haze.json')
with open(config, 'w') as out:
    json.dump({'sources': [{'id': 'cnemc', 'url': 'http://127.0.0.1:%d/china_sites_{yyyyMMdd}%s' % (port, suffix),
                            'format': 'cnemc-wide', 'start': '%s-%s-%s' % (days[0][:4], days[0][4:6], days[0][6:]),
                            'concurrency': 2, 'deadline_seconds': 20}]}, out)


# Files per `haze ingest` of the batch passes: consecutive day files in one run,
# parsed in parallel and written as one batch (`IngestRun`).
BATCH = 5


def steps(mode, store):
    common = ['--store', store, '--stations', args.stations]
    if mode == 'batch':
        for i in range(0, len(files), BATCH):
            group = files[i:i + BATCH]
            yield ('ingest %s-%s' % (days[i], days[i + len(group) - 1]),
                   ['ingest', '--quiet', '--archive'] + common + [os.path.join(args.data, f) for f in group])
        return
    for f, d in zip(files, days):
        if mode == 'ingest':
            yield 'ingest ' + d, ['ingest', '--quiet'] + common + [os.path.join(args.data, f)]
        else:
            yield 'pull ' + d, ['pull', '--config', config, '--until', '%s-%s-%s' % (d[:4], d[4:6], d[6:])] + common
        # "Now" for the data-stopped rules: the first hour after the day, as for a
        # cron run right after it (fixed, so every pass sees the same clock).
        now = (datetime.date(int(d[:4]), int(d[4:6]), int(d[6:])) + datetime.timedelta(days=1)).isoformat() + 'T00:00+08:00'
        yield 'alert ' + d, ['alert', '--rules', args.rules, '--format', 'ndjson', '--now', now] + common


def run(argv):
    """Runs a step to completion; alert's exit codes 1 and 2 mean open warnings/criticals."""
    t = time.monotonic()
    r = subprocess.run([args.haze] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ok = r.returncode == 0 or (argv[0] == 'alert' and r.returncode in (1, 2))
    if not ok:
        raise SystemExit('crash: %s exited %d: %s' % (' '.join(argv), r.returncode, r.stderr.strip()[-2000:]))
    return time.monotonic() - t


def killed_run(argv, duration):
    """Starts a step and SIGKILLs it at a random moment of its clean duration; True if it died mid-run."""
    proc = subprocess.Popen([args.haze] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, duration))
    proc.send_signal(signal.SIGKILL)
    return proc.wait() == -signal.SIGKILL


def snapshot(store):
    """What must be equal between a killed-and-re-run store and the clean one."""
    out = {}
    for root, _, names in os.walk(store):
        for name in names:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, store)
            if rel in ('lock', 'seq', 'ingest.log', 'alerts/lock') or rel.startswith('backup-'):
                continue
            with open(path, 'rb') as f:
                data = f.read()
            out[rel] = gzip.decompress(data) if rel.endswith('.gz') else data
    return out


def compare(reference, store, label):
    check = subprocess.run([args.haze, 'check', '--store', store, '--stations', args.stations],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problems = [] if check.returncode == 0 else ['haze check: ' + check.stdout.strip()]
    got = snapshot(store)
    for name in sorted(set(reference) | set(got)):
        if name not in got:
            problems.append('%s missing' % name)
        elif name not in reference:
            problems.append('%s extra' % name)
        elif got[name] != reference[name]:
            problems.append('%s differs' % name)
    for problem in problems:
        print('crash: %s: %s' % (label, problem), file=sys.stderr)
    return not problems


references, durations = {}, {}
for mode in ('ingest', 'pull', 'batch'):
    store = os.path.join(work, 'reference-' + mode)
    durations[mode] = [run(argv) for _, argv in steps(mode, store)]
    references[mode] = snapshot(store)
# Batches written as one must leave what day-by-day runs leave.
for name in sorted(set(references['ingest']) | set(references['batch'])):
    if name in ('hourly.ring', 'daily.ring') or name.startswith('quarantine/'):
        if references['ingest'].get(name) != references['batch'].get(name):
            raise SystemExit('crash: %s after batched runs differs from day-by-day runs of the same files' % name)

kills = midway = passes = failures = 0
mode_cycle = ['ingest', 'batch', 'pull']
while kills < args.iterations and time.monotonic() - started < args.time_limit:
    mode = mode_cycle[passes % len(mode_cycle)]
    store = os.path.join(work, 'pass-%d' % passes)
    for (label, argv), duration in zip(steps(mode, store), durations[mode]):
        # One kill per step, sometimes a second one during the re-run, then cron's next run completes it.
        for _ in range(2 if rng.random() < 0.25 else 1):
            kills += 1
            midway += killed_run(argv, duration * 1.1)
        run(argv)
    passes += 1
    if not compare(references[mode], store, 'pass %d (%s)' % (passes, mode)):
        failures += 1
    elif passes == 1:
        # The harness must be able to fail: one flipped byte in the daily ring is caught.
        with open(os.path.join(store, 'daily.ring'), 'r+b') as ring:
            ring.seek(os.path.getsize(os.path.join(store, 'daily.ring')) // 2)
            byte = ring.read(1)
            ring.seek(-1, 1)
            ring.write(bytes([byte[0] ^ 0x40]))
        print('crash: self-check — a flipped byte must be reported:', file=sys.stderr)
        if compare(references[mode], store, 'self-check'):
            raise SystemExit('crash: the comparison missed a corrupted daily ring')
        # … and `haze check` itself must catch one in the alert state (its checksum).
        state = os.path.join(store, 'alerts', 'state.json')
        with open(state, 'r+b') as f:
            f.seek(os.path.getsize(state) * 2 // 3)
            byte = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([byte[0] ^ 0x01]))
        check = subprocess.run([args.haze, 'check', '--store', store, '--stations', args.stations],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if check.returncode == 0 or 'alerts/state.json' not in check.stdout:
            raise SystemExit('crash: haze check missed a corrupted alert state: ' + check.stdout)
    if not failures:
        shutil.rmtree(store, ignore_errors=True)

server.kill()
seconds = time.monotonic() - started
print('crash: %d kill/re-run iterations (%d killed mid-run, the rest just before or after the job), '
      '%d passes over %d day files, %d pass(es) differing from the clean run, %.0f s, seed %d'
      % (kills, midway, passes, len(files), failures, seconds, args.seed))
if failures:
    print('crash: stores kept for inspection in %s (reference-*/, pass-*/)' % work, file=sys.stderr)
else:
    shutil.rmtree(work, ignore_errors=True)
if failures or midway < min(args.iterations, kills) // 2:
    sys.exit(1)
