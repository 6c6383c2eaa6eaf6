"""Computes every metric the gate reports with scikit-learn, on predictions written by
metrics-sklearn.test.ts, so the test can compare ours with the reference to 1e-9.
Usage: /usr/bin/python3 sklearn_metrics.py IN.json OUT.json"""
import json
import sys

import numpy as np
from sklearn import metrics as m
from sklearn.calibration import calibration_curve
from sklearn.metrics._ranking import _binary_clf_curve


def prf_names(out, y, pred, labels, w, zd, average, suffix=""):
    for name, fn in (("precision", m.precision_score), ("recall", m.recall_score), ("f1", m.f1_score)):
        out[f"{name}{suffix}"] = fn(y, pred, labels=labels, average=average, zero_division=zd, sample_weight=w, pos_label=1)
    for beta in (0.5, 2, 3):
        out[f"f{beta:g}{suffix}"] = m.fbeta_score(y, pred, beta=beta, labels=labels, average=average, zero_division=zd, sample_weight=w, pos_label=1)


def per_class(out, y, pred, labels, w, zd):
    p, r, f, s = m.precision_recall_fscore_support(y, pred, labels=labels, average=None, zero_division=zd, sample_weight=w)
    for i, label in enumerate(labels):
        out[f"precision[{label}]"] = p[i]
        out[f"recall[{label}]"] = r[i]
        out[f"f1[{label}]"] = f[i]
        out[f"support[{label}]"] = float(s[i]) if w is None else float(np.sum(w[np.asarray(y) == label]))
    # zero_division=NaN (scikit-learn 1.3's meaning): classes with a zero denominator are
    # undefined and left out of averages. Derived from 1.2's counts, not from our code.
    mcm = m.multilabel_confusion_matrix(y, pred, labels=labels, sample_weight=w)
    tp = mcm[:, 1, 1]
    pred_sum = tp + mcm[:, 0, 1]
    true_sum = tp + mcm[:, 1, 0]
    p0, r0, _, _ = m.precision_recall_fscore_support(y, pred, labels=labels, average=None, zero_division=0, sample_weight=w)
    pn = np.where(pred_sum == 0, np.nan, p0)
    rn = np.where(true_sum == 0, np.nan, r0)
    out["nan_precision_per_class"] = [None if np.isnan(v) else v for v in pn]
    out["nan_precision_macro"] = None if np.all(np.isnan(pn)) else float(np.nanmean(pn))
    out["nan_recall_macro"] = None if np.all(np.isnan(rn)) else float(np.nanmean(rn))


def classification(case):
    y = np.array(case["y"])
    pred = np.array(case["pred"])
    proba = np.array(case["proba"], dtype=np.float64)
    labels = list(range(case["k"]))
    w = np.array(case["weights"], dtype=np.float64) if case.get("weights") else None
    zd = case.get("zero_division", 0)
    out = {
        "accuracy": m.accuracy_score(y, pred, sample_weight=w),
        "accuracy_count": float(m.accuracy_score(y, pred, normalize=False, sample_weight=w)),
        "balanced_accuracy": m.balanced_accuracy_score(y, pred, sample_weight=w),
        "matthews_corrcoef": m.matthews_corrcoef(y, pred, sample_weight=w),
        "cohen_kappa": m.cohen_kappa_score(y, pred, labels=labels, sample_weight=w),
        "log_loss": m.log_loss(y, proba, labels=labels, sample_weight=w),
        "log_loss_sum": m.log_loss(y, proba, labels=labels, normalize=False, sample_weight=w),
    }
    per_class(out, y, pred, labels, w, zd)
    if case["task"] == "binary":
        prf_names(out, y, pred, labels, w, zd, "binary")
        out["roc_auc"] = m.roc_auc_score(y, proba[:, 1], sample_weight=w)
        out["average_precision"] = m.average_precision_score(y, proba[:, 1], sample_weight=w)
        out["brier_score"] = m.brier_score_loss(y, proba[:, 1], pos_label=1, sample_weight=w)
        if w is None:
            fps, tps, thresholds = _binary_clf_curve(y, proba[:, 1], pos_label=1)
            out["curve_fps"] = fps.tolist()
            out["curve_tps"] = tps.tolist()
            out["curve_thresholds"] = thresholds.tolist()
            prob_true, prob_pred = calibration_curve(y, proba[:, 1], n_bins=10, strategy="uniform")
            out["calibration_observed"] = prob_true.tolist()
            out["calibration_predicted"] = prob_pred.tolist()
    else:
        for avg in ("macro", "micro", "weighted"):
            prf_names(out, y, pred, labels, w, zd, avg, f"_{avg}")
        out["roc_auc_ovr"] = m.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels, sample_weight=w)
        out["roc_auc_ovr_weighted"] = m.roc_auc_score(y, proba, multi_class="ovr", average="weighted", labels=labels, sample_weight=w)
        out["roc_auc_ovr_micro"] = m.roc_auc_score(y, proba, multi_class="ovr", average="micro", labels=labels, sample_weight=w)
        if w is None:  # scikit-learn has no sample_weight for one-vs-one
            out["roc_auc_ovo"] = m.roc_auc_score(y, proba, multi_class="ovo", average="macro", labels=labels)
            out["roc_auc_ovo_weighted"] = m.roc_auc_score(y, proba, multi_class="ovo", average="weighted", labels=labels)
    if w is None:
        out["confusion_matrix"] = m.confusion_matrix(y, pred, labels=labels).tolist()
        for norm in ("true", "pred", "all"):
            out[f"confusion_{norm}"] = m.confusion_matrix(y, pred, labels=labels, normalize=norm).tolist()
    return out


