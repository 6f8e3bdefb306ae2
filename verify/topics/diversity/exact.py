"""Small exact certificates shared by the diversity claims (``claims.py``, ``claims_steps.py``)."""

from __future__ import annotations

import sympy as sp

__all__ = ["is_zero", "nonneg_rational"]


def is_zero(expr) -> bool:
    """``expr`` simplifies to 0 (after expansion).  A rational function of its symbols that
    ``cancel`` (exact polynomial arithmetic over a common denominator) reduces to 0 is 0 without
    ``simplify``; every other expression is decided by ``simplify``, as before."""
    e = sp.expand(expr)
    if e == 0:
        return True
    if e.is_rational_function() and sp.cancel(e) == 0:
        return True
    return sp.simplify(e) == 0


def nonneg_rational(expr) -> bool:
    """Certificate that ``expr >= 0`` for every value of its (non-negative) symbols: over a common
    denominator, numerator and denominator are polynomials with non-negative coefficients."""
    num, den = sp.fraction(sp.together(sp.expand(expr)))
    num, den = sp.expand(num), sp.expand(den)
    free = sorted(num.free_symbols | den.free_symbols, key=str)
    if not all(s.is_nonnegative for s in free):
        return False
    if not free:
        return bool(num * den >= 0)
    pn, pd = sp.Poly(num, *free), sp.Poly(den, *free)
    return all(c >= 0 for c in pn.coeffs()) and all(c >= 0 for c in pd.coeffs()) and not pd.is_zero
