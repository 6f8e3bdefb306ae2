"""Tests for paper 004 (topic ``stationary``): generated checkers, matrix numerics, claims."""

from __future__ import annotations

import random

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.core import codegen
from verify.generated import stationary as G
from verify.generated import stationary_mp as GM
from verify.topics.stationary import engine as N
from verify.topics.stationary.data import random_psd as _psd
from verify.topics.stationary.data import random_spd as _spd


@pytest.fixture(autouse=True)
def _reset_state():
    mpmath.mp.dps = 15
    np.random.seed(0)
    random.seed(0)
    yield
    mpmath.mp.dps = 15


# --- generated code ------------------------------------------------------------
def test_generated_modules_import_only_numpy_or_mpmath():
    for name in ("stationary.py", "stationary_mp.py"):
        text = (codegen.GENERATED_DIR / name).read_text(encoding="utf-8")
        imports = {l.split()[1] for l in text.splitlines() if l.startswith(("import ", "from "))}
        assert imports <= {"numpy", "mpmath", "numbers", "decimal"}  # the standard library's number types
        assert "sympy" not in text.split('"""', 2)[2].split("def ")[0]


# The generated numpy functions are a handful of float64 operations, each correctly
# rounded (rel. error <= 2**-53 each); 1e-13 relative covers < 20 of them with margin.
# The reference is the mpmath twin at 50 digits.
REL_TOL = 1e-13


def _mp(fn, *args):
    with mpmath.workdps(50):
        return float(fn(*[mpmath.mpf(a) for a in args]))


def test_generated_vs_mpmath_grid():
    rng = np.random.default_rng(404)
    fails = []
    for _ in range(300):
        d = 10 ** rng.uniform(-6, 0)
        m = int(rng.integers(1, 4097))
        lam = 10 ** rng.uniform(-4, 2)
        if d * lam >= 1.999:
            d = 1.999 / lam * rng.uniform(0.01, 1)
        s = 10 ** rng.uniform(-8, 4)
        li, lj = 10 ** rng.uniform(-4, 3, 2)
        sij = rng.normal() * s
        cases = [
            (G.lyapunov_eigen_entry, GM.lyapunov_eigen_entry, (sij, li, lj)),
            (G.eq12_excess_loss, GM.eq12_excess_loss, (d, m, s)),
            (G.eq13_excess_grad_sq, GM.eq13_excess_grad_sq, (d, m, s * lam)),
            (G.eq6_excess_loss, GM.eq6_excess_loss, (d, m, lam)),
            (G.discrete_mode_second_moment, GM.discrete_mode_second_moment, (d, m, s, lam)),
            (G.discrete_mode_excess_loss, GM.discrete_mode_excess_loss, (d, m, s, lam)),
            (G.sde_relative_error_mode, GM.sde_relative_error_mode, (d, lam)),
        ]
        for f, fm, args in cases:
            ref = _mp(fm, *args)
            got = float(f(*args))
            if abs(got - ref) > REL_TOL * abs(ref):
                fails.append((f.__name__, args, got, ref))
    assert not fails, fails[:5]


def test_generated_broadcasts():
    out = G.eq12_excess_loss(np.array([0.1, 0.2]), 4, np.array([[1.0], [2.0]]))
    assert out.shape == (2, 2) and out.dtype == np.float64
    assert np.allclose(out, [[0.1 / 16, 0.2 / 16], [0.2 / 16, 0.4 / 16]], rtol=1e-15)


@pytest.mark.parametrize("fn,args,msg", [
    (G.eq12_excess_loss, (0.0, 4, 1.0), "delta > 0"),
    (G.eq12_excess_loss, (0.1, 2.5, 1.0), "integer"),
    (G.eq12_excess_loss, (0.1, 0, 1.0), "m >= 1"),
    (G.eq12_excess_loss, (0.1, 4, -1.0), "tr_sigma2 >= 0"),
    (G.eq12_excess_loss, (np.nan, 4, 1.0), "finite"),
    (G.eq12_excess_loss, ("x", 4, 1.0), "real number"),
    (G.eq13_excess_grad_sq, (0.1, 4, -0.5), "tr_sigma2_H >= 0"),
    (G.eq6_excess_loss, (0.1, 4, 0.0), "tr_H > 0"),
    (G.lyapunov_eigen_entry, (1.0, 0.0, 1.0), "lam_i > 0"),
    (G.lyapunov_eigen_entry, (1.0, 1.0, -2.0), "lam_j > 0"),
    (G.discrete_mode_excess_loss, (1.0, 1, 1.0, 2.0), "delta*lam < 2"),
    (G.discrete_mode_second_moment, (0.1, 1, -1.0, 2.0), "s >= 0"),
    (G.sde_relative_error_mode, (0.5, 4.0), "delta*lam < 2"),
    (GM.eq12_excess_loss, (0.1, 0, 1.0), "m >= 1"),
    (GM.discrete_mode_excess_loss, (1.0, 1, 1.0, 2.0), "delta*lam < 2"),
])
def test_generated_guards(fn, args, msg):
    with pytest.raises(ValueError, match=msg.replace("*", r"\*")):
        fn(*args)


