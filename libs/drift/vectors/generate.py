"""Regenerates the reference test vectors of @continuum/drift from SciPy, NumPy and River.

Usage (from the repository root):  tools/python-env libs/drift/vectors/generate.py [file.json ...]
(no argument: every file; e.g. `... generate.py ks-exact.json` writes only that one)

Writes, next to this script:
  special.json     chi-square / normal tails, log-gamma, kstwo.sf and smirnov on grids
  statistics.json  ks_2samp, wasserstein_distance, jensenshannon, entropy (KL), Hellinger, PSI,
                   chi2_contingency, two-proportion Z, multiple-testing corrections, quantile bin edges,
                   drift-report cases with values the reference never had (chi2_contingency)
  ks-exact.json    exact two-sample KS p-values (ks_2samp's exact path and its fallback) at the sizes the
                   monitor meets (reference 1,000-10,000, window 300-10,000), D from one lattice step to 1,
                   and ks_2samp on tied samples of those sizes
  detectors.json   input streams and River's drift/warning indices for ADWIN, DDM, EDDM, PageHinkley,
                   KSWIN, HDDM_A, HDDM_W (River defaults), plus Python's random.Random draws for KSWIN

Everything is seeded: running it twice writes identical files. Versions are pinned in
tools/python/requirements.txt and recorded in each file.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import numpy as np
import river
import scipy
from river import drift
from scipy import special, stats
from scipy.spatial import distance
from scipy.stats.contingency import association

OUT = Path(__file__).resolve().parent
SEED = 20240611


def versions() -> dict:
    return {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "river": river.__version__,
    }


def f(x) -> float | str:
    """JSON has no Infinity/NaN: encode them as strings the TypeScript side decodes."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def floats(xs) -> list:
    return [f(x) for x in np.asarray(xs, dtype=float).ravel()]


def rounded(xs, digits=6) -> np.ndarray:
    """Values are rounded so that the JSON is short and both sides see exactly the same doubles."""
    return np.round(np.asarray(xs, dtype=float), digits)


def write(name: str, payload: dict) -> None:
    payload = {"generator": "libs/drift/vectors/generate.py", "versions": versions(), **payload}
    path = OUT / name
    path.write_text(json.dumps(payload, separators=(",", ":"), allow_nan=False) + "\n")
    print(f"wrote {path.relative_to(OUT.parent.parent.parent)} ({path.stat().st_size} bytes)")


# ---------------------------------------------------------------------------------------------
# special.json
# ---------------------------------------------------------------------------------------------


def special_vectors() -> dict:
    chi2 = []
    for dof in [1, 2, 3, 4, 5, 7, 10, 25, 50, 99, 250, 1000]:
        for x in [0.001, 0.1, 0.5, 1, 2, 3.84, 5, dof * 0.5, dof, dof + 3 * math.sqrt(2 * dof), 3 * dof + 10, 200]:
            chi2.append({"x": x, "dof": dof, "sf": f(stats.chi2.sf(x, dof))})
    normal = [{"z": z, "twoSided": f(2 * stats.norm.sf(abs(z))), "sf": f(stats.norm.sf(z))}
              for z in [-8, -3.5, -1.96, -1, -0.1, 0, 0.1, 0.5, 1, 1.645, 1.96, 2.5, 3, 4, 6, 8, 12, 20]]
    lgamma = [{"x": x, "value": f(special.gammaln(x))}
              for x in [0.1, 0.5, 1, 1.5, 2, 3.7, 10, 50.5, 100, 1000.25, 12345.5, 1e6]]
    kstwo = []
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 139, 140, 141, 300, 1000, 5000, 20000, 100000, 250000]:
        xs = sorted(set([0.5 / n + 1e-9, 0.75 / n, 1.0 / n, 1.5 / n, 0.3 / math.sqrt(n), 0.6 / math.sqrt(n),
                         0.9 / math.sqrt(n), 1.2 / math.sqrt(n), 1.6 / math.sqrt(n), 2.0 / math.sqrt(n),
                         3.0 / math.sqrt(n), 0.05, 0.2, 0.45, 0.55, 0.9, 1 - 1.0 / n]))
        for x in xs:
            if 0 < x < 1:
                kstwo.append({"n": n, "x": x, "sf": f(stats.kstwo.sf(x, n))})
    smirnov = [{"n": n, "x": x, "sf": f(special.smirnov(n, x))}
               for n in [1, 2, 5, 10, 30, 100, 500, 1013, 5000, 40000]
               for x in [0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 0.8, 0.99]]
    return {"chi2": chi2, "normal": normal, "lgamma": lgamma, "kstwo": kstwo, "smirnov": smirnov}


