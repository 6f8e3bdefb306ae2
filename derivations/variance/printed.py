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


# =====================================================================================
# Proof steps (issue 16).  Each displayed line of a printed proof, reduced to the numbers
# it asserts: coefficients in front of named quantities, with n, b and alpha_t symbolic.
# The checks in verify.topics.variance.claims (section "proof steps") evaluate every line
# exactly and compare consecutive lines.
# =====================================================================================
alpha_t = sp.Symbol("alpha_t", positive=True)
_C = sp.binomial

# --- Proof of Lemma 1 (Appendix B.1); g = g_t^b, v_i = grad L_i(w_t), all conditional on F_t^b
# (1) E[g g^T] = b^{-2} E[(sum_{i in B} v_i)(sum_{i in B} v_i)^T]: the factor in front
lemma1_proof_l1 = 1 / b**2
# (2) = b^{-2} ( C(n-1,b-1)/C(n,b) sum_i v_i v_i^T + C(n-2,b-2)/C(n,b) sum_{i != j} v_i v_j^T )
lemma1_proof_l2 = (_C(n - 1, b - 1) / _C(n, b), _C(n - 2, b - 2) / _C(n, b))
# (3) = b^{-2} ( b/n sum_i v_i v_i^T + [rest lost in the extraction] )
lemma1_proof_l3_first = b / n
# (4)-(7): E||Ag||^2 = E[g^T A^T A g] = E tr(g^T A^T A g) = E tr(A^T A g g^T) = tr(A^T A E[g g^T])
#   as index expressions in general p: see printed_lemma1_trace_lines() below
# (8) = tr( (n-b)/(b n (n-1)) sum_i A^T A v_i v_i^T + (b-1) n/(b (n-1)) A^T A vbar vbar^T )
lemma1_proof_l8 = ((n - b) / (b * n * (n - 1)), (b - 1) * n / (b * (n - 1)))
# (9) = (n-b)/(b n (n-1)) sum_i ||A v_i||^2 + (b-1) n/(b (n-1)) ||A vbar||^2  (same coefficients)
lemma1_proof_l9 = lemma1_proof_l8
# (10) = c_b (1/n sum_i ||A v_i||^2 - ||A vbar||^2) + 1 * ||A vbar||^2
lemma1_proof_l10 = (c_b, sp.Integer(1))
# (11) var(A g) = E||A g||^2 - ||E[A g]||^2 = E||A g||^2 - 1 * ||A vbar||^2  (E[g] = vbar)
lemma1_proof_l11 = sp.Integer(1)
# (12) = c_b (1/n sum_i ||A v_i||^2 - ||A vbar||^2)
lemma1_proof_l12 = c_b


def printed_lemma1_trace_lines(A, g):
    """Lines (4)-(7) of the proof of Lemma 1 for SymPy matrix expressions ``A`` (p x p), ``g`` (p x 1):
    ``g^T A^T A g``, ``tr(g^T A^T A g)``, ``tr(A^T A g g^T)`` (inside the expectation)."""
    return ((g.T * A.T * A * g)[0, 0], sp.Trace(g.T * A.T * A * g), sp.Trace(A.T * A * g * g.T))


def printed_lemma1_l9_norm(A, v):
    """Line (8) -> (9): ``tr(A^T A v v^T)`` printed as ``||A v||^2`` (index form)."""
    return ((A * v).T * (A * v))[0, 0]


# --- Lemma 3's proof: h'(x) = f'(x) g(x) + f(x) g'(x) <= 0 (coefficients of f'g and f g')
lemma3_proof_derivative = (sp.Integer(1), sp.Integer(1))

