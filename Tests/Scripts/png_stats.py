#!/usr/bin/env python3
"""Decodes a PNG (standard library only) and reports what a screenshot shows:
size, share of non-white pixels, and how many pixels carry each given colour.

usage: png_stats.py FILE [#rrggbb …]   → JSON on stdout
"""
import json, struct, sys, zlib


def decode(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, width, height, ctype = 8, b'', 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), 'only 8-bit RGB/RGBA'
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    channels = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]; c = prev[x - channels] if x >= channels else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return width, height, channels, rows


def main():
    width, height, channels, rows = decode(sys.argv[1])
    colours = {c: tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for c in sys.argv[2:]}
    counts = {c: 0 for c in colours}
    non_white = 0
    for row in rows:
        for x in range(0, width * channels, channels):
            px = (row[x], row[x + 1], row[x + 2])
            if px != (255, 255, 255):
                non_white += 1
            for name, rgb in colours.items():
                if px == rgb:
                    counts[name] += 1
    json.dump({'width': width, 'height': height, 'non_white': non_white / (width * height), 'colours': counts}, sys.stdout)


if __name__ == '__main__':
    main()
