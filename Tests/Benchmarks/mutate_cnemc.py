#!/usr/bin/env python3
"""Writes damaged copies of CNEMC wide files, for Tests/Benchmarks/same_store.sh:
the cells and rows a fast path of the parser must hand back to the full checks.

Usage: mutate_cnemc.py OUT_DIR FILE...   (deterministic: seeded by the file name)

Per file: cells replaced by odd numbers and text (spaces, signs, tabs, exponents,
values above the range, long fractions, half-way decimals, a lone dot, CR inside
a row), a row with a column missing and one with a column too many, a station
column renamed to a code the registry lacks (in some files), corrected values for a few rows, a
date and an hour that are not ones, and a last row cut short without a line break.
"""
import os, random, sys

ODD = [" 12", "12 ", "\t7", "+5", "-0", "-3", "1e3", "abc", "12345", "10000", "10001", "99999",
       "0.5", "1.5", "2.5", "0.45", "0.55", "1.25", "1.35", "1.250000001", "3.", ".5", ".", "..",
       "007", "0000000000012", "1,2", "12\r", "\"5\"", "4x", "1.05", "0.95", "9999.5", "10000.4",
       "10000.5", "1000.05", "7.0000000000000000001", "", " "]

def mutate(path, out):
    name = os.path.basename(path)
    rng = random.Random(name)
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    lines = text.split("\n")
    header = lines[0].split(",")
    if len(header) > 10 and rng.random() < 0.4:
        header[5 + rng.randrange(5)] = "9999Z"  # a station the registry lacks (some files)
    lines[0] = ",".join(header)
    for n in range(1, len(lines)):
        if not lines[n]:
            continue
        cells = lines[n].split(",")
        r = rng.random()
        if r < 0.02 and len(cells) > 5:
            del cells[4]                      # a column missing
        elif r < 0.04:
            cells.insert(4, "1")              # a column too many
        elif r < 0.05:
            cells[0] = "2019-13-01"           # not a date
        elif r < 0.06:
            cells[1] = "24"                   # not an hour
        elif r < 0.08 and len(cells) > 3:
            cells[2] = cells[2].lower()       # another spelling of the type
        for _ in range(rng.randrange(4)):
            k = 3 + rng.randrange(max(1, len(cells) - 3))
            if k < len(cells):
                cells[k] = rng.choice(ODD)
        lines[n] = ",".join(cells)
    body = "\n".join(lines)
    if body.endswith("\n"):
        body = body[:-1]
    body = body[: len(body) - rng.randrange(1, 400)]  # cut short, no final line break
    with open(os.path.join(out, name), "wb") as f:
        f.write(body.encode("utf-8"))

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for path in sys.argv[2:]:
        mutate(path, out)

if __name__ == "__main__":
    main()
