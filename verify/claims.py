"""The claim model and the registry that the CLI, the tests and the book all read.

A *claim* is one printed result of one paper: an id (``interpolation.theorem4.eta_star``),
where it is printed, the statement as printed, its assumptions, and a ``check`` that
gathers the evidence deciding it.  A check returns an :class:`Outcome`:

* ``printed`` -- does the statement *as printed* hold?  (``True``/``False``)
* ``corrected`` -- for a recorded erratum, does the corrected statement hold?
* ``evidence`` -- a list of :class:`Evidence` items (symbolic / exhaustive / numeric /
  montecarlo), each with a short description and JSON-able details.

The *recorded* expectation lives on the claim (``erratum=None`` means "we expect the
printed statement to hold").  The verdict is computed by comparing the outcome with
the record:

============================  ===========================  =====================
recorded                      outcome                      verdict
============================  ===========================  =====================
no erratum, symbolic proof    printed holds                ``holds``
no erratum, no symbolic proof printed holds                ``holds empirically``
erratum recorded              printed fails, corrected ok  ``erratum``
anything else                                              ``FAILED`` (exit 1)
============================  ===========================  =====================

So a check cannot silently pass: a recorded erratum whose printed statement turns
out to hold, or whose correction fails, is a failure too.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
import traceback
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

__all__ = [
    "Claim",
    "Erratum",
    "Evidence",
    "Outcome",
    "Result",
    "Verdict",
    "registry",
    "run_claims",
    "topics",
]

EVIDENCE_KINDS = ("symbolic", "exhaustive", "numeric", "montecarlo")


class Verdict(str, Enum):
    HOLDS = "holds"
    ERRATUM = "erratum"
    HOLDS_EMPIRICALLY = "holds empirically"
    FAILED = "FAILED"

    @property
    def ok(self) -> bool:
        return self is not Verdict.FAILED


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: ``kind`` is one of symbolic/exhaustive/numeric/montecarlo."""

    kind: str
    description: str
    passed: bool
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "passed", bool(self.passed))
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence kind must be one of {EVIDENCE_KINDS}, got {self.kind!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "description": self.description,
            "passed": bool(self.passed),
            "details": _jsonable(self.details),
        }


@dataclass(frozen=True)
class Erratum:
    """A recorded erratum: the printed statement, the corrected one and why."""

    printed: str
    corrected: str
    explanation: str


@dataclass
class Outcome:
    """What a check found.

    ``printed``: whether the statement as printed holds.  ``corrected``: for claims
    with a recorded erratum, whether the corrected statement holds (``None`` otherwise).
    """

    printed: bool
    evidence: list[Evidence]
    corrected: bool | None = None

    def __post_init__(self) -> None:  # numpy / sympy booleans -> bool
        self.printed = bool(self.printed)
        if self.corrected is not None:
            self.corrected = bool(self.corrected)


