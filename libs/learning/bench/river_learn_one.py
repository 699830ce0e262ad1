"""River's LogisticRegression.learn_one throughput on a CSV written by bench.ts.

Usage: tools/python-env libs/learning/bench/river_learn_one.py data.csv [min_seconds]
Prints one JSON line. Rows are turned into dicts before timing: only learn_one is timed.
Passes over the data repeat for at least min_seconds; samplesPerSecond is the fastest pass
(the least disturbed on a shared machine, as bench.ts measures its own side) and
meanSamplesPerSecond the overall rate.
"""

import csv
import json
import sys
import time

import river
from river import linear_model, optim, preprocessing


def main():
    path = sys.argv[1]
    min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    with open(path) as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [({k: float(v) for k, v in zip(header[:-1], r[:-1])}, int(r[-1])) for r in reader]

    results = {"river": river.__version__, "rows": len(rows)}
    for name, make in (
        ("LogisticRegression", lambda: linear_model.LogisticRegression(optimizer=optim.SGD(0.01))),
        ("StandardScaler|LogisticRegression",
         lambda: preprocessing.StandardScaler() | linear_model.LogisticRegression(optimizer=optim.SGD(0.01))),
    ):
        model = make()
        for x, y in rows[:1000]:  # warm-up
            model.learn_one(x, y)
        model = make()
        n = 0
        best = 0.0
        start = time.perf_counter()
        while True:
            t = time.perf_counter()
            for x, y in rows:
                model.learn_one(x, y)
            best = max(best, len(rows) / (time.perf_counter() - t))
            n += len(rows)
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        results[name] = {"samplesPerSecond": best, "meanSamplesPerSecond": n / elapsed, "samples": n, "seconds": elapsed}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