# --- Proof of Lemma 4 (Appendix B.1).  v = sum_i A_i grad L_i(w_t), A = sum_i A_i x_i x_i^T, g = g_t,
# vbar = grad L(w_t); expectations E[.|F_0], inner ones E[.|F_t].
# (1)-(3) E||sum A_i grad L_i(w_{t+1})||^2 = E E||sum A_i (x_i^T w_{t+1} - y_i) x_i||^2
#         = E E||sum A_i (x_i^T (w_t - alpha_t g) - y_i) x_i||^2: the update coefficient of g
lemma4_proof_update = -alpha_t
# (4) = E E||v - alpha_t A g||^2
lemma4_proof_l4 = -alpha_t
# (5) = E||v||^2 - 2 alpha_t E E<v, A g> + alpha_t^2 E E||A g||^2
lemma4_proof_l5 = (-2 * alpha_t, alpha_t**2)
# (6) = E||v||^2 - 2 alpha_t E<v, A vbar> + alpha_t^2 E[c_b(1/n sum ||A grad L_i||^2 - ||A vbar||^2) + ||A vbar||^2]
lemma4_proof_l6 = (-2 * alpha_t, alpha_t**2, c_b)
# (7) = E||v - alpha_t A vbar||^2 + alpha_t^2 c_b E[1/n sum ||A grad L_i||^2 - ||A vbar||^2]
lemma4_proof_l7 = (-alpha_t, alpha_t**2 * c_b)
# (8) = E||v - alpha_t A vbar||^2 + alpha_t^2 c_b / n^2 sum_{i != j} E||A grad L_i - A grad L_j||^2
lemma4_proof_l8 = (-alpha_t, alpha_t**2 * c_b / n**2)
# (9) = E||sum (A_i - alpha_t/n A) grad L_i||^2 + alpha_t^2 c_b/n^2 sum_i sum_j E||A grad L_i - A grad L_j||^2
lemma4_proof_l9 = (-alpha_t / n, alpha_t**2 * c_b / n**2)
# (10) = E||sum B_i grad L_i||^2 + alpha_t^2 c_b/n^2 sum_k sum_l E||sum_i B^{kl}_i grad L_i||^2,
#      B_i = A_i - alpha_t/n A; B^{kl}_i = +A (i = k != l), -A (i = l != k), 0 otherwise
lemma4_proof_l10 = (-alpha_t / n, alpha_t**2 * c_b / n**2, sp.Integer(1), sp.Integer(-1))

# --- Proof of Theorem 1 (Appendix B.1)
# base case t = 0: E[||sum A_i grad L_i(w_0)||^2 | F_0] = 1 * ||sum A_i grad L_i(w_0)||^2, free of b
theorem1_proof_base = sp.Integer(1)
# the displayed recursion "by Lemma 2" (as Lemma 4: coefficient alpha_t^2 c_b / n^2 over all (k, l), -A)
theorem1_proof_recursion = (-alpha_t / n, alpha_t**2 * c_b / n**2, sp.Integer(1), sp.Integer(-1))
# "clearly alpha_t^2 c_b / n^2 = alpha_t^2 (n - b) / (b n^3 (n - 1))"
theorem1_proof_coefficient = alpha_t**2 * (n - b) / (b * n**3 * (n - 1))
# ... "is a non-negative and decreasing function of b" (direction of change from b to b + 1)
theorem1_proof_coefficient_direction = -1
# "By Lemma 3 ... [product] is also a non-negative and decreasing function of b"; the sum likewise
theorem1_proof_product_direction = -1
theorem1_proof_sum_direction = -1

# --- Proof of Theorem 7 (Appendix B.1); u_i = B grad L_i(w_t)
# (1) var(B g) = E||B g||^2 - ||E B g||^2 (coefficients of the two terms)
theorem7_proof_l1 = (sp.Integer(1), sp.Integer(-1))
# (2) = E E[||B g||^2 | F_t] - ||E E[B g | F_t]||^2
theorem7_proof_l2 = (sp.Integer(1), sp.Integer(-1))
# (3) = c_b (1/n sum E||u_i||^2 - E||B grad L||^2) + E||B grad L||^2 - ||E B grad L||^2
theorem7_proof_l3 = (c_b, sp.Integer(1), sp.Integer(-1))
# (4) = c_b / n^2 sum_{i != j} E||u_i - u_j||^2 + var(B grad L(w_t) | F_0)
theorem7_proof_l4 = (c_b / n**2, sp.Integer(1))

# --- Proof of Corollary 1: "Simply taking B = I_p in Theorem 1 yields the proof": the B taken (a multiple of I)
corollary1_proof_B_scale = sp.Integer(1)
# Proof of Lemma 4, line (1) -> (2): grad L_i(w) = (x_i^T w - y_i) x_i: coefficients of x_i^T w and y_i
lemma4_proof_gradient = (sp.Integer(1), sp.Integer(-1))


def printed_lemma1_l7(A, X):
    """Line (7) of the proof of Lemma 1: ``tr(A^T A X)`` with ``X = E[g g^T]`` (the expectation moved inside)."""
    return sp.Trace(A.T * A * X)

