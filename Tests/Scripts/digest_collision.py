#!/usr/bin/env python3
"""A deliberate edit that keeps a file's length, CRC-32 and Adler-32 (the digest the
registry cache once keyed its images by; found in review, kept as a regression input):
   collide.py ORIGINAL OLD NEW OUT  -> OUT = ORIGINAL with the first OLD replaced by NEW (same byte length),
   plus letter tweaks inside '#' comment lines so that length, CRC-32 and Adler-32 equal ORIGINAL's."""
import sys, zlib
M = 65521
orig = open(sys.argv[1], 'rb').read()
old, new = sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new) and orig.count(old) >= 1
t = bytearray(orig.replace(old, new, 1))
n = len(t)
# comment bytes (lines whose first byte is '#'), excluding the '#'
comment = []
i = 0
for line in bytes(t).split(b'\n'):
    if line.startswith(b'#'):
        comment.extend(range(i + 1, i + len(line)))
    i += len(line) + 1
bad = set(b'"#,\\\x7f')
ok = lambda b: 0x20 <= b <= 0x7e and b not in bad
# 1. Adler-neutral quads for the CRC: 4 consecutive bytes, parity E,O,O,E or O,E,E,O, each XOR 1 => +1,-1,-1,+1
cs = set(comment); quads = []; used = set(); k = 0
cl = sorted(comment)
while k < len(cl):
    p = cl[k]
    w = [p, p + 1, p + 2, p + 3]
    if all(q in cs for q in w) and all(ok(t[q]) and ok(t[q] ^ 1) for q in w):
        par = [t[q] & 1 for q in w]
        if par in ([0, 1, 1, 0], [1, 0, 0, 1]):
            quads.append(w); used.update(w); k += 4; continue
    k += 1
    if len(quads) >= 64: break
assert len(quads) >= 40, len(quads)
# 2. Adler: letters outside the quads, changed by small deltas staying letters
letters = [q for q in comment if q not in used and 0x61 <= t[q] <= 0x7a]
def adler(b):
    a = zlib.adler32(bytes(b)); return a & 0xffff, a >> 16
A0, B0 = adler(orig); A1, B1 = adler(t)
dA = (A0 - A1) % M; dA = dA - M if dA > M // 2 else dA
def bump(q, d):
    assert 0x61 <= t[q] + d <= 0x7a, (q, d); t[q] += d
# fix A with single changes (each at most 3)
pool = list(letters)
while True:
    A1, B1 = adler(t)
    dA = (A0 - A1) % M; dA = dA - M if dA > M // 2 else dA
    if dA == 0: break
    q = pool.pop(len(pool) // 2)
    d = max(-3, min(3, dA))
    d = max(0x61 - t[q], min(0x7a - t[q], d)); bump(q, d)
# fix B with pairs (+d at i, -d at j>i: B += d*(j-i)), nested from the outside in
A1, B1 = adler(t)
R = (B0 - B1) % M; R = R - M if R > M // 2 else R
pool.sort()
for _pass in range(50):
    lo, hi = 0, len(pool) - 1
    while R != 0 and lo < hi:
        i, j = pool[lo], pool[hi]; g = j - i
        d = R // g if R > 0 else -((-R) // g)
        d = max(d, 0x61 - t[i], t[j] - 0x7a) if d < 0 else min(d, 0x7a - t[i], t[j] - 0x61)
        if d:
            t[i] += d; t[j] -= d; R -= d * g
        lo += 1; hi -= 1
    if R == 0: break
if R:
    pairs = sorted(((j - i, i, j) for a, i in enumerate(pool) for j in pool[a + 1:]), reverse=True)
    for _pass in range(20):
        for g, i, j in pairs:
            if R == 0: break
            if g > abs(R): continue
            d = R // g if R > 0 else -((-R) // g)
            d = max(d, 0x61 - t[i], t[j] - 0x7a) if d < 0 else min(d, 0x7a - t[i], t[j] - 0x61)
            if d: t[i] += d; t[j] -= d; R -= d * g
assert R == 0, R
assert adler(t) == adler(orig)
# 3. CRC via the quads: GF(2) solve
z = zlib.crc32(bytes(n))
def vec(w):
    d = bytearray(n)
    for q in w: d[q] = 1
    return zlib.crc32(bytes(d)) ^ z
target = zlib.crc32(orig) ^ zlib.crc32(bytes(t))
rows = [(vec(w), 1 << k) for k, w in enumerate(quads)]
basis = {}  # pivot bit -> (vec, combo)
for v, c in rows:
    for b in range(31, -1, -1):
        if not (v >> b) & 1: continue
        if b in basis: v ^= basis[b][0]; c ^= basis[b][1]
        else: basis[b] = (v, c); break
v, c = target, 0
for b in range(31, -1, -1):
    if (v >> b) & 1:
        assert b in basis, "no solution with these quads"
        v ^= basis[b][0]; c ^= basis[b][1]
for k, w in enumerate(quads):
    if (c >> k) & 1:
        for q in w: t[q] ^= 1
assert len(t) == n and zlib.crc32(bytes(t)) == zlib.crc32(orig) and zlib.adler32(bytes(t)) == zlib.adler32(orig)
open(sys.argv[4], 'wb').write(bytes(t))
print(f"len {n} crc32 {zlib.crc32(orig):08x} adler32 {zlib.adler32(orig):08x}: equal; quads {len(quads)}")
