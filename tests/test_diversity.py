"""Tests for paper 002 (gradient diversity): generated checkers, guards, printed bounds within
their hypotheses (the verdicts are in tests/expected/diversity.tsv)."""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
import sympy as sp
from hypothesis import strategies as st

import verify.generated.diversity as gen
import verify.generated.diversity_mp as genmp
from derivations.diversity import derive as D
from derivations.diversity import printed as P


@pytest.fixture(autouse=True)
def _reset():
    mpmath.mp.dps = 15
    yield
    mpmath.mp.dps = 15


def _printed_fn(expr, args):
    """A printed formula (the thing under test) as a numpy function, for property tests."""
    return sp.lambdify(args, expr)


# ----------------------------------------------------------------------------- guards
@pytest.mark.parametrize("fn,args,msg", [
    (gen.minibatch_second_moment, (2.5, 1.0, 1.0), "B must be an integer"),
    (gen.second_moment_from_batch_mean, (4, -1.0, 0.5), "Q >= 0"),
    (gen.batch_size_bound_from_moments, (1.0, 0.0), "G > 0"),
    (gen.batch_size_bound_from_sums, (3, 1.0, -1.0), "S + C > 0"),
    (gen.dropout_batch_size_bound, (3, 1.0, 0.5, 1.0), "p < 1"),
    (gen.bound_strongly_convex, (10, 1, 1, 1, 1, 1, 0), "B <= 1/(2 gamma lam)"),
    (gen.updates_strongly_convex_theorem, (2, 1, 3.0, 1.0, 0), "eps < 2 D0"),
    (gen.dropout_denominator, (1.0, 0.5, 1.0), "p < 1"),
    (gen.sgld_batch_size_bound, (3, 1.0, 0.0, 2, -0.1), "v >= 0"),
    (genmp.batch_size_bound_from_moments, (1.0, 0.0), "G > 0"),
    (gen.quantizer_second_moment, (float("nan"), 1.0), "finite"),
])
def test_guards_raise_valueerror(fn, args, msg):
    import re

    with pytest.raises(ValueError, match=re.escape(msg)):
        fn(*args)


# ------------------------------------------------- generated numpy vs mpmath (50 digits)
def _rel(a, b):
    return abs(float(a) - float(b)) / max(abs(float(b)), 1e-300)


@settings(deadline=None, derandomize=True, max_examples=60)
@given(M2=st.floats(0.1, 100), lam=st.floats(0.05, 5), eps=st.floats(1e-4, 0.5),
       D0=st.floats(1.0, 50), delta=st.floats(0, 10))
@example(M2=1.0, lam=1.0, eps=1e-4, D0=1.0, delta=0.0)
def test_update_counts_numpy_matches_mpmath(M2, lam, eps, D0, delta):
    """numpy vs mpmath at 50 digits: rel. error <= 1e-12 (a handful of flops and one log)."""
    mpmath.mp.dps = 50
    for f, fm in [(gen.updates_strongly_convex_table1, genmp.updates_strongly_convex_table1)]:
        assert _rel(f(M2, lam, eps, D0, delta), fm(M2, lam, eps, D0, delta)) < 1e-12
    assert _rel(gen.updates_convex_table1(M2, eps, D0, delta), genmp.updates_convex_table1(M2, eps, D0, delta)) < 1e-12
    # table 1: mini-batch count = (1 + delta) x serial count (all four rows)
    assert math.isclose(gen.updates_strongly_convex_table1(M2, lam, eps, D0, delta),
                        (1 + delta) * gen.updates_strongly_convex_theorem(M2, lam, eps, D0, 0.0), rel_tol=1e-12)
    assert math.isclose(gen.updates_pl_table1(M2, lam, lam, eps, D0, delta),
                        (1 + delta) * gen.updates_pl_theorem(M2, lam, lam, eps, D0, 0.0), rel_tol=1e-12)


@settings(deadline=None, derandomize=True, max_examples=40)
@given(M2=st.floats(0.1, 10), lam=st.floats(0.1, 2), eps=st.floats(1e-3, 0.2), delta=st.floats(0, 5),
       B=st.integers(1, 8))
