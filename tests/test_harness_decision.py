"""The Monte-Carlo decision: plan rule, Holm, non-finite values, replica floor (pure functions)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from verify.core.errors import InputError
from verify.harness import HarnessConfig, decide
from verify.harness.stats import (Comparison, StreamStats, holm, needed_replicas, plan_entry,
                                  require_testable)

CFG = HarnessConfig(alpha=0.01)


def _c(name, est, sem, pred=1.0, kind="equal"):
    return Comparison(name, est, sem, pred, kind, {"claim": "x"}).to_json()


def _plan(*names, untested=()):
    return ([{"name": n, "claim": "x", "status": "tested"} for n in names]
            + [{"name": n, "claim": "x", "status": "not tested", "reason": "r"} for n in untested])


def test_nan_never_hides_a_failure():
    # the example: a NaN comparison beside a clear failure
    r = holm([Comparison("a", math.nan, math.nan, 1.0), Comparison("b", 5.0, 0.1, 1.0)], 0.01)
    assert r == [True, True]


@pytest.mark.parametrize("est,sem", [(math.nan, 0.1), (1.0, math.nan), (math.inf, 0.1), (1.0, math.inf)])
def test_nonfinite_is_a_failure(est, sem):
    rep = decide("t", {"comparisons": [_c("a", est, sem), _c("b", 1.0, 0.1)], "plan": _plan("a", "b")}, CFG)
    assert not rep["decision"]["passed"]
    a = rep["comparisons"][0]
    assert a["rejected"] and "non-finite" in a["reason"]


def test_plan_share_rule():
    comps = [_c(f"v{i}", 1.0, 0.1) for i in range(9)]
    ok = decide("t", {"comparisons": comps, "plan": _plan(*[f"v{i}" for i in range(9)], untested=["u"])}, CFG)
    assert ok["decision"]["passed"] and ok["decision"]["tested_share"] == 0.9
    bad = decide("t", {"comparisons": comps[:8], "plan": _plan(*[f"v{i}" for i in range(8)], untested=["u", "w"])},
                 CFG)
    assert not bad["decision"]["passed"]
    # all unresolved: never a pass
    none = decide("t", {"comparisons": [], "plan": _plan(untested=["u"])}, CFG)
    assert not none["decision"]["passed"]


def test_missing_or_unplanned_comparison_fails():
    rep = decide("t", {"comparisons": [_c("a", 1.0, 0.1)], "plan": _plan("a", "b")}, CFG)
    assert not rep["decision"]["passed"] and "missing" in rep["decision"]["problems"][0]
    rep = decide("t", {"comparisons": [_c("a", 1.0, 0.1), _c("c", 1.0, 0.1)], "plan": _plan("a")}, CFG)
    assert not rep["decision"]["passed"]


def test_rejection_fails_and_decide_is_pure():
    report = {"comparisons": [_c("a", 5.0, 0.1)], "plan": _plan("a")}
    rep = decide("t", report, CFG)
    assert not rep["decision"]["passed"] and rep["decision"]["n_rejected"] == 1
    assert "decision" not in report and "rejected" not in report["comparisons"][0]


def test_needed_replicas_rule():
    assert needed_replicas(0.0, 3.0) == 50  # Gaussian statistic, sample SE: the SE-of-SE term
    assert needed_replicas(0.0, 3.0, "exact") == 1
    assert needed_replicas(1.5, 3.0, "exact") == math.ceil(25 * 1.5**2)
    assert needed_replicas(0.0, 903.0, "exact") == 1125
    assert needed_replicas(math.nan, 3.0) == math.inf
    # monotone in R: a value tested at R stays tested at every larger R
    for R in (10, 100, 1000):
        if plan_entry("a", "x", R, 1.0, 10.0, moments="m")["status"] == "tested":
            assert plan_entry("a", "x", 10 * R, 1.0, 10.0, moments="m")["status"] == "tested"


def test_too_few_replicas_refused():
    plan = [plan_entry("a", "x", 2, 0.1, 3.0, moments="pilot")]
    assert plan[0]["status"] == "not tested"
    with pytest.raises(InputError, match="too few"):
        require_testable(plan, 2, "t")
    require_testable([plan_entry("a", "x", 50, 0.1, 3.0, moments="pilot")], 50)


def test_streamstats_kurtosis_merges():
    rng = np.random.default_rng(0)
    x = rng.exponential(size=(4000, 2))
    a, b, full = StreamStats((2,)), StreamStats((2,)), StreamStats((2,))
    a.update(x[:1500]), b.update(x[1500:]), full.update(x)
    a.merge(b)
    np.testing.assert_allclose(a.kurtosis, full.kurtosis, rtol=1e-10)
    d = x - x.mean(0)
    np.testing.assert_allclose(full.kurtosis, (d**4).mean(0) / (d**2).mean(0) ** 2, rtol=1e-10)
    c = StreamStats.from_state(a.state())
    np.testing.assert_allclose(c.kurtosis, full.kurtosis, rtol=1e-12)


def test_planted_scale_is_detected_and_reported():
    from dataclasses import replace

    report = {"comparisons": [_c("a", 1.0, 0.01)], "plan": _plan("a")}
    assert decide("t", report, CFG)["decision"]["passed"]
    planted = decide("t", report, replace(CFG, plant_scale=1.1))
    assert not planted["decision"]["passed"] and planted["decision"]["planted_prediction_scale"] == 1.1
    assert report["comparisons"][0]["predicted"] == 1.0
