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

# =====================================================================================
# Round 2: the printed proof steps (Appendices A-E) and the remaining printed results
# =====================================================================================
_x = sp.Symbol("x", nonnegative=True)
C1p, C2p, C3p, C4p, C5p = sp.symbols("C1 C2 C3 C4 C5", positive=True)
c1p, c2p, c3p = sp.symbols("c1 c2 c3", positive=True)
Lp, Tp = sp.symbols("L T", positive=True)  # Lipschitz constant, number of updates
hp = sp.Symbol("h", integer=True, nonnegative=True)  # H_{k+1} = h
Mb2, Gb, Bb = sp.symbols("Mbar2 Gbar Bbar_S", positive=True)  # Mbar^2, Gbar, inf Bbar at (w_kB, w~_kB)
r2b = sp.Symbol("r2", nonnegative=True)  # ||w_kB - w~_kB||^2

# A.2, (14) first display: P{||x_i||^2 >= C4 sigma^2 d} >= 1 - e^{-C5 d}  (threshold, probability bound)
step14_threshold = C4p * sigma**2 * d
step14_prob = 1 - sp.exp(-C5p * d)
# A.2, final display: n min||x||^2 / sigma_max^2 >= (C4/C1) d with probability >= 1 - C2 e^{-C3 n} - n e^{-C5 d}
cor1_ratio = C4p / C1p * d
cor1_fail = C2p * sp.exp(-C3p * n) + n * sp.exp(-C5p * d)
# Corollary 1's form of the failure probability: c2 n e^{-c3 d}
cor1_fail_form = c2p * n * sp.exp(-c3p * d)
# Corollary 2 / A.2: ||x_i||_2^2 = d for Rademacher entries
rademacher_norm2 = d

# Theorem 3 (informal): serial eps  ->  mini-batch (1 + delta/2) eps, same step-size, same number of updates
theorem3_target = (1 + delta / 2) * eps

# Appendix A.1, the chain: n sum a_i^2 ||x_i||^2 / ||X^T a||^2 >= n min||x||^2 sum a^2 / (sigma_max^2 ||a||^2)
# (written with the symbols of the step: num = sum a_i^2 ||x_i||^2, den = ||X^T a||^2, a2 = ||a||^2)
# Appendix A.3, third line: <g_i, g_j> replaced by (1/2)||g_i||^2 + (1/2)||g_j||^2 (per ordered edge)
pair_bound = (sp.Symbol("Ki", nonnegative=True) + sp.Symbol("Kj", nonnegative=True)) / 2
# A.3: sum over (ordered) edges of (1/2)||g_i||^2 + (1/2)||g_j||^2 <= rho * sum_i ||g_i||^2: the multiplier rho
edge_sum_multiplier = rho

# B.2, (15): the three right-hand sides after the expansion (dist2 = ||w - w*||^2, inner = <w - w*, grad F>)
BS_ = sp.Symbol("B_S", positive=True)
eq15_lines = (dist2 - 2 * gamma * B * inner + gamma**2 * (B * M2 + B * (B - 1) * G),
              dist2 - 2 * gamma * B * inner + gamma**2 * B * (1 + (B - 1) / BS_) * M2,
              dist2 - 2 * gamma * B * inner + gamma**2 * B * (1 + delta) * M2)
# B.3, (16) right-hand side and the two unrolled bounds
eq16_rhs = (1 - 2 * gamma * lam * B) * dist2 + (1 + delta) * gamma**2 * B * M2
thm4_unrolled = (1 - 2 * gamma * lam * B) ** (Tp / B) * D0 + (1 + delta) * gamma * M2 / (2 * lam)
thm4_exp = sp.exp(-2 * gamma * lam * Tp) * D0 + (1 + delta) * gamma * M2 / (2 * lam)
# B.4, (17): E<grad F, w - w*> <= (D_kB - D_(k+1)B)/(2 gamma B) + (1+delta) gamma M^2/2 ; final bound
Dk_, Dk1_ = sp.symbols("D_kB D_k1B", nonnegative=True)
eq17_rhs = (Dk_ - Dk1_) / (2 * gamma * B) + (1 + delta) * gamma / 2 * M2
thm5_final = D0 / (2 * gamma * Tp) + (1 + delta) * gamma * M2 / 2
# B.5, (18) right-hand side (E F_kB = Fk, E F_(k+1)B = Fk1), the sum, the minimum
Fk_, Fk1_ = sp.symbols("F_kB F_k1B", real=True)
eq18_rhs = Fk_ - Fk1_ + beta / 2 * gamma**2 * B * (1 + delta) * M2
thm6_sum_rhs = F0 + beta / 2 * gamma**2 * Tp * (1 + delta) * M2
thm6_final = F0 / (gamma * Tp) + beta / 2 * gamma * (1 + delta) * M2
# B.6, (20), (21) right-hand sides (Fv = F(w_kB), Fgap = F(w_kB) - F*) and the unrolled bound
Fv_, Fgap_ = sp.symbols("F Fgap", real=True)
eq20_rhs = Fv_ - gamma * B * G + beta * gamma**2 / 2 * (B * M2 + B * (B - 1) * G)
eq21_rhs = (1 - 2 * gamma * mu * B) * Fgap_ + (1 + delta) * beta * B * gamma**2 * M2 / 2
thm7_unrolled = (1 - 2 * gamma * mu * B) ** (Tp / B) * F0 + (1 + delta) * beta * gamma * M2 / (4 * mu)

