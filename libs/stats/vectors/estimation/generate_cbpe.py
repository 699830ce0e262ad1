"""Reference values for @continuum/stats' CBPE (src/estimation/cbpe.ts), computed with NannyML 0.13.1.

Run: PYTHON_ENV_REQUIREMENTS=tools/python/nannyml/requirements.txt \
       tools/python-env libs/stats/vectors/estimation/generate_cbpe.py   (writes cbpe.json next to it)

For each dataset: a reference period (scores, decisions, labels) and analysis chunks (scores and
decisions only), with NannyML's CBPE estimate and sampling error per chunk for accuracy, F1 and
ROC AUC, whether NannyML chose to calibrate, and the realised values (not used by the test; they
show how far estimate and truth are apart, e.g. under the injected covariate shift).
"""
import json
import os
import warnings
from pathlib import Path

os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # NannyML phones home otherwise; no network here

import nannyml as nml
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
METRICS = ["accuracy", "f1", "roc_auc"]


def run_case(name, reference, analysis, chunk_size):
    """reference/analysis: DataFrames with y_pred_proba, y_pred, y_true."""
    estimator = nml.CBPE(
        y_pred_proba="y_pred_proba",
        y_pred="y_pred",
        y_true="y_true",
        problem_type="classification_binary",
        metrics=METRICS,
        chunk_size=chunk_size,
    )
    estimator.fit(reference)
    result = estimator.estimate(analysis.drop(columns=["y_true"])).to_df()
    chunks = []
    for _, row in result[result[("chunk", "period")] == "analysis"].iterrows():
        start, end = int(row[("chunk", "start_index")]), int(row[("chunk", "end_index")]) + 1
        part = analysis.iloc[start:end]
        chunks.append(
            {
                "score": part["y_pred_proba"].tolist(),
                "predicted": part["y_pred"].astype(int).tolist(),
                "expected": {
                    m: {"value": float(row[(m, "value")]), "sampling_error": float(row[(m, "sampling_error")])}
                    for m in METRICS
                },
                "realised": {
                    "accuracy": accuracy_score(part["y_true"], part["y_pred"]),
                    "f1": f1_score(part["y_true"], part["y_pred"]),
                    "roc_auc": roc_auc_score(part["y_true"], part["y_pred_proba"]),
                },
            }
        )
    return {
        "name": name,
        "calibrated": bool(estimator.needs_calibration),
        "reference": {
            "score": reference["y_pred_proba"].tolist(),
            "predicted": reference["y_pred"].astype(int).tolist(),
            "label": reference["y_true"].astype(int).tolist(),
        },
        "chunks": chunks,
    }


def frame(proba, pred, y):
    return pd.DataFrame({"y_pred_proba": proba, "y_pred": pred.astype(int), "y_true": np.asarray(y).astype(int)})


def car_loan():
    """NannyML's bundled synthetic binary dataset; its analysis period drifts from row 25 000 on."""
    reference, analysis, targets = nml.load_synthetic_car_loan_dataset()
    analysis = analysis.merge(targets, on="id")
    ref = frame(reference["y_pred_proba"], reference["y_pred"], reference["repaid"]).iloc[:5000]
    ana = frame(analysis["y_pred_proba"], analysis["y_pred"], analysis["repaid"]).iloc[21000:29000]
    return run_case("nannyml car loan (synthetic, drift from the 3rd chunk)", ref, ana.reset_index(drop=True), 2000)


def breast_cancer():
    """scikit-learn's breast_cancer: a logistic regression, analysis sorted by mean radius (covariate shift)."""
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(20261129)
    idx = rng.permutation(len(y))
    train, rest = idx[:200], idx[200:]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000)).fit(X[train], y[train])
    ref_idx, ana_idx = rest[:170], rest[170:]
    ana_idx = ana_idx[np.argsort(X[ana_idx, 0])]  # small tumours first, large ones last
    p = model.predict_proba(X)[:, 1]
    ref = frame(p[ref_idx], (p[ref_idx] > 0.5), y[ref_idx])
    ana = frame(p[ana_idx], (p[ana_idx] > 0.5), y[ana_idx])
    return run_case("scikit-learn breast_cancer, logistic regression, shift in mean radius", ref, ana, 50)


def synthetic_shift():
    """make_classification with naive Bayes (miscalibrated) and a growing mean shift in two features."""
    X, y = make_classification(n_samples=12000, n_features=8, n_informative=4, random_state=7, flip_y=0.05)
    model = GaussianNB().fit(X[:4000], y[:4000])
    ref_X, ref_y = X[4000:7000], y[4000:7000]
    ana_X, ana_y = X[7000:12000].copy(), y[7000:12000]
    ana_X[:, :2] += np.linspace(0, 1.5, len(ana_y))[:, None]
    pr, pa = model.predict_proba(ref_X)[:, 1], model.predict_proba(ana_X)[:, 1]
    ref = frame(pr, pr > 0.5, ref_y)
    ana = frame(pa, pa > 0.5, ana_y)
    return run_case("make_classification, Gaussian naive Bayes, growing shift in 2 features", ref, ana, 1000)


def calibrated_scores():
    """Scores that are the true P(y = 1) of a logistic model: NannyML should leave them uncalibrated."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(7000, 3))
    X[4000:, 0] += np.linspace(0, 1.0, 3000)  # covariate shift in the analysis period
    p = 1 / (1 + np.exp(-(X @ np.array([1.5, -1.0, 0.5]))))
    y = (rng.random(7000) < p).astype(int)
    ref = frame(p[:4000], p[:4000] > 0.5, y[:4000])
    ana = frame(p[4000:], p[4000:] > 0.5, y[4000:])
    return run_case("true logistic probabilities (already calibrated), shift in x0", ref, ana, 1000)


def main():
    cases = [car_loan(), breast_cancer(), synthetic_shift(), calibrated_scores()]
    out = {"generator": f"nannyml {nml.__version__}", "cases": cases}
    path = Path(__file__).with_name("cbpe.json")
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    for c in cases:
        print(c["name"], "calibrated" if c["calibrated"] else "not calibrated")
        for ch in c["chunks"]:
            print(
                "  ",
                " ".join(f"{m} est {ch['expected'][m]['value']:.4f} real {ch['realised'][m]:.4f}" for m in METRICS),
            )


if __name__ == "__main__":
    main()
