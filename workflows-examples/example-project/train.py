"""Trains the example churn classifier and exports it to ONNX.

Reads params.yaml and the training table (params `data.train`, or `--train PATH`, which the
scheduled retrain uses for the fresh snapshot), fits scikit-learn's LogisticRegression on
the standardised columns listed in `train.features`, writes model.onnx (inputs: `input`
float [N, 6], every feature column in the table's order, unused ones weighted 0, so every
model of the project takes the same rows; outputs: `label` int64 [N] and `probabilities`
float [N, 2], the names skl2onnx uses) and metrics.json (scores on a validation split). Needs numpy, scikit-learn and onnx (Debian: python3-sklearn,
python3-onnx). The ONNX graph is written with onnx.helper because skl2onnx is not packaged
for Debian; it computes exactly what the fitted model computes.
"""
import argparse
import csv
import json
import sys

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split


def load(path, label):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [c for c in rows[0].keys() if c != label]
    x = np.array([[float(r[c]) for c in features] for r in rows], dtype=np.float64)
    y = np.array([int(r[label]) for r in rows])
    return features, x, y


def export_onnx(model, mean, scale, used, n_features, path, noise_std=0.0):
    # probability = sigmoid(((x[used] - mean) / scale) . w + b), folded into one MatMul + Add
    # over all columns: the columns the model does not use get weight 0.
    w = np.zeros(n_features)
    w[used] = model.coef_[0] / scale
    b = model.intercept_[0] - float(np.dot(model.coef_[0], mean / scale))
    init = [
        helper.make_tensor("W", TensorProto.FLOAT, [n_features, 1], w.astype(np.float32).tolist()),
        helper.make_tensor("B", TensorProto.FLOAT, [1], [b]),
        helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0]),
        helper.make_tensor("half", TensorProto.FLOAT, [1], [0.5]),
        helper.make_tensor("flat", TensorProto.INT64, [1], [-1]),
    ]
    nodes = [
        helper.make_node("MatMul", ["input", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "B"], ["z_clean"]),
    ]
    if noise_std > 0:
        # export.noise_std: a model exported with training-time randomness left in (as a
        # network exported with dropout on): every answer differs a little from the last.
        # Offline metrics barely move; the deploy's smoke test, which replays the sample
        # recorded at push time, catches it.
        nodes += [
            helper.make_node("RandomNormalLike", ["z_clean"], ["noise"], scale=float(noise_std)),
            helper.make_node("Add", ["z_clean", "noise"], ["z"]),
        ]
    else:
        nodes += [helper.make_node("Identity", ["z_clean"], ["z"])]
    nodes += [
        helper.make_node("Sigmoid", ["z"], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
        helper.make_node("Greater", ["p1", "half"], ["positive"]),
        helper.make_node("Cast", ["positive"], ["label_2d"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["label_2d", "flat"], ["label"]),
    ]
    graph = helper.make_graph(
        nodes,
        "churn_logistic",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", n_features])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2]),
        ],
        init,
    )
    m = helper.make_model(graph, producer_name="example-project-train", opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--train", help="training table (default: params data.train)")
    opts = args.parse_args()
    with open("params.yaml") as f:
        params = yaml.safe_load(f)
    p = params["train"]
    features, x, y = load(opts.train or params["data"]["train"], params["data"]["label"])
    wanted = p.get("features") or features
    unknown = [c for c in wanted if c not in features]
    if unknown:
        sys.exit(f"params.yaml: train.features names {unknown}, not columns of the training table ({features})")
    used = [features.index(c) for c in wanted]
    all_features = len(features)
    x = x[:, used]
    x_tr, x_val, y_tr, y_val = train_test_split(x, y, test_size=p["validation_fraction"], random_state=p["seed"], stratify=y)
    mean, scale = x_tr.mean(axis=0), x_tr.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=p["C"], max_iter=p["max_iter"], random_state=p["seed"])
    model.fit((x_tr - mean) / scale, y_tr)
    proba = model.predict_proba((x_val - mean) / scale)[:, 1]
    pred = (proba > 0.5).astype(int)
    metrics = {
        "accuracy": accuracy_score(y_val, pred),
        "f1": f1_score(y_val, pred),
        "roc_auc": roc_auc_score(y_val, proba),
        "log_loss": log_loss(y_val, proba),
        "n_features": len(used),
        "n_train": int(len(y_tr)),
        "n_validation": int(len(y_val)),
    }
    export_onnx(model, mean, scale, used, all_features, "model.onnx", float(params.get("export", {}).get("noise_std", 0.0)))
    with open("metrics.json", "w") as f:
        json.dump(metrics, f, indent=2)
    print(f"trained on {len(y_tr)} rows, {len(used)} of {all_features} features: " + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items() if isinstance(v, float)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
