"""Makes the example project's data: a synthetic customer-churn table, in two snapshots.

- `data/` (train.csv 2,000 rows, holdout.csv 1,000 rows): the data the first releases are
  trained and gated on.
- `fresh/` (current.csv 2,000 rows, holdout.csv 1,000 rows): the data arriving months later,
  for the scheduled retrain. It has DRIFTED: prices went up (monthly_charges, mean 70 -> 95)
  and usage grew (usage_gb, mean 24 -> 48), and churn now reacts more to price. The other
  four columns keep their distributions.

Run once by the maintainers. Deterministic: the same seeds give the same bytes, hence the
same DVC hashes. `dvc` itself is not needed: `--dvc-push` writes `data.dvc` / `fresh.dvc`
(DVC 3 directory outputs, `hash: md5`) and copies the objects into the local remote
`dvc-remote/files/md5/..`, exactly what `dvc add data fresh && dvc push -r local` does.
"""
import csv
import hashlib
import json
import os
import shutil
import sys

import numpy as np

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "late_payments", "contract_years", "usage_gb"]


def make(n, rng, charges_mean=70.0, usage_scale=12.0, price_effect=0.02):
    tenure = rng.integers(1, 72, n)
    charges = rng.normal(charges_mean, 20, n).clip(15, 150)
    calls = rng.poisson(1.5, n)
    late = rng.poisson(0.6, n)
    contract = rng.choice([0, 1, 2], n, p=[0.55, 0.25, 0.20])
    usage = rng.gamma(2.0, usage_scale, n)
    z = -1.2 - 0.04 * tenure + price_effect * charges + 0.45 * calls + 0.6 * late - 0.9 * contract - 0.01 * usage
    if charges_mean != 70.0 or price_effect != 0.02:
        # Re-centre the price term on the new average price, so churn stays near 30% after drift.
        z = z - (price_effect * charges_mean - 0.02 * 70.0)
    churn = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return np.column_stack([tenure, charges.round(2), calls, late, contract, usage.round(2)]), churn


def write(path, x, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES + ["churn"])
        for row, label in zip(x, y):
            w.writerow([f"{v:g}" for v in row] + [label])


def md5(data):
    return hashlib.md5(data).hexdigest()


def dvc_add_push(folder, remote):
    """DVC 3 `add` of a directory output plus `push` to a local remote (files/md5/xx/rest)."""
    entries, total = [], 0
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        entries.append({"md5": md5(data), "relpath": name})
        total += len(data)
        store(remote, entries[-1]["md5"], data)
    manifest = json.dumps(entries).encode()
    dir_md5 = md5(manifest) + ".dir"
    store(remote, dir_md5, manifest)
    with open(folder + ".dvc", "w") as f:
        f.write(f"outs:\n- md5: {dir_md5}\n  size: {total}\n  nfiles: {len(entries)}\n  hash: md5\n  path: {folder}\n")
    return dir_md5


def store(remote, digest, data):
    path = os.path.join(remote, "files", "md5", digest[:2], digest[2:])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    # The original snapshot: draws in this exact order, so data/ keeps its published hash.
    rng = np.random.default_rng(20261122)
    os.makedirs("data", exist_ok=True)
    x, y = make(3000, rng)
    write("data/train.csv", x[:2000], y[:2000])
    write("data/holdout.csv", x[2000:], y[2000:])

    fresh_rng = np.random.default_rng(20261201)
    shutil.rmtree("fresh", ignore_errors=True)
    os.makedirs("fresh")
    x, y = make(3000, fresh_rng, charges_mean=95.0, usage_scale=24.0, price_effect=0.045)
    write("fresh/current.csv", x[:2000], y[:2000])
    write("fresh/holdout.csv", x[2000:], y[2000:])

    # The requests the deploy's smoke test replays (registry-push `sample-data`): the first
    # 32 holdout rows, feature columns only (what a client sends). Small, so committed as is.
    with open("smoke-sample.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES)
        with open("data/holdout.csv", newline="") as h:
            for row in list(csv.DictReader(h))[:32]:
                w.writerow([row[c] for c in FEATURES])

    if "--dvc-push" in sys.argv[1:]:
        for folder in ("data", "fresh"):
            print(folder, dvc_add_push(folder, "dvc-remote"))
