#!/usr/bin/env python3
"""Damage harness: break a haze store in every way a disk, a tool or a person
can, and check what `haze check` and `haze check --repair` do about it.

A reference store (a small registry, D day files ingested with --archive into
rings small enough that the first days live only in the daily ring) is copied
for every case and damaged at random:

  bit      one bit flipped anywhere in hourly.ring or daily.ring
  bytes    1–8 consecutive bytes overwritten with random values
  page     a whole 4 KiB page zeroed
  truncate the file cut at a random length
  extend   random bytes appended
  field    one header field rewritten in BOTH copies with a valid CRC-32 (an
           extreme or random value: what only validation can catch)

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

The layout is read from the format documented in README ("The store"), not
from haze's code: this script is also a check of that documentation.

Usage: damage.py --haze BIN --data DIR --stations DIR [--cases N] [--days D]
                 [--partial-raw] [--seed K] [--time-limit S]
Prints a summary line per kind and exits 1 on any failure.
"""
import argparse, os, random, shutil, struct, subprocess, sys, tempfile, time, zlib

p = argparse.ArgumentParser()
p.add_argument('--haze', required=True)
p.add_argument('--data', required=True)
p.add_argument('--stations', required=True, help='registry directory (a small one keeps each case fast)')
p.add_argument('--cases', type=int, default=1000)
p.add_argument('--days', type=int, default=8)
p.add_argument('--partial-raw', action='store_true')
p.add_argument('--seed', type=int, default=int(time.time()))
p.add_argument('--time-limit', type=float, default=3600)
args = p.parse_args()
rng = random.Random(args.seed)
work = tempfile.mkdtemp(prefix='haze-damage-')
started = time.monotonic()


def haze(*arguments, check=False):
    run = subprocess.run([args.haze, *arguments], capture_output=True, text=True, timeout=300)
    if check and run.returncode != 0:
        sys.exit('damage: haze %s failed (%d): %s' % (' '.join(arguments), run.returncode, run.stderr))
    return run


# The reference store: 5 days of hours, 16 of days.
reference = os.path.join(work, 'reference')
files = sorted(os.path.join(args.data, f) for f in os.listdir(args.data) if f.startswith('china_sites_'))[:args.days]
haze('init', '--store', reference, '--hours', '120', '--days', '16', check=True)
for i, f in enumerate(files):
    archive = ['--archive'] if not args.partial_raw or i % 2 == 1 else []
    haze('ingest', '--quiet', '--store', reference, '--stations', args.stations, '--unknown-stations', 'skip', *archive, f, check=True)
if haze('check', '--store', reference).returncode != 0:
    sys.exit('damage: the reference store does not pass haze check')
