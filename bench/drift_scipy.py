"""The peer of `npm run bench:drift`: Evidently's large-reference algorithm with SciPy on the
full data (normalised Wasserstein for numerical columns, Jensen-Shannon over value shares for
categorical ones), reading both CSV files with pandas. Prints JSON timings.
Usage: /usr/bin/python3 bench/drift_scipy.py REFERENCE.csv CURRENT.csv"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

t0 = time.perf_counter()
ref = pd.read_csv(sys.argv[1])
cur = pd.read_csv(sys.argv[2])
t1 = time.perf_counter()
drifted = []
for col in ref.columns:
    r = ref[col].dropna()
    c = cur[col].dropna()
    if r.dtype.kind in "if" and r.nunique() > 5:
        value = stats.wasserstein_distance(r.to_numpy(), c.to_numpy()) / max(np.std(r.to_numpy()), 0.001)
    else:
        keys = sorted(set(r.unique()) | set(c.unique()), key=str)
        rv = r.value_counts()
        cv = c.value_counts()
        value = distance.jensenshannon([rv.get(k, 0) for k in keys], [cv.get(k, 0) for k in keys])
    if value >= 0.1:
        drifted.append(col)
t2 = time.perf_counter()
print(json.dumps({"read_s": t1 - t0, "stats_s": t2 - t1, "total_s": t2 - t0, "drifted": drifted}))
