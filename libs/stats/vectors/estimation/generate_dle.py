"""Reference values for @continuum/stats' DLE (src/estimation/dle.ts), computed with NannyML 0.13.1.

Run: PYTHON_ENV_REQUIREMENTS=tools/python/nannyml/requirements.txt \
       tools/python-env libs/stats/vectors/estimation/generate_dle.py   (writes dle.json next to it)

For each dataset: reference rows (features, prediction, target) and analysis chunks (features and
prediction only) with NannyML's DLE estimate and sampling error of MAE and RMSE per chunk, and the
realised values. NannyML's loss model is LightGBM with default settings; Continuum's is its own
boosted trees, so the test compares within a stated relative tolerance, not exactly. Categorical
columns are passed to both as integer codes.
"""
import json
import os
import warnings
from pathlib import Path

os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # NannyML phones home otherwise; no network here

import nannyml as nml  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.datasets import load_diabetes, make_friedman1  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402

warnings.filterwarnings("ignore")
METRICS = ["mae", "rmse"]


def run_case(name, features, reference, analysis, chunk_size):
    estimator = nml.DLE(
        feature_column_names=features,
        y_pred="y_pred",
        y_true="y_true",
        metrics=METRICS,
        chunk_size=chunk_size,
        hyperparameters={"verbose": -1},  # LightGBM's defaults, quiet
    )
    # Rounded so the committed vectors stay small; NannyML sees the same rounded values.
    reference, analysis = reference.round(5), analysis.round(5)
    estimator.fit(reference)
    result = estimator.estimate(analysis.drop(columns=["y_true"])).to_df()
    chunks = []
    for _, row in result[result[("chunk", "period")] == "analysis"].iterrows():
        start, end = int(row[("chunk", "start_index")]), int(row[("chunk", "end_index")]) + 1
        part = analysis.iloc[start:end]
        err = part["y_true"] - part["y_pred"]
        chunks.append(
            {
                "features": part[features].to_numpy().tolist(),
                "prediction": part["y_pred"].tolist(),
                "expected": {
                    m: {"value": float(row[(m, "value")]), "sampling_error": float(row[(m, "sampling_error")])}
                    for m in METRICS
                },
                "realised": {"mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err**2).mean()))},
            }
        )
    return {
        "name": name,
        "reference": {
            "features": reference[features].to_numpy().tolist(),
            "prediction": reference["y_pred"].tolist(),
            "target": reference["y_true"].tolist(),
        },
        "chunks": chunks,
    }


def car_price():
    """NannyML's bundled synthetic regression dataset (a used-car price model); drifts mid-analysis."""
    reference, analysis, targets = nml.load_synthetic_car_price_dataset()
    analysis = analysis.merge(targets, on="id") if "y_true" not in analysis else analysis
    features = ["car_age", "km_driven", "price_new", "accident_count", "door_count", "fuel", "transmission"]
    frames = []
    for df in (reference, analysis):
        df = df.copy()
        for c in ("fuel", "transmission"):
            df[c] = pd.Categorical(df[c], categories=sorted(reference[c].unique())).codes.astype(float)
        frames.append(df[features + ["y_pred", "y_true"]].astype(float))
    ref = frames[0].iloc[:2000].reset_index(drop=True)
    ana = frames[1].iloc[23000:27000].reset_index(drop=True)
    return run_case("nannyml car price (synthetic, drift from row 25 000)", features, ref, ana, 1000)


def diabetes():
    """scikit-learn's diabetes: ridge regression, analysis sorted by BMI (covariate shift)."""
    X, y = load_diabetes(return_X_y=True)
    rng = np.random.default_rng(20261129)
    idx = rng.permutation(len(y))
    train, ref_idx, ana_idx = idx[:150], idx[150:300], idx[300:]
    model = Ridge(alpha=0.1).fit(X[train], y[train])
    ana_idx = ana_idx[np.argsort(X[ana_idx, 2])]
    features = [f"x{j}" for j in range(X.shape[1])]

    def frame(rows):
        df = pd.DataFrame(X[rows], columns=features)
        df["y_pred"] = model.predict(X[rows])
        df["y_true"] = y[rows].astype(float)
        return df

    return run_case("scikit-learn diabetes, ridge, shift in BMI", features, frame(ref_idx), frame(ana_idx), 48)


def friedman():
    """Friedman #1 with noise growing in x0 (heteroscedastic), a linear model, shift toward large x0."""
    X, y = make_friedman1(n_samples=9000, n_features=5, noise=0.0, random_state=3)
    rng = np.random.default_rng(3)
    y = y + rng.normal(0, 0.5 + 3 * X[:, 0])
    model = Ridge(alpha=1.0).fit(X[:3000], y[:3000])
    features = [f"x{j}" for j in range(5)]
    ref_rows = np.arange(3000, 5000)
    ana_rows = np.arange(5000, 9000)
    # Covariate shift: later chunks keep mostly rows with large x0 (where the noise is larger).
    keep = rng.random(len(ana_rows)) < np.where(np.arange(len(ana_rows)) < 2000, 1.0, X[ana_rows, 0])
    ana_rows = ana_rows[keep][:3000]

    def frame(rows):
        df = pd.DataFrame(X[rows], columns=features)
        df["y_pred"] = model.predict(X[rows])
        df["y_true"] = y[rows]
        return df

    return run_case("make_friedman1, heteroscedastic noise, ridge, shift in x0", features, frame(ref_rows), frame(ana_rows), 750)


def main():
    cases = [car_price(), diabetes(), friedman()]
    out = {"generator": f"nannyml {nml.__version__}", "cases": cases}
    Path(__file__).with_name("dle.json").write_text(json.dumps(out, separators=(",", ":")) + "\n")
    for c in cases:
        print(c["name"])
        for ch in c["chunks"]:
            print(
                "  ",
                " ".join(f"{m} est {ch['expected'][m]['value']:.4f} real {ch['realised'][m]:.4f}" for m in METRICS),
            )


if __name__ == "__main__":
    main()
