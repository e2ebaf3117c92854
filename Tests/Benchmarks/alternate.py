#!/usr/bin/env python3
"""Times commands as processes, start to exit, taking turns.

    alternate.py --rounds N SPEC.json

SPEC.json: a list of {"work": "...", "label": "before|after", "argv": [...],
"compare": true|false}. Each round runs every command once, in the order given,
so a change in the machine's speed falls on all of them alike (a shared virtual
machine). Prints, per command, the best and median wall time over the rounds and
its exit status; where "compare" is set, whether every command of the same work
printed the same standard output (what a before/after pair must show when the
change is only in speed).
"""
import json
import statistics
import subprocess
import sys
import time


def main() -> int:
    rounds = 20
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--rounds":
        rounds = int(args[1])
        args = args[2:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 64
    spec = json.load(open(args[0]))
    times = [[] for _ in spec]
    outputs = [None for _ in spec]
    statuses = [None for _ in spec]
    for _ in range(rounds):
        for n, command in enumerate(spec):
            started = time.perf_counter()
            done = subprocess.run(command["argv"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            times[n].append(time.perf_counter() - started)
            outputs[n] = done.stdout
            statuses[n] = done.returncode
    print("| work | version | best | median | exit | output |")
    print("|---|---|---:|---:|---:|---|")
    for n, command in enumerate(spec):
        same = ""
        if command.get("compare"):
            others = [outputs[m] for m, other in enumerate(spec) if other["work"] == command["work"] and m != n]
            same = "same as the other" if all(o == outputs[n] for o in others) else "DIFFERS from the other"
        print("| %s | %s | %.1f ms | %.1f ms | %d | %d bytes %s |" % (
            command["work"], command["label"], 1000 * min(times[n]), 1000 * statistics.median(times[n]),
            statuses[n], len(outputs[n]), same))
    return 0


if __name__ == "__main__":
    sys.exit(main())
