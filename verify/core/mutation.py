"""Mutation: perturb the thing under test and show that the verdict changes.

A check marks what it tests -- the printed formula, the printed constant, the
correction of an erratum -- by passing it through :func:`under_test`::

    printed = under_test(P.eta_1)                          # a holds claim: the printed formula
    fixed = under_test(D.eta_1(), role="corrected")        # an erratum: its correction

Normally ``under_test`` returns its argument unchanged.  ``batchproof check --mutate``
re-runs each claim's check once per mutation operator, with ``under_test`` returning a
perturbed value, and re-decides the claim:

* for a claim recorded to hold, the ``role="printed"`` marks are perturbed;
* for a recorded erratum, the ``role="corrected"`` marks (the correction) are perturbed.

The claim is *killed* when some operator changes its verdict (a check that raises under
a mutation does not count: it has not shown that it detects the change).  A claim whose verdict
survives every operator -- or whose check never reaches a mark of the right role -- is a
defect of the check, unless the claim lists a ``mutation_exempt`` reason.

Operators (tried in order, stopping at the first kill):

=========  ==========================================  =========================
operator   numbers, arrays, SymPy expressions          integers (indices, counts)
=========  ==========================================  =========================
scale      x * (1 + 1/7)                               x + 1 (index shift)
shift      x + 1/7                                     x - 1
negate     -x                                          -x
=========  ==========================================  =========================

A callable is wrapped (its result perturbed); a tuple, list or dict is perturbed item by
item; a SymPy relation ``a <= b`` has its right-hand side perturbed; a SymPy matrix
element by element.  Booleans and strings cannot be perturbed (that would flip the
conclusion, not the statement) and raise ``TypeError``.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from numbers import Integral
from typing import Any, Callable

__all__ = ["OPERATORS", "MutationResult", "mutate_claim", "perturb", "under_test"]

OPERATORS = ("scale", "shift", "negate")
ROLES = ("printed", "corrected")


@dataclass
class _Active:
    op: str
    role: str
    reached: int = 0


_ACTIVE: contextvars.ContextVar[_Active | None] = contextvars.ContextVar("batchproof_mutation",
                                                                          default=None)


def under_test(x: Any, role: str = "printed") -> Any:
    """Mark ``x`` as the thing under test; returns ``x`` (perturbed during a mutation run)."""
    if role not in ROLES:
        raise ValueError(f"under_test role must be one of {ROLES}, got {role!r}")
    act = _ACTIVE.get()
    if act is None or act.role != role:
        return x
    act.reached += 1
    return perturb(x, act.op)


def perturb(x: Any, op: str) -> Any:
    """``x`` perturbed by operator ``op`` (see the module docstring)."""
    if op not in OPERATORS:
        raise ValueError(f"unknown mutation operator {op!r}")
    if isinstance(x, (bool, str, bytes)) or x is None:
        raise TypeError(f"under_test cannot perturb a {type(x).__name__}: mark the formula or "
                        "value the statement is about, not the conclusion")
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None  # type: ignore[assignment]
    if np is not None and isinstance(x, np.bool_):
        raise TypeError("under_test cannot perturb a boolean")
    if isinstance(x, dict):
        return {k: perturb(v, op) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(perturb(v, op) for v in x)
    try:
        import sympy as sp
    except ImportError:  # pragma: no cover
        sp = None  # type: ignore[assignment]
    if sp is not None and isinstance(x, sp.Basic):
        if isinstance(x, (sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction)):
            raise TypeError("under_test cannot perturb a SymPy boolean")
        if isinstance(x, sp.core.relational.Relational):
            return x.func(x.lhs, perturb(x.rhs, op))
        if isinstance(x, sp.MatrixBase):
            return x.applyfunc(lambda e: perturb(e, op))
        if x.is_integer and op != "negate":  # an index or a count
            return x + (1 if op == "scale" else -1)
        return {"scale": lambda: x * sp.Rational(8, 7), "shift": lambda: x + sp.Rational(1, 7),
                "negate": lambda: -x}[op]()
    if isinstance(x, Integral) and not (np is not None and isinstance(x, np.ndarray)):
        return {"scale": x + 1, "shift": x - 1, "negate": -x}[op]
    if np is not None and isinstance(x, np.ndarray) and x.dtype.kind in "iu":
        return {"scale": x + 1, "shift": x - 1, "negate": -x}[op]
    if callable(x) and not (np is not None and isinstance(x, np.ndarray)):
        f = x

        def mutated(*args: Any, **kwargs: Any) -> Any:
            return perturb(f(*args, **kwargs), op)

        mutated.__name__ = getattr(f, "__name__", "mutated")
        mutated.__doc__ = getattr(f, "__doc__", None)
        return mutated
    if isinstance(x, Fraction):
        factor, delta = Fraction(8, 7), Fraction(1, 7)
    elif isinstance(x, Decimal):
        factor, delta = Decimal(8) / Decimal(7), Decimal(1) / Decimal(7)
    else:
        factor, delta = 8 / 7, 1 / 7
    if op == "scale":
        return x * factor
    if op == "shift":
        return x + delta
    return -x


@dataclass
class MutationResult:
    """What ``check --mutate`` found for one claim."""

    claim_id: str
    verdict: str  # the unmutated verdict
    role: str
    killed: bool
    killed_by: str | None = None
    reached: bool = False  # did the check reach a mark of the mutated role?
    verdicts: dict[str, str] = field(default_factory=dict)  # operator -> verdict under it
    exempt: str | None = None
    seconds: float = 0.0

    @property
    def status(self) -> str:
        if self.exempt:
            return "exempt"
        if self.killed:
            return "killed"
        return "survived" if self.reached else "no mark"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.claim_id, "status": self.status, "verdict": self.verdict,
                               "role": self.role, "killed_by": self.killed_by,
                               "mutated_verdicts": self.verdicts, "seconds": round(self.seconds, 3)}
        if self.exempt:
            out["reason"] = self.exempt
        elif not self.reached:
            out["reason"] = f"the check never reached an under_test(..., role={self.role!r}) mark"
        elif not self.killed:
            out["reason"] = "the verdict survived every operator: the check cannot fail"
        return out


def mutate_claim(claim: Any, run: Callable[[Any], Any], verdict: str) -> MutationResult:
    """Re-decide ``claim`` under each operator until the verdict changes.

    ``run(claim)`` decides a claim and returns an object with a ``verdict`` attribute (a
    :class:`verify.core.claims.Result`); ``verdict`` is the unmutated verdict's value.
    """
    role = "corrected" if claim.erratum is not None else "printed"
    res = MutationResult(claim.id, verdict, role, killed=False, exempt=claim.mutation_exempt)
    if claim.mutation_exempt:
        return res
    t0 = time.perf_counter()
    for op in OPERATORS:
        act = _Active(op, role)
        token = _ACTIVE.set(act)
        try:
            r = run(claim)
        finally:
            _ACTIVE.reset(token)
        res.reached |= act.reached > 0
        # a check that crashes under a mutation has not shown that it detects it
        v = "error" if getattr(r, "error", None) else r.verdict.value
        res.verdicts[op] = v
        if act.reached and v not in (verdict, "error"):
            res.killed, res.killed_by = True, op
            break
        if not act.reached:
            break  # no mark of this role: no operator can reach it
    res.seconds = time.perf_counter() - t0
    return res