first_day = os.path.basename(files[0])[12:20]
month = first_day[:4] + '-' + first_day[4:6]


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
        page = rng.randrange(n // 4096)
        b = bytearray(data)
        if b[page * 4096:(page + 1) * 4096] == bytes(4096):
            b[page * 4096] = 1
        else:
            b[page * 4096:(page + 1) * 4096] = bytes(4096)
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


def covered(offset, ranges):
    return offset is None or any(a <= offset < b for a, b in ranges)


# --- The cases --------------------------------------------------------------

kinds = ['bit', 'bytes', 'page', 'truncate', 'extend', 'field']
tally = {k: {'cases': 0, 'reported': 0, 'harmless': 0, 'restored': 0, 'losses stated': 0, 'unknowable': 0, 'left alone': 0} for k in kinds}
failures = []
ref_bytes = {name: open(os.path.join(reference, name), 'rb').read() for name in ('hourly.ring', 'daily.ring')}
ref_masks = {name: masked(ref_bytes[name], meaningful(ref_bytes[name])) for name in ref_bytes}
cases = 0
while cases < args.cases and time.monotonic() - started < args.time_limit:
    cases += 1
    kind = kinds[cases % len(kinds)]
    ring = rng.choice(['hourly.ring', 'daily.ring'])
    case = os.path.join(work, 'case')
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(reference, case, symlinks=True)
    original = ref_bytes[ring]
    damaged, what, offset = damage(kind, original)
    with open(os.path.join(case, ring), 'wb') as out:
        out.write(damaged)
    label = '%s %s (%s)' % (ring, what, kind)
    tally[kind]['cases'] += 1
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
        tally[kind]['harmless'] += 1
        continue
    if check.returncode == 0:
        # Only acceptable if the meaningful bytes are in fact unchanged (e.g. a page that was already zero).
        if masked(damaged, meaningful(original)) != ref_masks[ring] or len(damaged) != len(original):
            failures.append('%s: not reported by haze check' % label)
        else:
            tally[kind]['harmless'] += 1
        continue
    tally[kind]['reported'] += 1
    for command in (['query', '--store', case, '--stations', args.stations, '--city', '北京', '--resolution', 'day'],
                    ['rank', '--store', case, '--stations', args.stations, '--month', month, '--level', 'station', '--city', '北京'],
                    ['status', '--store', case]):
        run = haze(*command)
        if run.returncode < 0 or run.returncode == 70:
            failures.append('%s: haze %s trapped (%d): %s' % (label, command[0], run.returncode, run.stderr[-300:]))
    repair = haze('check', '--store', case, '--stations', args.stations, '--repair')
    if repair.returncode == 65 and 'newer haze' in repair.stdout:
        # A header that says "a newer format" (checksum intact) is left alone by design:
        # rebuilding with an older haze could drop what a newer one stored.
        if open(os.path.join(case, ring), 'rb').read() != damaged:
            failures.append('%s: a ring claiming a newer format was changed' % label)
        else:
            tally[kind]['left alone'] += 1
        continue
    after = haze('check', '--store', case)
    if repair.returncode < 0 or repair.returncode == 70:
        failures.append('%s: repair crashed (%d): %s' % (label, repair.returncode, repair.stderr[-300:]))
        continue
    if after.returncode != 0:
        failures.append('%s: still damaged after repair: %s' % (label, after.stdout[-300:]))
        continue
    now = {name: open(os.path.join(case, name), 'rb').read() for name in ('hourly.ring', 'daily.ring')}
    identical = all(len(now[n]) == len(ref_bytes[n]) and masked(now[n], meaningful(ref_bytes[n])) == ref_masks[n] for n in now)
    if repair.returncode == 0:
        if not identical:
            failures.append('%s: repair said OK but the rings differ from the reference' % label)
        else:
            tally[kind]['restored'] += 1
    elif 'NOT RESTORED' in repair.stdout:
        claims = [line for line in repair.stdout.splitlines() if line.startswith('repair: NOT RESTORED')]
        if identical and all('could not be read' in line for line in claims):
            # Rows gone with their directory (a truncated file): whether they held
            # values cannot be known, and the repair says so for exactly those days.
            tally[kind]['unknowable'] += 1
        elif identical:
            failures.append('%s: repair claimed a loss but restored everything: %s' % (label, ' | '.join(claims)[:300]))
        else:
            tally[kind]['losses stated'] += 1
    else:
        failures.append('%s: repair failed without saying what was lost (%d): %s%s' % (label, repair.returncode, repair.stdout[-300:], repair.stderr[-300:]))

for kind in kinds:
    t = tally[kind]
    print('damage: %-8s %4d cases: %4d reported, %4d harmless (padding), %4d restored exactly, %4d with losses stated, %d with unreadable rows named, %d left alone (newer format)'
          % (kind, t['cases'], t['reported'], t['harmless'], t['restored'], t['losses stated'], t['unknowable'], t['left alone']))
print('damage: %d cases in %.0f s (seed %d%s), %d failure(s)' % (cases, time.monotonic() - started, args.seed,
                                                                  ', raw/ holds every other day' if args.partial_raw else '', len(failures)))
for failure in failures[:40]:
    print('damage: FAIL ' + failure)
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if failures else 0)
