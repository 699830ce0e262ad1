"""River's ADWIN on the benchmark stream, timed in this process (called by drift.bench.ts).

Usage: tools/python-env libs/drift/bench/river_adwin.py <stream.f64>
Reads little-endian float64 values, runs river.drift.ADWIN() with its defaults over them and prints
one JSON line: {"river": "0.26.1", "updates": n, "seconds": s, "updatesPerSecond": r, "drifts": [...]}.
"""

import json
import sys
import time

import numpy as np
import river
from river import drift


def main() -> None:
    values = np.fromfile(sys.argv[1], dtype="<f8").tolist()
    adwin = drift.ADWIN()
    drifts = []
    start = time.perf_counter()
    for i, x in enumerate(values):
        adwin.update(x)
        if adwin.drift_detected:
            drifts.append(i)
    seconds = time.perf_counter() - start
    print(json.dumps({"river": river.__version__, "updates": len(values), "seconds": seconds,
                      "updatesPerSecond": len(values) / seconds, "drifts": drifts}))


if __name__ == "__main__":
    main()
