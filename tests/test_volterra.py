"""Tests for topic ``volterra`` (paper 003): generated checkers, engines, claims."""

from __future__ import annotations

import math
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.topics.volterra import engine as E
from verify.generated import volterra as G
from verify.generated import volterra_mp as GM


@pytest.fixture(autouse=True)
def _reset_mp():
    old = mp.mp.dps
    yield
    mp.mp.dps = old


def test_generated_is_fresh():
    from verify.core import codegen

    for name, text in codegen.render("volterra").items():
        assert (codegen.GENERATED_DIR / name).read_text(encoding="utf-8") == text, name


r_st = st.floats(0.02, 0.95)


@settings(deadline=None, derandomize=True, max_examples=40)
@given(r=r_st, frac=st.floats(0.001, 0.999))
@example(r=0.02, frac=0.001)
@example(r=0.95, frac=0.999)
def test_lambda_star_solves_pole_equation(r, frac):
    """lambda*(gamma) in (0, lam_min) solves (gamma r/2) int x^2/(x - lambda*) d mu_MP = 1 (mpmath, 30 digits)."""
    gs, thr = G.gamma_star_mp(r), G.gamma_threshold_mp(r)
    assert gs < thr
    g = gs + frac * (thr - gs)
    ls = G.lambda_star_mp(g, r)
    a, b = (1 - math.sqrt(r)) ** 2, (1 + math.sqrt(r)) ** 2
    assert 0 < ls < a
    mp.mp.dps = 30
    rr, aa, bb, lm = mp.mpf(r), mp.mpf(a), mp.mpf(b), mp.mpf(ls)
    integ = mp.quad(lambda x: x**2 / (x - lm) * mp.sqrt((bb - x) * (x - aa)) / (2 * mp.pi * rr * x), [aa, bb])
    # stated precision: float64 inputs, quadrature at 30 digits -> compare at 1e-9 relative
    assert abs(float(mp.mpf(g) * rr / 2 * integ) - 1) < 1e-9


@settings(deadline=None, derandomize=True, max_examples=60)
@given(g=st.floats(0.01, 3.0), zeta=st.floats(0.01, 0.99), Dl=st.floats(0.0, 0.95), lam=st.floats(0.01, 5.0),
       n=st.integers(1, 10_000))
@example(g=0.01, zeta=0.01, Dl=0.0, lam=0.01, n=1)
def test_numpy_matches_mpmath_twin(g, zeta, Dl, lam, n):
    if g * zeta * lam >= 2 * (1 + Dl):
        return  # outside the export's domain (tested separately)
    mp.mp.dps = 50
    a = float(G.sgdm_kernel_mass_term(g, zeta, Dl, lam, n))
    b = float(GM.sgdm_kernel_mass_term(g, zeta, Dl, lam, n))
    # numpy float64 vs 50-digit mpmath of the same expression: rel. error ~ 1e-15 * condition
    assert abs(a - b) <= 1e-11 * abs(b)
    assert abs(float(G.h2_term(lam, 0.1, g)) - float(GM.h2_term(lam, 0.1, g))) <= 1e-13 * float(GM.h2_term(lam, 0.1, g)) + 1e-300


@pytest.mark.parametrize("fn,args,msg", [
    (G.gamma_star_mp, (1.2,), "r < 1"),
    (G.lambda_star_mp, (1.0, 0.25), "supercritical"),
    (G.lambda_star_mp, (9.0, 0.25), "convergent"),
    (G.h2_term, (-1.0, 0.0, 1.0), "lam must be > 0"),
    (G.kernel_mass_term, (1.0, 1.0, 0.0, 2.5), "whole number"),
    (G.psi_limit, (1.0, 3.0, 0.1), "threshold"),
    (G.sgdm_delta_small_batch, (0.9, 1.0), "Delta < 1"),
    (GM.gamma_star_mp, (0,), "r must be > 0"),
    (G.icr, ("x", 4.0), "real number"),
])
def test_guards_raise(fn, args, msg):
    with pytest.raises(ValueError, match=msg):
        fn(*args)


def test_gamma_star_values():
    # r = 1/4: gamma_* = 2/(1/2 * 3/4) = 16/3; threshold 2/r = 8
    assert G.gamma_star_mp(0.25) == pytest.approx(16 / 3, rel=1e-15)
    assert G.zeta_switch(1.0) == 0.5


