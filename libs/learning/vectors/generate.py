"""Regenerates the committed test vectors of libs/learning.

Run from the repository root:  tools/python-env libs/learning/vectors/generate.py

Everything is seeded, so a rerun with the pinned versions (tools/python/requirements.txt)
rewrites identical files. Outputs, next to this script:

- linear-models.json  scikit-learn solutions (lbfgs / newton-cholesky / closed form, tight tolerances) of
                      logistic, multinomial and linear/ridge regression on seeded data sets
- metrics.json        scikit-learn classification and regression metrics on seeded arrays
- features.json       murmurhash3_32 / FeatureHasher outputs, StandardScaler statistics
- streams/*.csv.gz    drifting streams generated with River (SEA, Hyperplane, Agrawal)
- river-prequential.json  River's prequential results on exactly those rows:
                      StandardScaler | LogisticRegression (SGD, lr 0.01) and NoChangeClassifier
- streams/trump-approval.csv.gz + river-regression.json  River's bundled TrumpApproval regression
                      stream and River's prequential StandardScaler | LinearRegression() on it
"""

import csv
import gzip
import io
import itertools
import json
import math
from pathlib import Path

import numpy as np
import river
import sklearn
from river import compose, dummy, linear_model, metrics as rmetrics, optim, preprocessing
from river.datasets import synth
from sklearn import metrics
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler
from sklearn.utils import murmurhash3_32

OUT = Path(__file__).resolve().parent
VERSIONS = {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "river": river.__version__}


def write_json(name, payload):
    payload = {"generatedBy": "libs/learning/vectors/generate.py", "versions": VERSIONS, **payload}
    (OUT / name).write_text(json.dumps(payload, indent=1) + "\n")


def rows(a):
    return [[float(v) for v in r] for r in np.asarray(a)]


# --------------------------------------------------------------------------- linear models
def linear_models():
    rng = np.random.default_rng(20260601)
    cases = []

    # Binary logistic regression, unpenalised (C = inf) and L2 with C = 0.05.
    n, d = 400, 5
    X = rng.normal(size=(n, d)) * [1.0, 2.0, 0.5, 1.0, 3.0] + [0.0, 1.0, -1.0, 0.0, 2.0]
    z = X @ np.array([1.5, -0.8, 2.0, 0.0, 0.3]) - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    for C in (math.inf, 0.05):
        clf = LogisticRegression(C=C, l1_ratio=0.0, solver="lbfgs", tol=1e-12, max_iter=100000).fit(X, y)
        cases.append({
            "name": f"logistic C={C}",
            "model": "logistic",
            "sklearn": f"LogisticRegression(C={C}, l1_ratio=0, solver='lbfgs', tol=1e-12)",
            "l2": 0.0 if math.isinf(C) else 1.0 / (C * n),
            "X": rows(X), "y": y.tolist(), "weights": None,
            "coef": rows(clf.coef_.T), "intercept": clf.intercept_.tolist(),
        })

    # Sample-weighted binary logistic regression, C = 1.
    w = rng.uniform(0.2, 3.0, size=n)
    clf = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-12, max_iter=100000).fit(X, y, sample_weight=w)
    cases.append({
        "name": "logistic weighted C=1",
        "model": "logistic",
        "sklearn": "LogisticRegression(C=1, solver='lbfgs', tol=1e-12).fit(X, y, sample_weight=w)",
        "l2": 1.0 / n,
        "X": rows(X), "y": y.tolist(), "weights": w.tolist(),
        "coef": rows(clf.coef_.T), "intercept": clf.intercept_.tolist(),
    })

    # Multinomial logistic regression, 3 classes, C = 1.
    n, d, k = 600, 4, 3
    X = rng.normal(size=(n, d)) * [1.0, 1.5, 0.7, 2.0]
    W = np.array([[1.0, -1.0, 0.5], [0.2, 0.8, -1.0], [-1.5, 0.0, 1.5], [0.3, 0.3, -0.6]])
    logits = X @ W + [0.2, -0.1, 0.0]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(k, p=pi) for pi in p])
    clf = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-12, max_iter=100000).fit(X, y)
    cases.append({
        "name": "softmax C=1",
        "model": "softmax",
        "sklearn": "LogisticRegression(C=1, solver='lbfgs', tol=1e-12) on 3 classes (multinomial)",
        "l2": 1.0 / n,
        "X": rows(X), "y": y.tolist(), "weights": None,
        "coef": rows(clf.coef_.T), "intercept": clf.intercept_.tolist(),
    })

    # Linear regression: ordinary least squares and ridge (alpha = 5).
    n, d = 300, 6
    X = rng.normal(size=(n, d)) * [1, 2, 3, 0.5, 1, 1] + [1, 0, -2, 0, 5, 0]
    y = X @ np.array([2.0, -1.0, 0.5, 3.0, 0.0, -0.7]) + 4.0 + rng.normal(scale=0.5, size=n)
    ols = LinearRegression().fit(X, y)
    cases.append({
        "name": "linear OLS", "model": "linear", "sklearn": "LinearRegression()", "l2": 0.0,
        "X": rows(X), "y": y.tolist(), "weights": None,
        "coef": rows(ols.coef_.reshape(-1, 1)), "intercept": [float(ols.intercept_)],
    })
    ridge = Ridge(alpha=5.0, solver="cholesky").fit(X, y)
    cases.append({
        "name": "linear ridge alpha=5", "model": "linear", "sklearn": "Ridge(alpha=5, solver='cholesky')",
        "l2": 2 * 5.0 / n,
        "X": rows(X), "y": y.tolist(), "weights": None,
        "coef": rows(ridge.coef_.reshape(-1, 1)), "intercept": [float(ridge.intercept_)],
    })

    # Ill-conditioned real data: scikit-learn's bundled breast_cancer (binary, 30 raw features on
    # scales from 1e-3 to 4e3) at C = 1 and C = 10, and wine (3 classes, 13 raw features) at
    # C = 10, unscaled, where a loose gradient tolerance stops short of the optimum.
    cases.extend(real_data_cases())

    write_json("linear-models.json", {
        "note": "coef is [feature][output]. Continuum's objective is mean(w_i * loss_i) + (l2/2)*||W||^2, "
                "so l2 = 1/(C*n) for LogisticRegression and 2*alpha/n for Ridge (LinearRegression's loss is "
                "River's squared loss (p - y)^2, not halved).",
        "cases": cases,
    })


