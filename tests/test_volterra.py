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


r_st = st.one_of(st.floats(0.02, 0.95), st.floats(1.05, 6.0))  # both sides of r = d/n = 1


@settings(deadline=None, derandomize=True, max_examples=40)
@given(r=r_st, frac=st.floats(0.001, 0.999))
@example(r=0.02, frac=0.001)
@example(r=0.95, frac=0.999)
@example(r=4.0, frac=0.5)
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
    k, km = float(G.volterra_kernel_term(g, lam, 0.1, 1.0, n)), float(GM.volterra_kernel_term(g, lam, 0.1, 1.0, n))
    assert abs(k - km) <= 1e-13 * km + 1e-300


@pytest.mark.parametrize("fn,args,msg", [
    (G.gamma_star_mp, (-1.2,), "r must be > 0"),
    (G.lambda_star_mp, (1.0, 0.25), "supercritical"),
    (G.lambda_star_mp, (9.0, 0.25), "convergent"),
    (G.volterra_kernel_term, (1.0, -1.0, 0.0, 1.0, 10), "lam must be >= 0"),
    (G.kernel_mass_term, (1.0, 1.0, 0.0, 2.5), "whole number"),
    (G.psi_limit, (1.0, 3.0, 0.1), "threshold"),
    (G.sgdm_kernel_mass_term, (1.0, 0.5, 0.5, 10.0, 3), "heavy ball stable"),
    (G.ar2_sq_genfun, (0.5, 1.2, 0.5), "Delta < 1"),
    (GM.gamma_star_mp, (0,), "r must be > 0"),
    (G.gamma_threshold, ("x",), "real number"),
])
def test_guards_raise(fn, args, msg):
    with pytest.raises(ValueError, match=msg):
        fn(*args)


def test_gamma_star_values():
    # r = 1/4: gamma_* = 2/(1/2 * 3/4) = 16/3; threshold 2/r = 8
    assert G.gamma_star_mp(0.25) == pytest.approx(16 / 3, rel=1e-15)
    assert G.gamma_threshold_mp(0.25) == pytest.approx(8.0, rel=1e-15)


def test_printed_gamma_star_is_the_derived_critical_stepsize():
    """The printed gamma_* (printed.py) is the root of the derived pole condition at the edge."""
    import sympy as sp

    from derivations.volterra import derive as D
    from derivations.volterra import printed as P

    assert sp.simplify(P.gamma_star - D.critical_stepsize()) == 0
    assert sp.simplify(P.volterra_kernel_term - D.volterra_kernel_term()) == 0


def test_sgd_engine_matches_enumeration_exact():
    """Exact rationals: the moment recursion equals the average over all 3^k index sequences."""
    from fractions import Fraction

    A, b, x0 = E.frac_problem()
    delta, gam = Fraction(1, 4), Fraction(1, 5)
    xt = E.frac_solve(A.T @ A + delta * np.eye(2, dtype=int).astype(object), A.T @ b)
    assert list(E.sgd_exact_expected_loss(A, b, x0, delta, gam, 3, x_tilde=xt)) == \
        E.sgd_enumerate_expected_loss(A, b, x0, delta, gam, 3)


def test_convolution_kernel_argument():
    """volterra_convolution with the generated kernel passed explicitly equals its default."""
    A, b, x0 = E.make_problem(30, 10, 1)
    S = E.spectral(A, b, x0, 0.1)
    _, p0 = E.volterra_convolution(S, 1.0, 1.0, 20)
    _, p1 = E.volterra_convolution(S, 1.0, 1.0, 20, kernel_term=G.volterra_kernel_term)
    _, p2 = E.volterra_convolution(S, 1.0, 1.0, 20, kernel_term=lambda g, l, d, u, n: 2 * G.volterra_kernel_term(g, l, d, u, n))
    assert np.array_equal(p0, p1)
    assert np.all(p2[1:] > p0[1:])


def test_sgdm_kernel_mass_is_genfun_at_one():
    """The kernel mass (generated sum of per-eigenvalue terms) equals the generating function of
    the rate computation at q = 1, and the sum of the direct series sum_s coef H(s)."""
    lam = np.array([0.3, 1.0, 2.2])
    n, g, zeta, Dl = 7, 0.8, 0.3, 0.4
    a = 1 + Dl - g * zeta * lam
    via_gf = G.sgdm_noise_coefficient(g, zeta) * np.sum(lam**2 * G.ar2_sq_genfun(a, Dl, 1.0)) / n
    h = [np.ones_like(lam), a]
    for _ in range(4000):
        h.append(a * h[-1] - Dl * h[-2])
    direct = G.sgdm_noise_coefficient(g, zeta) * np.sum(np.array(h) ** 2 @ lam**2) / n
    assert E.sgdm_kernel_mass(lam, n, g, zeta, Dl) == pytest.approx(via_gf, rel=1e-12)
    assert direct == pytest.approx(via_gf, rel=1e-10)


def test_sgd_engine_matches_enumeration_float():
    A, b, x0 = E.make_problem(3, 2, 0)
    ex = E.sgd_exact_expected_loss(A, b, x0, 0.3, 0.7, 3)
    en = E.sgd_enumerate_expected_loss(A, b, x0, 0.3, 0.7, 3)
    assert np.allclose(ex, en, rtol=1e-12, atol=0)


