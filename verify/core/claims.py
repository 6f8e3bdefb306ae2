r"""The claim model and the registry that the CLI, the tests and the book all read.

A *claim* is one printed result (or proof step) of one paper: an id
(``interpolation.theorem4.eta_star``), where it is printed, the statement as printed, its
assumptions, and a ``check`` that gathers the evidence deciding it.  Claims are declared
next to their checks with :meth:`ClaimSet.claim`::

    CLAIMS = ClaimSet("interpolation", paper="000_f78adc64a8dc1795")

    @CLAIMS.claim("interpolation.eta1", where="(6)", statement=r"\eta_1(m) = ...")
    def _check_eta1() -> Outcome: ...

A check returns an :class:`Outcome`: ``printed`` (does the statement *as printed* hold?),
``corrected`` (for a recorded erratum, does the correction hold?) and ``evidence``.

**Verdict** (the truth value), computed by comparing the outcome with the record
(``erratum=None`` means "we expect the printed statement to hold"):

============================  ===========================  ==========
recorded                      outcome                      verdict
============================  ===========================  ==========
no erratum                    printed holds, all passed    ``holds``
erratum recorded              printed fails, corrected ok  ``erratum``
anything else                                              ``FAILED``
============================  ===========================  ==========

**Strength** (how strong the evidence is), computed from the evidence kinds:

========================  ==========  ==============================================
evidence kind             strength    meaning
========================  ==========  ==============================================
``proof``                 proved      a symbolic derivation or certificate of the
                                      statement in its stated generality, on its own
``counterexample``        proved      an exact counterexample (only *against* a printed
                                      statement recorded as an erratum)
``exhaustive``            verified    exact on every case of a finite domain
                                      (``instances`` = the number of cases)
``exact``                 verified    exact (rational / symbolic) computation on
                                      ``instances`` named instances
``numeric``               empirical   floating-point search or comparison
``montecarlo``            empirical   Monte-Carlo
``lemma``                 (none)      a step proved in general that supports the
                                      statement but does not establish it on its own
                                      (shown, must pass, never sets the strength)
========================  ==========  ==============================================

A statement's strength is that of its strongest passing evidence item about it;
``instances`` is the largest instance count among its verified items.  Each item says
what it is about: ``about="printed"`` (for a claim that holds: evidence for the printed
statement; for an erratum: evidence *against* it) or ``about="corrected"`` (evidence for
the correction).  An erratum's strength is the weaker of the two sides, both reported.

A check cannot silently pass: a recorded erratum whose printed statement turns out to
hold, or whose correction fails, is a failure too, and ``batchproof check --mutate``
(see :mod:`verify.core.mutation`) shows that perturbing the thing under test changes the
verdict.
"""

from __future__ import annotations

import math
import os
import time
import traceback
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterator

__all__ = [
    "Claim",
    "ClaimSet",
    "Erratum",
    "Evidence",
    "Outcome",
    "Result",
    "Strength",
    "Verdict",
    "registry",
    "result_from_json",
    "default_jobs",
    "run_claims",
    "topics",
]

EVIDENCE_KINDS = ("proof", "counterexample", "exhaustive", "exact", "numeric", "montecarlo", "lemma")
ABOUT = ("printed", "corrected")


class Verdict(str, Enum):
    HOLDS = "holds"
    ERRATUM = "erratum"
    FAILED = "FAILED"

    @property
    def ok(self) -> bool:
        return self is not Verdict.FAILED


class Strength(str, Enum):
    PROVED = "proved"
    VERIFIED = "verified"
    EMPIRICAL = "empirical"
    NONE = "none"  # no passing evidence about the statement: a defect, never a pass

    @property
    def rank(self) -> int:
        return {"proved": 3, "verified": 2, "empirical": 1, "none": 0}[self.value]