def real_data_cases():
    from sklearn.datasets import load_breast_cancer, load_wine
    out = []
    for loader, model, C in ((load_breast_cancer, "logistic", 1.0), (load_breast_cancer, "logistic", 10.0),
                             (load_wine, "softmax", 10.0)):
        X, y = loader(return_X_y=True)
        n = len(y)
        # Newton's method reaches the optimum of these problems to machine precision, where lbfgs
        # stops at its evaluation limit (wine: 15,000 evaluations, objective 1.4e-5 above the optimum).
        clf = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
        name = loader.__name__.removeprefix("load_")
        out.append({
            "name": f"{model} {name} C={C:g}",
            "model": model,
            "sklearn": f"LogisticRegression(C={C:g}, solver='newton-cholesky', tol=1e-14) on sklearn.datasets.{loader.__name__}(), unscaled",
            "l2": 1.0 / (C * n),
            "X": rows(X), "y": y.tolist(), "weights": None,
            "coef": rows(clf.coef_.T), "intercept": clf.intercept_.tolist(),
            "iterations": int(clf.n_iter_.max()),
        })
    return out


# --------------------------------------------------------------------------------- metrics
def metric_vectors():
    rng = np.random.default_rng(20260602)
    out = {}

    n = 300
    y = (rng.random(n) < 0.4).astype(int)
    score = np.clip(0.5 + 0.25 * (2 * y - 1) + rng.normal(scale=0.25, size=n), 0.0, 1.0)
    score[::7] = np.round(score[::7], 1)  # ties
    score[3] = 1.0  # a clipped probability
    pred = (score > 0.5).astype(int)
    out["binary"] = {
        "yTrue": y.tolist(), "score": score.tolist(),
        "accuracy": metrics.accuracy_score(y, pred),
        "precision": metrics.precision_score(y, pred),
        "recall": metrics.recall_score(y, pred),
        "f1": metrics.f1_score(y, pred),
        "rocAuc": metrics.roc_auc_score(y, score),
        "logLoss": metrics.log_loss(y, score),
        "brier": metrics.brier_score_loss(y, score),
    }

    n, k = 400, 4
    y = rng.integers(0, k, size=n)
    alpha = np.ones((n, k)) + 3.0 * np.eye(k)[y] * (rng.random(n) < 0.7)[:, None]
    proba = np.array([rng.dirichlet(a) for a in alpha])
    pred = proba.argmax(axis=1)
    out["multiclass"] = {
        "k": k, "yTrue": y.tolist(), "proba": rows(proba),
        "accuracy": metrics.accuracy_score(y, pred),
        "precision": metrics.precision_score(y, pred, average="macro"),
        "recall": metrics.recall_score(y, pred, average="macro"),
        "f1": metrics.f1_score(y, pred, average="macro"),
        "rocAuc": metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro"),
        "logLoss": metrics.log_loss(y, proba),
        "brier": metrics.brier_score_loss(y, proba, labels=list(range(k))),
    }

    n = 200
    y = rng.normal(loc=3.0, scale=2.0, size=n)
    p = y + rng.normal(scale=0.8, size=n)
    out["regression"] = {
        "yTrue": y.tolist(), "yPred": p.tolist(),
        "mae": metrics.mean_absolute_error(y, p),
        "rmse": metrics.root_mean_squared_error(y, p),
        "r2": metrics.r2_score(y, p),
    }
    yc = np.full(10, 2.5)
    out["regressionConstantTarget"] = {
        "yTrue": yc.tolist(), "yPred": (yc + 0.1).tolist(), "r2": metrics.r2_score(yc, yc + 0.1),
    }
    write_json("metrics.json", out)