@dataclass(frozen=True)
class Claim:
    """One printed result.  See the module docstring for how the verdict is decided."""

    id: str
    paper: str  # paper file stem, e.g. "000_f78adc64a8dc1795"
    where: str  # "Theorem 4, eq. (9)"
    statement: str  # as printed (LaTeX allowed)
    assumptions: tuple[str, ...]
    check: Callable[[], Outcome]
    erratum: Erratum | None = None
    title: str = ""
    # when True, a passing check with symbolic evidence gives "holds"; numeric or
    # Monte-Carlo evidence alone gives "holds empirically".
    tags: tuple[str, ...] = ()

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass
class Result:
    claim: Claim
    verdict: Verdict
    outcome: Outcome | None
    seconds: float
    error: str | None = None

    @property
    def reason(self) -> str:
        if self.error:
            return self.error.strip().splitlines()[-1]
        o = self.outcome
        assert o is not None
        if self.verdict.ok:
            return ""
        if self.claim.erratum is None:
            failed = [e.description for e in o.evidence if not e.passed]
            return "printed statement failed: " + "; ".join(failed or ["(no evidence passed)"])
        if o.printed:
            return "recorded as erratum, but the printed statement holds"
        return "recorded erratum, but the corrected statement did not hold"

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        out: dict[str, Any] = {
            "id": c.id,
            "title": c.title,
            "paper": c.paper,
            "where": c.where,
            "statement": c.statement,
            "assumptions": list(c.assumptions),
            "verdict": self.verdict.value,
            "seconds": round(self.seconds, 4),
        }
        if c.erratum is not None:
            out["erratum"] = {
                "printed": c.erratum.printed,
                "corrected": c.erratum.corrected,
                "explanation": c.erratum.explanation,
            }
        if self.outcome is not None:
            out["printed_holds"] = bool(self.outcome.printed)
            out["corrected_holds"] = (
                None if self.outcome.corrected is None else bool(self.outcome.corrected)
            )
            out["evidence"] = [e.to_json() for e in self.outcome.evidence]
        if self.error:
            out["error"] = self.error
        if not self.verdict.ok:
            out["reason"] = self.reason
        return out


def decide(claim: Claim, outcome: Outcome) -> Verdict:
    """Compare a check's outcome with the claim's record (see module docstring)."""
    if not outcome.evidence:
        return Verdict.FAILED  # a check without evidence decides nothing
    if claim.erratum is None:
        if not outcome.printed or not all(e.passed for e in outcome.evidence):
            return Verdict.FAILED
        symbolic = any(e.kind in ("symbolic", "exhaustive") for e in outcome.evidence)
        return Verdict.HOLDS if symbolic else Verdict.HOLDS_EMPIRICALLY
    if outcome.printed or outcome.corrected is not True:
        return Verdict.FAILED
    return Verdict.ERRATUM


def run_claim(claim: Claim) -> Result:
    t0 = time.perf_counter()
    try:
        outcome = claim.check()
    except Exception:  # a crashing check is a failed claim, reported with its traceback
        return Result(claim, Verdict.FAILED, None, time.perf_counter() - t0, traceback.format_exc())
    return Result(claim, decide(claim, outcome), outcome, time.perf_counter() - t0)


def topics() -> list[str]:
    """Topic modules under :mod:`verify.checks` (each defines ``CLAIMS``), sorted."""
    import verify.checks as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))


def registry(topic: str | None = None) -> list[Claim]:
    """All claims (or one topic's), in the order their modules list them.

    Claim ids are unique across the registry; a duplicate raises ``ValueError``.
    """
    names = topics()
    if topic is not None:
        if topic not in names:
            raise ValueError(f"unknown topic {topic!r}; known topics: {', '.join(names)}")
        names = [topic]
    claims: list[Claim] = []
    seen: set[str] = set()
    for name in names:
        mod = importlib.import_module(f"verify.checks.{name}")
        for c in mod.CLAIMS:
            if c.id in seen:
                raise ValueError(f"duplicate claim id {c.id!r}")
            if c.topic != name:
                raise ValueError(f"claim {c.id!r} lives in topic module {name!r}")
            seen.add(c.id)
            claims.append(c)
    return claims


def run_claims(
    claims: list[Claim], progress: Callable[[Result], None] | None = None
) -> list[Result]:
    results = []
    for c in claims:
        r = run_claim(c)
        results.append(r)
        if progress is not None:
            progress(r)
    return results


def _jsonable(x: Any) -> Any:
    """Convert numpy / sympy / mpmath scalars and containers to plain JSON values."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (bool, int, str)) or x is None:
        return x
    if isinstance(x, float):
        return x if x == x and abs(x) != float("inf") else str(x)
    try:
        import numpy as np

        if isinstance(x, np.generic):
            return _jsonable(x.item())
        if isinstance(x, np.ndarray):
            return _jsonable(x.tolist())
    except ImportError:  # pragma: no cover
        pass
    return str(x)