def test_theorem4_bound_at_printed_T_equals_guarantee(M2, lam, eps, delta, B):
    """Plugging Theorem 4's step and T into the derived bound gives exactly (1 + delta/2) eps."""
    D0 = 1.0
    gamma = eps * lam / M2
    if 2 * gamma * lam * B > 1:
        return
    T = gen.updates_strongly_convex_theorem(M2, lam, eps, D0, delta)
    val = gen.bound_strongly_convex(T, gamma, lam, B, D0, M2, delta)
    assert math.isclose(val, (1 + delta / 2) * eps, rel_tol=1e-10)


# ------------------------------------------------------ Lemma 1 against exact enumeration
@settings(deadline=None, derandomize=True, max_examples=25)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 4), B=st.integers(1, 4), gamma=st.floats(0.01, 1.0))
@example(seed=0, n=1, B=1, gamma=0.5)
def test_lemma1_generated_matches_enumeration(seed, n, B, gamma):
    rng = np.random.default_rng(seed)
    d = 3
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    w, ws = rng.normal(size=d), rng.normal(size=d)
    g = (X @ w - y)[:, None] * X
    E = np.mean([((w - gamma * g[list(t)].sum(0) - ws) ** 2).sum()
                 for t in itertools.product(range(n), repeat=B)])
    M2 = (g * g).sum(1).mean()
    G = (g.mean(0) ** 2).sum()
    pred = gen.lemma1_expected_distance(((w - ws) ** 2).sum(), g.mean(0) @ (w - ws), gamma, B, M2, G)
    assert math.isclose(E, pred, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(gen.minibatch_second_moment(B, M2, G),
                        np.mean([(g[list(t)].sum(0) ** 2).sum() for t in itertools.product(range(n), repeat=B)]),
                        rel_tol=1e-9, abs_tol=1e-12)


# ------------------------------------------------- Theorems 1-2 within their hypotheses
@settings(deadline=None, derandomize=True, max_examples=80)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 12), d=st.integers(1, 6))
def test_theorem1_no_counterexample(seed, n, d):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 3, size=(n, 1))
    a = rng.standard_t(2, size=n)  # heavy-tailed coefficients l_i'(x_i^T w)
    g = a[:, None] * X
    T = (g.sum(0) ** 2).sum()
    if T < 1e-10:
        return
    S = (g * g).sum()
    bs = gen.batch_size_bound_from_sums(n, S, T - S)
    bound = _printed_fn(P.theorem1_bound, (D.n, D.minrow2, D.smax2))(n, (X * X).sum(1).min(),
                                                                     np.linalg.norm(X, 2) ** 2)
    assert bs >= bound * (1 - 1e-9)


@settings(deadline=None, derandomize=True, max_examples=80)
@given(seed=st.integers(0, 100_000), n=st.integers(2, 10), d=st.integers(2, 10))
def test_theorem2_no_counterexample(seed, n, d):
    rng = np.random.default_rng(seed)
    g = np.zeros((n, d))
    sup = []
    for i in range(n):
        s = rng.choice(d, size=int(rng.integers(1, min(3, d) + 1)), replace=False)
        g[i, s] = np.abs(rng.normal(size=len(s))) + 0.1  # positive values: worst case
        sup.append(set(s.tolist()))
    deg = [sum(1 for j in range(n) if j != i and sup[i] & sup[j]) for i in range(n)]
    S, T = (g * g).sum(), (g.sum(0) ** 2).sum()
    bound = _printed_fn(P.theorem2_bound, (D.n, D.rho))(n, max(deg))
    assert gen.batch_size_bound_from_sums(n, S, T - S) >= bound * (1 - 1e-9)


