"""scikit-learn 1.2.1's values, under integer sample weights, of the metrics whose bootstrap
kernels bootstrap-kernels-sklearn.test.ts checks: a resample is the holdout with row i drawn
w[i] times, so each kernel must equal the metric with sample_weight=w (or, where
scikit-learn takes no weights, on the rows repeated w[i] times).
Usage: /usr/bin/python3 sklearn_bootstrap_kernels.py IN.json OUT.json"""
import json
import sys

import numpy as np
from sklearn import metrics as m


def binary(c, w):
    y = np.array(c["y"])
    p = np.array(c["proba"], dtype=np.float64)
    return {"average_precision": m.average_precision_score(y, p[:, 1], sample_weight=w)}


def multiclass(c, w):
    y = np.array(c["y"])
    p = np.array(c["proba"], dtype=np.float64)
    out = {"roc_auc_ovr_micro": m.roc_auc_score(y, p, multi_class="ovr", average="micro", sample_weight=w)}
    # one-vs-one takes no sample_weight: the resample's rows, repeated.
    yr = np.repeat(y, w.astype(int))
    pr = np.repeat(p, w.astype(int), axis=0)
    out["roc_auc_ovo"] = m.roc_auc_score(yr, pr, multi_class="ovo", average="macro")
    out["roc_auc_ovo_weighted"] = m.roc_auc_score(yr, pr, multi_class="ovo", average="weighted")
    return out


def multilabel(c, w):
    y = np.array(c["y"])
    pred = np.array(c["pred"])
    s = np.array(c["scores"], dtype=np.float64)
    labels = c["labels"]
    out = {
        "accuracy": m.accuracy_score(y, pred, sample_weight=w),
        "hamming_loss": m.hamming_loss(y, pred, sample_weight=w),
    }
    for avg in ("micro", "macro", "weighted", "samples"):
        out[f"precision_{avg}"] = m.precision_score(y, pred, average=avg, zero_division=0, sample_weight=w)
        out[f"recall_{avg}"] = m.recall_score(y, pred, average=avg, zero_division=0, sample_weight=w)
        out[f"f1_{avg}"] = m.f1_score(y, pred, average=avg, zero_division=0, sample_weight=w)
    p, r, f, _ = m.precision_recall_fscore_support(y, pred, average=None, zero_division=0, sample_weight=w)
    for j, label in enumerate(labels):
        out[f"precision[{label}]"] = p[j]
        out[f"recall[{label}]"] = r[j]
        out[f"f1[{label}]"] = f[j]
    for avg in ("macro", "weighted", "micro"):
        out[f"roc_auc_{avg}"] = m.roc_auc_score(y, s, average=avg, sample_weight=w)
        out[f"average_precision_{avg}"] = m.average_precision_score(y, s, average=avg, sample_weight=w)
    return out


def regression(c, w):
    y = np.array(c["y"], dtype=np.float64)
    pred = np.array(c["pred"], dtype=np.float64)
    names = c["labels"]
    out = {}
    for fn, name in ((m.mean_squared_error, "mse"), (m.mean_absolute_error, "mae"), (m.mean_absolute_percentage_error, "mape")):
        out[name] = fn(y, pred, sample_weight=w)
        for j, v in enumerate(fn(y, pred, sample_weight=w, multioutput="raw_values")):
            out[f"{name}[{names[j]}]"] = v
    out["rmse"] = m.mean_squared_error(y, pred, sample_weight=w, squared=False)
    for j, v in enumerate(m.mean_squared_error(y, pred, sample_weight=w, squared=False, multioutput="raw_values")):
        out[f"rmse[{names[j]}]"] = v
    out["r2_uniform"] = m.r2_score(y, pred, sample_weight=w, multioutput="uniform_average")
    out["r2_variance_weighted"] = m.r2_score(y, pred, sample_weight=w, multioutput="variance_weighted")
    for j, v in enumerate(m.r2_score(y, pred, sample_weight=w, multioutput="raw_values")):
        out[f"r2[{names[j]}]"] = v
    return out


def main():
    cases = json.load(open(sys.argv[1]))
    results = []
    for c in cases:
        w = np.array(c["weights"], dtype=np.float64)
        fn = {"binary": binary, "multiclass": multiclass, "multilabel": multilabel, "regression": regression}[c["task"]]
        results.append({k: float(v) for k, v in fn(c, w).items()})
    json.dump(results, open(sys.argv[2], "w"))


main()
