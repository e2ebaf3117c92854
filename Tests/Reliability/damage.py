#!/usr/bin/env python3
"""Damage harness: break a haze store in every way a disk, a tool or a person
can, and check what `haze check` and `haze check --repair` do about it.

A reference store (a small registry, D day files ingested with --archive into
rings small enough that the first days live only in the daily ring, and an
alert state with open episodes and per-subject cursors: `haze alert` after
each of the first three days, then a `--city` run) is copied for every case;
one of hourly.ring, daily.ring and alerts/state.json is damaged at random:

  bit      one bit flipped anywhere in the file
  bytes    1–8 consecutive bytes overwritten with random values
  page     a whole 4 KiB page zeroed (the whole state file: it is shorter)
  truncate the file cut at a random length
  extend   random bytes appended
  field    one header field rewritten in BOTH copies of a ring's header with a
           valid CRC-32 (an extreme or random value: what only validation can
           catch); for the alert state, a header field (format, version,
           bytes, checksum) or a field of the state itself rewritten with its
           length and FNV-1a checksum made to match (cursors past the data or
           beyond Int64, impossible episode hours and levels, an episode open
           twice, a negative log size, a wrong type, a missing field)

Then, for each case:
  - `haze check` must report the damage (exit 65), unless the damage fell in
    bytes no reader ever uses (header padding, page-rounding gaps): those are
    recognised from the documented layout and must leave check at exit 0 and
    the meaningful bytes unchanged;
  - `haze query`, `haze rank` and `haze status` must not trap (no signal, no
    exit 70);
  - `haze check --repair` must either end with exit 0 and rings whose
    meaningful bytes equal the reference exactly, or with exit 65 and at least
    one NOT RESTORED line — and afterwards `haze check` must pass.
With --partial-raw the raw archive keeps only every other day: repairs must
then say precisely what they could not restore instead of claiming OK.

For the alert state: `haze check` must name alerts/state.json (exit 65) unless
the file still reads as the same state; `haze alert` (a real run) must refuse
and leave the damaged file as it is, `--dry-run` and `haze alert log` must not
trap; `haze check --repair` must either leave a state of a newer format alone
or rebuild the state from the log, saying what it could not restore, with the
same open episodes as the reference (the log holds them), the rings untouched,
and `haze check` passing afterwards. The next `haze alert` then runs, and its
reports are compared with the reference's next run (counted, not a failure:
the repair states that per-subject cursors and peaks are not restored).

The layout is read from the format documented in README ("The store"), not
from haze's code: this script is also a check of that documentation.

Usage: damage.py --haze BIN --data DIR --stations DIR [--cases N] [--days D]
                 [--partial-raw] [--seed K] [--time-limit S]
Prints a summary line per kind and exits 1 on any failure.
"""
import argparse, datetime, json, os, random, shutil, struct, subprocess, sys, tempfile, time, zlib

p = argparse.ArgumentParser()
p.add_argument('--haze', required=True)
p.add_argument('--data', required=True)
p.add_argument('--stations', required=True, help='registry directory (a small one keeps each case fast)')
p.add_argument('--cases', type=int, default=1000)
p.add_argument('--days', type=int, default=8)
p.add_argument('--partial-raw', action='store_true')
p.add_argument('--seed', type=int, default=int(time.time()))
p.add_argument('--time-limit', type=float, default=3600)
p.add_argument('--rules', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'alerts'),
               help='alert rule directory (default: the repository\'s alerts/)')
p.add_argument('--city', default='北京', help='a city of the registry, for the --city alert run and the queries')
args = p.parse_args()
rng = random.Random(args.seed)
work = tempfile.mkdtemp(prefix='haze-damage-')
started = time.monotonic()


def haze(*arguments, check=False, alert=False):
    run = subprocess.run([args.haze, *arguments], capture_output=True, text=True, timeout=300)
    if check and not (run.returncode == 0 or (alert and run.returncode in (1, 2))):
        sys.exit('damage: haze %s failed (%d): %s' % (' '.join(arguments), run.returncode, run.stderr))
    return run


