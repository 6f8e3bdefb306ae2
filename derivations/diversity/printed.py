r"""Paper 002's formulas *as printed* (the things under test, never evidence).

Each is transcribed from ``002_a2b006a18fc551b7.txt`` with its location; the checks in
:mod:`verify.topics.diversity.claims` compare them with what
:mod:`derivations.diversity.derive` derives from the model's definitions.  Engines,
estimators and the Monte-Carlo experiment never import this module.

Notation as in :mod:`derivations.diversity.derive`: ``S = sum_i ||g_i||^2``,
``C = sum_{i != j} <g_i, g_j>``, ``Tsum = ||sum_i g_i||^2``, ``M2``, ``G``, ``n``, ...
"""

from __future__ import annotations

import sympy as sp

from derivations.diversity.derive import (B, C, D0, F0, G, M2, S, Sq, Ssum, beta, d, delta, dist2, eps,
                                          gamma, inner, lam, minrow2, mu, n, rho, smax2)

__all__ = [
    "Bbar", "sigma", "r2", "c_const",
    "delta_S_first", "delta_S_second", "B_S_from_delta", "B_S_moments",
    "lemma1_rhs", "theorem1_bound", "theorem2_bound",
    "T_threshold", "step_size", "rate_target", "table1_minibatch",
    "theorem8_M2", "theorem8_M2_range", "lemma2_batch_limit", "theorem8_lower_bound",
    "eq6_B_DIM", "eq22_B_drop", "eq23_B_sgld", "eq24_B_quant", "quant_second_moment",
    "stability_step_size", "hardt_serial_step_size", "lemma3_rhs", "bridge_B_S",
]

Bbar = sp.Symbol("Bbar", positive=True)  # \overline B_S(w, w')
sigma = sp.Symbol("sigma", positive=True)  # the "sigma" of N(0, sigma I) in Section 4.4
r2 = sp.Symbol("r2", nonnegative=True)  # ||w||^2 on Theorem 8's construction
c_const = sp.Symbol("c", positive=True)  # Theorem 8's universal constant c (T >= c/(lam gamma))

# Definition 4, eq. (4): Delta_S = sum||g_i||^2 / ||sum g_i||^2 = S / (S + sum_{i!=j} <g_i, g_j>)
delta_S_first = S / Ssum
delta_S_second = S / (S + C)
# Definition 5: B_S = n Delta_S;  Appendix B.1: B_S(w) = M^2(w) / G(w)
B_S_from_delta = n * delta_S_first
B_S_moments = M2 / G

# Lemma 1, eq. (5): ||w - w*||^2 - B (2 gamma <grad F, w - w*> - (1 + delta) gamma^2 M^2)
lemma1_rhs = dist2 - B * (2 * gamma * inner - (1 + delta) * gamma**2 * M2)

# Theorem 1: B_S(w) >= n min_i ||x_i||^2 / sigma_max(X)^2
theorem1_bound = n * minrow2 / smax2
# Theorem 2: B_S(w) >= n / (rho + 1)
theorem2_bound = n / (rho + 1)

# Theorems 4-7: step-size gamma, and the threshold T >= ... after which the guarantee
# (1 + delta/2) eps holds (keys: strongly_convex = Thm 4, convex = 5, smooth = 6, pl = 7)
step_size = {
    "strongly_convex": eps * lam / M2,
    "convex": eps / M2,
    "smooth": eps / (beta * M2),
    "pl": 2 * eps * mu / (M2 * beta),
}
T_threshold = {
    "strongly_convex": M2 / (2 * lam**2 * eps) * sp.log(2 * D0 / eps),
    "convex": M2 * D0 / eps**2,
    "smooth": 2 / eps**2 * M2 * beta * F0,
    "pl": M2 * beta / (4 * mu**2 * eps) * sp.log(2 * F0 / eps),
}
rate_target = (1 + delta / 2) * eps

