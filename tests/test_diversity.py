"""Tests for paper 002 (gradient diversity): claims, generated checkers, guards."""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.core.claims import Verdict, registry, run_claims
import verify.generated.diversity as gen
import verify.generated.diversity_mp as genmp

EXPECTED_ERRATA = {"diversity.table1", "diversity.eq23", "diversity.quant_strict"}
EXPECTED_CLAIMS = 21


@pytest.fixture(autouse=True)
def _reset():
    mpmath.mp.dps = 15
    yield
    mpmath.mp.dps = 15


@pytest.fixture(scope="module")
def results():
    return {r.claim.id: r for r in run_claims(registry("diversity"))}


def test_every_claim_has_a_passing_verdict(results):
    bad = {k: r.reason for k, r in results.items() if not r.verdict.ok}
    assert not bad


def test_claim_count(results):
    assert len(results) == EXPECTED_CLAIMS


def test_errata_are_exactly_the_recorded_ones(results):
    assert {k for k, r in results.items() if r.verdict is Verdict.ERRATUM} == EXPECTED_ERRATA


def test_printed_is_computed_and_evidence_nonempty(results):
    for r in results.values():
        assert r.outcome is not None and r.outcome.evidence
        if r.claim.erratum is not None:
            assert r.outcome.printed is False and r.outcome.corrected is True


def test_generated_module_is_fresh():
    """Regenerate this topic's modules in memory and compare with the committed files."""
    from verify.core import codegen

    fresh = codegen.render("diversity")
    for name, text in fresh.items():
        assert (codegen.GENERATED_DIR / name).read_text(encoding="utf-8") == text, name


# ----------------------------------------------------------------------------- guards
@pytest.mark.parametrize("fn,args,msg", [
    (gen.theorem2_bound, (3, -1), "rho >= 0"),
    (gen.theorem2_bound, (2.5, 1), "n must be an integer"),
    (gen.batch_size_bound_from_moments, (1.0, 0.0), "G > 0"),
    (gen.batch_size_bound_from_sums, (3, 1.0, -1.0), "S + C > 0"),
    (gen.dropout_batch_size_bound, (3, 1.0, 0.5, 1.0), "p < 1"),
    (gen.bound_strongly_convex, (10, 1, 1, 1, 1, 1, 0), "B <= 1/(2 gamma lam)"),
    (gen.updates_strongly_convex_theorem, (2, 1, 3.0, 1.0, 0), "eps < 2 D0"),
    (gen.stability_step_size_convex, (1.0, 1, 1, 1.0), "n >= 2"),
    (gen.sgld_batch_size_bound, (3, 1.0, 0.0, 2, -0.1), "v >= 0"),
    (genmp.theorem1_bound, (3, 1.0, 0.0), "smax2 > 0"),
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
    bound = gen.theorem1_bound(n, (X * X).sum(1).min(), np.linalg.norm(X, 2) ** 2)
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
    assert gen.batch_size_bound_from_sums(n, S, T - S) >= gen.theorem2_bound(n, max(deg)) * (1 - 1e-9)


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


def test_stability_conditions_at_B1():
    assert math.isclose(gen.stability_step_size_convex(3.0, 10, 1, 7.0), 2 / 3.0)
    assert math.isclose(gen.stability_step_size_strongly_convex(3.0, 1.0, 10, 1, 7.0), 0.5)
