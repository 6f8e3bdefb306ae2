"""Harness tests for paper 004 (topic ``stationary``): small lockstep runs against exact values.

Tolerances are multiples of the Monte-Carlo standard error (replicas are independent, so
the standard error of a mean over replicas is sd/sqrt(R)); seeds are fixed, so the tests
are deterministic.  The critical value is two-sided at level 1e-3.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from verify.harness import HarnessConfig, run_topic
from verify.harness.stats import z_critical
from verify.topics.stationary import engine as N
from verify.topics.stationary import montecarlo as E
from verify.topics.stationary.data import diabetes_problem, gaussian_problem

Z = z_critical(1e-3)


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _z(x, exact):
    x = np.asarray(x)
    return (x.mean() - exact) / (x.std(ddof=1) / np.sqrt(x.size))


def test_gaussian_window_mean_matches_exact():
    H, S = gaussian_problem(1)
    delta, m, T = 0.1, 2, 200
    gen = torch.Generator().manual_seed(5)
    out = E.simulate("gaussian", (H, S), delta, m, 2000, 0, T, gen, "cpu")
    exact = N.gaussian_loss_trajectory(H, S, delta, m, T)[:T].mean()
    assert abs(_z(out["window_means"], exact)) < Z


def test_least_squares_window_mean_matches_exact():
    prob = diabetes_problem()
    delta, m, T = 0.05, 2, 150
    gen = torch.Generator().manual_seed(6)
    out = E.simulate("least_squares", prob, delta, m, 1500, 0, T, gen, "cpu")
    exact = N.ls_loss_trajectory(prob, delta, m, T)[:T].mean()
    assert abs(_z(out["window_means"], exact)) < Z


def test_least_squares_detects_wrong_noise_scaling():
    # a sum-scaled mini-batch gradient (m times larger noise and drift) would be caught:
    # the exact value for the mean-scaled rule is far outside the error bar of delta*m
    prob = diabetes_problem()
    gen = torch.Generator().manual_seed(7)
    out = E.simulate("least_squares", prob, 0.05 * 2, 2, 1500, 0, 150, gen, "cpu")
    exact_mean_rule = N.ls_loss_trajectory(prob, 0.05, 2, 150)[:150].mean()
    assert abs(_z(out["window_means"], exact_mean_rule)) > 10 * Z


def test_interpolating_checkpoints_match_exact():
    prob = diabetes_problem(interpolating=True)
    gen = torch.Generator().manual_seed(8)
    out = E.simulate("least_squares", prob, 0.05, 4, 1000, 201, 0, gen, "cpu", e0_scale=0.1,
                      checkpoints=(50, 200))
    traj = N.ls_loss_trajectory(prob, 0.05, 4, 200, P0=0.1 * np.eye(prob.p))
    for k in (50, 200):
        assert abs(_z(out["checkpoints"][k], traj[k])) < Z


def test_burn_in_rule():
    traj = np.array([0.0, 0.5, 0.9, 0.9995, 1.0, 1.0])
    assert E.burn_in(traj, 1.0) == 3
    assert E.burn_in(np.ones(4), 1.0) == 0


@pytest.mark.montecarlo
def test_quick_harness_passes(tmp_path, request):
    # pyproject's addopts do not deselect the marker, so skip unless it was selected
    if "montecarlo" not in (request.config.getoption("-m") or ""):
        pytest.skip("heavy: run with -m montecarlo")
    rep = run_topic("stationary", HarnessConfig(device="cpu", quick=True), tmp_path)
    assert rep["decision"]["passed"], [c for c in rep["comparisons"] if c["rejected"]]
    assert (tmp_path / "harness_stationary.json").exists()
    # the SDE is resolved as wrong at the largest steps
    assert any(c["sde_rejected"] for c in rep["curves"])
    # every comparison and unresolved entry names the claim it tests
    ids = {E.CLAIM_EXACT, E.CLAIM_LRBS}
    assert all(c["claim"] in ids for c in rep["comparisons"])
    assert all(u["claim"] in ids for u in rep["unresolved"])