# Table 1, mini-batch column (step gamma(eps)/(1+delta), target eps), as the text shows it:
# rows 1 and 3 with (1+delta) as a base raised to the serial count, rows 2 and 4 as a product.
# (The serial column equals T_threshold; the header reads "step-size", the caption "updates".)
table1_minibatch = {
    "strongly_convex": (1 + delta) ** T_threshold["strongly_convex"],
    "convex": (1 + delta) * T_threshold["convex"],
    "smooth": (1 + delta) ** T_threshold["smooth"],
    "pl": (1 + delta) * T_threshold["pl"],
}

# Appendix C.1: M^2(w) = (1/n) sum lam^2 (||w||^2 + ||x_i||^2) = lam^2 (||w||^2 + 1) in [lam^2, 2 lam^2]
theorem8_M2 = lam**2 * (r2 + 1)
theorem8_M2_range = (lam**2, 2 * lam**2)
# Lemma 2: B_k <= 1/(lam gamma) keeps the iterates in the convex hull
lemma2_batch_limit = 1 / (lam * gamma)
# Theorem 8: E||w_T - w*||^2 >= c' (1 + delta) gamma M^2 / lam, with (end of C.1)
# c' = (1/4)(1 - e^{-2c}) (J >= 1 - (1 - 2c/K)^K >= 1 - e^{-2c}; the 1/4 from the unrolled recursion)
theorem8_lower_bound = sp.Rational(1, 4) * (1 - sp.exp(-2 * c_const)) * (1 + delta) * gamma * M2 / lam

# Section 4.4, eq. (6): B^DIM = n sum_i E||g_i^DIM||^2 / E||sum_i g_i^DIM||^2, written with
# SD = sum_i E||g_i^DIM||^2 and ED = E||sum_i g_i^DIM||^2
SD, ED = sp.symbols("S_D E_D", positive=True)
eq6_B_DIM = n * SD / ED
# Appendix D, (22): n sum (1-p)||g||^2 / (sum (1-p)||g||^2 + (1-p)^2 sum_{i!=k} <g_i, g_k>)
_p = sp.Symbol("p", positive=True)
eq22_B_drop = n * (1 - _p) * S / ((1 - _p) * S + (1 - _p) ** 2 * C)
# (23), with Section 4.4's noise xi_i ~ N(0, sigma I): (n S + n^2 d sigma^2) / (||sum g||^2 + n d sigma^2)
eq23_B_sgld = (n * S + n**2 * d * sigma**2) / (S + C + n * d * sigma**2)
# (24): n sum ||g||_2 ||g||_1 / (sum ||g||_2 ||g||_1 + sum_{j!=k} <g_j, g_k>)
eq24_B_quant = n * Sq / (Sq + C)
# Appendix D: E||Q(v)||^2 = ||v||_2 ||v||_1 (with symbols l2, l1 of the derivation)
quant_second_moment = sp.Symbol("l2", nonnegative=True) * sp.Symbol("l1", nonnegative=True)

# Theorems 12-13, (9) and (11): gamma <= 2 / (beta (1 + 1_{B>1}/(n-1) + (B-1)/Bbar)), and with beta + lam
_ind = sp.Piecewise((1, B > 1), (0, True))
stability_step_size = {
    "convex": 2 / (beta * (1 + _ind / (n - 1) + (B - 1) / Bbar)),
    "strongly_convex": 2 / ((beta + lam) * (1 + _ind / (n - 1) + (B - 1) / Bbar)),
}
# the serial conditions of Hardt et al. (2016) that (9), (11) are said to recover at B = 1 (cited)
hardt_serial_step_size = {"convex": 2 / beta, "strongly_convex": 2 / (beta + lam)}

# Lemma 3, eq. (29): Mbar^2/(n-1)^2 + n(n-2)/(n-1)^2 Gbar
Mbar2, Gbar = sp.symbols("Mbar2 Gbar", positive=True)
lemma3_rhs = Mbar2 / (n - 1) ** 2 + n * (n - 2) / (n - 1) ** 2 * Gbar

# The project's bridge statement (not printed in the paper): B_S = 1 + B_simple
_Bsimple = sp.Symbol("B_simple", positive=True)
bridge_B_S = 1 + _Bsimple

# Section 6.1: with r-replication "gradient diversity gets smaller as r increases":
# the printed direction of Delta_S in r (-1: decreasing)
replication_direction = -1
