r"""Paper 000's printed formulas that the ``meansquare`` claims test (the thing under test only).

The other paper-000 quantities (eta_1, eta*, eta-hat, g*, g-hat, s, m*) are taken from the
generated :mod:`verify.generated.interpolation`, whose derivation the ``interpolation`` topic
checks against the paper; only what is typed here is typed from the paper.
"""

from __future__ import annotations

import sympy as sp

from derivations.meansquare.derive import beta, lam1, lamr, m

__all__ = ["g_star_saturation"]


def g_star_saturation() -> sp.Expr:
    r"""(10), second case (m > beta/(lambda_1 - lambda_n) + 1), as printed, lambda_n written
    lamr (the smallest positive eigenvalue):
    :math:`1 - 4\frac{m(m-1)\lambda_1\lambda_n}{(\beta+(m-1)(\lambda_1+\lambda_n))^2}`."""
    return 1 - 4 * m * (m - 1) * lam1 * lamr / (beta + (m - 1) * (lam1 + lamr)) ** 2
