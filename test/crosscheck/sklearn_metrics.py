"""Computes every metric the gate reports with scikit-learn, on predictions written by
metrics-sklearn.test.ts, so the test can compare ours with the reference to 1e-9.
Usage: /usr/bin/python3 sklearn_metrics.py IN.json OUT.json"""
import json
import sys

import numpy as np
from sklearn import metrics as m


def classification(case):
    y = np.array(case["y"])
    pred = np.array(case["pred"])
    proba = np.array(case["proba"], dtype=np.float64)
    labels = list(range(case["k"]))
    w = np.array(case["weights"], dtype=np.float64) if case.get("weights") else None
    out = {"accuracy": m.accuracy_score(y, pred, sample_weight=w)}
    if case["task"] == "binary":
        for name, fn in (("precision", m.precision_score), ("recall", m.recall_score), ("f1", m.f1_score)):
            out[name] = fn(y, pred, pos_label=1, average="binary", zero_division=0, sample_weight=w)
        out["log_loss"] = m.log_loss(y, proba, labels=labels, sample_weight=w)
        out["roc_auc"] = m.roc_auc_score(y, proba[:, 1], sample_weight=w)
    else:
        for avg in ("macro", "micro", "weighted"):
            for name, fn in (("precision", m.precision_score), ("recall", m.recall_score), ("f1", m.f1_score)):
                out[f"{name}_{avg}"] = fn(y, pred, labels=labels, average=avg, zero_division=0, sample_weight=w)
        out["log_loss"] = m.log_loss(y, proba, labels=labels, sample_weight=w)
        out["roc_auc_ovr"] = m.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels, sample_weight=w)
    if w is None:
        out["confusion_matrix"] = m.confusion_matrix(y, pred, labels=labels).tolist()
    return out


def regression(case):
    y = np.array(case["y"], dtype=np.float64)
    pred = np.array(case["pred"], dtype=np.float64)
    w = np.array(case["weights"], dtype=np.float64) if case.get("weights") else None
    return {
        "mse": m.mean_squared_error(y, pred, sample_weight=w),
        "rmse": m.mean_squared_error(y, pred, squared=False, sample_weight=w),
        "mae": m.mean_absolute_error(y, pred, sample_weight=w),
        "r2": m.r2_score(y, pred, sample_weight=w),
    }


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    results = {}
    for name, case in cases.items():
        results[name] = regression(case) if case["task"] == "regression" else classification(case)
    with open(sys.argv[2], "w") as f:
        json.dump(results, f)


main()