# --- matrix numerics: validation ---------------------------------------------------------
@pytest.mark.parametrize("call,msg", [
    (lambda: N.lyapunov_continuous([[1, 2], [0, 1]], np.eye(2)), "symmetric"),
    (lambda: N.lyapunov_continuous([[1, 0], [0, -1]], np.eye(2)), "positive definite"),
    (lambda: N.lyapunov_continuous(np.eye(2), [[1, 0], [0, -1]]), "semidefinite"),
    (lambda: N.lyapunov_continuous(np.eye(2), np.eye(3)), "2 x 2"),
    (lambda: N.lyapunov_continuous(np.ones(3), np.eye(3)), "square"),
    (lambda: N.lyapunov_continuous([[np.inf]], [[1.0]]), "finite"),
    (lambda: N.eq12_prediction(np.eye(2), -0.1, 1), "delta"),
    (lambda: N.eq12_prediction(np.eye(2), 0.1, 1.5), "batch size"),
    (lambda: N.gaussian_discrete_cov(np.eye(2) * 4, np.eye(2), 0.5, 1), "unstable"),
    (lambda: N.least_squares_problem(np.ones((3, 2)), np.ones(3)), "full column rank"),
    (lambda: N.least_squares_problem(np.ones((3, 2)), np.ones(4)), "n x p"),
    (lambda: N.sde_breakdown_delta(np.eye(2), np.zeros((2, 2))), "non-zero"),
])
def test_numeric_guards(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()


def test_ls_unstable_raises():
    rng = np.random.default_rng(1)
    prob = N.least_squares_problem(rng.standard_normal((30, 3)), rng.standard_normal(30))
    lim = N.ls_stability_limit(prob, 2)
    with pytest.raises(ValueError, match="diverges"):
        N.ls_stationary_cov(prob, lim * 1.01, 2)


# --- hypothesis: within the theorem's hypotheses -------------------------------------------
eig = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


@settings(deadline=None, derandomize=True, max_examples=60)
@given(lams=st.lists(eig, min_size=1, max_size=6), seed=st.integers(0, 2**32 - 1))
@example(lams=[1e-3, 1e3], seed=0)  # condition number 1e6
@example(lams=[1.0], seed=0)
def test_lyapunov_solvers_agree(lams, seed):
    rng = np.random.default_rng(seed)
    p = len(lams)
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    H = (Q * np.array(lams)) @ Q.T
    H = (H + H.T) / 2
    S = _psd(rng, p)
    G1, G2 = N.lyapunov_continuous(H, S), N.lyapunov_eigen(H, S)
    kappa = max(lams) / min(lams)
    scale = np.linalg.norm(G2)
    # both are backward-stable float64 solves: difference <= c p eps cond
    assert np.linalg.norm(G1 - G2) <= 1e3 * p * np.finfo(float).eps * kappa * scale
    # the trace identity behind (12): tr(H Gamma) = tr(sigma^2)/2
    assert np.trace(H @ G2) == pytest.approx(np.trace(S) / 2, rel=1e3 * p * np.finfo(float).eps * kappa)


@settings(deadline=None, derandomize=True, max_examples=60)
@given(lam=eig, frac=st.floats(min_value=1e-6, max_value=0.999), m=st.integers(1, 1024),
       s=st.floats(min_value=1e-6, max_value=1e6))
@example(lam=1.0, frac=0.999, m=1, s=1.0)  # delta*lam near the stability edge 2
@example(lam=1e3, frac=1e-6, m=1024, s=1e-6)
def test_discrete_mode_matches_scipy_and_bounds(lam, frac, m, s):
    delta = 2 * frac / lam
    H = np.array([[lam]])
    S = np.array([[s]])
    exact = N.gaussian_discrete_loss(H, S, delta, m)
    assert G.discrete_mode_excess_loss(delta, m, s, lam) == pytest.approx(exact, rel=1e-9)
    # (12) under-predicts: the SDE's relative error is delta*lam/2 in [0, 1)
    rel = G.sde_relative_error_mode(delta, lam)
    assert 0 <= rel < 1
    # (exact - sde)/exact cancels: scipy's solve of p - (1-delta lam)^2 p = q has condition
    # ~ 1/(delta lam), so the absolute error of the difference is ~ eps / (delta lam)
    tol = 10 * np.finfo(float).eps / (delta * lam)
    assert N.relative_error_sde(H, S, delta, m) == pytest.approx(rel, rel=1e-8, abs=tol)
    assert G.eq12_excess_loss(delta, m, s) <= exact * (1 + 1e-12)


def test_sde_breakdown_single_mode_is_0_2_over_lambda():
    # one mode: relative error delta*lam/2 = 0.1 at delta = 0.2/lam
    for lam in (0.01, 1.0, 37.0):
        d = N.sde_breakdown_delta(np.array([[lam]]), np.array([[1.0]]))
        assert d == pytest.approx(0.2 / lam, rel=1e-10)


def test_gaussian_trajectory_converges_to_stationary():
    rng = np.random.default_rng(3)
    H, S = _spd(rng, 4, 0.5, 2.0), _psd(rng, 4)
    traj = N.gaussian_loss_trajectory(H, S, 0.1, 2, 2000)
    assert traj[0] == 0
    assert traj[-1] == pytest.approx(N.gaussian_discrete_loss(H, S, 0.1, 2), rel=1e-12)


# --- least squares -------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_ls():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((40, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.standard_normal(40)
    return N.least_squares_problem(X, y)


def test_ls_operator_matches_one_step(small_ls):
    rng = np.random.default_rng(8)
    T = N.ls_operator(small_ls, 0.07, 3)
    B = rng.standard_normal((3, 3))
    P = B @ B.T
    zero = N.ls_one_step(small_ls, 0.07, 3, np.zeros((3, 3)))
    direct = N.ls_one_step(small_ls, 0.07, 3, P) - zero
    assert np.allclose(T @ P.ravel(), direct.ravel(), rtol=1e-13, atol=1e-15)


def test_ls_stationary_is_fixed_point(small_ls):
    P = N.ls_stationary_cov(small_ls, 0.05, 4)
    assert np.allclose(N.ls_one_step(small_ls, 0.05, 4, P), P, rtol=1e-11, atol=1e-16)
    assert np.min(np.linalg.eigvalsh(P)) > 0


def test_ls_stability_limit_matches_spectral_radius(small_ls):
    for m in (1, 5):
        lim = N.ls_stability_limit(small_ls, m)
        def rho(d, m=m):
            return np.max(np.abs(np.linalg.eigvals(N.ls_operator(small_ls, d, m))))

        assert rho(lim * (1 - 1e-6)) < 1 < rho(lim * (1 + 1e-6))


def test_ls_large_batch_tends_to_gaussian(small_ls):
    # M(P) - HPH enters with 1/m: the exact loss tends to the Gaussian-noise value
    g = N.gaussian_discrete_loss(small_ls.H, small_ls.sigma2, 0.05, 10**6)
    ls = N.ls_stationary_loss(small_ls, 0.05, 10**6)
    assert ls == pytest.approx(g, rel=1e-5)  # the 1/m term is O(1e-6) relative at m = 10^6
    assert N.ls_stationary_loss(small_ls, 0.05, 1) > N.gaussian_discrete_loss(
        small_ls.H, small_ls.sigma2, 0.05, 1)


def test_ls_interpolating_minimum_has_zero_stationary_loss():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((25, 3))
    prob = N.least_squares_problem(X, X @ np.array([0.5, 1.0, -1.0]))
    assert np.allclose(prob.sigma2, 0, atol=1e-25)
    assert N.ls_stationary_loss(prob, 0.05, 2) == pytest.approx(0, abs=1e-25)
    traj = N.ls_loss_trajectory(prob, 0.05, 2, 50, P0=np.eye(3))
    assert np.all(np.diff(traj) < 0)


# --- claims -------------------------------------------------------------------------------
def test_engine_predictions_come_from_the_generated_derivation():
    rng = np.random.default_rng(5)
    H, S = _spd(rng, 6), _psd(rng, 6)
    assert N.eq12_prediction(S, 0.1, 4) == float(G.eq12_excess_loss(0.1, 4, np.trace(S)))
    assert N.eq13_prediction(H, S, 0.1, 4) == float(G.eq13_excess_grad_sq(0.1, 4, np.trace(S @ H)))


def test_table1_facts_are_computed_from_the_printed_entries():
    from derivations.stationary import printed as P
    from verify.topics.stationary.claims import magnitude_difference, table_row_facts

    f = table_row_facts(2)
    assert f["label_printed"] == 4 and not f["label_ok"]
    assert f["md_by_rounding"]["half-up"] == "10.0" and not f["md_ok"]
    assert all(table_row_facts(k)["md_ok"] and table_row_facts(k)["bs_over_lr_ok"] for k in (0, 1, 3, 4, 5, 6, 7, 8))
    # the facts follow the printed entries: a perturbed entry is caught
    row = list(P.TABLE1[0])
    row[6] = row[6] + type(row[6])("0.1")
    assert not table_row_facts(0, tuple(row))["md_ok"]
    row = list(P.TABLE1[0])
    row[1] += 1
    assert not table_row_facts(0, tuple(row))["bs_over_lr_ok"]
    # the ratio is that of the derived (6) and (12), exact
    from fractions import Fraction

    assert magnitude_difference(45588319, 4575870) == Fraction(45588319, 4575870)


def test_divergence_set_is_the_non_positive_eigenvalues():
    import sympy as sp

    from derivations.stationary import derive as D

    assert D.divergence_set() == sp.Interval(-sp.oo, 0)


def test_stationary_excess_sums_any_dimension():
    import sympy as sp

    from derivations.stationary import derive as D

    k, p = D.k_idx, D.p_dim
    f = D.stationary_excess_sum("f")
    g = D.stationary_excess_sum("grad")
    assert sp.simplify(f - D.delta / (4 * D.m) * sp.Sum(D.s_k[k], (k, 1, p))) == 0
    assert sp.simplify(g - D.delta / (2 * D.m) * sp.Sum(D.lam_k[k] * D.s_k[k], (k, 1, p))) == 0
    # p = 3 written out: the same as the sum evaluated
    assert sp.simplify(f.subs(p, 3).doit() - D.delta / (4 * D.m) * sum(D.s_k[i] for i in (1, 2, 3))) == 0


def test_book_chapter_renders_every_claim_through_the_book_helpers():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "book" / "chapters" / "p004_stationary.md").read_text(
        encoding="utf-8")
    assert text.startswith("---\njupytext:")
    assert 'book.claim_blocks("stationary")' in text and 'book.verdict_table("stationary")' in text
    assert "HOLDS_EMPIRICALLY" not in text and "holds empirically" not in text
    assert text.count("\n# ") == 1  # one title per page