# --- Proof of Theorem 6 (Appendix B.1); C = (1/n) sum_i x_i x_i^T
# grad L(w_t) = 1/n sum x_i (x_i^T w_t - y_i): coefficients of x_i^T w_t and y_i
theorem6_proof_gradient = (sp.Integer(1), sp.Integer(-1))
# = 1/n sum x_i (x_i^T (w_{t-1} - alpha_t g_{t-1}) - y_i): the step size used is alpha_{t + offset}, offset printed 0
theorem6_proof_alpha_offset = 0
# = 1/n sum x_i (x_i^T w_{t-1} - y_i) - alpha_t/n sum x_i x_i^T g_{t-1}: coefficient of (1/n) sum x_i x_i^T g_{t-1}
theorem6_proof_k3 = -alpha_t
# = grad L(w_{t-1}) - alpha_t C g_{t-1}: coefficient of C g_{t-1}
theorem6_proof_k4 = -alpha_t
# var chain: (v1) var(B grad L(w_t)) = var(B grad L(w_{t-1}) - alpha_t B C g_{t-1}): coefficient of B C g_{t-1}
theorem6_proof_v1 = -alpha_t
# (v2) = E||B grad L - alpha_t BCg||^2 - 1 * ||E[...]||^2
theorem6_proof_v2 = sp.Integer(-1)
# (v3) = E[||B grad L||^2 - 2 alpha_t <B grad L, BCg> + alpha_t^2 ||BCg||^2] - ||E[...]||^2
theorem6_proof_v3 = (-2 * alpha_t, alpha_t**2)
# (v4) = E||B grad L||^2 + alpha_t^2 E E[||BCg||^2|F_{t-1}] - 2 alpha_t E E[<.,.>|F_{t-1}] - ||E E[..]||^2
theorem6_proof_v4 = (alpha_t**2, -2 * alpha_t)
# (v5) (3) = E||B grad L||^2 + alpha_t^2 E[c_b(1/n sum ||BC grad L_i||^2 - ||BC grad L||^2) + ||BC grad L||^2]
#          - 2 alpha_t E<B grad L, BC grad L> - ||E[B grad L - alpha_t BC grad L]||^2
theorem6_proof_v5 = (alpha_t**2, c_b, -2 * alpha_t)
# (v6) = E||B(I - alpha_t C) grad L||^2 + alpha_t^2 c_b E[...] - ||E B(I - alpha_t C) grad L||^2
theorem6_proof_v6 = (-alpha_t, alpha_t**2 * c_b)
# (v7) = var(B(I - alpha_t C) grad L) + alpha_t^2 c_b (1/n sum E||BC grad L_i||^2 - E||BC grad L||^2)
theorem6_proof_v7 = (-alpha_t, alpha_t**2 * c_b)
# (v8) (4) = var(B(I - alpha_t C) grad L) + alpha_t^2 c_b / n^2 sum_{i != j} E||BC grad L_i - BC grad L_j||^2
theorem6_proof_v8 = (-alpha_t, alpha_t**2 * c_b / n**2)


# --- Proof of Theorem 4 (Appendix B.2), last display: (1/b)((p+2) sum_k gamma_k b^{-k} - sum_k gamma'_k b^{-k})
#     "= sum_{k=1}^{max(q, q')} ((p+1) gamma_k - gamma'_k) b^{-k}": the coefficient of b^{-k} and the range of k
def theorem4_proof_expansion_coefficient(gamma, gammap, k):
    """Printed coefficient of ``b^{-k}`` (``gamma``, ``gammap``: functions of the index)."""
    return (_p + 1) * gamma(k) - gammap(k)


theorem4_proof_expansion_range = (1, 0)  # k from 1 to max(q, q') + 0


# =====================================================================================
# Appendix B.2 (issue 16): the proofs of Lemmas 5, 7, 8, 9 and Theorems 3, 4, 5.  Matrix lines
# are functions of SymPy matrix symbols (general p); degree and count statements are numbers or
# functions of the degrees.  The checks are in verify.topics.variance.claims ("Appendix B.2").
# =====================================================================================
def printed_lemma5_lines(M1, u, v, M2):
    """Proof of Lemma 5: ``tr(M_1 u_1 v_1^T M_2)``, ``= tr(v_1^T M_2 M_1 u_1)``, ``= v_1^T M_2 M_1 u_1``."""
    return (sp.Trace(M1 * u * v.T * M2), sp.Trace(v.T * M2 * M1 * u), (v.T * M2 * M1 * u)[0, 0])


# "deg(u_1 v_1^T; M') = deg(u_1 v_1^T; M_1) + deg(u_1 v_1^T; M_2) + 1" (M' = M_2 M_1): the added constant;
# and deg(A_j; M') = deg(A_j; M_1) + deg(A_j; M_2): added constant 0
lemma5_proof_deg_u1_offset = 1
lemma5_proof_deg_A_offset = 0


def printed_lemma7_flip(x, A, y):
    """Proof of Lemma 7: ``x^T A_j y`` "= ``y^T A_j x``" (the scalar flipped); returns the right side."""
    return (y.T * A * x)[0, 0]