# ---------------------------------------------------------------------------------------------
# statistics.json
# ---------------------------------------------------------------------------------------------


def ks_and_wasserstein(rng: np.random.Generator) -> tuple[list, list]:
    ks, ws = [], []
    cases = [
        ("tiny-equal", 5, 5, 0.0, 1.0, None),
        ("tiny-unequal", 7, 11, 0.5, 1.0, None),
        ("small-equal", 30, 30, 0.3, 1.0, None),
        ("small-shift", 100, 80, 0.5, 1.0, None),
        ("ties", 200, 150, 0.2, 1.0, 1),
        ("heavy-ties", 400, 300, 0.0, 1.0, 0),
        ("medium-null", 500, 500, 0.0, 1.0, None),
        ("medium-scale", 1000, 700, 0.0, 1.3, None),
        ("large-exact", 3000, 2000, 0.05, 1.0, None),
        ("max-exact-equal", 10000, 10000, 0.03, 1.0, None),
        ("asymp", 12000, 8000, 0.04, 1.0, None),
        ("asymp-null", 10500, 3000, 0.0, 1.0, None),
        ("asymp-unbalanced", 20000, 300, 0.1, 1.0, None),
        ("asymp-far", 10001, 10001, 0.5, 1.0, None),
    ]
    for name, n1, n2, shift, scale, digits in cases:
        a = rng.normal(0.0, 1.0, n1)
        b = rng.normal(shift, scale, n2)
        if digits is None:
            digits = 6 if n1 + n2 <= 5000 else 4
        a, b = rounded(a, digits), rounded(b, digits)
        r = stats.ks_2samp(a, b)
        ks.append({"name": name, "reference": floats(a), "current": floats(b),
                   "statistic": f(r.statistic), "pValue": f(r.pvalue),
                   "sign": int(r.statistic_sign), "location": f(r.statistic_location)})
        if n1 + n2 <= 5000:
            ws.append({"name": name, "reference": floats(a), "current": floats(b),
                       "distance": f(stats.wasserstein_distance(a, b))})
    # Identical samples: D = 0, p = 1.
    a = rounded(rng.normal(size=50))
    r = stats.ks_2samp(a, a)
    ks.append({"name": "identical", "reference": floats(a), "current": floats(a), "statistic": f(r.statistic),
               "pValue": f(r.pvalue), "sign": int(r.statistic_sign), "location": f(r.statistic_location)})
    # Weighted Wasserstein (the form used with quantile summaries).
    for name, n1, n2 in [("weighted-small", 20, 30), ("weighted-medium", 300, 200)]:
        a, b = rounded(rng.normal(0, 1, n1)), rounded(rng.gamma(2.0, 1.0, n2))
        wa, wb = rounded(rng.uniform(0.5, 3.0, n1), 3), rounded(rng.integers(1, 20, n2), 0)
        ws.append({"name": name, "reference": floats(a), "current": floats(b),
                   "referenceWeights": floats(wa), "currentWeights": floats(wb),
                   "distance": f(stats.wasserstein_distance(a, b, wa, wb))})
    return ks, ws


def ks_pvalues() -> list:
    """p-values of ks_2samp for given (n1, n2, D), through both the exact and the asymptotic paths."""
    out = []
    for n1, n2 in [(10, 10), (10, 20), (37, 50), (100, 100), (300, 450), (2500, 4000), (10000, 9999),
                   (10001, 500), (20000, 30000), (200000, 150000)]:
        for d in [0.01, 0.03, 0.07, 0.12, 0.25, 0.5, 0.9]:
            # Construct samples with exactly this many points and a statistic close to d by shifting
            # uniform grids; record the statistic SciPy computed together with its p-value.
            lcm = n1 * n2 // math.gcd(n1, n2)
            h = max(1, round(d * lcm))
            dd = h / lcm
            method = "exact" if max(n1, n2) <= 10000 else "asymp"
            if method == "exact":
                g = math.gcd(n1, n2)
                ok, dd2, p = stats._stats_py._attempt_exact_2kssamp(n1, n2, g, dd, "two-sided")
                if not ok:
                    continue
            else:
                m, n = sorted([float(n1), float(n2)], reverse=True)
                en = m * n / (m + n)
                p = stats.kstwo.sf(dd, np.round(en))
            out.append({"n1": n1, "n2": n2, "d": dd, "pValue": f(p), "method": method})
    return out