# -------------------------------------------------- DIM moments against exact enumeration
@settings(deadline=None, derandomize=True, max_examples=30)
@given(seed=st.integers(0, 100_000), n=st.integers(2, 4), p=st.floats(0.05, 0.95))
def test_dropout_bound_matches_mask_enumeration(seed, n, p):
    rng = np.random.default_rng(seed)
    d = 2
    g = rng.normal(size=(n, d)) + 1.0
    num = den = 0.0
    for masks in itertools.product(itertools.product((0, 1), repeat=d), repeat=n):
        m = np.array(masks, float)
        pr = np.prod(np.where(m == 1, 1 - p, p))
        gd = m * g
        num += pr * (gd * gd).sum()
        den += pr * (gd.sum(0) ** 2).sum()
    S, T = (g * g).sum(), (g.sum(0) ** 2).sum()
    assert math.isclose(n * num / den, gen.dropout_batch_size_bound(n, S, T - S, p), rel_tol=1e-9)


@settings(deadline=None, derandomize=True, max_examples=40)
@given(v=st.lists(st.floats(-5, 5).filter(lambda x: abs(x) > 1e-3), min_size=1, max_size=5))
@example(v=[2.0])
def test_quantizer_second_moment_matches_enumeration(v):
    v = np.array(v)
    nrm = np.linalg.norm(v)
    pr1 = np.abs(v) / nrm
    E = 0.0
    for eta in itertools.product((0, 1), repeat=len(v)):
        e = np.array(eta)
        pr = np.prod(np.where(e == 1, pr1, 1 - pr1))
        E += pr * (nrm**2 * e).sum()
    assert math.isclose(E, gen.quantizer_second_moment(nrm, np.abs(v).sum()), rel_tol=1e-9)


def test_noise_scale_relation_numeric():
    rng = np.random.default_rng(7)
    g = rng.normal(size=(50, 5)) + 0.3
    bs = (g * g).sum(1).mean() / (g.mean(0) ** 2).sum()
    bsimple = np.trace(np.cov(g.T, bias=True)) / (g.mean(0) ** 2).sum()
    assert math.isclose(gen.noise_scale_from_batch_size_bound(bs), bsimple, rel_tol=1e-10)


def test_two_batch_m2_inversion_is_unbiased_by_enumeration():
    """E over all pairs of with-replacement batches of b (||g_A||^2+||g_A'||^2)/2 and <g_A, g_A'>,
    fed to the generated inversion, gives M2 exactly (n = 3, b = 2, enumeration)."""
    rng = np.random.default_rng(11)
    g = rng.normal(size=(3, 2))
    batches = list(itertools.product(range(3), repeat=2))
    means = [g[list(t)].mean(0) for t in batches]
    Q = np.mean([(m * m).sum() for m in means])
    Gh = np.mean([a @ b for a in means for b in means])
    M2 = (g * g).sum(1).mean()
    assert math.isclose(gen.second_moment_from_batch_mean(2, Q, Gh), M2, rel_tol=1e-12)
    assert math.isclose(Gh, (g.mean(0) ** 2).sum(), rel_tol=1e-12)


def test_stability_moments_given_I_match_brute_force_enumeration():
    """The leave-one-out moments of E.2 (I uniform; given I, indices uniform on [n] minus {I}) against a
    direct enumeration of (I, s, s') with random rational differences that depend on I."""
    rng = np.random.default_rng(7)
    for nn in (2, 3, 4):
        diffs = [[[sp.Rational(int(v), 3) for v in rng.integers(-3, 4, size=2)] for _ in range(nn)]
                 for _ in range(nn)]
        mom = D.stability_moments_given_I(diffs)
        sq = cross = sp.Integer(0)
        for I in range(nn):
            others = [u for u in range(nn) if u != I]
            for s in others:
                sq += sum(c * c for c in diffs[I][s]) / (nn * (nn - 1))
                for s2 in others:
                    cross += sum(a * b for a, b in zip(diffs[I][s], diffs[I][s2])) / (nn * (nn - 1) ** 2)
        assert mom["E_sq"] == sq and mom["E_cross"] == cross


def test_telescoping_sum_is_symbolic_in_K():
    K = sp.Symbol("K", integer=True, positive=True)
    Q = sp.Function("Q")
    assert sp.simplify(D.telescoping_sum(K) - (Q(K + 1) - Q(1))) == 0