_KIND_STRENGTH = {"proof": Strength.PROVED, "counterexample": Strength.PROVED,
                  "exhaustive": Strength.VERIFIED, "exact": Strength.VERIFIED,
                  "numeric": Strength.EMPIRICAL, "montecarlo": Strength.EMPIRICAL,
                  "lemma": Strength.NONE}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence (see the module docstring for ``kind`` and ``about``).

    ``instances`` is required for ``exact`` and ``exhaustive`` items: how many named
    instances (or cases of the finite domain) were computed exactly.
    """

    kind: str
    description: str
    passed: bool
    details: dict[str, Any] = field(default_factory=dict)
    about: str = "printed"
    instances: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "passed", bool(self.passed))
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence kind must be one of {EVIDENCE_KINDS}, got {self.kind!r}")
        if self.about not in ABOUT:
            raise ValueError(f"evidence 'about' must be one of {ABOUT}, got {self.about!r}")
        if self.kind in ("exact", "exhaustive"):
            if self.instances is None or int(self.instances) < 1:
                raise ValueError(f"{self.kind} evidence needs instances >= 1: {self.description[:60]!r}")
            object.__setattr__(self, "instances", int(self.instances))
        if self.kind == "counterexample" and self.about != "printed":
            raise ValueError("a counterexample is evidence against the printed statement")

    @property
    def strength(self) -> Strength:
        return _KIND_STRENGTH[self.kind]

    def to_json(self) -> dict[str, Any]:
        out = {
            "kind": self.kind,
            "strength": self.strength.value,
            "about": self.about,
            "description": self.description,
            "passed": bool(self.passed),
            "details": _jsonable(self.details),
        }
        if self.instances is not None:
            out["instances"] = self.instances
        return out


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
    """One printed result.  See the module docstring for verdict and strength.

    ``mutation_exempt``: when perturbing the statement is meaningless, the reason (listed
    by ``check --mutate`` and in the book); otherwise ``None``.
    """

    id: str
    paper: str  # paper file stem, e.g. "000_f78adc64a8dc1795"
    where: str  # "Theorem 4, eq. (9)"
    statement: str  # as printed (LaTeX allowed)
    assumptions: tuple[str, ...]
    check: Callable[[], Outcome]
    erratum: Erratum | None = None
    title: str = ""
    tags: tuple[str, ...] = ()
    mutation_exempt: str | None = None
    # why the statement cannot be proved here in its generality, when its strength is
    # below "proved" (shown in the book beside the strength)
    no_proof: str | None = None
    # names of expensive per-process caches this check fills and other checks read (e.g. one
    # engine's table): ``check`` decides claims sharing a name in the same worker, so each cache
    # is computed once per run.  Scheduling only: never part of a verdict or of the results file.
    shares: tuple[str, ...] = ()

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


class ClaimSet:
    """A topic's claims, in declaration order; :meth:`claim` declares one beside its check."""

    def __init__(self, topic: str, paper: str) -> None:
        self.topic = topic
        self.paper = paper
        self._claims: list[Claim] = []

    def claim(self, id: str, *, where: str, statement: str, assumptions: tuple[str, ...] | list[str] = (),
              erratum: Erratum | None = None, title: str = "", tags: tuple[str, ...] = (),
              mutation_exempt: str | None = None, no_proof: str | None = None,
              paper: str | None = None, shares: tuple[str, ...] = ()) -> Callable[[Callable[[], Outcome]], Callable[[], Outcome]]:
        """Decorator: register the decorated check as claim ``id``; returns the check unchanged."""
        if not id.startswith(self.topic + "."):
            raise ValueError(f"claim {id!r} must start with its topic {self.topic!r}")

        def deco(check: Callable[[], Outcome]) -> Callable[[], Outcome]:
            self.add(Claim(id=id, paper=paper or self.paper, where=where, statement=statement,
                           assumptions=tuple(assumptions), check=check, erratum=erratum, title=title,
                           tags=tuple(tags), mutation_exempt=mutation_exempt, no_proof=no_proof,
                           shares=tuple(shares)))
            return check

        return deco

    def add(self, claim: Claim) -> Claim:
        if any(c.id == claim.id for c in self._claims):
            raise ValueError(f"duplicate claim id {claim.id!r}")
        self._claims.append(claim)
        return claim

    def __iter__(self) -> Iterator[Claim]:
        return iter(self._claims)

    def __len__(self) -> int:
        return len(self._claims)


