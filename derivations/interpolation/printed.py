r"""Paper 000's formulas *as printed* (the things under test, never evidence).

Each is transcribed from ``000_f78adc64a8dc1795.txt`` with its location; the checks
compare them with the derivations in :mod:`derivations.interpolation.derive`.
"""

from __future__ import annotations

import sympy as sp

from derivations.interpolation.derive import beta, eta, lam, lam1, lamn, m, n

# Theorem 2: g(λ; m, η) ≜ (1 − ηλ)² + η²λ(β − λ)/m
g_theorem2 = (1 - eta * lam) ** 2 + eta**2 * lam * (beta - lam) / m
# proof of Theorem 2: 1 − 2ηλ + η²[βλ/m + (1 − 1/m)λ²]
g_proof = 1 - 2 * eta * lam + eta**2 * (beta * lam / m + (1 - 1 / m) * lam**2)
# (6): η1(m) ≜ 2m/(β + (m − 1)λ1)
eta_1 = 2 * m / (beta + (m - 1) * lam1)
# Lemma 1: η0(m) ≜ 2m/(β + (m − 1)(λ1 + λn))
eta_0 = 2 * m / (beta + (m - 1) * (lam1 + lamn))
# (8): the feasible set printed as η < β/m + (m − 1)λ1/m
eq8_bound = beta / m + (m - 1) / m * lam1
# Theorem 4, (9), (10): threshold m ≤ β/(λ1 − λn) + 1
threshold = beta / (lam1 - lamn) + 1
eta_star = (m / (beta + (m - 1) * lamn), 2 * m / (beta + (m - 1) * (lam1 + lamn)))
g_star = (1 - m * lamn / (beta + (m - 1) * lamn),
          1 - 4 * m * (m - 1) * lam1 * lamn / (beta + (m - 1) * (lam1 + lamn)) ** 2)
# Theorem 5, (11), (12): threshold m ≤ β/(λ1 − β/n) + 1
threshold_hat = beta / (lam1 - beta / n) + 1
eta_hat = (m / (beta * (1 + (m - 1) / n)), 2 * m / (beta + (m - 1) * (lam1 + beta / n)))
g_hat = (1 - m * lamn / (beta * (1 + (m - 1) / n)),
         1 - 4 * m * (m - 1) * lam1 * lamn / (beta + (m - 1) * (lam1 + beta / n)) ** 2)
# (13): s(m)
s = (m / (1 + (m - 1) * lamn / beta),
     4 * m * (m - 1) * lam1 / (beta * (1 + (m - 1) * (lam1 + lamn) / beta) ** 2))
# (14): m* = β/(λ1 − λn) + 1 ; introduction: m* = tr H / λ1(H)
m_star = beta / (lam1 - lamn) + 1
# Section 4.4.2: lim_{m→∞} s(m) = 4β/λ1
s_limit = 4 * beta / lam1
# Appendix B, Lemma 3: τ = (β − λn)/β, τ̄ = 1 − τ, g*(m) = τ/(τ + τ̄ m)
tau = (beta - lamn) / beta
g1_tau = tau / (tau + (1 - tau) * m)
# Lemma 4: the complete square ((m − 1)(λ1 − λn) − β)²
lemma4_square = ((m - 1) * (lam1 - lamn) - beta) ** 2
lemma4_expanded = (m - 1) ** 2 * (lam1 - lamn) ** 2 - 2 * (m - 1) * beta * (lam1 - lamn) + beta**2
# proof outline of Theorem 6: the case-2 sup of s(m)/m is (λ1 − λn)/λ1
outline_sup = (lam1 - lamn) / lam1

# ---------------------------------------------------------------- further printed statements
# (each compared, never used as evidence; the checks in verify.topics.interpolation.claims)
alpha = sp.Symbol("alpha", positive=True)  # Theorem 1's strong-convexity constant
trH = sp.Symbol("trH", positive=True)  # tr H in the introduction
s_sym = sp.Symbol("s", positive=True)  # the speed-up s(m) as a symbol (proof outline of Theorem 6)
Q_nc, H_nc = sp.symbols("Q H", commutative=False)  # E[H_1^2] and H, non-commuting


def eq5_second_moment(Q, H, mm):
    """(5), equality: E[H_m^2] = (1/m) E[H_1^2] + ((m − 1)/m) H^2 (Q = E[H_1^2]; matrices or symbols)."""
    return Q / mm + (1 - sp.Integer(1) / mm) * H * H