# The reference store: 5 days of hours, 16 of days.
reference = os.path.join(work, 'reference')
files = sorted(os.path.join(args.data, f) for f in os.listdir(args.data) if f.startswith('china_sites_'))[:args.days]
haze('init', '--store', reference, '--hours', '120', '--days', '16', check=True)
for i, f in enumerate(files):
    archive = ['--archive'] if not args.partial_raw or i % 2 == 1 else []
    haze('ingest', '--quiet', '--store', reference, '--stations', args.stations, '--unknown-stations', 'skip', *archive, f, check=True)
    day = datetime.date(int(f[-12:-8]), int(f[-8:-6]), int(f[-6:-4]))
    if i < 3 and len(files) > 3:
        # The cron sequence for the first days: an alert state with open episodes.
        haze('alert', '--store', reference, '--stations', args.stations, '--rules', args.rules, '--format', 'ndjson',
             '--now', (day + datetime.timedelta(days=1)).isoformat() + 'T00:00+08:00', check=True, alert=True)
    if i == 3:
        # … and a filtered run a few hours further: cursors per subject.
        haze('alert', '--store', reference, '--stations', args.stations, '--rules', args.rules, '--format', 'ndjson',
             '--city', args.city, '--at', day.isoformat() + 'T02:00+08:00', check=True, alert=True)
if haze('check', '--store', reference).returncode != 0:
    sys.exit('damage: the reference store does not pass haze check')
first_day = os.path.basename(files[0])[12:20]
month = first_day[:4] + '-' + first_day[4:6]
next_now = (day + datetime.timedelta(days=1)).isoformat() + 'T00:00+08:00'
STATE = 'alerts/state.json'
LOG = 'alerts/alerts.ndjson'


def next_run(store):
    """The next cron `haze alert` after the last day; returns (exit code, the log lines it appended)."""
    before = os.path.getsize(os.path.join(store, LOG)) if os.path.exists(os.path.join(store, LOG)) else 0
    run = haze('alert', '--store', store, '--stations', args.stations, '--rules', args.rules, '--format', 'ndjson', '--now', next_now)
    with open(os.path.join(store, LOG), 'rb') as log:
        log.seek(before)
        return run.returncode, log.read()


has_state = os.path.exists(os.path.join(reference, STATE))
if has_state:
    shutil.copytree(reference, os.path.join(work, 'next'), symlinks=True)
    code, reference_next = next_run(os.path.join(work, 'next'))
    if code not in (0, 1, 2):
        sys.exit('damage: the next alert run on the reference store failed (%d)' % code)
    shutil.rmtree(os.path.join(work, 'next'))


# --- The documented layout --------------------------------------------------

def header(data):
    """The header fields of copy A (offsets as documented)."""
    u32 = lambda o: struct.unpack_from('<I', data, o)[0]
    u64 = lambda o: struct.unpack_from('<Q', data, o)[0]
    i64 = lambda o: struct.unpack_from('<q', data, o)[0]
    return {'version': u32(8), 'data': u64(16), 'directory': u64(24), 'capacity': u32(32),
            'series_capacity': u32(36), 'series_count': u32(40), 'zone': struct.unpack_from('<i', data, 44)[0],
            'newest': i64(48), 'cleared': i64(56), 'slot': u32(64)}


def meaningful(data):
    """Byte ranges a reader uses: both header copies, the series table in use,
    the row directory, the rows. Everything else is padding."""
    h = header(data)
    ranges = [(0, 128), (2048, 2176)]
    if h['slot'] == 2:
        ranges.append((4096, 4096 + 32 * h['series_count']))
    ranges.append((h['directory'], h['directory'] + 64 * h['capacity']))
    ranges.append((h['data'], h['data'] + h['capacity'] * h['series_capacity'] * h['slot']))
    return ranges


