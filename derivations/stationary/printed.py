r"""Paper 004's formulas and table entries *as printed* (the things under test, never evidence).

Each is transcribed from ``004_8f90174d47f4361b.txt`` with its location; the checks in
:mod:`verify.topics.stationary.claims` compare them with the derivations of
:mod:`derivations.stationary.derive` (engines and Monte-Carlo never import this module).

Scaling as printed: the risk is a mean, :math:`\sigma^2` the covariance of one
per-example gradient, a mini-batch gradient the mean over m examples.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import sympy as sp

from derivations.stationary.derive import delta, m, n_data, tr_H, tr_sigma2, tr_sigma2_H

__all__ = [
    "TABLE1",
    "C",
    "R_exponent",
    "clt_lhs_scale",
    "clt_rhs_scale",
    "eq2_cov",
    "eq2_noise_sign",
    "eq3_noise_scale",
    "eq4_noise_scale",
    "eq5_cov",
    "eq6",
    "eq6_half",
    "eq6_mid_coeff",
    "eq6_prop_power",
    "eq7_grad_coeff",
    "eq9_noise_scale",
    "eq10_scale",
    "eq11_lhs",
    "eq12",
    "eq13",
    "eq_correspond",
    "eq_referred",
    "jastrzebski_model_factor",
    "result32_mean",
    "saddle_eigen_bound",
    "sec2_gradient_weight",
    "sec53_bs_trend_trH",
    "sec53_lr_trend",
    "sec53_md_lr_trend",
    "sec53_order",
]

C = sp.Symbol("C", nonnegative=True)  # covariance of one per-example gradient (scalar case)

# Section 2, (2)-(3): "covariance Sigma(theta) = (1/m) C(theta)"
eq2_cov = C / m
# Section 2, paragraph before (1): "The gradient is based on the sum over all loss values":
# g = sum_j dl_j, i.e. weight 1 per example
sec2_gradient_weight = sp.Integer(1)
# Section 2, (4): d theta = -g dt + sqrt(delta/m) R dW
eq4_noise_scale = sp.sqrt(delta / m)
# Section 3, before Result 3.1: V = (m/delta)^{1/2} [X^m_delta - X]
eq10_scale = sp.sqrt(m / delta)
# Section 2, before (5): "approximating the average loss L(theta) as (theta-theta*)^T H (theta-theta*)"
jastrzebski_model_factor = sp.Integer(1)
# Section 2, after (5): cov(z) = E(z z^T) = delta/(2m) I
eq5_cov = delta / (2 * m)
# (6): E(L) = 1/2 sum_i lambda_i E(z_i^2) = delta/(4m) Tr(Lambda) = delta/(4m) Tr(H)
eq6_half = sp.Rational(1, 2)
eq6 = delta / (4 * m) * tr_H


# Result 3.2, (11): Gamma(oo) Hf(X(oo)) + Hf(X(oo)) Gamma(oo) = sigma^2(X(oo)); the left side
def eq11_lhs(Gamma, H):
    """The left side of (11), ``Gamma H + H Gamma`` (SymPy or numpy matrices)."""
    return Gamma * H + H * Gamma if isinstance(Gamma, sp.MatrixBase) else Gamma @ H + H @ Gamma


# Result 3.2, last sentence: "If theta is a saddle point, V(t) diverges": a saddle has an
# eigenvalue of the Hessian below this bound
saddle_eigen_bound = sp.Integer(0)
# Result 3.2, (12) at t -> oo: E f - f = delta/(4m) tr sigma^2
eq12 = delta / (4 * m) * tr_sigma2
# Result 3.2, (13) at t -> oo: E|grad f|^2 - |grad f|^2 = delta/(2m) tr(sigma^2 H)
eq13 = delta / (2 * m) * tr_sigma2_H

# Section 3, after (13): "(12) and (13) correspond to Equations (4.45) and (4.49) in Wang (2019),
# respectively, we will refer to them as Equations [8](4.45) and [8](4.46)"
# (equation number of this paper -> equation number of Wang (2019))
eq_correspond = {12: Decimal("4.45"), 13: Decimal("4.49")}
eq_referred = {12: Decimal("4.45"), 13: Decimal("4.46")}

# Table 1 (Section 5.3), as printed:
# (Experiment label, BS/LR, BS, LR, tr(H), tr[sigma^2(X(oo))], Magnitude Difference);
# caption: "Magnitude Difference represents Tr(H)/tr[sigma^2(X(oo))]"
TABLE1 = [
    (1, 1250, 100, Fraction("0.08"), 22398330, 9528207, Decimal("2.4")),
    (2, 500, 100, Fraction("0.2"), 44428697, 5501901, Decimal("8.1")),
    (4, 200, 100, Fraction("0.5"), 45588319, 4575870, Decimal("9.9")),
    (4, 2500, 200, Fraction("0.08"), 31897024, 10304980, Decimal("3.1")),
    (5, 1000, 200, Fraction("0.2"), 33932327, 4084640, Decimal("8.3")),
    (6, 400, 200, Fraction("0.5"), 41058846, 3486877, Decimal("11.8")),
    (7, 6250, 500, Fraction("0.08"), 63343355, 9530501, Decimal("6.6")),
    (8, 2500, 500, Fraction("0.2"), 35252033, 4261116, Decimal("8.3")),
    (9, 1000, 500, Fraction("0.5"), 54212278, 5380719, Decimal("10.1")),
]
# Section 5.3: "In all cases ... tr[sigma^2(X(oo))] is magnitudes smaller than Tr(H)":
# "magnitudes" read as at least one order of magnitude, a ratio of at least 10
sec53_order = 10


# --- the displayed steps of the derivations (issue 16) ---------------------------------
# Section 2, (1) -> (2): theta_{k+1} = theta_k - delta g + (+1) * delta (g^(m) - g)
eq2_noise_sign = sp.Integer(1)
# Section 2, (3): theta_{k+1} = theta_k - delta g + (delta/sqrt(m)) eps, cov eps = C
eq3_noise_scale = delta / sp.sqrt(m)
# Section 2, after (4): R(theta) = U(theta) D(theta)^{1/2} (D read as Lambda, the only diagonal matrix there)
R_exponent = sp.Rational(1, 2)
# (6), middle member: delta/(4m) Tr(Lambda) (its coefficient)
eq6_mid_coeff = delta / (4 * m)
# Section 2, after (6): E(L)/Tr(H) proportional to (delta/m)^1
eq6_prop_power = 1
# Section 3, (7): X' + 1 * grad f(X) = 0 (the coefficient of grad f)
eq7_grad_coeff = sp.Integer(1)
# Section 3: sqrt(n)[grad L^n - grad f] = (1/sqrt(n)) sum_i [grad l(theta; U_i) - grad f]
clt_lhs_scale = sp.sqrt(n_data)
clt_rhs_scale = 1 / sp.sqrt(n_data)
# Section 3, (9): dX = -grad f dt - (delta/m)^{1/2} sigma dB
eq9_noise_scale = sp.sqrt(delta / m)
# Result 3.2: "a limiting stationary distribution with mean zero"
result32_mean = sp.Integer(0)

# Section 5.3, second paragraph (read on Table 1; +1 = increases, -1 = decreases):
# "if batch size is held constant, a higher learning rate causes Tr(H) to increase, while tr[sigma^2] decreases"
sec53_lr_trend = (1, -1)
# "If learning rate is held constant, as batch size increases, ... Tr(H) increases"
sec53_bs_trend_trH = 1
# "holding batch size constant while increasing the learning rate leads to larger magnitude differences"
sec53_md_lr_trend = 1