def histogram_vectors(rng: np.random.Generator) -> list:
    out = []
    eps = 1e-4
    for k in [2, 3, 5, 10, 12, 20, 50]:
        for variant in range(3):
            ref = rng.integers(0, 200, k).astype(float)
            cur = rng.integers(0, 200, k).astype(float)
            if variant == 1:
                ref[rng.integers(0, k)] = 0
                cur[rng.integers(0, k)] = 0
            if variant == 2:
                cur = np.round(ref * rng.uniform(0.9, 1.1, k))
            if ref.sum() == 0 or cur.sum() == 0:
                continue
            p, q = ref / ref.sum(), cur / cur.sum()
            pe, qe = np.where(p == 0, eps, p), np.where(q == 0, eps, q)
            psi = float(np.sum((pe - qe) * np.log(pe / qe)))
            kl = float(stats.entropy(pe, qe))
            kl2 = float(stats.entropy(pe, qe, base=2))
            js = float(distance.jensenshannon(ref, cur, base=2))
            hel = float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / np.sqrt(2))
            out.append({"reference": floats(ref), "current": floats(cur), "psi": f(psi), "kl": f(kl),
                        "klBase2": f(kl2), "jensenShannon": f(js), "hellinger": f(hel)})
    return out


def chi_square_vectors(rng: np.random.Generator) -> list:
    out = []
    tables = [np.array([[10, 20], [30, 5]]), np.array([[100, 100], [98, 102]]), np.array([[3, 0], [1, 4]]),
              np.array([[500, 20, 0], [480, 35, 0]])]
    for k in [2, 3, 4, 6, 10, 25]:
        for _ in range(2):
            ref = rng.integers(1, 300, k)
            cur = rng.integers(1, 300, k)
            tables.append(np.array([ref, cur]))
    for t in tables:
        kept = t[:, t.sum(axis=0) > 0]
        for correction in [True, False]:
            r = stats.chi2_contingency(kept, correction=correction)
            out.append({"reference": [int(x) for x in t[0]], "current": [int(x) for x in t[1]],
                        "correction": correction, "statistic": f(r.statistic), "pValue": f(r.pvalue),
                        "dof": int(r.dof), "cramersV": f(association(kept, method="cramer"))})
    return out


def z_test_vectors(rng: np.random.Generator) -> list:
    out = []
    for n1, n2 in [(50, 60), (1000, 800), (10, 12), (100000, 90000), (30, 30)]:
        for p1, p2 in [(0.5, 0.5), (0.1, 0.15), (0.3, 0.6), (0.02, 0.01), (0.9, 0.99)]:
            x1 = int(rng.binomial(n1, p1))
            x2 = int(rng.binomial(n2, p2))
            a, b = x1 / n1, x2 / n2
            pooled = (a * n1 + b * n2) / (n1 + n2)
            var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
            z = (a - b) / np.sqrt(var) if var > 0 else 0.0
            p = 2 * stats.norm.sf(abs(z)) if var > 0 else 1.0
            h = abs(2 * np.arcsin(np.sqrt(a)) - 2 * np.arcsin(np.sqrt(b)))
            out.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": f(z), "pValue": f(p), "cohensH": f(h)})
    return out


def multiple_testing_vectors(rng: np.random.Generator) -> list:
    out = []
    for m in [1, 2, 5, 10, 30]:
        ps = rng.uniform(0, 1, m) ** 3
        ps[0] = 0.0001
        out.append({"pValues": floats(ps), "bonferroni": floats(np.minimum(1, ps * m)),
                    "benjaminiHochberg": floats(stats.false_discovery_control(ps, method="bh"))})
    return out


def quantile_edges(rng: np.random.Generator) -> list:
    out = []
    for n, bins in [(1000, 10), (57, 10), (5000, 20), (200, 4)]:
        x = rounded(rng.lognormal(0, 1, n))
        out.append({"values": floats(x), "bins": bins, "edges": floats(np.quantile(x, np.linspace(0, 1, bins + 1)))})
    return out