def regression(case):
    y = np.array(case["y"], dtype=np.float64)
    pred = np.array(case["pred"], dtype=np.float64)
    w = np.array(case["weights"], dtype=np.float64) if case.get("weights") else None
    mo = case.get("multioutput", "uniform_average")
    ff = case.get("force_finite", True)
    out = {
        "mse": m.mean_squared_error(y, pred, sample_weight=w, multioutput=mo if mo != "variance_weighted" else "uniform_average"),
        "rmse": m.mean_squared_error(y, pred, squared=False, sample_weight=w, multioutput=mo if mo != "variance_weighted" else "uniform_average"),
        "mae": m.mean_absolute_error(y, pred, sample_weight=w, multioutput=mo if mo != "variance_weighted" else "uniform_average"),
        "mape": m.mean_absolute_percentage_error(y, pred, sample_weight=w, multioutput=mo if mo != "variance_weighted" else "uniform_average"),
        "r2": m.r2_score(y, pred, sample_weight=w, multioutput=mo, force_finite=ff),
        "explained_variance": m.explained_variance_score(y, pred, sample_weight=w, multioutput=mo, force_finite=ff),
    }
    if w is None:
        out["median_absolute_error"] = m.median_absolute_error(y, pred, multioutput=mo if mo != "variance_weighted" else "uniform_average")
        if y.ndim == 1:
            out["max_error"] = m.max_error(y, pred)
    for key, value in list(out.items()):
        if isinstance(value, np.ndarray):
            out[key] = [None if not np.isfinite(v) else float(v) for v in value]
        elif not np.isfinite(value):
            out[key] = None
    return out


def multilabel(case):
    y = np.array(case["y"], dtype=int)
    pred = np.array(case["pred"], dtype=int)
    scores = np.array(case["scores"], dtype=np.float64)
    zd = case.get("zero_division", 0)
    out = {"accuracy": m.accuracy_score(y, pred), "hamming_loss": m.hamming_loss(y, pred)}
    for avg in ("micro", "macro", "weighted", "samples"):
        out[f"precision_{avg}"] = m.precision_score(y, pred, average=avg, zero_division=zd)
        out[f"recall_{avg}"] = m.recall_score(y, pred, average=avg, zero_division=zd)
        out[f"f1_{avg}"] = m.f1_score(y, pred, average=avg, zero_division=zd)
    for avg in ("micro", "macro", "weighted"):
        out[f"roc_auc_{avg}"] = m.roc_auc_score(y, scores, average=avg)
        out[f"average_precision_{avg}"] = m.average_precision_score(y, scores, average=avg)
    p, r, f, s = m.precision_recall_fscore_support(y, pred, average=None, zero_division=zd)
    for i in range(y.shape[1]):
        out[f"precision[{i}]"] = p[i]
        out[f"recall[{i}]"] = r[i]
        out[f"f1[{i}]"] = f[i]
        out[f"support[{i}]"] = float(s[i])
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    results = {}
    for name, case in cases.items():
        task = case["task"]
        results[name] = regression(case) if task == "regression" else multilabel(case) if task == "multilabel" else classification(case)
    with open(sys.argv[2], "w") as f:
        json.dump(results, f)


main()
