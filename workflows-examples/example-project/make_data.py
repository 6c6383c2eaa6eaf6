"""Makes the example project's data set: a synthetic customer-churn table.

Run once by the maintainers; its output is tracked with DVC (data.dvc) and pushed to the
local remote in ../dvc-remote, so `data-pull` has real DVC data to fetch. Deterministic:
the same seed gives the same bytes, hence the same DVC hashes.
"""
import csv
import os

import numpy as np

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "late_payments", "contract_years", "usage_gb"]


def make(n, rng):
    tenure = rng.integers(1, 72, n)
    charges = rng.normal(70, 20, n).clip(15, 150)
    calls = rng.poisson(1.5, n)
    late = rng.poisson(0.6, n)
    contract = rng.choice([0, 1, 2], n, p=[0.55, 0.25, 0.20])
    usage = rng.gamma(2.0, 12.0, n)
    z = -1.2 - 0.04 * tenure + 0.02 * charges + 0.45 * calls + 0.6 * late - 0.9 * contract - 0.01 * usage
    churn = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return np.column_stack([tenure, charges.round(2), calls, late, contract, usage.round(2)]), churn


def write(path, x, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES + ["churn"])
        for row, label in zip(x, y):
            w.writerow([f"{v:g}" for v in row] + [label])


if __name__ == "__main__":
    rng = np.random.default_rng(20261122)
    os.makedirs("data", exist_ok=True)
    x, y = make(3000, rng)
    write("data/train.csv", x[:2000], y[:2000])
    write("data/holdout.csv", x[2000:], y[2000:])