def unseen_value_vectors() -> list:
    """Windows with values the reference never had, as the drift report must test them: chi-square
    homogeneity (chi2_contingency) over the union of values, the unseen ones a category of their own.
    `zShareOfFirst` is the two-proportion Z-test on the share of the reference's first value (its
    most frequent category; a numeric feature's lowest value): what a binary feature was tested with
    before, blind to the new value. The last case has no unseen value and stays a Z-test.
    Deterministic (no draws), so adding it leaves every other vector unchanged."""
    cases = [
        ("binary numeric {0,1} vs {0,2}", "numeric", {"0": 200, "1": 200}, {"0": 139, "2": 161}),
        ("binary categorical, a new category", "categorical", {"yes": 300, "no": 100},
         {"yes": 200, "no": 60, "maybe": 40}),
        ("3 categories, a new category", "categorical", {"a": 150, "b": 100, "c": 50},
         {"a": 120, "b": 90, "c": 50, "d": 40}),
        ("binary numeric {0,1} vs {0,1}", "numeric", {"0": 200, "1": 200}, {"0": 139, "1": 161}),
    ]
    out = []
    for name, kind, ref, cur in cases:
        if kind == "numeric":
            values = sorted(set(ref) | set(cur), key=float)
            first = min(ref, key=float)
        else:
            values = sorted(ref, key=lambda v: (-ref[v], v)) + sorted(set(cur) - set(ref))
            first = values[0]
        table = np.array([[ref.get(v, 0) for v in values], [cur.get(v, 0) for v in values]])
        unseen = any(v not in ref for v in cur)
        n1, n2 = table[0].sum(), table[1].sum()
        a, b = ref[first] / n1, cur.get(first, 0) / n2
        pooled = (ref[first] + cur.get(first, 0)) / (n1 + n2)
        z = (a - b) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        entry = {"name": name, "kind": kind, "reference": ref, "current": cur,
                 "zShareOfFirst": {"z": f(z), "pValue": f(2 * stats.norm.sf(abs(z)))}}
        if unseen:
            r = stats.chi2_contingency(table)
            entry.update({"statistic": "CHI_SQUARE", "value": f(r.statistic), "pValue": f(r.pvalue),
                          "dof": int(r.dof), "effectSize": f(association(table, method="cramer"))})
        else:
            entry.update({"statistic": "Z_TEST", "value": f(z), "pValue": f(2 * stats.norm.sf(abs(z))),
                          "effectSize": f(abs(2 * np.arcsin(np.sqrt(a)) - 2 * np.arcsin(np.sqrt(b))))})
        out.append(entry)
    return out


def statistics_vectors() -> dict:
    rng = np.random.default_rng(SEED)
    ks, ws = ks_and_wasserstein(rng)
    return {
        "ks2samp": ks,
        "ksPValues": ks_pvalues(),
        "wasserstein": ws,
        "histogram": histogram_vectors(rng),
        "chiSquare": chi_square_vectors(rng),
        "zTest": z_test_vectors(rng),
        "multipleTesting": multiple_testing_vectors(rng),
        "quantileEdges": quantile_edges(rng),
        "unseenValues": unseen_value_vectors(),
    }


# ---------------------------------------------------------------------------------------------
# ks-exact.json
# ---------------------------------------------------------------------------------------------

# (reference, window) sizes as the monitor meets them: n1 = n2, n1 != n2, coprime and with large gcds,
# both orders, up to SciPy's exact limit of 10,000 per sample.
KS_EXACT_SIZES = [(1000, 300), (300, 1000), (1000, 1000), (1000, 4999), (2000, 7000), (3000, 10000),
                  (5000, 9987), (9987, 5000), (5000, 5000), (5000, 2500), (7919, 10000), (10000, 300),
                  (10000, 3001), (10000, 9999), (10000, 10000), (4096, 1024), (6000, 4000)]
# lambda = D * sqrt(n1 n2 / (n1 + n2)): from no drift (p ~ 1) through p ~ 1e-3 to p far below 1e-300.
KS_EXACT_LAMBDAS = [0.3, 0.6, 0.9, 1.2, 1.5, 1.7, 1.9, 2.1, 2.4, 3.0, 5.0, 8.0]
KS_EXACT_DS = [0.25, 0.5, 1.0]