def test_harness_torch_recursion_is_the_engine_recursion():
    """The harness runs the engine's step (``sgd_moment_step``) on torch tensors: same float64
    operations, so agreement to round-off (1e-12 relative; bit-identical on the CPU here)."""
    from verify.topics.volterra.montecarlo import exact_sgd_torch

    A, b, x0 = E.make_problem(30, 8, 0)
    for delta in (0.0, 0.1):
        ex = E.sgd_exact_expected_loss(A, b, x0, delta, 0.5, 90, 30)
        th = exact_sgd_torch(A, b, x0, delta, 0.5, 90, 30, "cpu")
        assert np.allclose(th, ex, rtol=1e-12, atol=0)


def test_engine_bad_input():
    with pytest.raises(ValueError):
        E.make_problem(0, 3, 1)
    with pytest.raises(ValueError):
        E.spectral(np.ones((3, 2)), np.ones(4), np.zeros(2))
    with pytest.raises(ValueError):
        E.sgdm_exact_expected_loss(np.ones((3, 2)), np.ones(3), np.zeros(2), 0.1, 1.5, 0.5, 3)
    with pytest.raises(ValueError):
        E.mp_quadrature(-1.5, 10)  # r > 1 is allowed since issue 16 (continuous part of the law)
    with pytest.raises(ValueError):
        E.sgdm_single_exact_expected_loss(np.ones((3, 2)), np.ones(3), np.zeros(2), 0.1, 0.0, 3)


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


def test_montecarlo_imports_no_claims():
    """The experiment module does not depend on the checks (shared data lives in the engine)."""
    import ast
    import inspect

    from verify.topics.volterra import montecarlo

    tree = ast.parse(inspect.getsource(montecarlo))
    names = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any("claims" in m or "printed" in m for m in names), names


@pytest.mark.slow
def test_harness_quick(tmp_path):
    from verify.harness import HarnessConfig, run_topic

    rep = run_topic("volterra", HarnessConfig(device="cpu", quick=True), out_dir=tmp_path)
    assert (Path(tmp_path) / "harness_volterra.json").exists()
    assert rep["decision"]["passed"], rep["decision"]


# ----------------------------------------------------------------- issue 16: new engines
def test_sgdm_single_reduces_to_sgd_without_momentum():
    """theta = 1 (no momentum): single-sample SGD+M is SGD with the same step."""
    A, b, x0 = E.make_problem(12, 4, 2)
    x0 = np.ones(4)
    m = E.sgdm_single_exact_expected_loss(A, b, x0, 0.3, 1.0, 24, record_every=3)
    s = E.sgd_exact_expected_loss(A, b, x0, 0.0, 0.3, 24, record_every=3)
    assert np.allclose(m, s, rtol=1e-12, atol=0)


def test_sgdm_single_matches_enumeration():
    """Exact moments vs brute force over all n^k index sequences (n = 3, k = 4, momentum 1 - theta = 0.6)."""
    from itertools import product

    A, b, x0 = E.make_problem(3, 2, 5)
    x0 = np.array([1.0, -0.5])
    step, theta, k = 0.4, 0.4, 4
    ex = E.sgdm_single_exact_expected_loss(A, b, x0, step, theta, k)
    for j in range(k + 1):
        tot = 0.0
        for seq in product(range(3), repeat=j):
            x, y = x0.copy(), np.zeros(2)
            for i in seq:
                y = (1 - theta) * y + step * A[i] * (A[i] @ x - b[i])
                x = x - y
            tot += 0.5 * float((A @ x - b) @ (A @ x - b))
        assert abs(tot / 3**j - ex[j]) <= 1e-12 * abs(ex[j])


def test_homogenized_quadratic_means_loss_is_psi():
    A, b, x0 = E.make_problem(40, 20, 4)
    S = E.spectral(A, b, x0, 0.1)
    tg = np.linspace(0.0, 2.0, 5)
    out = E.homogenized_quadratic_means(A, b, x0, 0.1, 1.0, tg, {"L": (A.T @ A, -A.T @ b, 0.5 * float(b @ b))})
    assert np.allclose(out["L"], out["psi"], rtol=1e-12)
    assert np.allclose(out["psi"], E.volterra_ode(S, 1.0, tg), rtol=1e-8)


def test_sgd_simulate_is_seeded():
    A, b, x0 = E.make_problem(20, 5, 1)
    X1 = E.sgd_simulate(A, b, x0, 0.0, 0.5, 40, 8, seed=3)
    X2 = E.sgd_simulate(A, b, x0, 0.0, 0.5, 40, 8, seed=3)
    assert X1.shape == (8, 5) and np.array_equal(X1, X2)


@pytest.mark.parametrize("r", [1.5, 2.0, 4.0])
def test_mp_quadrature_above_one_has_mass_one_over_r(r):
    """r > 1: the nodes cover the continuous part of the law, mass 1/r, mean 1 (the atom at 0 adds nothing)."""
    x, w = E.mp_quadrature(r, 200)
    assert abs(w.sum() - 1 / r) < 1e-4  # Gauss-Chebyshev on a non-polynomial integrand (no factor x)
    assert abs((w * x).sum() - 1) < 1e-12  # exact: x * polynomial


def test_singular_hessian_T2_is_trace_over_n():
    A, b, x0 = E.make_problem(10, 20, 1)
    S = E.spectral(A, b, x0, 0.0)
    assert np.isfinite(S.T2) and abs(S.T2 - np.trace(A.T @ A) / 10) < 1e-12