@dataclass(frozen=True)
class StatementStrength:
    strength: Strength
    instances: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"strength": self.strength.value}
        if self.strength is Strength.VERIFIED and self.instances is not None:
            out["instances"] = self.instances
        return out


def statement_strength(evidence: list[Evidence], about: str) -> StatementStrength:
    """The strength of the passing evidence ``about`` one statement (printed / corrected)."""
    items = [e for e in evidence if e.passed and e.about == about and e.kind != "lemma"]
    if not items:
        return StatementStrength(Strength.NONE)
    best = max(items, key=lambda e: e.strength.rank).strength
    inst = None
    if best is Strength.VERIFIED:
        inst = max(e.instances or 0 for e in items if e.strength is Strength.VERIFIED)
    return StatementStrength(best, inst)


@dataclass
class Result:
    claim: Claim
    verdict: Verdict
    outcome: Outcome | None
    seconds: float
    error: str | None = None
    montecarlo: dict[str, Any] | None = None  # attached from the harness results by ``all``

    @property
    def sides(self) -> dict[str, StatementStrength]:
        """The strength of each statement side: ``printed`` (and ``corrected`` for an erratum)."""
        if self.outcome is None:
            return {"printed": StatementStrength(Strength.NONE)}
        ev = self.outcome.evidence
        out = {"printed": statement_strength(ev, "printed")}
        if self.claim.erratum is not None:
            out["corrected"] = statement_strength(ev, "corrected")
        return out

    @property
    def strength(self) -> StatementStrength:
        """The claim's strength: the printed side's, or for an erratum the weaker side's."""
        if not self.verdict.ok:
            return StatementStrength(Strength.NONE)
        return min(self.sides.values(), key=lambda s: s.strength.rank)

    @property
    def reason(self) -> str:
        if self.error:
            return self.error.strip().splitlines()[-1]
        o = self.outcome
        if o is None:  # pragma: no cover - an outcome or an error is always set
            return "no outcome"
        if self.verdict.ok:
            return ""
        if not o.evidence:
            return "the check returned no evidence"
        if self.claim.erratum is None:
            failed = [e.description for e in o.evidence if not e.passed]
            if failed or not o.printed:
                return "printed statement failed: " + "; ".join(failed or ["(no evidence passed)"])
            return ("a claim recorded to hold carries evidence about a correction or a "
                    "counterexample, or a 'corrected' outcome")
        if o.printed:
            return "recorded as erratum, but the printed statement holds"
        if o.corrected is not True:
            return "recorded erratum, but the corrected statement did not hold"
        if statement_strength(o.evidence, "corrected").strength is Strength.NONE:
            return "recorded erratum, but no passing evidence is about the correction (about='corrected')"
        if statement_strength(o.evidence, "printed").strength is Strength.NONE:
            return "recorded erratum, but no passing evidence is against the printed statement"
        return "an evidence item failed: " + "; ".join(e.description for e in o.evidence if not e.passed)

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
            **self.strength.to_json(),
            "seconds": round(self.seconds, 4),
        }
        if self.verdict.ok and c.erratum is not None:
            s = self.sides
            out["against_printed"] = s["printed"].to_json()
            out["correction"] = s["corrected"].to_json()
        if c.no_proof and self.strength.strength is not Strength.PROVED:
            out["no_proof"] = c.no_proof
        if c.mutation_exempt:
            out["mutation_exempt"] = c.mutation_exempt
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
        if self.montecarlo is not None:
            out["montecarlo"] = self.montecarlo
        if self.error:
            out["error"] = self.error
        if not self.verdict.ok:
            out["reason"] = self.reason
        return out


