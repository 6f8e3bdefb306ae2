"""Small exact certificates shared by the diversity claims (``claims.py``, ``claims_steps.py``)."""

from __future__ import annotations

import sympy as sp

from verify.core.exact import is_zero as _is_zero

__all__ = ["is_zero", "nonneg_rational"]


def is_zero(expr) -> bool:
    """``expr`` is identically 0 (:func:`verify.core.exact.is_zero` on its expansion)."""
    return _is_zero(sp.expand(expr))


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