def test_sgd_engine_matches_enumeration_float():
    A, b, x0 = E.make_problem(3, 2, 0)
    ex = E.sgd_exact_expected_loss(A, b, x0, 0.3, 0.7, 3)
    en = E.sgd_enumerate_expected_loss(A, b, x0, 0.3, 0.7, 3)
    assert np.allclose(ex, en, rtol=1e-12, atol=0)


def test_harness_torch_recursion_is_the_engine_recursion():
    """The harness runs the engine's step (``sgd_moment_step``) on torch tensors: same float64
    operations, so agreement to round-off (1e-12 relative; bit-identical on the CPU here)."""
    from verify.topics.volterra.montecarlo import _exact_sgd_torch

    A, b, x0 = E.make_problem(30, 8, 0)
    for delta in (0.0, 0.1):
        ex = E.sgd_exact_expected_loss(A, b, x0, delta, 0.5, 90, 30)
        th = _exact_sgd_torch(A, b, x0, delta, 0.5, 90, 30, "cpu")
        assert np.allclose(th, ex, rtol=1e-12, atol=0)


def test_engine_bad_input():
    with pytest.raises(ValueError):
        E.make_problem(0, 3, 1)
    with pytest.raises(ValueError):
        E.spectral(np.ones((3, 2)), np.ones(4), np.zeros(2))
    with pytest.raises(ValueError):
        E.sgdm_exact_expected_loss(np.ones((3, 2)), np.ones(3), np.zeros(2), 0.1, 1.5, 0.5, 3)
    with pytest.raises(ValueError):
        E.mp_quadrature(1.5, 10)


def _mc_sgd(A, b, x0, gamma, steps, R, seed):
    rng = np.random.default_rng(seed)
    n = A.shape[0]
    X = np.tile(x0, (R, 1))
    for _ in range(steps):
        i = rng.integers(0, n, size=R)
        a = A[i]
        X = X - gamma * a * ((a * X).sum(1) - b[i])[:, None]
    Lv = 0.5 * ((X @ A.T - b) ** 2).sum(1)
    return Lv.mean(), Lv.std(ddof=1) / np.sqrt(R)


def test_sgd_engine_vs_monte_carlo_light():
    """z-test (|z| < 4.4, two-sided alpha ~ 1e-5) of MC SGD (2000 replicas) against the exact engine."""
    A, b, x0 = E.make_problem(20, 10, 3)
    ex = E.sgd_exact_expected_loss(A, b, x0, 0.0, 1.0, 30)
    m, se = _mc_sgd(A, b, x0, 1.0, 30, 2000, 9)
    assert abs(m - ex[-1]) / se < 4.4


@pytest.mark.montecarlo
def test_sgd_engine_vs_monte_carlo_heavy():
    A, b, x0 = E.make_problem(60, 30, 4)
    ex = E.sgd_exact_expected_loss(A, b, x0, 0.0, 1.0, 120)
    m, se = _mc_sgd(A, b, x0, 1.0, 120, 40000, 10)
    assert abs(m - ex[-1]) / se < 4.4


def test_volterra_ode_vs_convolution_order():
    A, b, x0 = E.make_problem(40, 20, 2)
    S = E.spectral(A, b, x0, 0.05)
    t1, p1 = E.volterra_convolution(S, 1.0, 1.0, 40)
    t2, p2 = E.volterra_convolution(S, 1.0, 1.0, 80)
    po = E.volterra_ode(S, 1.0, t1)
    order = np.log2(np.max(np.abs(p1 - po)) / np.max(np.abs(p2[::2] - po)))
    assert 1.8 < order < 2.2


def test_claims_all_decided():
    from verify.core.claims import Verdict, registry, run_claims

    res = run_claims(registry("volterra"))
    bad = [(r.claim.id, r.reason) for r in res if not r.verdict.ok]
    assert not bad, bad
    verdicts = {r.claim.id: r.verdict for r in res}
    assert verdicts["volterra.homogenized_sde"] is Verdict.ERRATUM
    assert verdicts["volterra.sgdm_update"] is Verdict.ERRATUM


@pytest.mark.slow
def test_harness_quick(tmp_path):
    from verify.harness import HarnessConfig, run_topic

    rep = run_topic("volterra", HarnessConfig(device="cpu", quick=True), out_dir=tmp_path)
    assert (Path(tmp_path) / "harness_volterra.json").exists()
    assert rep["decision"]["passed"], rep["decision"]
