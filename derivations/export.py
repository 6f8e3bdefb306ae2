"""What a derivation hands to the code generator."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Export", "Guard", "symbol_guards"]


@dataclass(frozen=True)
class Guard:
    """A domain condition on the arguments; ``text`` names it in the ValueError."""

    condition: sp.Basic
    text: str


@dataclass(frozen=True)
class Export:
    """One exported formula: generated as ``name(*args)`` in numpy and mpmath.

    ``guards`` are extra conditions beyond those implied by the symbols' own SymPy
    assumptions (positive, nonnegative, integer), which are added automatically.
    """

    name: str
    args: tuple[sp.Symbol, ...]
    expr: sp.Expr
    doc: str
    guards: tuple[Guard, ...] = field(default_factory=tuple)


def symbol_guards(args: tuple[sp.Symbol, ...]) -> list[Guard]:
    """Guards implied by each symbol's declared assumptions."""
    out: list[Guard] = []
    for a in args:
        # a plain symbol of the same name: with a's assumptions SymPy would fold
        # ``a > 0`` to True and the guard would vanish.
        p = sp.Symbol(a.name, real=True)
        if a.is_integer:
            out.append(Guard(sp.Eq(p, sp.floor(p)), f"{a} must be an integer"))
        if a.is_positive:
            if a.is_integer:
                out.append(Guard(p >= 1, f"{a} >= 1"))
            else:
                out.append(Guard(p > 0, f"{a} > 0"))
        elif a.is_nonnegative:
            out.append(Guard(p >= 0, f"{a} >= 0"))
    return out
