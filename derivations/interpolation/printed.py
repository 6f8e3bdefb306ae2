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