# -------------------------------------------------------------------------------- features
def feature_vectors():
    tokens = ["city=paris", "city=Zürich", "device=🙂", "x=", "a", "abc", "abcd", "abcde",
              "user=1234567890", "k=" + "long value " * 5]
    hashes = [{"token": t, "murmurhash3_32": int(murmurhash3_32(t, seed=0))} for t in tokens]
    hasher = FeatureHasher(n_features=16, input_type="dict", alternate_sign=True)
    records = [{"city": "paris"}, {"city": "Zürich"}, {"device": "🙂"}, {"user": "1234567890"}, {"city": "oslo"}]
    matrix = hasher.transform(records).toarray()
    hashed = [{"name": next(iter(r)), "value": next(iter(r.values())), "row": m.tolist()} for r, m in zip(records, matrix)]

    rng = np.random.default_rng(20260603)
    X = rng.normal(loc=[10.0, -3.0, 0.0], scale=[2.0, 0.5, 100.0], size=(50, 3))
    X[[4, 17, 33], 1] = np.nan  # missing values are ignored by the statistics
    scaler = StandardScaler()
    for chunk in np.array_split(X, 4):
        scaler.partial_fit(chunk)
    write_json("features.json", {
        "murmurhash3": hashes,
        "featureHasher": {"buckets": 16, "records": hashed},
        "standardScaler": {
            "X": [[None if np.isnan(v) else float(v) for v in r] for r in X],
            "mean": scaler.mean_.tolist(), "var": scaler.var_.tolist(),
            "transformed": [[None if np.isnan(v) else float(v) for v in r] for r in scaler.transform(X)],
        },
    })


# --------------------------------------------------------------------------------- streams
def rounded(x, digits):
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in x.items()}


def sea_stream(n_per_concept=5000):
    parts = [synth.SEA(variant=v, noise=0.1, seed=100 + v) for v in (0, 1, 2, 3)]
    for part in parts:
        for x, y in itertools.islice(part, n_per_concept):
            yield {f"x{k}": v for k, v in rounded(x, 4).items()}, int(y)


def hyperplane_stream(n=20000):
    gen = synth.Hyperplane(seed=7, n_features=10, n_drift_features=4, mag_change=0.001, noise_percentage=0.05, sigma=0.1)
    for x, y in itertools.islice(gen, n):
        yield {f"x{k}": v for k, v in rounded(x, 4).items()}, int(y)


def agrawal_stream(n=20000):
    gen = synth.ConceptDriftStream(
        stream=synth.Agrawal(classification_function=0, seed=11, perturbation=0.05),
        drift_stream=synth.Agrawal(classification_function=2, seed=12, perturbation=0.05),
        position=10000, width=1000, seed=13)
    for x, y in itertools.islice(gen, n):
        yield rounded(x, 2), int(y)


def write_stream(name, generator):
    data = list(generator)
    columns = list(data[0][0].keys())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns + ["label"])
    for x, y in data:
        w.writerow([x[c] for c in columns] + [y])
    (OUT / "streams").mkdir(exist_ok=True)
    # mtime=0 keeps the gzip bytes identical across regenerations.
    with gzip.GzipFile(OUT / "streams" / f"{name}.csv.gz", "wb", mtime=0) as f:
        f.write(buf.getvalue().encode())
    return read_stream(name)


