"""The exact mean-square engine (topic ``meansquare``) and ``batchproof advise``."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from verify.cli import main
from verify.generated import interpolation as P0
from verify.topics.meansquare import data
from verify.topics.meansquare import engine as E


def _small(seed, n=5, d=3, equal=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(1, 0.3, d)
    if equal:
        X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X


def _dense_rho_full(X, m, eta):
    """Independent reference: all eigenvalues of the d^2 x d^2 matrix of T on symmetric
    matrices (full-rank H, so range(H) is everything)."""
    return E.dense_rho(X, m, eta)


@pytest.mark.parametrize("seed,m", [(0, 1), (1, 2), (2, 4), (3, 7), (4, 1)])
def test_eta_crit_and_eta_opt_match_dense_eigenvalues(seed, m):
    X = _small(seed, equal=seed % 2 == 0)
    p = E.Problem(X)
    crit = E.eta_crit(p, m)
    assert _dense_rho_full(X, m, crit * (1 - 1e-7)) < 1 < _dense_rho_full(X, m, crit * (1 + 1e-7))
    # eta_opt: a dense grid of the d^2 x d^2 spectral radius never beats the engine's minimum
    e, r = E.eta_opt(p, m, crit)
    grid = np.linspace(0.01, 0.999, 200) * crit
    vals = np.array([_dense_rho_full(X, m, g) for g in grid])
    assert r <= vals.min() + 1e-9
    assert abs(_dense_rho_full(X, m, e) - r) < 1e-9
    assert abs(e - grid[int(np.argmin(vals))]) <= 2 * (grid[1] - grid[0])


def test_apply_T_matches_dense_matrix_in_original_coordinates():
    X = _small(7, n=6, d=3)
    p = E.Problem(X)
    rng = np.random.default_rng(0)
    S = rng.standard_normal((3, 3))
    S = S + S.T
    T = E.dense_T(X, 3, 0.7)
    want = (T @ S.ravel()).reshape(3, 3)
    got = p.V @ E.apply_T(p, p.V.T @ S @ p.V, 3, 0.7) @ p.V.T
    assert np.allclose(got, want, atol=1e-12)


def test_step_map_is_apply_T():
    """The per-(m, eta) map the long runs use is the generated T_apply, at every entry."""
    rng = np.random.default_rng(1)
    p = E.Problem(rng.standard_normal((9, 5)))
    S = rng.standard_normal((p.r, p.r))
    S = S + S.T
    for m, eta in ((1, 0.3), (4, 0.05), (9, 1.1)):
        assert np.allclose(E.step_map(p, m, eta)(S), E.apply_T(p, S, m, eta), rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError):
        E.step_map(p, 0, 0.1)


def test_secular_top_eigenvalue_matches_dense_and_lanczos():
    """rho from the secular equation (T = D + k W W^T) equals the dense matrix's and Lanczos's."""
    rng = np.random.default_rng(3)
    n_fast = 0
    for _ in range(12):
        n, d = int(rng.integers(2, 10)), int(rng.integers(1, 6))
        X = rng.standard_normal((n, d)) * rng.uniform(0.2, 3)
        p = E.Problem(X)
        for m in (1, 3):
            for frac in (0.2, 0.6, 0.95):
                eta = frac * E.eta_crit(p, m)
                got = E._rho_secular(p, m, eta)
                if got is None:
                    continue
                n_fast += 1
                mu, S = got
                T = E.step_map(p, m, eta)
                assert np.allclose(T(S), mu * S, atol=1e-10 * max(1.0, abs(mu)))
                assert math.isclose(mu, E.dense_rho(X, m, eta), rel_tol=1e-10)
                # Lanczos on the same map (rho() itself now takes the secular path: not a witness);
                # ARPACK's tolerance is 1e-10 relative
                lanczos = E._top_eig(lambda v, T=T, r=p.r: T(E._sym(v, r)).ravel(), p.r)[0]
                assert math.isclose(mu, lanczos, rel_tol=1e-9)
    assert n_fast >= 50


def test_equal_norms_m1_stability_limit_is_eta1():
    X = _small(3, n=8, d=4, equal=True) * 1.7
    p = E.Problem(X)
    assert math.isclose(E.eta_crit(p, 1), float(P0.eta_1(1, p.beta, p.lam1)), rel_tol=1e-9)


def test_iterations_match_fraction_recursion():
    X = [[1, 2], [1, -2], [2, 0]]
    p = E.Problem(np.array(X, float))
    from fractions import Fraction

    exact = E.exact_loss_fractions(X, 2, Fraction(1, 4), [[1, 0], [0, 1]], 100)
    t = next(t for t, L in enumerate(exact) if L <= exact[0] / 20)
    assert E.iterations_to(p, 2, 0.25, 0.05, np.eye(2), t_max=100) == t


def test_rank_deficient_features_restrict_to_range():
    X = np.hstack([_small(1, n=6, d=2), np.zeros((6, 3))])
    p = E.Problem(X)
    assert p.r == 2 and p.d == 5
    assert E.eta_crit(p, 2) > 0


def test_peer_rules():
    assert E.eigenpro2_step(1, 1.0, 0.2) == 1.0
    assert math.isclose(E.eigenpro2_step(10, 1.0, 0.2), 0.99 * 20 / 2.8)
    assert math.isclose(E.sklearn_extra_step(10, 1.0, 0.2, 100), 20 / 2.8)
    assert math.isclose(E.sklearn_extra_step(100, 1.0, 0.2, 100), 0.95 * 2 / 0.2)


def test_advise_json_from_a_features_file(tmp_path, capsys):
    X = data.kernel_problem_features(24)
    f = tmp_path / "x.npy"
    np.save(f, X)
    assert main(["advise", "--features", str(f), "--batch-sizes", "1,4", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    for k in ("beta", "lam1", "lamn", "m_star", "rows", "critical_batch_exact"):
        assert k in out
    assert [r["m"] for r in out["rows"]] == [1, 4]
    for r in out["rows"]:
        for k in ("eta_1", "eta_star", "eta_hat", "eta_eigenpro2", "eta_crit", "eta_opt", "rho_opt",
                  "iterations_target", "s", "speedup_exact"):
            assert k in r
        assert r["eta_crit"] >= r["eta_1"] * (1 - 1e-9)
        assert r["iterations_target"] <= r["iterations_eta_star"]


def test_advise_csv_and_kernel(tmp_path, capsys):
    Z = np.random.default_rng(0).uniform(size=(20, 3))
    f = tmp_path / "z.csv"
    f.write_text("a,b,c\n" + "\n".join(",".join(f"{v:.6f}" for v in row) for row in Z))
    assert main(["advise", "--features", str(f), "--kernel", "gaussian", "--bandwidth", "0.5",
                 "--batch-sizes", "2", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert abs(out["beta"] - 1) < 1e-9  # K_ii = 1


@pytest.mark.parametrize("argv,needle", [
    (["advise", "--features", "/nonexistent.npy"], "does not exist"),
    (["advise", "--dataset", "nope"], "unknown dataset"),
    (["advise", "--dataset", "iris", "--bandwidth", "1"], "needs --kernel"),
    (["advise", "--dataset", "iris", "--batch-sizes", "0,2"], "positive integers"),
    (["advise", "--dataset", "iris", "--target", "2"], "target"),
])
def test_advise_bad_input_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1


def test_advise_bad_file_contents(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("1,2\n3,x\n")
    assert main(["advise", "--features", str(f)]) == 2
    g = tmp_path / "v.npy"
    np.save(g, np.ones(3))
    assert main(["advise", "--features", str(g)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2
