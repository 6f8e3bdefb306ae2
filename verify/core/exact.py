"""Exact zero tests shared by the topics' claim checks.

``simplify`` decides whether an expression is zero by trying many rewritings; for a rational
function of the symbols (every exponent an integer, no function, no radical) exact arithmetic in
the field of rational functions Q(x1, ..., xk) decides it far faster: an element is kept as a
reduced numerator over a denominator, so it is 0 exactly when the function is.  Every other
expression -- radicals, logarithms, sums -- goes to ``simplify`` as before, unless ``cancel``
already reduces it to 0 (an identity of polynomial arithmetic treating each other atom as a
variable, hence a proof).
"""

from __future__ import annotations

import sympy as sp
from sympy.polys.fields import field

__all__ = ["is_rational_expression", "is_zero"]


def is_rational_expression(expr: sp.Expr) -> bool:
    """``expr`` is built from symbols and rational numbers by + - * / and integer powers only."""
    for node in sp.preorder_traversal(expr):
        if node.is_Symbol or node.is_Rational or node.is_Add or node.is_Mul:
            continue
        if node.is_Pow and node.exp.is_Integer:
            continue
        return False
    return True


def is_zero(expr) -> bool:
    """``expr`` is identically 0 (a scalar expression).

    A rational expression (:func:`is_rational_expression`) is converted into the field of
    rational functions over Q in its symbols, where it is in canonical form (a reduced numerator
    over a denominator): it is 0 exactly when that element is.  Any other expression is 0 if
    ``cancel(together(expr))`` is 0, else when ``simplify(expr) == 0``."""
    e = sp.sympify(expr)
    if e == 0:
        return True
    if is_rational_expression(e):
        syms = sorted(e.free_symbols, key=sp.default_sort_key)
        if not syms:
            return bool(e == 0)
        K = field(syms, sp.QQ)[0]
        return K.from_expr(e) == 0
    if sp.cancel(sp.together(e)) == 0:
        return True
    return sp.simplify(e) == 0