def read_stream(name):
    """Reads the committed file back, so River sees exactly the rows Continuum's tests see."""
    with gzip.open(OUT / "streams" / f"{name}.csv.gz", "rt") as f:
        r = csv.reader(f)
        header = next(r)
        out = []
        for row in r:
            x = {c: float(v) for c, v in zip(header[:-1], row[:-1])}
            out.append((x, int(row[-1])))
        return header[:-1], out


def river_prequential(data):
    results = {}
    model = compose.Pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression(optimizer=optim.SGD(0.01)))
    acc, ll = rmetrics.Accuracy(), rmetrics.LogLoss()
    for x, y in data:
        proba = model.predict_proba_one(x)
        acc.update(y, model.predict_one(x))
        ll.update(y, proba)
        model.learn_one(x, y)
    results["StandardScaler|LogisticRegression(SGD(0.01))"] = {"accuracy": acc.get(), "logLoss": ll.get()}
    base, acc = dummy.NoChangeClassifier(), rmetrics.Accuracy()
    for x, y in data:
        acc.update(y, base.predict_one(x))
        base.learn_one(x, y)
    results["NoChangeClassifier"] = {"accuracy": acc.get()}
    return results


def streams():
    summary = {}
    for name, gen, description in (
        ("sea", sea_stream(), "SEA(noise=0.1), variants 0,1,2,3 for 5000 rows each (abrupt drifts at 5000, 10000, 15000)"),
        ("hyperplane", hyperplane_stream(), "Hyperplane(10 features, 4 drifting, mag_change=0.001, noise 5%): incremental drift"),
        ("agrawal", agrawal_stream(), "Agrawal function 0 -> 2, ConceptDriftStream(position=10000, width=1000), perturbation 0.05"),
    ):
        columns, data = write_stream(name, gen)
        summary[name] = {
            "file": f"streams/{name}.csv.gz", "rows": len(data), "features": columns,
            "description": description, "river": river_prequential(data),
        }
    write_json("river-prequential.json", {
        "note": "Prequential (test-then-train, one example at a time) on the committed rows. "
                "River's binary predict_one breaks a 0.5 tie towards class 0, as Continuum does.",
        "streams": summary,
    })


def river_regression():
    """River's own regression stream (TrumpApproval, bundled with River) and River's prequential
    StandardScaler | LinearRegression at its defaults (SGD 0.01, squared loss (p - y)^2, whose
    gradient is 2(p - y)) and with an L2 penalty, so that Continuum's LinearRegression is checked
    step for step against River's learn_one. Values are written with repr, so both sides read the
    same doubles."""
    from river import datasets
    data = [(dict(x), float(y)) for x, y in datasets.TrumpApproval()]
    columns = list(data[0][0].keys())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns + ["label"])
    for x, y in data:
        w.writerow([repr(float(x[c])) for c in columns] + [repr(y)])
    with gzip.GzipFile(OUT / "streams" / "trump-approval.csv.gz", "wb", mtime=0) as f:
        f.write(buf.getvalue().encode())
    runs = {}
    for name, kwargs in (("LinearRegression()", {}), ("LinearRegression(l2=0.01)", {"l2": 0.01})):
        scaler, model = preprocessing.StandardScaler(), linear_model.LinearRegression(**kwargs)
        mae, rmse = rmetrics.MAE(), rmetrics.RMSE()
        predictions = []
        for x, y in data:
            p = model.predict_one(scaler.transform_one(x))
            predictions.append(p)
            mae.update(y, p)
            rmse.update(y, p)
            scaler.learn_one(x)
            model.learn_one(scaler.transform_one(x), y)
        runs[name] = {"l2": kwargs.get("l2", 0.0), "mae": mae.get(), "rmse": rmse.get(),
                      "predictions": predictions,
                      "weights": [model.weights.get(c, 0.0) for c in columns], "intercept": model.intercept}
    write_json("river-regression.json", {
        "note": "Prequential (predict, then learn) on streams/trump-approval.csv.gz, one example at a time: "
                "StandardScaler (updated before learning, as in River's Pipeline) | linear_model.LinearRegression.",
        "file": "streams/trump-approval.csv.gz", "rows": len(data), "features": columns, "runs": runs,
    })


if __name__ == "__main__":
    linear_models()
    metric_vectors()
    feature_vectors()
    streams()
    river_regression()
    print("vectors written to", OUT)