def printed_lemma7_footnote2(a, b_, c, d, e, f, A1, A2):
    """Footnote 2 of Lemma 7's proof, its five lines (a, b_, c, d, e, f = x_{i1}, x_{i'1}, x_{i2}, x_{i'2},
    x_{i3}, x_{i'3}): ``a b^T A1 c d^T A2 e f^T = a (b^T A1 c)[d^T A2 e] f^T = a [d^T A2 e](b^T A1 c) f^T
    = a [d^T (b^T A1 c) A2 e] f^T = a [d^T A2 (b^T A1 c) e] f^T``."""
    s1, s2 = (b_.T * A1 * c)[0, 0], (d.T * A2 * e)[0, 0]
    return (a * b_.T * A1 * c * d.T * A2 * e * f.T, s1 * s2 * (a * f.T), s2 * s1 * (a * f.T),
            a * (d.T * (s1 * A2) * e) * f.T, a * (d.T * A2 * (s1 * e)) * f.T)


def printed_lemma7_footnote3(x1, x2, x3, A1, A2, A3):
    """Footnote 3 of Lemma 7's proof, its five lines (the last factor read as x_2^T, as the shapes need):
    ``x1 x2^T A1 x1 x1^T A2 x3 x3^T A3 x1 x2^T = x1 (x2^T A1 x1)[x1^T A2 x3]{x3^T A3 x1} x2^T
    = x1 (x1^T A1 x2)[x3^T A2 x1]{x1^T A3 x3} x2^T = x1 x1^T A1 x2 x3^T A2 x1 x1^T A3 x3 x2^T
    = x1 x1^T At1 x1 x1^T At2 xt x2^T`` with ``At1 = A1 x2 x3^T A2, At2 = A3, xt = x3``."""
    s = lambda l, A, r: (l.T * A * r)[0, 0]  # noqa: E731
    At1, At2, xt = A1 * x2 * x3.T * A2, A3, x3
    return (x1 * x2.T * A1 * x1 * x1.T * A2 * x3 * x3.T * A3 * x1 * x2.T,
            s(x2, A1, x1) * s(x1, A2, x3) * s(x3, A3, x1) * (x1 * x2.T),
            s(x1, A1, x2) * s(x3, A2, x1) * s(x1, A3, x3) * (x1 * x2.T),
            x1 * x1.T * A1 * x2 * x3.T * A2 * x1 * x1.T * A3 * x3 * x2.T,
            x1 * x1.T * At1 * x1 * x1.T * At2 * xt * x2.T)


# footnote 3: "m = 4, beta_1 = 4, thus the degree of x_u x_v^T in all At_k sum up to m - beta_1/2 - 1 = 1"
lemma7_footnote3_m = 4
lemma7_footnote3_beta1 = 4


def lemma7_footnote3_count(m, beta1):
    """The printed count ``m - beta_1/2 - 1`` of x_u x_v^T factors in the At_k."""
    return m - sp.Rational(beta1, 2) - 1


# --- Proof of Lemma 8
def printed_lemma8_trace(P, y, Ad):
    """``tr(A_0 x_1 x_1^T A_1 ... A_{d-1} x_d x_d^T A_d) = x_d^T A_d A_0 x_1 x_1^T A_1 ... x_d`` with
    ``P = A_0 x_1 ... A_{d-1} x_d`` (a p-vector) and ``y = x_d``: the right side ``y^T A_d P``."""
    return (y.T * Ad * P)[0, 0]


def printed_lemma8_move(A0, x, R, y, Ad):
    """``A_0 x_1 x_1^T A_1 ... A_{d0-1} x_{d0} x_{d0}^T A_{d0} = [x_1^T A_1 ... A_{d0-1} x_{d0}] A_0 x_1 x_{d0}^T A_{d0}``
    (d0 >= 2; R = A_1 x_2 ... A_{d0-1}, y = x_{d0}): the right side."""
    return (x.T * R * y)[0, 0] * (A0 * x * y.T * Ad)


def lemma8_class_coefficients(size: int, bb: int, d: int) -> list[int]:
    """Lemma 8's proof: ``|S_i| = e_{i,0} + e_{i,1} b + ... + e_{i,d} b^d``, the e_{i,j} the base-b digits
    of |S_i|, and (7) turns ``|S_i| / b^d`` into ``e_{i,d} + e_{i,d-1}/b + ... + e_{i,0}/b^d``: returns the
    printed coefficients of ``b^0, b^{-1}, ..., b^{-d}`` (digits, most significant first)."""
    digits = []
    for _ in range(d + 1):
        digits.append(size % bb)
        size //= bb
    return list(reversed(digits))