# C.1: the conditional lower bound (M^2 := sup_W M^2(w) = 2 lam^2, so M^2(w) >= M^2/2) and the alpha form
thm8_cond_lower = (1 - 2 * gamma * lam * B) * dist2 + sp.Rational(1, 2) * gamma**2 * M2 * B * (1 + (B - 1) / BS_)
alpha_k = sp.Symbol("alpha_k", nonnegative=True)
thm8_alpha_term = sp.Rational(1, 4) * (1 + delta) * gamma * M2 / lam * alpha_k  # = (1/2)(1+delta) gamma^2 M^2 B_k
# C.1 last display: J >= 1 - [mean(1 - alpha)]^K >= 1 - (1 - 2c/K)^K
Kp = sp.Symbol("K", integer=True, positive=True)
thm8_J_lower = 1 - (1 - 2 * c_const / Kp) ** Kp

# C.2, Theorem 14: B > 2/(gamma lam) => E||w+ - w*|| > ||w - w*||; the printed threshold
theorem14_threshold = 2 / (gamma * lam)

# E.2 (25) / E.3 (39): the two forms of Gamma; (10)/(12) take the second form
def gamma_event_forms(kappa: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(25) with kappa = beta, (39) with kappa = beta + lam: (first form's bound on gamma, second
    form's threshold on Bbar_S)."""
    first = 2 / (kappa * (1 + 1 / (n - 1) + (B - 1) / Bb))
    second = (B - 1) / (2 / (gamma * kappa) - 1 - 1 / (n - 1))
    return first, second


# E.2 (28), first equality as printed: the inner-product term reads grad f(w~) - grad f(w~)
# (1-d form with g = grad f_{s_t}(w_kB), gt = grad f_{s_t}(w~_kB), u = w_kB - w~_kB, m = B - h terms)
def eq28_first_line(u, g, gt, gam):
    return u**2 - 2 * u * gam * sum(b - b for a, b in zip(g, gt)) + gam**2 * sum(a - b for a, b in zip(g, gt)) ** 2


# E.2 (30), first inequality: (B-h)(B-h-1)[Mb2/(n-1)^2 + n(n-2)/(n-1)^2 Gb] <= (B-h)[Mb2/(n-1) + (B-1) Mb2/Bbar]
eq30_lhs = (B - hp) * (B - hp - 1) * (Mb2 / (n - 1) ** 2 + n * (n - 2) / (n - 1) ** 2 * Gb)
eq30_rhs = (B - hp) * (Mb2 / (n - 1) + (B - 1) * Gb)  # (B-1) Mbar^2 / Bbar(w, w~) = (B-1) Gbar
# (31): the coefficient of -(B-h) Mbar^2
eq31_coeff = 2 * gamma / beta - gamma**2 * (1 + 1 / (n - 1) + (B - 1) / Bb)
# (35)-(36): per-iteration increment 2 gamma L B/n, total 2 gamma L T/n
thm12_increment = 2 * gamma * Lp * B / n
thm12_total = 2 * gamma * Lp * Tp / n
# (38): off Gamma, E||w_T - w~_T|| <= 2 gamma L T
thm12_crude = 2 * gamma * Lp * Tp

# E.3 (42)-(43), (46): contraction factors and the final bound (cc = beta lam/(beta + lam))
cc = beta * lam / (beta + lam)
eq42_factor = 1 - 2 * gamma * B * cc
eq43_factor = 1 - gamma * B * cc
thm13_total = 4 * Lp / (lam * n)

# E.4: p3(u, u) = (1/n) sum_{l = u} P{s_i = u, s_j = u | I = l} (the middle expression): the index set
# of the sum as printed, as a predicate on (l, u): "l == u"
def lemma3_p3diag_index(l_: int, u_: int) -> bool:
    return l_ == u_


p3_diag = 1 / (n * (n - 1))
p3_off = (n - 2) / (n * (n - 1) ** 2)

# Corollaries 3-4: eps_gen <= A (1 - eta) + 2 gamma L^2 T eta, A = 2 gamma L^2 T/n (Cor. 3), 4 L^2/(lam n) (Cor. 4)
eta_p = sp.Symbol("eta", nonnegative=True)
cor3_bound = 2 * gamma * Lp**2 * Tp / n * (1 - eta_p) + 2 * gamma * Lp**2 * Tp * eta_p
cor4_bound = 4 * Lp**2 / (lam * n) * (1 - eta_p) + 2 * gamma * Lp**2 * Tp * eta_p
# Corollaries 5-6: step-size condition and bound (sub-Gaussian case)
cor5_step = 2 / (beta * (1 + 1 / (n - 1) + c1p * (B - 1) / d))
cor5_bound = 2 * gamma * Lp**2 * Tp / n + c2p * gamma * Lp**2 * Tp * n * sp.exp(-c3p * d)

# E.5 (generalised linear): Bbar_S(w, w') >= min_i ||x_i||^2 / sigma_max^2(X)   (as printed: no factor n)
e5_glm_bound = minrow2 / smax2
# E.5 (sparse conflicts): Bbar_S >= n/(rho + 1)
e5_sparse_bound = n / (rho + 1)

# C.2, Theorem 14 proof chain: gamma B ||grad F(w)||  >=  gamma B lam ||w - w*||  (gnorm, dnorm)
theorem14_chain = (gamma * B * sp.Symbol("gnorm", nonnegative=True),
                   gamma * B * lam * sp.Symbol("dnorm", nonnegative=True))
# A.1, third expression of the chain: n min||x||^2 sum a_i^2 / (sigma_max^2 ||a||^2)
thm1_step3 = n * minrow2 * sp.Symbol("sum_a2", positive=True) / (smax2 * sp.Symbol("norm_a2", positive=True))

# =====================================================================================
# Round 3 (issue 16): the remaining printed steps
# =====================================================================================
# A.1, first expression of the chain: n sum_i a_i^2 ||x_i||^2 / ||X^T a||^2, as a function of the
# per-point squared norms q_i = ||x_i||^2, the coefficients a_i and ||X^T a||^2 (written "den")
def thm1_step1(a: list, q: list, den):
    return len(a) * sum(ai * ai * qi for ai, qi in zip(a, q)) / den


# C.1: the "rolled out" recursion: its additive coefficient (1/2)(1 + delta) gamma^2 M^2 in front of
# [B_K + sum_{k<K} prod_{i>k} (1 - alpha_i) B_k]
thm8_unroll_coeff = sp.Rational(1, 2) * (1 + delta) * gamma**2 * M2
# C.1, Jensen step: E[1/B_S] replaced by 1/E[B_S] (EBS = E[B_S(w_{N_{k-1}})])
EBS_ = sp.Symbol("EBS", positive=True)
thm8_jensen = 1 / EBS_
# C.1, third inequality: 1 + (B_k - 1)/E[B_S] replaced by 1 + delta
thm8_third = 1 + delta

# E.2, first display after (28): E_{I,A | H, A_kB}[||grad f_s(w_kB) - grad f_s(w~_kB)||^2] = Mbar^2(w_kB, w~_kB),
# the mean over ALL n points of the squared gradient differences at the pair (w_kB, w~_kB)
def eq28_first_moment(dsq: list):
    return sum(dsq) / len(dsq)


# Corollaries 3-4, the remarks after them: B <= 1 + delta Bbar and gamma <= 2/(kappa (1 + delta + 1/(n-1)))
# (kappa = beta for Corollary 3, beta + lam for Corollary 4)
def cor34_remark_step(kappa):
    return 2 / (kappa * (1 + delta + 1 / (n - 1)))


# Corollaries 5 (Rademacher case): eps_gen <= 2 gamma L^2 T/n + c2 gamma L^2 T e^{-c3 n}
cor5_bound_rademacher = 2 * gamma * Lp**2 * Tp / n + c2p * gamma * Lp**2 * Tp * sp.exp(-c3p * n)
# C.1, last display, first equality: J(alpha) = 1 - prod_k (1 - alpha_k), written with P_alpha = prod_k (1 - alpha_k)
thm8_J_form = 1 - sp.Symbol("P_alpha", real=True)