def test_diabetes_data_shipped_without_scikit_learn(monkeypatch):
    import sys

    from verify.core import datasets
    from verify.topics.stationary import data

    monkeypatch.setitem(sys.modules, "sklearn", None)  # importing scikit-learn now fails
    datasets.diabetes.cache_clear()
    data.diabetes_problem.cache_clear()
    X, y = data.diabetes_data()
    assert X.shape == (442, 10) and y.shape == (442,)
    assert X[0].tolist() == [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87] and y[0] == 151
    prob = data.diabetes_problem()
    assert prob.p == 10 and np.all(np.linalg.eigvalsh(prob.sigma2) > 0)


def test_matrix_word_calculus():
    import sympy as sp

    from derivations.stationary import derive as D

    q = D.q_dim
    H, G, S = (sp.MatrixSymbol(n, q, q) for n in ("H", "Gamma", "S"))
    V, dB, sig = sp.MatrixSymbol("V", q, 1), sp.MatrixSymbol("dB", q, 1), sp.MatrixSymbol("sigma", q, q)
    assert D.trace_cyclic_lemma()[2]
    # rotations share a trace; H**2 is split into letters
    assert D.trace_canonical(D.matrix_words(G * H * H)) == D.trace_canonical(D.matrix_words(H * G * H))
    assert D.trace_canonical(D.matrix_words(G * H)) != D.trace_canonical(D.matrix_words(G * S))
    assert not D.matrix_words(H * G - H * G)
    # Ito: d/dt E[V V^T] = S - H Gamma - Gamma H; a wrong sign is detected
    drift = D.ito_second_moment_words(H, sig, V, dB)
    assert D.words_equal(drift, D.matrix_words(S - H * G - G * H))
    assert not D.words_equal(drift, D.matrix_words(S + H * G + G * H))
    with pytest.raises(ValueError, match="unpaired"):
        D.trace_canonical(D.matrix_words(V.T * H * dB), {(V, V.T): G, (dB, dB.T): S})