# (7), last equality: the coefficient of b^{-k} is e_{i, d - k}: the digit index as a function of (d, k)
def lemma8_line7_index(d, k):
    return d - k


# "n_M, the number of different equivalent classes, is independent of b": the change of n_M from b to b + 1
lemma8_classes_change = 0

# Lemma 8's statement: E[M | F_t] = N_0 + ... + N_d b^{-d}: degree in 1/b <= d; coefficient degree <= 3d + d'
lemma8_q_bound = d_
lemma8_coef_degree = 3 * d_ + dp_


# --- Proof of Lemma 9: "each M_i becomes the sum of 2^{d_i} terms ... prod tr(M_i) M_0 becomes the sum of
# 2^d terms" with d = 2^{d_0 + ... + d_m}; "deg(M_ik) <= 2^{d_i}, and therefore sum_i deg(M_ik) <= prod_i 2^{d_i} = d"
def lemma9_term_count(ds):
    """The printed number of terms, ``2^d`` with ``d = 2^{d_0 + ... + d_m}``."""
    return 2 ** (2 ** sum(ds))


def lemma9_term_degree_bound(di):
    """The printed bound on ``deg(M_ik)``: ``2^{d_i}``."""
    return 2**di


def lemma9_sum_bound(ds):
    """The printed conclusion: ``sum_i deg(M_ik) <= prod_i 2^{d_i}``."""
    out = 1
    for di in ds:
        out *= 2**di
    return out


# --- Proof of Theorem 3: "q <= d + 3 q_t <= (1/2)(3^{t+2} - 1) d + (1/2)(3^{t+1} - 1) d'", with
# "q_t <= d' + (1/2)(3^t - 1)(3d + d')"; "sum deg(M^k_ij) <= 3 x 3^t (3d + d') = 3^{t+1}(3d + d')"
theorem3_proof_qt = dp_ + sp.Rational(1, 2) * (3**t_ - 1) * (3 * d_ + dp_)
theorem3_proof_qt_factor = 3
theorem3_proof_q_next = sp.Rational(1, 2) * (3 ** (t_ + 2) - 1) * d_ + sp.Rational(1, 2) * (3 ** (t_ + 1) - 1) * dp_
theorem3_proof_deg_factor = 3
theorem3_proof_deg_next = 3 ** (t_ + 1) * (3 * d_ + dp_)
# (16), (17): the g-degree and the W_t-degree of each term after Lemma 9 are each <= 3d + d'
theorem3_proof_split_bound = 3 * d_ + dp_

# --- Proof of Theorem 4: q <= 6 * 3^t for E tr(Delta_t^T W_{t,2} W_{t,2}^T Delta_t) (coefficient degree
# <= 6 * 3^t), q' <= 2 * 3^(t+1) for ||E W_{t,2}^T Delta_t||^2, "max{q, q'} <= 2 * 3^(t+1)"
theorem4_proof_q = 6 * 3**t_
theorem4_proof_coef_degree = 6 * 3**t_
theorem4_proof_qprime = 2 * 3 ** (t_ + 1)
theorem4_proof_max = 2 * 3 ** (t_ + 1)


# --- Proof of Theorem 5 (summands in general r, k; beta_k the coefficient of b^{-k})
def theorem5_proof_var_summand(beta_k, bb, r, k):
    """``var = (1/b^r)(beta_1 b^{r-1} + ... + beta_r)``: the k-th summand as printed."""
    return beta_k * bb ** (r - k) / bb**r


def theorem5_proof_fprime_summand(beta_k, bb, r, k):
    """``f'(b) = -(1/b^{r+1})(beta_1 b^{r-1} + 2 beta_2 b^{r-2} + ... + r beta_r)``: the k-th summand."""
    return -k * beta_k * bb ** (r - k) / bb ** (r + 1)


def theorem5_proof_var_prime(f, fprime, bb, r):
    """The last display: ``(var)' = -(r/b^{r+1}) f(b) + (1/b^r) f'(b)`` (second term read with f'; the
    extraction shows ``f(b)`` there -- both readings are checked)."""
    return -r / bb ** (r + 1) * f + fprime / bb**r


# "Let b_0 be large enough such that for all b >= b_0, beta_1 b^{r-1} + 2 beta_2 b^{r-2} + ... + r beta_r >= 0",
# after showing beta_1 >= 0 only: the premise it rests on, as the lower bound on beta_1
theorem5_proof_beta1_lower = 0