def ks_exact_pvalues() -> list:
    """ks_2samp's p-value (method 'auto', both samples <= 10,000: the exact path) for given (n1, n2, D)."""
    out = []
    for n1, n2 in KS_EXACT_SIZES:
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        en = n1 * n2 / (n1 + n2)
        ds = [1 / lcm] + [lam / math.sqrt(en) for lam in KS_EXACT_LAMBDAS] + KS_EXACT_DS
        for d in sorted(set(min(d, 1.0) for d in ds)):
            ok, dd, p = stats._stats_py._attempt_exact_2kssamp(n1, n2, g, d, "two-sided")
            method = "exact"
            if not ok:  # what ks_2samp then does: the asymptotic distribution at the snapped D
                m, n = sorted([float(n1), float(n2)], reverse=True)
                p = stats.kstwo.sf(dd, np.round(m * n / (m + n)))
                method = "asymp"
            out.append({"n1": n1, "n2": n2, "d": dd, "pValue": f(p), "method": method})
    return out


def ks_exact_samples() -> list:
    """ks_2samp on tied samples of the monitor's sizes (values rounded to few digits), exact path."""
    rng = np.random.default_rng(SEED + 1)  # its own stream: the other files' draws are unchanged
    out = []
    for name, n1, n2, shift, digits in [("monitor-no-drift", 5000, 9987, 0.0, 2),
                                        ("monitor-small-window", 1000, 300, 0.1, 1),
                                        ("monitor-drift", 5000, 8000, 0.15, 2),
                                        ("reference-10k-window-3001", 10000, 3001, 0.03, 2),
                                        ("equal-sizes-ties", 2000, 2000, 0.05, 1)]:
        a = rounded(rng.normal(0.0, 1.0, n1), digits)
        b = rounded(rng.normal(shift, 1.0, n2), digits)
        r = stats.ks_2samp(a, b)
        out.append({"name": name, "reference": floats(a), "current": floats(b),
                    "statistic": f(r.statistic), "pValue": f(r.pvalue),
                    "sign": int(r.statistic_sign), "location": f(r.statistic_location)})
    return out


def ks_exact_vectors() -> dict:
    return {"pValues": ks_exact_pvalues(), "ks2samp": ks_exact_samples()}


# ---------------------------------------------------------------------------------------------
# detectors.json
# ---------------------------------------------------------------------------------------------


def binary_streams(rng: np.random.Generator) -> dict:
    def bern(p, n):
        return (rng.uniform(size=n) < p).astype(int)

    n = 4000
    gradual_p = np.concatenate([np.full(1500, 0.1), np.linspace(0.1, 0.45, 1000), np.full(1500, 0.45)])
    return {
        "abrupt": np.concatenate([bern(0.1, 2000), bern(0.4, 2000)]),
        "gradual": (rng.uniform(size=n) < gradual_p).astype(int),
        "no-drift": bern(0.2, n),
        "noisy": np.concatenate([bern(0.3, 1000), bern(0.45, 1000), bern(0.25, 1000), bern(0.5, 1000)]),
        "recurring": np.concatenate([bern(0.05, 800), bern(0.5, 800), bern(0.05, 800), bern(0.5, 800),
                                     bern(0.05, 800)]),
    }


def real_streams(rng: np.random.Generator) -> dict:
    n = 4000
    mix = np.concatenate([np.zeros(1500), np.linspace(0, 1, 1000), np.ones(1500)])
    gradual = np.where(rng.uniform(size=n) < mix, rng.normal(1.5, 1, n), rng.normal(0, 1, n))
    noisy = np.concatenate([rng.standard_t(2, 2000), rng.standard_t(2, 2000) + 0.8])
    return {
        "abrupt": rounded(np.concatenate([rng.normal(0, 1, 2000), rng.normal(2, 1, 2000)])),
        "gradual": rounded(gradual),
        "no-drift": rounded(rng.normal(0.5, 1, n)),
        "noisy": rounded(noisy),
        "variance": rounded(np.concatenate([rng.normal(0, 1, 2000), rng.normal(0, 3, 2000)])),
        "bounded": rounded(np.concatenate([rng.beta(2, 5, 2000), rng.beta(5, 2, 2000)])),
        # Long stream with several shifts of different sizes: exercises ADWIN's bucket rows and cuts.
        "long": rounded(np.concatenate([rng.normal(m, 1, 5000) for m in [0, 0.3, 0.3, 1.0, -0.5, -0.4]]), 4),
    }


