"""The peer of `npm run bench:drift`: Evidently's large-reference algorithm with SciPy on the
full data (normalised Wasserstein for numerical columns, Jensen-Shannon over value shares for
categorical ones), reading both CSV files with the csv module into numpy arrays (Debian's
python3 here has no pandas). Prints JSON timings.
Usage: /usr/bin/python3 bench/drift_scipy.py REFERENCE.csv CURRENT.csv"""
import json
import sys
import time

import numpy as np
import csv
from scipy import stats
from scipy.spatial import distance

t0 = time.perf_counter()


def read(path):
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        columns = list(zip(*rows))
    out = {}
    for name, values in zip(header, columns):
        try:
            out[name] = np.array(values, dtype=np.float64)
        except ValueError:
            out[name] = np.array(values)
    return header, out


header, ref = read(sys.argv[1])
_, cur = read(sys.argv[2])
t1 = time.perf_counter()
drifted = []
for col in header:
    r = ref[col]
    c = cur[col]
    if r.dtype.kind == "f" and len(np.unique(r)) > 5:
        value = stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
    else:
        keys, _ = np.unique(np.concatenate([r, c]), return_counts=True)
        rv = dict(zip(*np.unique(r, return_counts=True)))
        cv = dict(zip(*np.unique(c, return_counts=True)))
        value = distance.jensenshannon([rv.get(k, 0) for k in keys], [cv.get(k, 0) for k in keys])
    if value >= 0.1:
        drifted.append(col)
t2 = time.perf_counter()
print(json.dumps({"read_s": t1 - t0, "stats_s": t2 - t1, "total_s": t2 - t0, "drifted": drifted}))