# proof of Theorem 2, before (5): "H_m = Σ_{i=1}^m H_1^(i)" -- the factor in front of the sum is 1
Hm_sum_factor = sp.Integer(1)
# Section 4, "Quadratic loss": ||x_i|| ≤ β -- the power of the norm that is bounded by β
norm_power = sp.Integer(1)
# Section 4, "Quadratic loss": β > λ1
beta_vs_lam1 = sp.Gt(beta, lam1)
# (7): L(w) ≤ λ1 ||w − w*||², L is 2λ1-smooth
eq7_const = lam1
eq7_smooth = 2 * lam1
# Theorem 2 as displayed: E[L(w_t)] ≤ λ1 E||w_{t+1} − w*||² -- the time offset of the distance
theorem2_offset = 1
# Theorem 3: E[L(w_t)] ≥ λ1 E||w_{t+1} − w*||² = λ1 g(m, η)^t E||w_0 − w*||² (offset 1)
theorem3_offset = 1
# Theorem 1: E L(w_t) ≤ (β/2) E||w_t − w*||² ≤ (β/2)(1 − α/β)^t ||w_0 − w*||²
theorem1_const = beta / 2
theorem1_rate = 1 - alpha / beta
# Lemma 4, proof: 4m(m−1)λ1λn/(β + (m−1)(λ1+λn))² < mλn/(β + (m−1)λn)
lemma4_strict_lhs = 4 * m * (m - 1) * lam1 * lamn / (beta + (m - 1) * (lam1 + lamn)) ** 2
lemma4_strict_rhs = m * lamn / (beta + (m - 1) * lamn)
# (18), (19): g*(1) = g1(1) ≤ g1(m) -- printed without an exponent (power 1 of g1(m))
eq18_power = sp.Integer(1)
# Theorems 6 and 7: arg min_m g*(m)^{1/m} = 1, arg min_m ĝ(m)^{1/m} = 1
theorem6_argmin = 1
theorem7_argmin = 1
# proof outline of Theorem 6: g*(m)^{1/m} ≈ e^{−s(m)/m} (the exponent)
outline_exponent = -s_sym / m
# proof outline of Theorem 6, case 1: s(m)/m ≥ 1/(1 + 1/(m − 1)), "from β/λn ≤ 1/n"
outline_case1_bound = 1 / (1 + 1 / (m - 1))
outline_case1_hypothesis = sp.Le(beta / lamn, 1 / n)
# Introduction, item 2: m* = tr H / λ1(H)
intro_m_star = trH / lam1
# Section 4.4.2 and Introduction 2(b): t(m*)/lim t(m) < 4
less_than = 4

# ---------------------------------------------------------------- round 2: Section 3.1, remarks, proof steps
# Section 3.1, table (step size; #iterations to reach a given error), κ-notation: β/α
table_sgd_step = 1 / beta
table_sgd_iters = beta / alpha
# the other rows, as printed (quoted from [RSB12], [JZ13], [DBLJ14], [AZ16])
table_steps = {"SAG": 1 / (2 * n * beta), "SVRG": 1 / (10 * beta), "SAGA": 1 / (3 * beta)}
table_iters = {"SAG": n * beta / alpha, "SVRG": n + beta / alpha, "SAGA": n + beta / alpha,
               "Katyusha": n + sp.sqrt(n * beta / alpha)}
# Remark after Theorem 5: η̂ is "at most factor O(1 + 1/n) slower" than η*(m) (m a constant)
remark_slowdown = 1 + 1 / n
# large-n forms printed after Theorem 5: η̂(m) ≈ m/β (m ≲ β/λ1), ≈ 2m/(β + (m − 1)λ1) (m ≳ β/λ1)
eta_hat_large_n = (m / beta, 2 * m / (beta + (m - 1) * lam1))
threshold_large_n = beta / lam1


def theorem2_operator(H, EHm2):
    """Proof of Theorem 2: E||w_(t+1) − w*||² = E[eᵀ(I − 2ηH + η²E[H_m²])e] -- the operator."""
    return 1 - 2 * eta * H + eta**2 * EHm2


def theorem2_G(H):
    """Proof of Theorem 2: G_{m,η} ≜ I − 2ηH + η²(β/m H + (m − 1)/m H²)."""
    return 1 - 2 * eta * H + eta**2 * (beta / m * H + (m - 1) / m * H * H)


# Lemma 2, proof: η^I(m) = min(η0(m), m/(β + (m − 1)λn)), displayed by cases, and g^I(m, η^I(m))
eta_I = (m / (beta + (m - 1) * lamn), 2 * m / (beta + (m - 1) * (lam1 + lamn)))
g_I = (1 - m * lamn / (beta + (m - 1) * lamn),
       1 - 4 * m * (m - 1) * lam1 * lamn / (beta + (m - 1) * (lam1 + lamn)) ** 2)
# Lemma 2, proof: g^II(m, η^II(m)) = 1 − 4m(m−1)λ1λn/(β + (m−1)(λ1+λn))² for all m >= 1
g_II = 1 - 4 * m * (m - 1) * lam1 * lamn / (beta + (m - 1) * (lam1 + lamn)) ** 2
# Theorem 3, proof: "only two places ... where the upper bound may not be tight"
theorem3_places = 2
# Theorem 3, proof: "since L is λ1-strongly convex, we have L(w) >= λ1 ||w − w*||²"
theorem3_strong_convexity = lam1
# (14): m* = β/(λ1 − λn) + 1 ≈ β/(λ1 − β/n) + 1 ≈ β/λ1 + 1
eq14_approx = (beta / (lam1 - beta / n) + 1, beta / lam1 + 1)
# Figure 5 captions (β = 1, n = 10^4): (λ1, m* ≈ ...) for MNIST, HINT-S, TIMIT
fig5 = {"MNIST": (sp.Rational(15, 100), 8), "HINT-S": (sp.Rational(3, 10), 4),
        "TIMIT": (sp.Rational(54, 1000), 20)}
# Section 4.4.2, linear scaling regime: s(m) ≈ m and η*(m) ~ m when λn ≪ λ1
linear_scaling_s = m