def result_from_json(claim: Claim, d: dict[str, Any]) -> Result:
    """Rebuild a :class:`Result` from its ``to_json()`` (a results file written by the same
    code: see :func:`verify.core.results.code_fingerprint`)."""
    outcome = None
    if "evidence" in d:
        ev = [Evidence(e["kind"], e["description"], e["passed"], e.get("details", {}),
                       about=e.get("about", "printed"), instances=e.get("instances"))
              for e in d["evidence"]]
        outcome = Outcome(d["printed_holds"], ev, d.get("corrected_holds"))
    return Result(claim, Verdict(d["verdict"]), outcome, float(d.get("seconds", 0.0)),
                  d.get("error"), d.get("montecarlo"))


def decide(claim: Claim, outcome: Outcome) -> Verdict:
    """Compare a check's outcome with the claim's record (see module docstring).

    Every evidence item must pass, and the statement(s) the verdict rests on must have
    passing evidence: the printed one (for or against), and for an erratum the correction.
    """
    if not outcome.evidence or not all(e.passed for e in outcome.evidence):
        return Verdict.FAILED
    if statement_strength(outcome.evidence, "printed").strength is Strength.NONE:
        return Verdict.FAILED
    if claim.erratum is None:
        if not outcome.printed or outcome.corrected is not None:
            return Verdict.FAILED
        if any(e.about != "printed" or e.kind == "counterexample" for e in outcome.evidence):
            return Verdict.FAILED  # evidence about a correction or against the statement
        return Verdict.HOLDS
    if outcome.printed or outcome.corrected is not True:
        return Verdict.FAILED
    if statement_strength(outcome.evidence, "corrected").strength is Strength.NONE:
        return Verdict.FAILED
    return Verdict.ERRATUM


def run_claim(claim: Claim) -> Result:
    """Decide one claim.  Its check runs with one BLAS thread: the checks' matrices are
    small, and on a loaded machine a multi-threaded BLAS is many times slower there."""
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            outcome = claim.check()
    except Exception:  # a crashing check is a failed claim, reported with its traceback
        return Result(claim, Verdict.FAILED, None, time.perf_counter() - t0, traceback.format_exc())
    return Result(claim, decide(claim, outcome), outcome, time.perf_counter() - t0)


def topics() -> list[str]:
    """Topics with claims (``verify.topics.<topic>.claims`` defining ``CLAIMS``), sorted."""
    from verify.core import topics as T

    return T.names(with_part="claims")


def registry(topic: str | None = None) -> list[Claim]:
    """All claims (or one topic's), in the order their modules list them.

    Claim ids are unique across the registry; a duplicate raises ``ValueError``.
    """
    names = topics()
    if topic is not None:
        if topic not in names:
            from verify.core.errors import InputError

            raise InputError(f"unknown topic {topic!r}; known topics: {', '.join(names)}")
        names = [topic]
    claims: list[Claim] = []
    seen: set[str] = set()
    for name in names:
        from verify.core import topics as T

        mod = T.part(name, "claims")
        for c in mod.CLAIMS:
            if c.id in seen:
                raise ValueError(f"duplicate claim id {c.id!r}")
            if c.topic != name:
                raise ValueError(f"claim {c.id!r} lives in topic module {name!r}")
            seen.add(c.id)
            claims.append(c)
    return claims


