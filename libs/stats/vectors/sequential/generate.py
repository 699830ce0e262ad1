"""Reference values for @continuum/stats' sequential tests, written from the papers in NumPy/SciPy.

Usage (from the repository root):  tools/python-env libs/stats/vectors/sequential/generate.py

Writes sequential.json next to this script: seeded input streams and, at checkpoints, the
asymptotic confidence sequence (Waudby-Smith et al. 2021, arXiv 2103.06476, Thm 2.2, rho tuned
to N* as in GrowthBook), the mSPRT log-likelihood ratio and always-valid p-value (Johari et al.
2017) and the discordant-pairs normal-mixture boundary (Robbins 1970); plus the first decision
of each gate configuration, computed independently of the TypeScript decision code.
Everything is seeded: running it twice writes identical files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

OUT = Path(__file__).resolve().parent
SEED = 20261129
CHECKPOINTS = [2, 3, 5, 10, 50, 100, 250, 500, 1000, 2000]


def rho(alpha: float, n_star: float) -> float:
    l = -2.0 * np.log(alpha)
    return float(np.sqrt((l + np.log(l + 1.0)) / n_star))


def half_width(n: np.ndarray, var: np.ndarray, alpha: float, r: float) -> np.ndarray:
    a = n * r * r + 1.0
    return np.sqrt(var) * np.sqrt(2.0 * a / (n * n * r * r) * np.log(np.sqrt(a) / alpha))


def running(x: np.ndarray):
    n = np.arange(1, len(x) + 1, dtype=float)
    mean = np.cumsum(x) / n
    # sample variance (ddof=1) of the first n values, computed directly for every n
    var = np.array([np.var(x[: int(k)], ddof=1) if k >= 2 else np.nan for k in n])
    return n, mean, var


def confidence_sequence(x: np.ndarray, alpha: float, n_star: float) -> dict:
    n, mean, var = running(x)
    r = rho(alpha, n_star)
    hw = half_width(n, var, alpha, r)
    # mSPRT with the standardised mixing variance tau^2 = rho^2 sigma^2 (dual of the CS)
    return {"n": n, "mean": mean, "var": var, "lower": mean - hw, "upper": mean + hw, "rho": r}


def msprt(x: np.ndarray, alpha: float, theta0: float, n_star: float | None, tau2: float | None):
    n, mean, var = running(x)
    log_lr = np.zeros(len(x))
    for i in range(len(x)):
        v = var[i]
        if not (v > 0):
            continue
        t2 = tau2 if tau2 is not None else rho(alpha, n_star) ** 2 * v
        s = v + n[i] * t2
        log_lr[i] = 0.5 * np.log(v / s) + n[i] ** 2 * t2 * (mean[i] - theta0) ** 2 / (2.0 * v * s)
    p = np.minimum.accumulate(np.minimum(1.0, np.exp(-log_lr)))
    return log_lr, p


def discordant(champ: np.ndarray, chal: np.ndarray, alpha: float, n_star: float):
    wins = np.cumsum((champ == 1) & (chal == 0))
    losses = np.cumsum((champ == 0) & (chal == 1))
    k = wins + losses
    r = rho(alpha, n_star)
    a = k * r * r + 1.0
    b = np.sqrt(2.0 * a / (r * r) * np.log(np.sqrt(a) / alpha))
    return wins, losses, b


def first_decision(cs: dict, threshold: float, min_pairs: int, max_pairs: int):
    for i in range(len(cs["n"])):
        n = i + 1
        if n < min_pairs:
            continue
        if cs["lower"][i] > threshold:
            return {"decision": "PROMOTE", "pairs": n}
        if cs["upper"][i] < threshold:
            return {"decision": "REJECT", "pairs": n}
        if n >= max_pairs:
            return {"decision": "REJECT_MAX_PAIRS", "pairs": n}
    return {"decision": "CONTINUE", "pairs": len(cs["n"])}


def first_discordant_decision(w, l, b, min_pairs: int):
    for i in range(len(w)):
        if i + 1 < min_pairs or w[i] + l[i] == 0:
            continue
        s = w[i] - l[i]
        if s >= b[i]:
            return {"decision": "PROMOTE", "pairs": i + 1}
        if -s >= b[i]:
            return {"decision": "REJECT", "pairs": i + 1}
    return {"decision": "CONTINUE", "pairs": len(w)}


def at(arr, checkpoints):
    return [None if not np.isfinite(arr[c - 1]) else float(arr[c - 1]) for c in checkpoints]


def paired_accuracy(rng, n, acc, effect, disc):
    u = rng.random(n)
    p_win, p_loss = (disc + effect) / 2, (disc - effect) / 2
    p_both_wrong = 1 - acc - p_win
    champ = np.where(u < p_win, 1, np.where(u < p_win + p_loss, 0, np.where(u < p_win + p_loss + p_both_wrong, 1, 0)))
    chal = np.where(u < p_win, 0, np.where(u < p_win + p_loss, 1, np.where(u < p_win + p_loss + p_both_wrong, 1, 0)))
    return champ.astype(float), chal.astype(float)


def main() -> None:
    rng = np.random.default_rng(SEED)
    streams = []
    # real-valued paired log-loss differences (skewed: differences of exponentials)
    for name, shift, alpha, n_star, theta0, tau2 in [
        ("logloss_null", 0.0, 0.05, 1000, 0.0, None),
        ("logloss_better", 0.08, 0.05, 500, 0.0, None),
        ("logloss_worse_fixed_tau", -0.06, 0.1, 2000, 0.02, 0.01),
    ]:
        champ = rng.exponential(0.5, 2000) + shift
        chal = rng.exponential(0.5, 2000)
        x = champ - chal
        cs = confidence_sequence(x, alpha, n_star)
        log_lr, p = msprt(x, alpha, theta0, n_star, tau2)
        streams.append(
            {
                "name": name,
                "alpha": alpha,
                "tuningPairs": n_star,
                "theta0": theta0,
                "tau2": tau2,
                "champion": champ.tolist(),
                "challenger": chal.tolist(),
                "rho": cs["rho"],
                "checkpoints": CHECKPOINTS,
                "mean": at(cs["mean"], CHECKPOINTS),
                "variance": at(cs["var"], CHECKPOINTS),
                "lower": at(cs["lower"], CHECKPOINTS),
                "upper": at(cs["upper"], CHECKPOINTS),
                "msprtLogLikelihoodRatio": at(log_lr, CHECKPOINTS),
                "msprtPValue": at(p, CHECKPOINTS),
                "gate": [
                    {"mode": mode, "delta": d, "minPairs": 50, "maxPairs": 1500,
                     **first_decision(cs, d if mode == "improvement" else -d, 50, 1500)}
                    for mode, d in [("improvement", 0.0), ("improvement", 0.05), ("non-inferiority", 0.05)]
                ],
            }
        )
    accuracy = []
    for name, effect, n_star in [("aa", 0.0, 100), ("plus5", 0.05, 100), ("minus5", -0.05, 50)]:
        champ, chal = paired_accuracy(rng, 2000, 0.8, effect, 0.15)
        w, l, b = discordant(champ, chal, 0.05, n_star)
        cs = confidence_sequence(champ - chal, 0.05, 2000)
        accuracy.append(
            {
                "name": name,
                "alpha": 0.05,
                "tuningPairs": n_star,
                "champion": champ.astype(int).tolist(),
                "challenger": chal.astype(int).tolist(),
                "checkpoints": CHECKPOINTS,
                "challengerWins": at(w.astype(float), CHECKPOINTS),
                "championWins": at(l.astype(float), CHECKPOINTS),
                "boundary": at(b, CHECKPOINTS),
                "gate": first_discordant_decision(w, l, b, 30),
                "csLower": at(cs["lower"], CHECKPOINTS),
                "csUpper": at(cs["upper"], CHECKPOINTS),
            }
        )
    out = {
        "generatedBy": "libs/stats/vectors/sequential/generate.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "seed": SEED,
        "normalQuantile975": float(stats.norm.ppf(0.975)),
        "streams": streams,
        "accuracy": accuracy,
    }
    (OUT / "sequential.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
