"""Reference values for the mergeable window metrics of libs/stats (used by the evaluator), computed with scikit-learn 1.9.1 / NumPy 2.4.6.

Run: tools/python-env libs/stats/vectors/metrics/generate.py  (writes metrics.json next to this file).
ECE has no scikit-learn function; it is computed here from its definition (top-label, 10 equal-width
bins, Guo et al. 2017) in plain NumPy, independently of the TypeScript code.
"""
import json
from pathlib import Path

import numpy as np
from sklearn import metrics as m

rng = np.random.default_rng(20260105)


def ece(confidence, correct, bins=10):
    idx = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = idx == b
        if sel.any():
            total += abs(correct[sel].mean() - confidence[sel].mean()) * sel.sum() / len(confidence)
    return float(total)


def binary_case(n, grid):
    x = rng.random(n)
    scores = np.round(x, 3) if grid else x
    y = (rng.random(n) < scores).astype(int)
    pred = (scores > 0.5).astype(int)
    conf = np.where(pred == 1, scores, 1 - scores)
    return {
        "kind": "binary",
        "grid": grid,
        "y": y.tolist(),
        "score": scores.tolist(),
        "expected": {
            "accuracy": m.accuracy_score(y, pred),
            "precision": m.precision_score(y, pred, zero_division=0),
            "recall": m.recall_score(y, pred, zero_division=0),
            "f1": m.f1_score(y, pred, zero_division=0),
            "roc_auc": m.roc_auc_score(y, scores),
            "log_loss": m.log_loss(y, scores, labels=[0, 1]),
            "brier": m.brier_score_loss(y, scores),
            "ece": ece(conf, (pred == y).astype(float)),
        },
    }


def multiclass_case(n, k):
    classes = [f"c{i}" for i in range(k)]
    logits = rng.normal(size=(n, k))
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_idx = np.array([rng.choice(k, p=p) for p in proba])
    pred_idx = proba.argmax(axis=1)
    y = [classes[i] for i in y_idx]
    pred = [classes[i] for i in pred_idx]
    onehot = np.eye(k)[y_idx]
    return {
        "kind": "multiclass",
        "classes": classes,
        "y": y,
        "proba": proba.tolist(),
        "expected": {
            "accuracy": m.accuracy_score(y, pred),
            "precision": m.precision_score(y, pred, average="macro", zero_division=0),
            "recall": m.recall_score(y, pred, average="macro", zero_division=0),
            "f1": m.f1_score(y, pred, average="macro", zero_division=0),
            "log_loss": m.log_loss(y_idx, proba, labels=list(range(k))),
            "brier": float(((proba - onehot) ** 2).sum(axis=1).mean()),
            "ece": ece(proba.max(axis=1), (pred_idx == y_idx).astype(float)),
        },
    }


def regression_case(n):
    y = rng.normal(50, 20, size=n)
    y[:3] = [0.0, 1e-3, -5.0]
    yhat = y + rng.normal(0, 5, size=n)
    return {
        "kind": "regression",
        "y": y.tolist(),
        "predicted": yhat.tolist(),
        "expected": {
            "mae": m.mean_absolute_error(y, yhat),
            "rmse": m.root_mean_squared_error(y, yhat),
            "mape": m.mean_absolute_percentage_error(y, yhat),
            "r2": m.r2_score(y, yhat),
        },
    }


def delay_case(n):
    d = np.concatenate([-rng.integers(1, 7_200_000, size=n // 10), rng.integers(0, 7 * 86_400_000, size=n - n // 10)])
    rng.shuffle(d)
    return {
        "kind": "delay",
        "delays": d.tolist(),
        "expected": {
            "p50": float(np.quantile(d, 0.5, method="lower")),
            "p90": float(np.quantile(d, 0.9, method="lower")),
            "p99": float(np.quantile(d, 0.99, method="lower")),
            "max": float(d.max()),
            "mean": float(d.mean()),
        },
    }


cases = [
    binary_case(2000, grid=True),
    binary_case(2000, grid=False),
    binary_case(37, grid=False),
    multiclass_case(1500, 3),
    multiclass_case(400, 5),
    regression_case(1000),
    delay_case(5000),
]
out = Path(__file__).with_name("metrics.json")
out.write_text(json.dumps({"generator": "vectors/generate.py", "sklearn": __import__("sklearn").__version__, "cases": cases}))
print(f"wrote {out} ({len(cases)} cases)")
