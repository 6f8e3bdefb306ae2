"""Streaming statistics and the Monte-Carlo decision rule shared by every experiment.

Replicas are independent, so a quantity measured on R replicas has a sample mean whose
standard error is ``sd / sqrt(R)``.  Statistics stream (count, sum, sum of squares)
so no trajectory is stored.  A comparison against an exact prediction is a two-sided
z-test; a family of comparisons is controlled with Holm's step-down procedure at
family-wise level ``alpha``.  No tolerance here is a fixed number: every one is a
multiple of a standard error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

__all__ = ["COCHRAN", "SE_REL_MAX", "Comparison", "StreamStats", "decide", "holm", "needed_replicas",
           "plan_entry", "z_critical"]

#: Cochran's rule: the skewness of a mean of R replicas, g1 / sqrt(R), at most 1/5, i.e.
#: R >= 25 g1^2 (g1: skewness of one replica's statistic).
COCHRAN = 25.0
#: A sample standard error is trusted when its own relative standard deviation,
#: sqrt((kappa - 1) / R) / 2 (delta method; kappa the kurtosis m4/m2^2 of one replica's
#: statistic), is at most 0.1: R >= (kappa - 1) / (4 * 0.1^2) = 25 (kappa - 1).
SE_REL_MAX = 0.1
#: Share of the planned comparisons that must be tested for a topic to pass.
MIN_TESTED_SHARE = 0.9


@dataclass
class StreamStats:
    """Running count / sum / sum of squares of a vector of statistics (shape ``shape``).

    Uses float64 and a per-chunk shift (the first chunk's mean) to limit cancellation.
    """

    shape: tuple[int, ...]
    n: int = 0
    shift: np.ndarray | None = None
    s1: np.ndarray = field(init=False)
    s2: np.ndarray = field(init=False)
    s3: np.ndarray = field(init=False)
    s4: np.ndarray = field(init=False)
    mx: np.ndarray = field(init=False)
    mn: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.s1 = np.zeros(self.shape)
        self.s2 = np.zeros(self.shape)
        self.s3 = np.zeros(self.shape)
        self.s4 = np.zeros(self.shape)
        self.mx = np.full(self.shape, -np.inf)
        self.mn = np.full(self.shape, np.inf)

    def update(self, x: Any) -> None:
        """Add samples ``x`` of shape ``(k, *shape)`` (k replicas)."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[1:] != tuple(self.shape):
            raise ValueError(f"expected samples of shape (k, {self.shape}), got {x.shape}")
        if self.shift is None:
            self.shift = x.mean(axis=0)
        d = x - self.shift
        self.n += x.shape[0]
        self.s1 += d.sum(axis=0)
        self.s2 += (d * d).sum(axis=0)
        self.s3 += (d * d * d).sum(axis=0)
        self.s4 += (d * d * d * d).sum(axis=0)
        self.mx = np.maximum(self.mx, x.max(axis=0))
        self.mn = np.minimum(self.mn, x.min(axis=0))

    def merge(self, other: "StreamStats") -> None:
        if other.n == 0:
            return
        if self.shift is None:
            self.shift = other.shift.copy()
        delta = other.shift - self.shift  # re-centre other's sums on our shift
        s1o = other.s1 + other.n * delta
        s2o = other.s2 + 2 * delta * other.s1 + other.n * delta * delta
        s3o = other.s3 + 3 * delta * other.s2 + 3 * delta**2 * other.s1 + other.n * delta**3
        s4o = (other.s4 + 4 * delta * other.s3 + 6 * delta**2 * other.s2 + 4 * delta**3 * other.s1
               + other.n * delta**4)
        self.n += other.n
        self.s1 += s1o
        self.s2 += s2o
        self.s3 += s3o
        self.s4 += s4o
        self.mx = np.maximum(self.mx, other.mx)
        self.mn = np.minimum(self.mn, other.mn)

    @property
    def mean(self) -> np.ndarray:
        return self.shift + self.s1 / self.n

    @property
    def var(self) -> np.ndarray:
        if self.n < 2:
            return np.full(self.shape, np.nan)
        m = self.s1 / self.n
        return np.maximum(self.s2 / self.n - m * m, 0.0) * self.n / (self.n - 1)

    @property
    def sem(self) -> np.ndarray:
        return np.sqrt(self.var / self.n)

    @property
    def skewness(self) -> np.ndarray:
        """Sample skewness g1 = m3 / m2^(3/2) (biased moments; 0 where the spread is 0)."""
        m = self.s1 / self.n
        m2 = np.maximum(self.s2 / self.n - m * m, 0.0)
        m3 = self.s3 / self.n - 3 * m * self.s2 / self.n + 2 * m**3
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(m2 > 0, m3 / m2**1.5, 0.0)

    @property
    def kurtosis(self) -> np.ndarray:
        """Sample kurtosis kappa = m4 / m2^2 (biased moments; NaN where the spread is 0)."""
        m = self.s1 / self.n
        r2, r3, r4 = self.s2 / self.n, self.s3 / self.n, self.s4 / self.n
        m2 = np.maximum(r2 - m * m, 0.0)
        m4 = np.maximum(r4 - 4 * m * r3 + 6 * m * m * r2 - 3 * m**4, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(m2 > 0, m4 / m2**2, np.nan)

    def max_share(self) -> np.ndarray:
        """Largest single replica's share of the sum of squared deviations,
        max_i (x_i - mean)^2 / sum_i (x_i - mean)^2 (Lindeberg's condition: no single term
        may dominate the variance).  For n Gaussian replicas it is about 2 ln(n) / n."""
        dev = np.maximum((self.mx - self.mean) ** 2, (self.mn - self.mean) ** 2)
        tot = self.var * (self.n - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, dev / tot, 0.0)

    def normal_ok(self) -> np.ndarray:
        """Cochran's rule for the normal approximation of a mean: n >= 25 g1^2.

        Where it fails, the sample mean of a skewed (heavy-tailed) quantity is not yet
        approximately normal and its standard error is unreliable: a z-test there would
        be anti-conservative, so callers report the value as *unresolved* instead.
        """
        return self.n >= 25 * self.skewness**2

    def lindeberg_ok(self, factor: float = 4.0) -> np.ndarray:
        """No replica dominates: ``max_share <= factor * 2 ln(n) / n`` (``factor`` times the
        Gaussian value).  Heavy right tails -- a product of random factors, say -- put
        most of the variance in a few replicas; their sample mean is biased low and its
        standard error too small, which sample skewness alone can miss."""
        return self.max_share() <= factor * 2 * np.log(max(self.n, 2)) / self.n

    def state(self) -> dict[str, Any]:
        return {"n": self.n, "shift": None if self.shift is None else self.shift.tolist(),
                "s1": self.s1.tolist(), "s2": self.s2.tolist(), "s3": self.s3.tolist(), "s4": self.s4.tolist(),
                "mx": self.mx.tolist(), "mn": self.mn.tolist(), "shape": list(self.shape)}

    @classmethod
    def from_state(cls, st: dict[str, Any]) -> "StreamStats":
        out = cls(tuple(st["shape"]))
        out.n = int(st["n"])
        out.shift = None if st["shift"] is None else np.asarray(st["shift"], dtype=np.float64)
        out.s1 = np.asarray(st["s1"], dtype=np.float64)
        out.s2 = np.asarray(st["s2"], dtype=np.float64)
        out.s3 = np.asarray(st.get("s3", np.zeros(out.shape)), dtype=np.float64)
        out.s4 = np.asarray(st.get("s4", np.zeros(out.shape)), dtype=np.float64)
        out.mx = np.asarray(st.get("mx", np.full(out.shape, -np.inf)), dtype=np.float64)
        out.mn = np.asarray(st.get("mn", np.full(out.shape, np.inf)), dtype=np.float64)
        return out


def z_critical(alpha: float) -> float:
    """Two-sided standard-normal critical value for level ``alpha``."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(1 - alpha / 2)


def _p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass
class Comparison:
    """An estimate with its standard error against an exact prediction.

    ``kind``: "equal" (two-sided test of estimate == predicted) or "upper" (one-sided:
    the prediction is an upper bound, fails only if the estimate exceeds it
    significantly).
    """

    name: str
    estimate: float
    sem: float
    predicted: float
    kind: str = "equal"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def z(self) -> float:
        if self.sem == 0:
            return 0.0 if self.estimate == self.predicted else math.copysign(math.inf, self.estimate - self.predicted)
        return (self.estimate - self.predicted) / self.sem

    @property
    def p(self) -> float:
        if self.kind == "equal":
            return _p_two_sided(self.z)
        if self.kind == "upper":  # H0: estimate <= predicted; reject if z large
            return 0.5 * math.erfc(self.z / math.sqrt(2))
        raise ValueError(f"unknown comparison kind {self.kind!r}")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "estimate": self.estimate, "sem": self.sem,
                "predicted": self.predicted, "z": self.z, "p": self.p, **self.meta}


def holm(comparisons: Sequence[Comparison], alpha: float = 0.01) -> list[bool]:
    """Holm step-down: which comparisons are *rejected* (failures) at family-wise ``alpha``.

    A comparison whose p-value is not a finite number (a NaN estimate or standard error)
    decides nothing and is rejected: it can never pass, nor hide the others' failures.
    """
    m = len(comparisons)
    ps = [comparisons[i].p for i in range(m)]
    bad = [not math.isfinite(p) for p in ps]
    order = sorted((i for i in range(m) if not bad[i]), key=lambda i: ps[i])
    rejected = list(bad)
    for rank, i in enumerate(order):
        if ps[i] <= alpha / (m - rank):
            rejected[i] = True
        else:
            break
    return rejected


# ------------------------------------------------------------------ the plan and the decision
def needed_replicas(skewness: float, kurtosis: float, se: str = "sample") -> float:
    """Replicas a z-test of a mean needs, from the skewness g1 and kurtosis kappa (m4/m2^2) of
    ONE replica's statistic -- exact where an exact engine gives them, else from a pilot of
    fixed size drawn from an independent stream; never from the run being decided.

    * Cochran's rule, ``R >= 25 g1^2``: the skewness of the mean, g1/sqrt(R), is at most 1/5;
    * the same scale for the next Edgeworth term: the mean's excess kurtosis (kappa - 3)/R
      enters the CDF as (kappa - 3)/(24 R) against g1/(6 sqrt(R)) for the skewness, so
      ``R >= 1.25 (kappa - 3)`` keeps it at most Cochran's 0.2/6;
    * ``se="sample"`` (the standard error is the sample one): its relative standard deviation
      sqrt((kappa - 1)/R)/2 is at most :data:`SE_REL_MAX`: ``R >= 25 (kappa - 1)``, and R >= 2.
      ``se="exact"`` (the exact variance gives the standard error): no such term.

    A non-finite moment (unknown, or an infinite moment) needs infinitely many replicas.
    """
    g1, ka = float(skewness), float(kurtosis)
    if not (math.isfinite(g1) and math.isfinite(ka)):
        return math.inf
    need = max(COCHRAN * g1 * g1, 1.25 * (ka - 3.0), 1.0)
    if se == "sample":
        need = max(need, (ka - 1.0) / (4 * SE_REL_MAX**2), 2.0)
    elif se != "exact":
        raise ValueError(f"se must be 'sample' or 'exact', got {se!r}")
    return float(math.ceil(need - 1e-9))


def plan_entry(name: str, claim: str, replicas: int, skewness: float, kurtosis: float, *,
               moments: str, se: str = "sample", **meta: Any) -> dict[str, Any]:
    """One planned comparison: tested iff ``replicas >= needed_replicas(...)``.

    ``moments`` says where g1 and kappa come from ("exact ...", "pilot of N replicas, seed
    stream S"); fixed before the main run, so the status cannot depend on its outcome, and
    monotone in ``replicas`` (more replicas never test less)."""
    need = needed_replicas(skewness, kurtosis, se)
    tested = replicas >= need
    out = {"name": name, "claim": claim, "status": "tested" if tested else "not tested",
           "needed_replicas": need if math.isfinite(need) else None, "replicas": int(replicas),
           "skewness": float(skewness), "kurtosis": float(kurtosis), "moments": moments, "se": se, **meta}
    if not tested:
        out["reason"] = (f"a normal-theory z-test needs {'infinitely many' if not math.isfinite(need) else int(need)}"
                         f" replicas (Cochran 25 g1^2 with g1 = {g1_str(skewness)}, kurtosis rule with "
                         f"kappa = {g1_str(kurtosis)}; moments: {moments}); the run has {replicas}")
    return out


def g1_str(x: float) -> str:
    return f"{x:.3g}" if math.isfinite(x) else str(x)


def require_testable(plan: Sequence[dict[str, Any]], replicas: int, topic: str = "") -> None:
    """Refuse up front (InputError, one line) a replica count too small for ANY planned test."""
    from verify.core.errors import InputError

    if plan and not any(p["status"] == "tested" for p in plan):
        needs = [p["needed_replicas"] for p in plan if p.get("needed_replicas")]
        least = int(min(needs)) if needs else None
        raise InputError(f"{topic + ': ' if topic else ''}{replicas} replicas are too few for any planned "
                         f"comparison to be a valid z-test (the least any needs is "
                         f"{least if least else 'unbounded'}; rule: R >= max(25 g1^2, 1.25 (kappa-3), "
                         f"25 (kappa-1) for a sample standard error))")


def _finite(*xs: float) -> bool:
    try:
        return all(math.isfinite(float(x)) for x in xs)
    except (TypeError, ValueError):
        return False


def decide(topic: str, report: dict[str, Any], cfg: Any) -> dict[str, Any]:
    """The decision of a topic's run (pure: returns a new report; writes nothing).

    * every comparison: a two-sided (``equal``) or one-sided (``upper``) z-test; Holm's
      step-down at family-wise ``cfg.alpha``; a non-finite estimate, standard error or
      p-value is *rejected* with that reason (never a pass, never hides another failure);
    * the plan (``report["plan"]``, fixed before sampling by the experiment): every planned
      comparison marked tested must be present, and no comparison may be unplanned; a topic
      passes only when at least :data:`MIN_TESTED_SHARE` of its planned comparisons are
      tested.  A report without a plan gets one built from its comparisons (tested) and its
      ``unresolved`` entries (not tested), flagged ``"plan_fixed_before_run": false``.
    """
    get = (lambda k, d: cfg.get(k, d)) if isinstance(cfg, dict) else (lambda k, d: getattr(cfg, k, d))
    alpha = float(get("alpha", 0.01))
    plant = float(get("plant_scale", 1.0))
    rep = dict(report)
    raw = list(report.get("comparisons", []))
    if plant != 1.0:  # calibration: a planted error in every exact prediction
        raw = [{**c, "predicted": plant * c["predicted"]} for c in raw]
    keys = ("name", "estimate", "sem", "predicted", "kind")
    comps = [Comparison(**{k: c[k] for k in keys},
                        meta={k: v for k, v in c.items() if k not in (*keys, "z", "p", "rejected", "reason")})
             for c in raw]
    rejected = holm(comps, alpha)
    out = []
    for i, c in enumerate(comps):
        row = c.to_json()
        if not _finite(c.estimate, c.sem, c.p):
            rejected[i] = True
            row["reason"] = "non-finite estimate, standard error or p-value: a failure, never a pass"
        row["rejected"] = bool(rejected[i])
        out.append(row)
    plan = report.get("plan")
    fixed = plan is not None
    if plan is None:
        plan = [{"name": c.name, "claim": c.meta.get("claim"), "status": "tested"} for c in comps]
        plan += [{"name": u.get("name"), "claim": u.get("claim"), "status": "not tested",
                  "reason": u.get("reason", "unresolved")} for u in report.get("unresolved", [])
                 if isinstance(u, dict)]
    names = [p["name"] for p in plan]
    dup = sorted({n for n in names if names.count(n) > 1})
    planned_tested = {p["name"] for p in plan if p["status"] == "tested"}
    got = {c.name for c in comps}
    missing = sorted(planned_tested - got)
    unplanned = sorted(got - planned_tested)
    n_plan, n_tested = len(plan), len(planned_tested)
    share = n_tested / n_plan if n_plan else 0.0
    problems = []
    if n_plan == 0:
        problems.append("nothing planned")
    if dup:
        problems.append(f"{len(dup)} planned names are not unique (e.g. {dup[0]!r})")
    if missing:
        problems.append(f"{len(missing)} comparisons planned as tested are missing (e.g. {missing[0]!r})")
    if unplanned:
        problems.append(f"{len(unplanned)} comparisons were not planned as tested (e.g. {unplanned[0]!r})")
    if share < MIN_TESTED_SHARE:
        problems.append(f"only {n_tested} of {n_plan} planned comparisons tested "
                        f"({100 * share:.1f} % < {100 * MIN_TESTED_SHARE:.0f} %)")
    if report.get("unresolved_failures"):
        problems.append("the experiment reported failures among its unresolved values")
    n_rej = int(sum(rejected))
    rep["comparisons"] = out
    rep["plan"] = plan
    rep["decision"] = {
        "method": "Holm step-down over two-sided / one-sided z-tests; plan fixed before the run",
        "family_wise_alpha": alpha,
        **({"planted_prediction_scale": plant} if plant != 1.0 else {}),
        "n_comparisons": len(comps),
        "n_rejected": n_rej,
        "n_nonfinite": sum(1 for r in out if "reason" in r),
        "n_planned": n_plan,
        "n_planned_tested": n_tested,
        "tested_share": share,
        "min_tested_share": MIN_TESTED_SHARE,
        "plan_fixed_before_run": fixed,
        "problems": problems,
        "passed": n_rej == 0 and not problems,
    }
    return rep


#: Replicas of the pilot that fixes a plan where no exact higher moment is available; fixed,
#: so the plan is monotone in the main run's replica count.
PILOT_REPLICAS = 2000
#: The pilot's seeds are the main run's plus this offset: an independent stream.
PILOT_SEED_OFFSET = 777_000_000


class Planner:
    """Runs an experiment body twice: a *pilot* pass (:data:`PILOT_REPLICAS` replicas, seeds
    offset by :data:`PILOT_SEED_OFFSET`) that fixes each comparison's status from the pilot's
    skewness and kurtosis (:func:`plan_entry`), then -- after :func:`require_testable` -- the
    *main* pass with ``R`` replicas, which tests exactly what the plan says.

    The body calls :meth:`replicas` and :meth:`seed` for its sampling and :meth:`compare` for
    every value it means to compare."""

    def __init__(self, R: int, pilot_replicas: int = PILOT_REPLICAS) -> None:
        self.R, self.P = int(R), int(pilot_replicas)
        self.pilot = True
        self.plan: dict[str, dict[str, Any]] = {}
        self.comps: list[dict[str, Any]] = []
        self.unresolved: list[dict[str, Any]] = []

    @property
    def replicas(self) -> int:
        return self.P if self.pilot else self.R

    def seed(self, s: int) -> int:
        return s + PILOT_SEED_OFFSET if self.pilot else s

    def compare(self, name: str, stats: "StreamStats", j: Any, predicted: float, kind: str,
                meta: dict[str, Any]) -> None:
        if self.pilot:
            if name in self.plan:
                raise ValueError(f"comparison {name!r} planned twice")
            self.plan[name] = plan_entry(
                name, meta["claim"], self.R, float(np.asarray(stats.skewness)[j]),
                float(np.asarray(stats.kurtosis)[j]), kind=kind,
                moments=f"pilot of {self.P} replicas (seed stream offset {PILOT_SEED_OFFSET})")
            return
        est, sem = float(np.asarray(stats.mean)[j]), float(np.asarray(stats.sem)[j])
        entry = self.plan[name]
        if entry["status"] == "tested":
            self.comps.append(Comparison(name, est, sem, float(predicted), kind, meta).to_json())
        else:
            self.unresolved.append({**meta, "name": name, "estimate": est, "sem": sem,
                                    "predicted": float(predicted), "replicas": self.R,
                                    "needed_replicas": entry["needed_replicas"], "skewness": entry["skewness"],
                                    "kurtosis": entry["kurtosis"], "moments": entry["moments"],
                                    "reason": entry["reason"]})

    def start_main(self, topic: str = "") -> None:
        require_testable(list(self.plan.values()), self.R, topic)
        self.pilot = False

    def plan_list(self) -> list[dict[str, Any]]:
        return list(self.plan.values())
