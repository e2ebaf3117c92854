#!/usr/bin/env python3
"""Decodes a PNG (standard library only) and reports what a screenshot shows:
size, share of non-white pixels, and how many pixels carry each given colour —
for the whole image and for each horizontal band asked for with --region.

usage: png_stats.py FILE [--region NAME:Y0:Y1 …] [#rrggbb[~T] …]   → JSON on stdout
A colour with ~T counts pixels within T of it in every channel (a thin line
scaled by the browser is anti-aliased); without, only the exact colour.
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


def stats(rows, width, channels, colours, y0, y1):
    counts = {c: 0 for c in colours}
    exact = {rgb: name for name, (rgb, tolerance) in colours.items() if tolerance == 0}
    near = [(name, rgb, tolerance) for name, (rgb, tolerance) in colours.items() if tolerance > 0]
    non_white = 0
    for row in rows[y0:y1]:
        for x in range(0, width * channels, channels):
            px = (row[x], row[x + 1], row[x + 2])
            if px != (255, 255, 255):
                non_white += 1
                name = exact.get(px)
                if name is not None:
                    counts[name] += 1
                for name, rgb, tolerance in near:
                    if abs(px[0] - rgb[0]) <= tolerance and abs(px[1] - rgb[1]) <= tolerance and abs(px[2] - rgb[2]) <= tolerance:
                        counts[name] += 1
    area = max(1, width * (y1 - y0))
    return {'non_white': non_white / area, 'colours': counts}


def main():
    width, height, channels, rows = decode(sys.argv[1])
    regions, names = [], []
    args = sys.argv[2:]
    while args:
        if args[0] == '--region':
            name, y0, y1 = args[1].rsplit(':', 2)
            regions.append((name, max(0, int(float(y0))), min(height, int(float(y1)))))
            args = args[2:]
        else:
            names.append(args[0])
            args = args[1:]
    colours = {c: (tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)), int(c.split('~')[1]) if '~' in c else 0) for c in names}
    result = {'width': width, 'height': height}
    if not regions:                       # the whole image (with regions, only they are counted)
        result.update(stats(rows, width, channels, colours, 0, height))
    result['regions'] = {name: stats(rows, width, channels, colours, y0, y1) for name, y0, y1 in regions}
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
