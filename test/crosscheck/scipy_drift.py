"""Computes every drift statistic with SciPy itself (Debian's python3-scipy 1.10), on the
samples written by drift-scipy.test.ts, so the test can compare ours with the reference to 1e-9.
Usage: /usr/bin/python3 scipy_drift.py IN.json OUT.json"""
import json
import sys
import warnings

import numpy as np
from scipy import stats
from scipy.spatial import distance


def run(case):
    kind = case["kind"]
    if kind == "ks":
        r = stats.ks_2samp(np.array(case["a"], dtype=np.float64), np.array(case["b"], dtype=np.float64))
        return {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
    if kind == "kstwo":
        return {"sf": float(stats.kstwo.sf(case["x"], case["n"]))}
    if kind == "chi2":
        table = np.array([case["a"], case["b"]], dtype=np.float64)
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2:
            return {"statistic": 0.0, "pvalue": 1.0}
        stat, p, dof, _ = stats.chi2_contingency(table)
        return {"statistic": float(stat), "pvalue": float(p)}
    if kind == "z":
        n1, n2 = case["n1"], case["n2"]
        p1, p2 = case["h1"] / n1, case["h2"] / n2
        pooled = (case["h1"] + case["h2"]) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
        return {"statistic": float(z), "pvalue": float(2 * stats.norm.sf(abs(z)))}
    if kind == "wasserstein":
        a = np.array(case["a"], dtype=np.float64)
        b = np.array(case["b"], dtype=np.float64)
        w = stats.wasserstein_distance(a, b)
        return {"distance": float(w), "normalized": float(w / max(np.std(a), 0.001))}
    if kind == "js":
        return {"distance": float(distance.jensenshannon(np.array(case["a"], dtype=np.float64), np.array(case["b"], dtype=np.float64)))}
    if kind == "psi":
        r = np.array(case["a"], dtype=np.float64)
        c = np.array(case["b"], dtype=np.float64)
        r = r / r.sum()
        c = c / c.sum()
        r[r == 0] = 0.0001
        c[c == 0] = 0.0001
        return {"psi": float(np.sum((c - r) * np.log(c / r)))}
    raise ValueError(kind)


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {name: run(case) for name, case in cases.items()}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


main()
