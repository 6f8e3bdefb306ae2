"""The exact zero test every topic's claims use (verify.core.exact.is_zero)."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from verify.core.exact import is_rational_expression, is_zero

x, y = sp.symbols("x y", positive=True)
m, n = sp.symbols("m n", integer=True, positive=True)


@pytest.mark.parametrize("expr, zero", [
    ((x**2 - y**2) / (x - y) - x - y, True),
    (1 / (x + 1) + 1 / (x - 1) - 2 * x / (x**2 - 1), True),
    (x / (x + 1) - 1, False),
    (m * (m - 1) / (m + n) ** 2 - (m**2 - m) / (m**2 + 2 * m * n + n**2), True),
    (sp.Rational(1, 3) - sp.Rational(2, 6), True),
    (sp.Integer(2), False),
    (sp.sqrt(x) ** 2 - x, True),
    (sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, True),       # not rational: simplify decides
    (sp.sin(x) ** 2 - sp.cos(x) ** 2, False),
    ((1 + sp.sqrt(2)) ** 2 - 3 - 2 * sp.sqrt(2), True),  # cancel treats sqrt(2) as a variable
    (sp.sqrt(2) * sp.sqrt(3) - sp.sqrt(6), True),
    (sp.exp(sp.log(x)) - x, True),
])
def test_is_zero(expr, zero):
    assert is_zero(expr) is zero


def test_rational_expression_is_syntactic():
    assert is_rational_expression((x + 1) / (x - y) ** 3 + sp.Rational(2, 7))
    assert not is_rational_expression(sp.sqrt(x) + 1)
    assert not is_rational_expression(x ** sp.Rational(1, 2))
    assert not is_rational_expression(sp.exp(x))
    assert not is_rational_expression(x**y)


def test_agrees_with_simplify_on_random_rational_functions():
    """Brute force: random rational functions, and each minus an equal rewriting, decided like simplify."""
    rng = random.Random(7)
    syms = (x, y, m)
    for _ in range(12):
        def rand_poly():
            return sum(rng.randint(-3, 3) * syms[0] ** rng.randint(0, 2) * syms[1] ** rng.randint(0, 2)
                       * syms[2] ** rng.randint(0, 1) for _ in range(3))
        num, den = rand_poly(), rand_poly()
        if den == 0:
            continue
        f = num / den
        g = sp.expand(num * (den + 1)) / sp.expand(den * (den + 1))  # an equal rewriting
        for e in (f, f - g, f - g + sp.Rational(1, 10**6)):
            assert is_zero(e) == (sp.simplify(e) == 0)