def run(detector, stream) -> dict:
    drifts, warnings = [], []
    for i, x in enumerate(stream):
        detector.update(x)
        if detector.drift_detected:
            drifts.append(i)
        if getattr(detector, "warning_detected", False):
            warnings.append(i)
    return {"drifts": drifts, "warnings": warnings}


def detector_vectors() -> dict:
    rng = np.random.default_rng(SEED + 1)
    binary = binary_streams(rng)
    real = real_streams(rng)
    # River's ADWIN docstring example, stream drawn from Python's random.
    prng = random.Random(12345)
    river_example = prng.choices([0, 1], k=1000) + prng.choices(range(4, 8), k=1000)

    runs = []

    def add(detector_name, params, make, kind, stream_name, stream):
        result = run(make(), [int(x) if kind == "binary" else float(x) for x in stream])
        runs.append({"detector": detector_name, "params": params, "stream": f"{kind}/{stream_name}", **result})

    for name, stream in binary.items():
        add("DDM", {}, drift.binary.DDM, "binary", name, stream)
        add("EDDM", {}, drift.binary.EDDM, "binary", name, stream)
        add("HDDM_A", {}, drift.binary.HDDMA, "binary", name, stream)
        add("HDDM_A", {"twoSidedTest": True}, lambda: drift.binary.HDDMA(two_sided_test=True), "binary", name, stream)
        add("HDDM_W", {}, drift.binary.HDDMW, "binary", name, stream)
        add("HDDM_W", {"twoSidedTest": True}, lambda: drift.binary.HDDMW(two_sided_test=True), "binary", name,
            stream)
        add("ADWIN", {}, drift.ADWIN, "binary", name, stream)
        add("PageHinkley", {}, drift.PageHinkley, "binary", name, stream)
    for name, stream in real.items():
        add("ADWIN", {}, drift.ADWIN, "real", name, stream)
        add("ADWIN", {"clock": 1}, lambda: drift.ADWIN(clock=1), "real", name, stream)
        add("PageHinkley", {}, drift.PageHinkley, "real", name, stream)
        add("PageHinkley", {"mode": "up", "threshold": 20}, lambda: drift.PageHinkley(mode="up", threshold=20),
            "real", name, stream)
        add("KSWIN", {"seed": 42}, lambda: drift.KSWIN(seed=42), "real", name, stream)
        add("KSWIN", {"seed": 7, "windowSize": 150, "statSize": 40},
            lambda: drift.KSWIN(seed=7, window_size=150, stat_size=40), "real", name, stream)
    add("HDDM_W", {}, drift.binary.HDDMW, "real", "bounded", real["bounded"])
    add("ADWIN", {}, drift.ADWIN, "real", "river-example", river_example)

    streams = {f"binary/{k}": "".join(str(int(x)) for x in v) for k, v in binary.items()}
    streams.update({f"real/{k}": floats(v) for k, v in real.items()})
    streams["real/river-example"] = [float(x) for x in river_example]

    # Python's Mersenne Twister as KSWIN uses it: random.Random(seed).sample(range(n), k), repeatedly.
    draws = []
    for seed, n, k in [(42, 70, 30), (7, 110, 40), (0, 70, 30), (123456789012, 70, 30), (5, 1000, 10)]:
        r = random.Random(seed)
        draws.append({"seed": seed, "population": n, "k": k, "samples": [r.sample(range(n), k) for _ in range(3)],
                      "next32": r.getrandbits(32)})
    return {"streams": streams, "runs": runs, "pythonRandom": draws}


FILES = {
    "special.json": special_vectors,
    "statistics.json": statistics_vectors,
    "ks-exact.json": ks_exact_vectors,
    "detectors.json": detector_vectors,
}


def main(names: list[str]) -> None:
    unknown = [n for n in names if n not in FILES]
    if unknown:
        sys.exit(f"unknown vector file(s) {unknown}; known: {list(FILES)}")
    for name, build in FILES.items():
        if not names or name in names:
            write(name, build())


if __name__ == "__main__":
    main(sys.argv[1:])
