r"""Paper 001's formulas *as printed* (the things under test, never evidence).

Each is transcribed from ``001_ce97798776b2d5f8.txt`` (glyphs garbled; see the papers'
index) with its location; the checks in :mod:`verify.topics.variance.claims` compare them
with the derivations in :mod:`derivations.variance.derive` and the exact engines.
Engines, the Monte-Carlo experiment and the derivation never import this module.
"""

from __future__ import annotations

import sympy as sp

from derivations.variance.derive import P_, Q_, b, d_, dp_, n, t_, u

# Lemma 1 (Section 3.1): c_b = (n - b)/(b(n - 1)) and var(A g | F_t) = c_b (1/n sum ||A grad L_i||^2 - ||A grad L||^2)
c_b = (n - b) / (b * (n - 1))
lemma1_variance = c_b * (Q_ / n - P_ / n**2)  # Q = sum_i ||v_i||^2, P = ||sum_i v_i||^2

# Lemma 2 (main text) and Lemma 4 (Appendix B.1): the last term is
# alpha_t^2 c_b / n^2 * sum_{k=1}^n sum_{l=1}^n E||sum_i B^{kl}_i grad L_i(w_t)||^2, B^{kl}_i = A (i = k != l),
# and for i = l != k: +A in the main text's statement, -A in the appendix (and its proof).
lemma2_coefficient_over_alpha2_cb = 1 / n**2
lemma2_sign_l = 1
lemma4_sign_l = -1

# Section 3.1, closing remark: E||sum_i A_i grad L_i(w_t)||^2 is a polynomial of 1/b of degree at most t
degree_norm_bound = t_
# Appendix A.2: var(g_t | F_0) is a polynomial of 1/b of degree t + 1
degree_var = t_ + 1

# Theorem 1, Theorem 2 (Theorems 6, 7), Corollary 1: "decreasing in b" -- the sign of the change
# of the quantity from b to b + 1 (-1: decreasing; 0 would be "constant", +1 "increasing")
theorem1_direction = -1
theorem2_direction = -1
corollary1_direction = -1

# Section 3.2 / proof of Theorem 4 at t = 0: var(g_{0,1} | F_0) = (p + 1)/b ||W_2^T Delta||^2 ...
_p = sp.Symbol("p", integer=True, positive=True)
dl_t0_variance_factor = (_p + 1) * u  # times ||W_2^T Delta||^2, u = 1/b
# ... using E tr(x x^T A x x^T) = (p + 2) tr A for x ~ N(0, I_p)
dl_t0_gaussian_trace_factor = _p + 2
p = _p

# Theorem 3: q <= (1/2)(3^{t+1} - 1) d + (1/2)(3^t - 1) d' (the garbled "(3^t 1)d'" read as 3^t - 1,
# as in the proof's last line), coefficient degree in the initial weights <= 3^t (3d + d')
theorem3_q_bound = sp.Rational(1, 2) * (3 ** (t_ + 1) - 1) * d_ + sp.Rational(1, 2) * (3**t_ - 1) * dp_
theorem3_coef_degree = 3**t_ * (3 * d_ + dp_)

# Proof of Theorem 4 (Appendix B.2): var(g_{t,1} | F_0) = (1/b)((p+2) E||G_t||^2 - ||E G_t||^2),
# G_t = W_{t,2}^T Delta_t; here as a function of (p, u, E||G_t||^2, ||E G_t||^2)
E2, MSQ = sp.symbols("E2 MSQ", nonnegative=True)
theorem4_identity = u * ((_p + 2) * E2 - MSQ)

# Theorem 4: var(g_{t,i} | F_0) = beta_1 b^{-1} + ... + beta_r b^{-r}: no constant term, r <= 2 * 3^t
theorem4_constant_term = 0
theorem4_degree_bound = 2 * 3**t_
# ... and later in the same theorem: degree at most 2 * 3^(t+1)
theorem4_later_bound = 2 * 3 ** (t_ + 1)


# Theorem 5: decreasing for b >= b_0, b_0 the largest real root of beta_1 b^{r-1} + ... + beta_r = 0
def theorem5_b0_polynomial(beta):
    """Coefficients (highest power first) of the printed ``beta_1 b^{r-1} + ... + beta_r``."""
    r = max((k for k, c in enumerate(beta) if c != 0), default=0)
    return [beta[k] for k in range(1, r + 1)]


theorem5_direction = -1  # "decreasing" for b >= b_0: the sign of d var / d b there
