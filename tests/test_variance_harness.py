"""Tests of the paper-001 Monte-Carlo harness (verify/topics/variance/montecarlo.py).

Light tests check the estimators and the resolution rule on distributions with known
answers, and that the experiment's predictions equal closed forms computed here
independently of the exact engines.  The heavy variant (``-m montecarlo``) runs the
quick harness and requires Holm's decision to pass.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
import torch

from derivations.variance import derive as D
from derivations.variance import printed as P
from verify.core.claims import registry
from verify.harness import HarnessConfig
from verify.topics.variance import montecarlo as V


def test_pareto_k_hat_calibration():
    rng = np.random.default_rng(1)
    R = 65536
    k_exp = V.pareto_k_hat(np.sort(rng.exponential(size=R))[-1000:], R)  # true k = 0
    k_half = V.pareto_k_hat(np.sort(rng.pareto(2.0, R))[-1000:], R)  # Lomax, true k = 1/2
    k_quarter = V.pareto_k_hat(np.sort(rng.pareto(4.0, R))[-1000:], R)  # true k = 1/4
    assert k_exp < 0.15
    assert 0.4 < k_half < 0.7
    assert 0.15 < k_quarter < 0.35
    assert math.isnan(V.pareto_k_hat(np.ones(3), 10))  # too few replicas for a tail fit


def test_var_acc_gaussian_vectors_within_se():
    """var(Z) = tr Cov for Z ~ N(0, diag(1, 4, 9)): true value 14; z-test with the delta SE."""
    g = torch.Generator().manual_seed(5)
    R = 40000
    acc = V.VarAcc(R)
    for _ in range(8):
        Z = torch.randn(R // 8, 3, generator=g, dtype=torch.float64) * torch.tensor([1.0, 2.0, 3.0])
        acc.update(Z)
    res = acc.result()
    assert res["replicas"] == R and res["chunks"] == 8
    # SE of the estimate: sd(||Z||^2)/sqrt(R) = sqrt(2 (1 + 16 + 81))/sqrt(R)
    assert res["sem"] == pytest.approx(math.sqrt(2 * 98 / R), rel=0.05)  # SE-of-SE ~ 1% here
    assert abs(res["estimate"] - 14.0) / res["sem"] < 4.0
    assert res["resolved"]


def test_heavy_tail_is_unresolved():
    """A statistic with Gaussian^8 tails (like the network at b = 1) is flagged, an exponential one is not."""
    rng = np.random.default_rng(2)
    R = 65536
    heavy, light = V.ScalarAcc(R), V.ScalarAcc(R)
    for _ in range(4):
        heavy.update(rng.standard_normal(R // 4) ** 8)
        light.update(rng.exponential(size=R // 4))
    assert not heavy.diagnostics()["resolved"]
    assert heavy.diagnostics()["pareto_k"] > V.PARETO_K_MAX
    assert light.diagnostics()["resolved"]


def test_chunks_cover_replicas():
    for R, K in [(10, 3), (4096, 4096), (65536, 7000), (5, 4)]:
        sizes = [k for _, k in V.chunks(R, K)]
        assert sum(sizes) == R and min(sizes) >= 2 and max(sizes) <= K


@pytest.fixture(scope="module")
def small_run():
    cfg = HarnessConfig(device="cpu", replicas=2048, quick=True, seed=123)
    return V.run(cfg, lambda msg, frac: None)


def test_run_structure(small_run):
    rep = small_run
    assert rep["replicas"] == 2048
    n_rows = sum(len(s["rows"]) for s in rep["linreg"]) + sum(len(s["rows"]) for s in rep["deep_linear"])
    assert len(rep["comparisons"]) + len(rep["unresolved"]) == n_rows
    # every b < n is covered, t in {0, 1, 2}
    for s in rep["linreg"]:
        assert s["b"] == [b for b in V.LINREG_BS if b < s["n"]]
        assert {r["t"] for r in s["rows"]} == {0, 1, 2}
    ids = {c.id for c in registry("variance")}
    for c in rep["comparisons"]:
        assert c["kind"] == "equal" and c["sem"] > 0
    for c in rep["comparisons"] + rep["unresolved"]:
        assert c["claim"] in ids
    assert {c["claim"] for c in rep["comparisons"] + rep["unresolved"]} == {
        "variance.lemma1", "variance.theorem1", "variance.corollary1", "variance.dl_t0", "variance.theorem4"}


def test_linreg_t0_prediction_matches_lemma1(small_run):
    """var(g_0) = c_b ((1/n) sum ||v_i||^2 - ||vbar||^2), v_i = x_i (x_i^T w0 - y_i), computed here in numpy."""
    for si, s in enumerate(V.linreg_settings()):
        _, data, w0, _ = s
        X = np.array([[float(v) for v in r] for r in data.X])
        y = np.array([float(v) for v in data.y])
        w = np.array([float(v) for v in w0])
        v = X * (X @ w - y)[:, None]
        spread = np.mean(np.sum(v**2, 1)) - np.sum(v.mean(0) ** 2)
        rows = [r for r in small_run["linreg"][si]["rows"] if r["t"] == 0 and r["quantity"] == "var_g"]
        assert rows
        for r in rows:
            n, b = data.n, r["b"]
            cb = float(P.c_b.subs({D.n: n, D.b: b}))  # the printed c_b, independent of the engine's
            assert r["predicted"] == pytest.approx(cb * spread, rel=1e-10)
            assert r["claim"] == "variance.lemma1"


def test_deep_linear_t0_prediction_matches_closed_form(small_run):
    """var(g_{0,1}) = (p+1)/b ||W2^T Delta||^2, var(g_{0,2}) = (||Delta W1^T||^2 + ||W1||^2 ||Delta||^2)/b."""
    for si, s in enumerate(V.DL_SETTINGS):
        f = lambda M: np.array([[float(v) for v in r] for r in M])
        W1, W2 = f(s["W1"]), f(s["W2"])
        D = W2 @ W1 - f(s["W2s"]) @ f(s["W1s"])
        p = W1.shape[1]
        for r in small_run["deep_linear"][si]["rows"]:
            if r["t"] != 0:
                continue
            want = ((p + 1) * np.sum((W2.T @ D) ** 2) if r["layer"] == 1
                    else np.sum((D @ W1.T) ** 2) + np.sum(W1**2) * np.sum(D**2)) / r["b"]
            assert r["predicted"] == pytest.approx(want, rel=1e-12)


def test_deep_linear_polynomials_reported(small_run):
    for s in small_run["deep_linear"]:
        for poly in s["polynomials"].values():
            coeffs = [F(c) for c in poly["coefficients"]]
            assert coeffs[0] == 0  # Theorem 4: no constant term
            assert poly["curve"][0] == pytest.approx(float(sum(coeffs)), rel=1e-12)  # b = 1


def test_bad_replicas():
    with pytest.raises(ValueError):
        V.run(HarnessConfig(device="cpu", replicas=2, quick=True), lambda m, f: None)


@pytest.mark.montecarlo
def test_quick_harness_passes(tmp_path):
    from verify.harness import run_topic

    rep = run_topic("variance", HarnessConfig(device="cpu", quick=True), out_dir=tmp_path)
    assert rep["decision"]["n_comparisons"] >= 60
    assert rep["decision"]["passed"], [c["name"] for c in rep["comparisons"] if c["rejected"]]


def test_plan_fixed_before_the_run(small_run):
    """The plan lists every value once; the comparisons are exactly its tested values; the issue's
    false alarm (dims (1,2,2), var(g_(t,2)) at b = 1, t = 2) is planned not tested from exact
    moments, whatever the replica count."""
    plan = {p["name"]: p for p in small_run["plan"]}
    assert len(plan) == len(small_run["plan"]) == len(small_run["comparisons"]) + len(small_run["unresolved"])
    assert {c["name"] for c in small_run["comparisons"]} == {n for n, p in plan.items() if p["status"] == "tested"}
    fa = plan["dims (p,p1,p2)=(1,2,2): var(g_(t,2)|F_0) [b=1, t=2]"]
    assert fa["status"] == "not tested" and fa["moments"].startswith("exact") and fa["needed_replicas"] > 2**40
    for c in small_run["comparisons"]:
        if c["se"] == "exact":  # the exact standard error replaces the sample one
            assert c["sem"] > 0 and c["setting"].startswith("dims (p,p1,p2)=(1,")