def default_jobs() -> int:
    """Worker processes for deciding claims: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_claims(
    claims: list[Claim], progress: Callable[[Result], None] | None = None, jobs: int = 1,
    hints: dict[str, float] | None = None,
) -> list[Result]:
    """Decide ``claims``; results in the order given.

    ``jobs > 1`` decides them in that many forked worker processes (each claim's check is
    independent; a worker sends back the result's JSON, rebuilt here with
    :func:`result_from_json`, so what a parallel run reports is exactly what a results
    file holds).  ``hints`` (claim id -> seconds) only order the work.  Where ``fork`` is
    unavailable the claims run here, one after another.
    """
    import multiprocessing as mp

    if jobs <= 1 or len(claims) <= 1 or "fork" not in mp.get_all_start_methods():
        results = []
        for c in claims:
            r = run_claim(c)
            results.append(r)
            if progress is not None:
                progress(r)
        return results
    chunks = _schedule(claims, jobs, hints)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    global _POOL_CLAIMS, _POOL_QUEUE
    _POOL_CLAIMS, _POOL_QUEUE = list(claims), queue  # inherited by the forked workers
    out: list[Result | None] = [None] * len(claims)
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=ctx) as ex:
            futs = [ex.submit(_run_chunk, ch) for ch in chunks]
            import queue as _q

            for _ in range(len(claims)):
                while True:
                    try:
                        i, d = queue.get(timeout=1.0)
                        break
                    except _q.Empty:
                        for f in futs:  # a worker that died raises here, never hangs the run
                            if f.done() and f.exception() is not None:
                                raise f.exception()
                r = result_from_json(claims[i], d)
                out[i] = r
                if progress is not None:
                    progress(r)
            for f in futs:
                f.result()
    finally:
        _POOL_CLAIMS, _POOL_QUEUE = [], None
    return [r for r in out if r is not None]


def _schedule(claims: list[Claim], jobs: int, hints: dict[str, float] | None = None) -> list[list[int]]:
    """Units of work for ``jobs`` workers, largest first (so a free worker takes the next
    largest: LPT).  A unit is a topic's claims, so the caches a topic's checks share
    (engines, derivations) are computed once per run; a topic costing more than a worker's
    fair share is cut into contiguous pieces, never between claims naming the same cache in
    :attr:`Claim.shares` (those are moved next to the first of them).  Costs are ``hints``
    (claim id -> seconds, e.g. from the last results file) where given, else one second each."""
    hint = hints or {}
    cost = [max(hint.get(c.id, 1.0), 0.01) for c in claims]
    share = sum(cost) / jobs
    units: list[list[int]] = []
    for i, c in enumerate(claims):
        if units and claims[units[-1][0]].topic == c.topic:
            units[-1].append(i)
        else:
            units.append([i])
    pieces: list[list[int]] = []
    for u in units:
        atoms = _share_atoms(claims, u)
        k = max(1, math.ceil(sum(cost[i] for i in u) / (0.6 * share)))
        target = sum(cost[i] for i in u) / k
        cur: list[int] = []
        acc = 0.0
        for atom in atoms:
            cur.extend(atom)
            acc += sum(cost[i] for i in atom)
            if acc >= target:
                pieces.append(cur)
                cur, acc = [], 0.0
        if cur:
            pieces.append(cur)
    return sorted(pieces, key=lambda p: -sum(cost[i] for i in p))


def _share_atoms(claims: list[Claim], unit: list[int]) -> list[list[int]]:
    """``unit`` (indices into ``claims``) as groups kept together: claims linked through a common
    name in :attr:`Claim.shares` (transitively) form one group, at the place of its first claim;
    every other claim is a group of its own.  Order otherwise as given."""
    root: dict[int, int] = {}
    owner: dict[str, int] = {}

    def find(i: int) -> int:
        while root.get(i, i) != i:
            i = root[i]
        return i

    for i in unit:
        for name in claims[i].shares:
            if name in owner:
                a, b = find(owner[name]), find(i)
                if a != b:
                    root[max(a, b)] = min(a, b)
            else:
                owner[name] = i
    groups: dict[int, list[int]] = {}
    for i in unit:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


_POOL_CLAIMS: list[Claim] = []
_POOL_QUEUE: Any = None


def _run_chunk(indices: list[int]) -> None:
    """Worker side of :func:`run_claims`: decide the claims ``indices``, sending each
    result's JSON back as soon as it is known."""
    for i in indices:
        _POOL_QUEUE.put((i, _jsonable(run_claim(_POOL_CLAIMS[i]).to_json())))


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
