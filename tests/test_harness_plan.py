"""Plans fixed before the run: monotone in the replica count, exact moments where they exist,
conditional Monte-Carlo unbiased, small replica counts refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from verify.core.errors import InputError
from verify.harness import HarnessConfig
from verify.harness.stats import Planner, StreamStats, plan_entry
from verify.topics.variance import montecarlo as V


def _body(pl, rng_seed=0):
    """A toy experiment: means of lognormal (heavy) and normal (light) replicas."""
    rng = np.random.default_rng(pl.seed(rng_seed))
    for name, sigma in (("light", 0.1), ("mid", 0.8), ("heavy", 1.6)):
        st = StreamStats(())
        st.update(rng.lognormal(0.0, sigma, size=pl.replicas))
        pl.compare(name, st, (), math.exp(sigma**2 / 2), "equal", {"claim": "x"})


def _plan(R):
    pl = Planner(R)
    _body(pl)
    return {p["name"]: p["status"] for p in pl.plan_list()}


def test_plan_is_monotone_in_replicas_and_independent_of_the_main_run():
    statuses = [_plan(R) for R in (60, 600, 6000, 60000, 600000)]
    for lo, hi in zip(statuses, statuses[1:]):
        assert all(hi[n] == "tested" for n in lo if lo[n] == "tested")
    assert statuses[0]["light"] == "tested" and statuses[0]["heavy"] == "not tested"
    # the pilot is the same whatever R is: the needed replicas do not move
    a, b = Planner(100), Planner(10**6)
    _body(a), _body(b)
    assert [p["needed_replicas"] for p in a.plan_list()] == [p["needed_replicas"] for p in b.plan_list()]


def test_planner_main_pass_tests_exactly_the_plan():
    pl = Planner(3000)
    _body(pl)
    pl.start_main("toy")
    _body(pl)
    tested = {p["name"] for p in pl.plan_list() if p["status"] == "tested"}
    assert {c["name"] for c in pl.comps} == tested
    assert {u["name"] for u in pl.unresolved} == {"light", "mid", "heavy"} - tested
    assert all(u["reason"] for u in pl.unresolved)


def test_planner_refuses_too_few_replicas():
    pl = Planner(3)
    _body(pl)
    with pytest.raises(InputError, match="too few"):
        pl.start_main("toy")


def test_variance_exact_moments_plan_the_false_alarm_out():
    """dims (1,2,2), b = 1, t = 2: exact kurtosis of the per-replica statistic ~1e30 (a
    polynomial of high degree in chi-square inputs): no feasible R tests it -- planned, not
    tested, before any sampling; b = 8 is tested at 2^16."""
    R = 2**20
    for b, t, tested in ((1, 2, False), (2, 2, False), (8, 2, True), (4, 1, True)):
        pred = V._poly_inv_b(V._dl_exact(0, t, 2), b)
        mom = V._dl_p1_moments(0, t, 2, b, pred)  # checks the quadrature mean == exact prediction
        best = min(plan_entry("v", "x", R, g1, ka, se="exact", moments="exact")["needed_replicas"] or math.inf
                   for _, g1, ka in mom.values())
        assert (best <= 2**16 if tested else best > R), (b, t, best)


def test_variance_quadrature_detects_a_wrong_prediction():
    with pytest.raises(ValueError, match="quadrature mean"):
        V._dl_p1_moments(0, 1, 1, 4, 1.1 * V._poly_inv_b(V._dl_exact(0, 1, 1), 4))


def test_conditional_variance_estimator_is_unbiased():
    """g = m(W) s with s = chi^2_b / b: var(g) = E[v] + var(m), v = (2/b) ||m||^2."""
    gen = torch.Generator().manual_seed(5)
    b, R, K = 2, 200_000, 5000
    acc, plain = V.CondVarAcc(R), V.VarAcc(R)
    for _ in range(R // K):
        W = 1 + torch.randn(K, 3, generator=gen, dtype=torch.float64) * 0.3
        s = (torch.randn(K, b, generator=gen, dtype=torch.float64) ** 2).mean(1, keepdim=True)
        acc.update(W, (2 / b) * (W * W).sum(1))
        plain.update(W * s)
    a, p = acc.result(), plain.result()
    # exact: E||W||^2 (1 + 2/b) - ||E W||^2 = 3 (1.09)(2) - 3 = 3.54
    exact = 3 * 1.09 * (1 + 2 / b) - 3
    assert abs(a["estimate"] - exact) < 4 * a["sem"] and abs(p["estimate"] - exact) < 4 * p["sem"]
    assert a["sem"] < p["sem"]


def test_variance_refuses_tiny_replica_counts():
    with pytest.raises(InputError):
        V.run(HarnessConfig(device="cpu", replicas=2, quick=True), lambda m, f: None)