def masked(data, ranges):
    return b''.join(data[a:b] for a, b in ranges) + struct.pack('<Q', len(data))


def rewrite_header(data, change):
    """Both copies rewritten with a field changed and their CRC-32 recomputed."""
    data = bytearray(data)
    for base in (0, 2048):
        copy = bytearray(data[base:base + 128])
        change(copy)
        struct.pack_into('<I', copy, 124, zlib.crc32(bytes(copy[:124])))
        data[base:base + 128] = copy
    return bytes(data)


FIELDS = [('data', 16, '<Q'), ('directory', 24, '<Q'), ('capacity', 32, '<I'), ('series_capacity', 36, '<I'),
          ('series_count', 40, '<I'), ('zone', 44, '<i'), ('newest', 48, '<q'), ('cleared', 56, '<q'),
          ('slot', 64, '<I'), ('convention', 68, '<I'), ('table_crc', 72, '<I'), ('version', 8, '<I')]
EXTREMES = {'<Q': [0, 1, 2**63 - 1, 2**64 - 1], '<I': [0, 1, 2**31, 2**32 - 1], '<i': [-2**31, -1, 99 * 60, 2**31 - 1],
            '<q': [-2**63, -2**63 + 1, -5, -1, 0, 2**63 - 1]}


def damage(kind, data):
    """Returns (damaged bytes, description, offset or None)."""
    n = len(data)
    if kind == 'bit':
        o = rng.randrange(n)
        b = bytearray(data)
        b[o] ^= 1 << rng.randrange(8)
        return bytes(b), 'bit at %d' % o, o
    if kind == 'bytes':
        o = rng.randrange(n - 8)
        k = rng.randint(1, 8)
        b = bytearray(data)
        new = bytes(rng.randrange(256) for _ in range(k))
        if new == bytes(b[o:o + k]):
            new = bytes((x + 1) % 256 for x in new)
        b[o:o + k] = new
        return bytes(b), '%d bytes at %d' % (k, o), o
    if kind == 'page':
        page = rng.randrange(max(1, n // 4096))
        b = bytearray(data)
        end = min(n, (page + 1) * 4096)
        if b[page * 4096:end] == bytes(end - page * 4096):
            b[page * 4096] = 1
        else:
            b[page * 4096:end] = bytes(end - page * 4096)
        return bytes(b), 'page %d zeroed' % page, page * 4096
    if kind == 'truncate':
        cut = rng.randrange(n)
        return data[:cut], 'truncated to %d' % cut, None
    if kind == 'extend':
        k = rng.choice([1, 7, 4096, 10000])
        return data + bytes(rng.randrange(256) for _ in range(k)), 'extended by %d' % k, None
    if kind == 'field':
        name, offset, fmt = rng.choice(FIELDS)
        current = struct.unpack_from(fmt, data, offset)[0]
        choices = [v for v in EXTREMES[fmt] + [current + rng.choice([-1, 1, 24, -24, 4096])] if v != current]
        value = rng.choice(choices)
        size = struct.calcsize(fmt)
        mask = (1 << (8 * size)) - 1
        if fmt in ('<q', '<i'):
            value = ((value + (1 << (8 * size - 1))) & mask) - (1 << (8 * size - 1))
        else:
            value &= mask
        return rewrite_header(data, lambda c: struct.pack_into(fmt, c, offset, value)), 'field %s = %d' % (name, value), None
    raise ValueError(kind)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for x in data:
        h = ((h ^ x) * 0x100000001b3) & (2**64 - 1)
    return '%016x' % h


def state_lines(data):
    """(header dict, body bytes) of an alert state file, as haze reads it (None if not that shape)."""
    first, _, rest = data.partition(b'\n')
    if rest.endswith(b'\n'):
        rest = rest[:-1]
    try:
        return json.loads(first), rest
    except ValueError:
        return None, rest


def same_state(a, b):
    """True when haze reads both files as the same state (e.g. only the last line break cut off)."""
    (ha, ba), (hb, bb) = state_lines(a), state_lines(b)
    return ha is not None and ha == hb and ba == bb and a.count(b'\n') >= 1


def same_but_data_cursor(a, b):
    """True when two states differ in their data cursors alone."""
    (_, ba), (_, bb) = state_lines(a), state_lines(b)
    try:
        sa, sb = json.loads(ba), json.loads(bb)
    except (TypeError, ValueError):
        return False
    sa.pop('data_cursor', None)
    sb.pop('data_cursor', None)
    return sa == sb


def state_field(data):
    """One field of the alert state rewritten, its length and checksum made to match."""
    header, body = state_lines(data)
    state = json.loads(body)
    # Past the store's newest hour for certain: the hour after the next cron run's "now".
    newest = int((datetime.datetime.fromisoformat(next_now) - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds()) // 3600 + 1
    huge = [2**63 - 1, -2**63, 2**64, 2**53]
    choices = [
        ('header', 'version', [3, 0, 1, -1, 2**63 - 1]),
        ('header', 'bytes', [header['bytes'] + 1, header['bytes'] - 1, 0, -1, 2**62]),
        ('header', 'fnv1a64', ['%016x' % rng.randrange(2**64), '', 'not hex']),
        ('header', 'format', ['haze-alert-statf', 'haze-store', '']),
        ('data_cursor', 'all', huge + [newest, newest + 8760]),
        ('clock_cursor', 'all', huge),
        ('log_size', None, [-1, -2**63, 2**64]),
        ('open', 'since', huge),
        ('open', 'lastReported', huge),
        ('open', 'level', [-1, 1001, 2**63 - 1]),
        ('open', 'reportedLevel', [-1, 1001, -2**63]),
        ('open', 'inverted', [None]),
        ('open', 'twice', [None]),
        ('type', None, ['open', 'data_cursor', 'pending', 'outbox']),
        ('missing', None, ['open', 'data_cursor', 'clock_cursor', 'pending', 'outbox']),
    ]
    if state['data_cursor']['subjects']:
        choices.append(('data_cursor', 'subject', huge + [newest]))
    where, name, values = rng.choice(choices)
    value = rng.choice(values)
    if where == 'header':
        header[name] = value
        what = 'state header %s = %r' % (name, value)
    else:
        if where in ('data_cursor', 'clock_cursor'):
            if name == 'subject':
                key = rng.choice(sorted(state[where]['subjects']))
                state[where]['subjects'][key] = value
                what = 'state %s[%s] = %d' % (where, key, value)
            else:
                state[where]['all'] = value
                what = 'state %s.all = %d' % (where, value)
        elif where == 'log_size':
            state['log_size'] = value
            what = 'state log_size = %d' % value
        elif where == 'open':
            if not state['open']:
                state['open'] = 'none'
                what = 'state open = "none"'
            else:
                i = rng.randrange(len(state['open']))
                episode = state['open'][i]
                if name == 'inverted':
                    episode['since'] = episode['lastReported'] + 1
                    what = 'state open[%d] since after its last report' % i
                elif name == 'twice':
                    state['open'].append(dict(episode))
                    what = 'state open[%d] open twice' % i
                else:
                    episode[name] = value
                    what = 'state open[%d].%s = %d' % (i, name, value)
        elif where == 'type':
            state[value] = 'x'
            what = 'state %s = "x"' % value
        else:
            del state[value]
            what = 'state without %s' % value
        body = json.dumps(state, ensure_ascii=False, separators=(',', ':'), sort_keys=True).encode()
        header['bytes'] = len(body)
        header['fnv1a64'] = fnv1a64(body)
    first = json.dumps(header, separators=(',', ':'), sort_keys=True).encode()
    return first + b'\n' + body + b'\n', what


def covered(offset, ranges):
    return offset is None or any(a <= offset < b for a, b in ranges)


# --- The cases --------------------------------------------------------------

kinds = ['bit', 'bytes', 'page', 'truncate', 'extend', 'field']
targets = ['hourly.ring', 'daily.ring'] + ([STATE] if has_state else [])
outcomes = ['cases', 'reported', 'harmless', 'restored', 'losses stated', 'unknowable', 'left alone']
tally = {(t, k): {o: 0 for o in outcomes} for t in targets for k in kinds}
next_equal = 0
next_same_reports = 0
failures = []
ref_bytes = {name: open(os.path.join(reference, name), 'rb').read() for name in ('hourly.ring', 'daily.ring')}
ref_masks = {name: masked(ref_bytes[name], meaningful(ref_bytes[name])) for name in ref_bytes}
ref_state = open(os.path.join(reference, STATE), 'rb').read() if has_state else b''
ref_open = None
if has_state:
    ref_open = sorted((e['rule'], e['subject'], e['since'], e['lastReported'], e['reportedLevel'])
                      for e in json.loads(state_lines(ref_state)[1])['open'])


def report_identities(ndjson):
    """What identifies each report (not its texts, which carry a peak)."""
    identities = []
    for line in ndjson.decode('utf-8', 'replace').splitlines():
        try:
            report = json.loads(line)
        except ValueError:
            identities.append(line)
            continue
        identities.append(tuple(str(report.get(k)) for k in ('time', 'event', 'rule', 'subject', 'level', 'since')))
    return identities


def rings_identical(case):
    now = {name: open(os.path.join(case, name), 'rb').read() for name in ('hourly.ring', 'daily.ring')}
    return all(len(now[n]) == len(ref_bytes[n]) and masked(now[n], meaningful(ref_bytes[n])) == ref_masks[n] for n in now)


def no_trap(label, case):
    for command in (['query', '--store', case, '--stations', args.stations, '--city', args.city, '--resolution', 'day'],
                    ['rank', '--store', case, '--stations', args.stations, '--month', month, '--level', 'station', '--city', args.city],
                    ['status', '--store', case]):
        run = haze(*command)
        if run.returncode < 0 or run.returncode == 70:
            failures.append('%s: haze %s trapped (%d): %s' % (label, command[0], run.returncode, run.stderr[-300:]))


def state_case(label, case, damaged, t):
    """An alert state damaged: reported, refused by `haze alert`, rebuilt honestly."""
    state_path = os.path.join(case, STATE)
    check = haze('check', '--store', case)
    if check.returncode < 0 or check.returncode == 70:
        failures.append('%s: haze check crashed (%d): %s' % (label, check.returncode, check.stderr[-300:]))
        return
    if check.returncode == 0:
        if same_state(damaged, ref_state):
            t['harmless'] += 1
        else:
            failures.append('%s: not reported by haze check' % label)
        return
    if 'state.json' not in check.stdout:
        failures.append('%s: haze check failed without naming the state: %s' % (label, check.stdout[-300:]))
        return
    t['reported'] += 1
    no_trap(label, case)
    for command in (['alert', '--store', case, '--stations', args.stations, '--rules', args.rules, '--dry-run', '--now', next_now],
                    ['alert', 'log', '--store', case]):
        run = haze(*command)
        if run.returncode < 0 or run.returncode == 70:
            failures.append('%s: haze %s trapped (%d): %s' % (label, ' '.join(command[:2]), run.returncode, run.stderr[-300:]))
    run = haze('alert', '--store', case, '--stations', args.stations, '--rules', args.rules, '--format', 'ndjson', '--now', next_now)
    if run.returncode < 0 or run.returncode == 70:
        failures.append('%s: haze alert trapped (%d): %s' % (label, run.returncode, run.stderr[-300:]))
    elif run.returncode in (0, 1, 2) or open(state_path, 'rb').read() != damaged:
        failures.append('%s: haze alert ran on a damaged state (%d) or changed it: %s' % (label, run.returncode, run.stderr[-300:]))
        return
    elif 'state.json' not in run.stderr + run.stdout:
        failures.append('%s: haze alert refused without naming the state: %s' % (label, run.stderr[-300:]))
    repair = haze('check', '--store', case, '--stations', args.stations, '--rules', args.rules, '--repair')
    if repair.returncode < 0 or repair.returncode == 70:
        failures.append('%s: repair crashed (%d): %s' % (label, repair.returncode, repair.stderr[-300:]))
        return
    if 'is newer than this haze' in repair.stdout:
        if open(state_path, 'rb').read() != damaged:
            failures.append('%s: a state claiming a newer format was changed' % label)
        elif repair.returncode != 65:
            failures.append('%s: a state of a newer format left alone, but repair exited %d' % (label, repair.returncode))
        else:
            t['left alone'] += 1
        return
    after = haze('check', '--store', case)
    if repair.returncode != 0 or after.returncode != 0:
        failures.append('%s: still damaged after repair (%d, %d): %s' % (label, repair.returncode, after.returncode, (repair.stdout + after.stdout)[-400:]))
        return
    if not rings_identical(case):
        failures.append('%s: the rings changed while repairing the alert state' % label)
        return
    now = open(state_path, 'rb').read()
    cursor_moved_back = False
    if now == ref_state:
        t['restored'] += 1
    elif 'not restored:' not in repair.stdout:
        # A data cursor past the newest hour goes back to the last report not past
        # it, which may be earlier than the undamaged cursor: the next run evaluates
        # those hours again. Honest only if that state is otherwise the reference's
        # and the next run reports exactly what the undamaged state's would.
        if 'data cursor(s)' in repair.stdout and 'back from past' in repair.stdout and \
                same_but_data_cursor(now, ref_state):
            cursor_moved_back = True
        else:
            failures.append('%s: the state differs from the reference and the repair said nothing was lost' % label)
            return
    else:
        rebuilt = sorted((e['rule'], e['subject'], e['since'], e['lastReported'], e['reportedLevel'])
                         for e in json.loads(state_lines(now)[1])['open'])
        if rebuilt != ref_open:
            failures.append('%s: rebuilt with other open episodes than the log holds: %s' % (label, rebuilt))
            return
        t['losses stated'] += 1
    global next_equal, next_same_reports
    code, appended = next_run(case)
    if cursor_moved_back:
        if code in (0, 1, 2) and report_identities(appended) == report_identities(reference_next):
            t['restored'] += 1
        else:
            failures.append('%s: a data cursor moved back, and the next run reported other than the undamaged state would' % label)
            return
    if code not in (0, 1, 2):
        failures.append('%s: the next haze alert after the repair failed (%d)' % (label, code))
    elif appended == reference_next:
        next_equal += 1
        next_same_reports += 1
    elif report_identities(appended) == report_identities(reference_next):
        next_same_reports += 1


cases = 0
while cases < args.cases and time.monotonic() - started < args.time_limit:
    cases += 1
    kind = kinds[cases % len(kinds)]
    ring = rng.choice(targets)
    case = os.path.join(work, 'case')
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(reference, case, symlinks=True)
    t = tally[(ring, kind)]
    t['cases'] += 1
    if ring == STATE:
        if kind == 'field':
            damaged, what = state_field(ref_state)
        else:
            damaged, what, _ = damage(kind, ref_state)
        with open(os.path.join(case, ring), 'wb') as out:
            out.write(damaged)
        state_case('%s %s (%s)' % (ring, what, kind), case, damaged, t)
        continue
    original = ref_bytes[ring]
    damaged, what, offset = damage(kind, original)
    with open(os.path.join(case, ring), 'wb') as out:
        out.write(damaged)
    label = '%s %s (%s)' % (ring, what, kind)
    harmless = kind in ('bit', 'bytes', 'page') and not any(
        covered(o, meaningful(original)) for o in ([offset + i for i in range(4096)] if kind == 'page' else [offset + i for i in range(8)])
        if o < len(original))

    check = haze('check', '--store', case)
    if check.returncode < 0 or check.returncode == 70:
        failures.append('%s: haze check crashed (%d): %s' % (label, check.returncode, check.stderr[-300:]))
        continue
    if harmless:
        if check.returncode != 0:
            failures.append('%s: damage in padding reported as a problem: %s' % (label, check.stdout[-300:]))
        t['harmless'] += 1
        continue
    if check.returncode == 0:
        # Only acceptable if the meaningful bytes are in fact unchanged (e.g. a page that was already zero).
        if masked(damaged, meaningful(original)) != ref_masks[ring] or len(damaged) != len(original):
            failures.append('%s: not reported by haze check' % label)
        else:
            t['harmless'] += 1
        continue
    t['reported'] += 1
    no_trap(label, case)
    repair = haze('check', '--store', case, '--stations', args.stations, '--rules', args.rules, '--repair')
    if repair.returncode == 65 and 'newer haze' in repair.stdout:
        # A header that says "a newer format" (checksum intact) is left alone by design:
        # rebuilding with an older haze could drop what a newer one stored.
        if open(os.path.join(case, ring), 'rb').read() != damaged:
            failures.append('%s: a ring claiming a newer format was changed' % label)
        else:
            t['left alone'] += 1
        continue
    after = haze('check', '--store', case)
    if repair.returncode < 0 or repair.returncode == 70:
        failures.append('%s: repair crashed (%d): %s' % (label, repair.returncode, repair.stderr[-300:]))
        continue
    if after.returncode != 0:
        failures.append('%s: still damaged after repair: %s' % (label, after.stdout[-300:]))
        continue
    identical = rings_identical(case)
    if has_state and open(os.path.join(case, STATE), 'rb').read() != ref_state:
        failures.append('%s: the alert state changed while repairing a ring' % label)
    if repair.returncode == 0:
        if not identical:
            failures.append('%s: repair said OK but the rings differ from the reference' % label)
        else:
            t['restored'] += 1
    elif 'NOT RESTORED' in repair.stdout:
        claims = [line for line in repair.stdout.splitlines() if line.startswith('repair: NOT RESTORED')]
        if identical and all('could not be read' in line for line in claims):
            # Rows gone with their directory (a truncated file): whether they held
            # values cannot be known, and the repair says so for exactly those days.
            t['unknowable'] += 1
        elif identical:
            failures.append('%s: repair claimed a loss but restored everything: %s' % (label, ' | '.join(claims)[:300]))
        else:
            t['losses stated'] += 1
    else:
        failures.append('%s: repair failed without saying what was lost (%d): %s%s' % (label, repair.returncode, repair.stdout[-300:], repair.stderr[-300:]))

for target in targets:
    for kind in kinds:
        t = tally[(target, kind)]
        print('damage: %-17s %-8s %4d cases: %4d reported, %4d harmless, %4d restored exactly, %4d with losses stated, %d with unreadable rows named, %d left alone (newer format)'
              % (target, kind, t['cases'], t['reported'], t['harmless'], t['restored'], t['losses stated'], t['unknowable'], t['left alone']))
if has_state:
    repaired = sum(tally[(STATE, k)]['restored'] + tally[(STATE, k)]['losses stated'] for k in kinds)
    print('damage: after %d alert-state repairs, the next haze alert logged the same reports as after the undamaged state in %d '
          '(time, event, rule, subject, level, since), byte for byte in %d'
          % (repaired, next_same_reports, next_equal))
print('damage: %d cases in %.0f s (seed %d%s), %d failure(s)' % (cases, time.monotonic() - started, args.seed,
                                                                  ', raw/ holds every other day' if args.partial_raw else '', len(failures)))
for failure in failures[:40]:
    print('damage: FAIL ' + failure)
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if failures else 0)
