"""Claims of paper 000 (Ma, Bassily, Belkin), each decided from the derivations.

Printed formulas come from :mod:`derivations.interpolation.printed` (the things under
test); the evidence comes from :mod:`derivations.interpolation.derive` (SymPy derivations),
exhaustive enumeration, mpmath brute force and the exact second-moment recursion.
Numeric comparisons at float64 use a relative tolerance of 1e-9 (well above the ~1e-14
rounding of these short closed forms); mpmath brute force runs at 30 digits and
golden-section search to 1e-20, compared at 1e-12.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from derivations.interpolation import derive as D
from derivations.interpolation import printed as P
from derivations.interpolation.derive import beta, eta, lam, lam1, lamn, m, n
from verify.core.claims import Claim, Erratum, Evidence, Outcome
from verify.generated import interpolation as G
from verify.generated import interpolation_mp as GM
from verify.topics.interpolation.engine import enumerate_moments, second_moment_curve

PAPER = "000_f78adc64a8dc1795"
RTOL = 1e-9


def _zero(expr) -> bool:
    return sp.simplify(sp.together(expr)) == 0


def _sym(desc: str, ok: bool, **details) -> Evidence:
    return Evidence("proof", desc, bool(ok), details)


def _num(desc: str, ok: bool, **details) -> Evidence:
    return Evidence("numeric", desc, bool(ok), details)


@lru_cache(maxsize=None)
def _admissible(k: int = 400, seed: int = 0):
    """Random admissible parameters: beta >= lam1 >= lamn > 0, n*lamn <= beta, m in 1..200."""
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.5, 5.0, k)
    l1 = b * rng.uniform(1e-3, 1.0, k)
    ln = l1 * rng.uniform(1e-4, 1.0, k)
    nn = np.floor(rng.uniform(1, b / ln)).clip(1)
    mm = rng.integers(1, 201, k).astype(float)
    return mm, b, l1, ln, nn


def _branch(expr, i):
    return expr.args[i][0]


# --------------------------------------------------------------- E[H_m^2], (5)
def _check_eq5_equality() -> Outcome:
    ev = []
    Qs, Hs = sp.symbols("Q H", commutative=False)
    ok_all = True
    for mm in range(1, 6):
        expr, Q, H = D.second_moment_noncommutative(mm)
        printed = sp.expand(Q / mm + sp.Rational(mm - 1, mm) * H * H)
        ok = sp.expand(expr - printed) == 0
        ok_all &= ok
    ev.append(_sym("expanding (sum_j X_j)^2/m^2 with non-commuting symbols, E X_j^2 = Q, "
                   "E X_j X_k = H^2 (j != k), gives Q/m + (1 - 1/m) H^2 for m = 1..5; in general "
                   "m diagonal and m(m-1) off-diagonal terms", ok_all))
    xs = [sp.Matrix([1, 2]), sp.Matrix([sp.Rational(1, 2), -1]), sp.Matrix([3, sp.Rational(1, 3)])]
    H = sum((x * x.T for x in xs), sp.zeros(2, 2)) / 3
    Q = sum((x * x.T * x * x.T for x in xs), sp.zeros(2, 2)) / 3
    ok_enum = True
    for mm in (1, 2, 3):
        exact = D.enumerate_second_moment(xs, mm)
        ok_enum &= (exact - (Q / mm + sp.Rational(mm - 1, mm) * H * H)).is_zero_matrix
    ev.append(Evidence("exhaustive", "E[H_m^2] by enumerating all 3^m index tuples of a rational "
                       "dataset (n = 3, d = 2, m = 1..3) equals Q/m + (1-1/m) H^2 exactly", ok_enum))
    return Outcome(ok_all and ok_enum, ev)


def _check_eq5_sum() -> Outcome:
    # printed: H_m = sum_i H_1^(i) with H_1^(i) rank-one subsample covariances x x^T
    mm = 3
    X = sp.symbols(f"X1:{mm + 1}", commutative=False)
    Q, H = sp.symbols("Q H", commutative=False)

    def expect(expr):
        out = 0
        for term in sp.Add.make_args(sp.expand(expr)):
            c, f = term.as_coeff_mul()
            a, b = f if len(f) == 2 else (f[0].base, f[0].base)
            out += c * (Q if a == b else H * H)
        return sp.expand(out)

    printed_sum = expect(sum(X) ** 2)  # H_m = sum of the rank-one covariances
    target = sp.expand(Q / mm + sp.Rational(mm - 1, mm) * H * H)
    printed_ok = sp.expand(printed_sum - target) == 0
    corrected = expect((sum(X) / mm) ** 2)
    return Outcome(printed_ok, [
        _sym("with H_m = sum_i H_1^(i) (as printed in the proof), E[H_m^2] = m Q + m(m-1) H^2, "
             "not (5)'s Q/m + (1-1/m) H^2 (m = 3)", not printed_ok,
             printed=str(printed_sum), target=str(target)),
        _sym("with the definition H_m = (1/m) sum_i H_1^(i), (5) holds (m = 3)",
             sp.expand(corrected - target) == 0),
    ], corrected=sp.expand(corrected - target) == 0)


def _check_eq5_bound() -> Outcome:
    # printed assumption ||x_i|| <= beta; counterexample n = 1, d = 1, x = 2, beta = 2
    x, b = sp.Integer(2), sp.Integer(2)
    Q, H = x**4, x**2
    printed_ok = bool(Q <= b * H)
    # corrected: ||x_i||^2 <= beta  =>  beta H - Q = (1/n) sum (beta - ||x_i||^2) x_i x_i^T  >= 0
    d, nn = 2, 2
    xs = [sp.Matrix(sp.symbols(f"x{i}_1:{d + 1}", real=True)) for i in range(nn)]
    Hs = sum((v * v.T for v in xs), sp.zeros(d, d)) / nn
    Qs = sum(((v.T * v)[0] * v * v.T for v in xs), sp.zeros(d, d)) / nn
    ident = sum(((beta - (v.T * v)[0]) * v * v.T for v in xs), sp.zeros(d, d)) / nn
    sym_ok = (beta * Hs - Qs - ident).expand().is_zero_matrix
    rng = np.random.default_rng(5)
    worst = np.inf
    for _ in range(200):
        nx, dx = rng.integers(1, 6), rng.integers(1, 5)
        Xn = rng.standard_normal((nx, dx))
        bb = float(np.max(np.sum(Xn**2, axis=1))) * rng.uniform(1, 2)
        Hn = Xn.T @ Xn / nx
        Qn = (Xn * np.sum(Xn**2, axis=1)[:, None]).T @ Xn / nx
        worst = min(worst, np.linalg.eigvalsh(bb * Hn - Qn).min() / bb)
    corrected = sym_ok and worst > -1e-12
    return Outcome(printed_ok, [
        _num("under the printed assumption ||x_i|| <= beta: n = 1, x = 2, beta = 2 gives "
             "E[H_1^2] = 16 > beta H = 8", not printed_ok, Q=16, betaH=8),
        _sym("under ||x_i||^2 <= beta: beta H - E[H_1^2] = (1/n) sum_i (beta - ||x_i||^2) x_i x_i^T, "
             "a non-negative combination of PSD matrices (identity checked for n = d = 2)", sym_ok),
        _num("min eigenvalue of beta H - E[H_1^2] over 200 random datasets with ||x_i||^2 <= beta "
             "(relative to beta) is >= -1e-12", worst > -1e-12, min_relative_eigenvalue=worst),
    ], corrected=corrected)


def _check_trace_bound() -> Outcome:
    # printed: ||x_i|| <= beta implies tr H <= beta.  n = 1, x = (2), beta = 2: tr H = 4.
    printed_ok = 4 <= 2
    xs = sp.symbols("s1:4", nonnegative=True)  # squared norms
    trH = sum(xs) / 3
    corrected = sp.simplify(beta - trH - sum(beta - s for s in xs) / 3) == 0
    return Outcome(printed_ok, [
        _num("||x|| <= beta with n = 1, x = (2), beta = 2 gives tr H = 4 > beta", not printed_ok),
        _sym("tr H = (1/n) sum ||x_i||^2, so ||x_i||^2 <= beta gives beta - tr H = "
             "(1/n) sum (beta - ||x_i||^2) >= 0 (n = 3)", corrected),
    ], corrected=corrected)


def _check_beta_strict() -> Outcome:
    # printed: beta > lam1.  n = 1, x = (1), beta = 1: lam1 = 1 = beta (admissible).
    X = np.array([[1.0]])
    l1 = float(np.linalg.eigvalsh(X.T @ X)[-1])
    printed_ok = 1.0 > l1
    corrected = l1 <= float(np.sum(X**2)) <= 1.0
    return Outcome(printed_ok, [
        _num("n = 1, x = (1), beta = 1 satisfies ||x||^2 <= beta and has lam1 = beta", not printed_ok,
             lam1=l1),
        _sym("lam1 <= tr H <= beta (eigenvalues of the PSD H are non-negative)", corrected),
    ], corrected=corrected)


# --------------------------------------------------------------- Theorem 2
def _check_g() -> Outcome:
    g = D.g_lambda()
    a = _zero(g - P.g_theorem2)
    b = _zero(g - P.g_proof)
    return Outcome(a and b, [
        _sym("g(λ; m, η) derived from I - 2ηH + η²E[H_m²] with E[H_1²] ≼ βH on an eigenvector "
             "equals the printed (1 − ηλ)² + η²λ(β − λ)/m", a, derived=str(g)),
        _sym("… and the proof's form 1 − 2ηλ + η²[βλ/m + (1 − 1/m)λ²]", b),
    ])


def _check_eta1() -> Outcome:
    ev = [_sym("the non-zero root in η of g(λ1; m, η) = 1 equals the printed η1(m)",
               _zero(D.eta_1() - P.eta_1), derived=str(D.eta_1()))]
    # g(λ) - 1 = ηλ (η(β/m + (1-1/m)λ) - 2): the stable range in η shrinks as λ grows
    g = D.g_lambda()
    fact = sp.factor(g - 1)
    root_l = 2 * m / (beta + (m - 1) * lam)
    ev.append(_sym("g(λ) − 1 = ηλ(η(β + (m−1)λ)/m − 2): g(λ) < 1 iff η < 2m/(β + (m−1)λ), "
                   "which is smallest at λ = λ1", _zero(g - 1 - eta * lam * (eta / root_l * 2 - 2)),
                   factored=str(fact)))
    ev.append(_sym("g(λ) = (1 − ηλ)² + η²λ(β − λ)/m >= 0 for 0 < λ <= β, so |g| < 1 iff g < 1",
                   _zero(g - P.g_theorem2)))
    mm, b, l1, ln, _ = _admissible()
    e1 = G.eta_1(mm, b, l1)
    lams = np.linspace(0, 1, 33)[None, :] * (l1 - ln)[:, None] + ln[:, None]
    inside = G.g(lams, mm[:, None], 0.999 * e1[:, None], b[:, None])
    outside = G.g(l1, mm, 1.001 * e1, b)
    ok = bool(np.all(inside < 1) and np.all(inside >= 0) and np.all(outside > 1))
    ev.append(_num("400 random admissible parameter sets: 0 <= g < 1 on a 33-point λ grid at "
                   "η = 0.999 η1 and g(λ1) > 1 at η = 1.001 η1", ok))
    return Outcome(all(e.passed for e in ev), ev)


def _check_theorem2_bound() -> Outcome:
    ev = []
    # symbolic: G_{m,η} - E[(I - ηH_m)^2] = η²/m (βH - E[H_1^2]) ≽ 0, then the eigen-decomposition
    Q, H = sp.symbols("Q H")
    G_m = 1 - 2 * eta * H + eta**2 * (beta / m * H + (m - 1) / m * H**2)
    exact = 1 - 2 * eta * H + eta**2 * (Q / m + (m - 1) / m * H**2)
    ev.append(_sym("G_{m,η} − E[(I − ηH_m)²] = (η²/m)(βH − E[H_1²]) ≽ 0 (with ||x_i||² <= β)",
                   _zero(G_m - exact - eta**2 / m * (beta * H - Q))))
    worst = -np.inf
    for seed in range(12):
        rng = np.random.default_rng(100 + seed)
        nn = int(rng.integers(2, 9))
        d = int(rng.integers(1, nn + 1))  # d <= n: w0 - w* in the span of the data
        from verify.topics.interpolation.engine import random_instance, spectrum
        X = random_instance(nn, d, 1.0, seed, equal_norms=bool(seed % 2))
        lamv = spectrum(X)
        l1, ln = lamv[0], max(lamv[min(nn, d) - 1], 1e-12)
        mm = int(rng.integers(1, 5))
        et = float(rng.uniform(0.1, 0.99)) * float(G.eta_1(mm, 1.0, l1))
        e0 = rng.standard_normal(d)
        dist, loss = second_moment_curve(X, et, mm, e0, 30)
        gmax = max(float(G.g(l1, mm, et, 1.0)), float(G.g(ln, mm, et, 1.0)))
        bound = gmax ** np.arange(31) * dist[0]
        worst = max(worst, float(np.max((dist - bound) / bound)))
    ev.append(_num("exact second-moment recursion on 12 random datasets (||x_i||² <= β = 1, "
                   "t <= 30): E||w_t − w*||² <= g(m, η)^t ||w_0 − w*||² (max relative excess <= 1e-9)",
                   worst <= RTOL, max_relative_excess=worst))
    return Outcome(all(e.passed for e in ev), ev)


def _counter_instance():
    """d = n = 1, x = 1, beta = 1, m = 1, eta = 1/2, e0 = 1 (exact)."""
    X = [[1]]
    d0 = enumerate_moments(X, Fraction(1, 2), 1, [1], 0)
    d1 = enumerate_moments(X, Fraction(1, 2), 1, [1], 1)
    return d0, d1


def _check_theorem2_statement() -> Outcome:
    d0, d1 = _counter_instance()
    lam1_ = 1
    loss0 = d0  # L(w) = e^T H e with H = 1
    printed_ok = loss0 <= lam1_ * d1
    corrected = loss0 <= lam1_ * d0
    # the corrected chain on random instances
    from verify.topics.interpolation.engine import random_instance, spectrum
    worst = -np.inf
    for seed in range(6):
        X = random_instance(6, 3, 1.0, seed)
        l1 = spectrum(X)[0]
        dist, loss = second_moment_curve(X, 0.5, 2, np.ones(3), 20)
        worst = max(worst, float(np.max(loss - l1 * dist)))
    return Outcome(bool(printed_ok), [
        Evidence("exhaustive", "n = d = 1, x = 1, β = 1, m = 1, η = 1/2, w_0 − w* = 1: "
                 f"E L(w_0) = {loss0} > λ1 E||w_1 − w*||² = {d1}", not printed_ok),
        _num("corrected E L(w_t) <= λ1 E||w_t − w*||² on 6 random instances, t <= 20 "
             "(max excess <= 0)", worst <= 1e-12, max_excess=worst),
    ], corrected=bool(corrected) and worst <= 1e-12)


def _check_eq7() -> Outcome:
    d = 2
    w = sp.Matrix(sp.symbols("w1:3", real=True))
    ws = sp.Matrix(sp.symbols("v1:3", real=True))
    xs = [sp.Matrix(sp.symbols(f"x{i}_1:3", real=True)) for i in range(3)]
    L = sum((((w.T * x)[0] - (ws.T * x)[0]) ** 2 for x in xs)) / 3  # interpolation: y_i = x_i^T w*
    H = sum((x * x.T for x in xs), sp.zeros(d, d)) / 3
    e = w - ws
    ok = sp.expand(L - (e.T * H * e)[0]) == 0
    hess_ok = (sp.hessian(L, list(w)) - 2 * H).expand().is_zero_matrix
    return Outcome(ok and hess_ok, [
        _sym("with y_i = x_i^T w*, L(w) = (w − w*)^T H (w − w*) <= λ1 ||w − w*||² (n = 3, d = 2)", ok),
        _sym("∇²L = 2H, so L is 2λ1-smooth", hess_ok),
    ])


# --------------------------------------------------------------- Lemma 1, (8)
def _check_lemma1() -> Outcome:
    g = D.g_lambda()
    convex = sp.simplify(sp.diff(g, lam, 2) - 2 * eta**2 * (1 - 1 / m)) == 0
    diff = sp.factor(g.subs(lam, lamn) - g.subs(lam, lam1))
    expected = (lam1 - lamn) * eta * (2 - eta * (beta + (m - 1) * (lam1 + lamn)) / m)
    split = _zero(diff - expected)
    eta0_ok = _zero(D.eta_0() - P.eta_0)
    return Outcome(convex and split and eta0_ok, [
        _sym("∂²g/∂λ² = 2η²(1 − 1/m) >= 0: g is convex in λ, so its max over [λn, λ1] is at an end",
             convex),
        _sym("g(λn) − g(λ1) = (λ1 − λn) η (2 − η(β + (m−1)(λ1+λn))/m): >= 0 iff η <= η0(m)",
             split, factored=str(diff)),
        _sym("η0(m) from solving g(λn) = g(λ1) equals the printed 2m/(β + (m−1)(λ1+λn))", eta0_ok),
    ])


def _check_eq8() -> Outcome:
    ratio = sp.simplify(P.eq8_bound * D.eta_1())
    # counterexample: beta = lam1 = 1/2, lamn = 1/4, m = 1: eta* = 2 but the printed set is eta < 1/2
    sub = {beta: sp.Rational(1, 2), lam1: sp.Rational(1, 2), lamn: sp.Rational(1, 4), m: 1}
    bound = P.eq8_bound.subs(sub)
    est = D.eta_star().subs(sub)
    printed_ok = bool(est < bound)
    gI = D.g_lambda().subs(lam, lamn).subs(sub)
    inf_printed = sp.minimum(gI, eta, sp.Interval.Ropen(0, bound))
    gstar = D.g_star().subs(sub)
    return Outcome(printed_ok, [
        _sym("the printed bound β/m + (m−1)λ1/m equals 2/η1(m), not η1(m)", ratio == 2,
             product=str(ratio)),
        _sym(f"β = λ1 = 1/2, λn = 1/4, m = 1: η*(1) = {est} lies outside the printed set η < {bound}; "
             f"the infimum of g there is {inf_printed} > g* = {gstar}", not printed_ok and inf_printed > gstar),
    ], corrected=bool(est < D.eta_1().subs(sub)))


# --------------------------------------------------------------- Theorem 4
@lru_cache(maxsize=None)
def _brute_force(k: int = 8, seed: int = 3):
    """mpmath brute-force minimax: min over η in (0, η1) of the max of g over a λ grid."""
    rng = np.random.default_rng(seed)
    out = []
    with mpmath.workdps(30):
        for _ in range(k):
            b = mpmath.mpf(float(rng.uniform(0.5, 3)))
            l1 = b * mpmath.mpf(float(rng.uniform(0.05, 0.9)))
            ln = l1 * mpmath.mpf(float(rng.uniform(0.01, 0.9)))
            mm = int(rng.choice([1, 2, 3, 5, 8, 13, 40, 200]))
            lams = [ln + (l1 - ln) * mpmath.mpf(j) / 24 for j in range(25)]

            def obj(e):
                return max(GM.g(lv, mm, e, b) for lv in lams)

            lo, hi = mpmath.mpf(0) + mpmath.mpf(10) ** -25, GM.eta_1(mm, b, l1) * (1 - mpmath.mpf(10) ** -25)
            phi = (mpmath.sqrt(5) - 1) / 2
            c, d = hi - phi * (hi - lo), lo + phi * (hi - lo)
            fc, fd = obj(c), obj(d)
            while hi - lo > mpmath.mpf(10) ** -20:
                if fc < fd:
                    hi, d, fd = d, c, fc
                    c = hi - phi * (hi - lo)
                    fc = obj(c)
                else:
                    lo, c, fc = c, d, fd
                    d = lo + phi * (hi - lo)
                    fd = obj(d)
            e_bf = (lo + hi) / 2
            out.append(dict(m=mm, beta=b, lam1=l1, lamn=ln, eta_bf=e_bf, g_bf=obj(e_bf),
                            eta_star=GM.eta_star(mm, b, l1, ln), g_star=GM.g_star(mm, b, l1, ln)))
    return out


def _check_theorem4_eta() -> Outcome:
    st = _zero(D.eta_stationary() - P.eta_star[0])
    bd = _zero(D.eta_0() - P.eta_star[1])
    thr = _zero(D.m_threshold() - P.threshold)
    rows = _brute_force()
    # the minimiser of a convex function is determined to ~sqrt(precision of g); compare at 1e-6
    err = max(float(abs(r["eta_bf"] - r["eta_star"]) / r["eta_star"]) for r in rows)
    return Outcome(st and bd and thr and err < 1e-6, [
        _sym("the stationary point of g(λn; m, η) in η is m/(β + (m−1)λn) (case 1 of (9))", st),
        _sym("the boundary η0(m) is case 2 of (9)", bd),
        _sym("the stationary point meets η0 at m = β/(λ1 − λn) + 1 (the printed threshold)", thr,
             derived=str(D.m_threshold())),
        _num("mpmath (30 digits) brute-force minimax over η ∈ (0, η1) of max over a 25-point λ grid, "
             "8 random parameter sets: argmin agrees with η*(m) (rel. err. < 1e-6; the argmin of a "
             "smooth minimum is resolved only to ~sqrt(1e-20))", err < 1e-6, max_rel_err=err),
    ])


def _check_theorem4_g() -> Outcome:
    a = _zero(_branch(D.g_star(), 0) - P.g_star[0])
    b = _zero(_branch(D.g_star(), 1) - P.g_star[1])
    rows = _brute_force()
    err = max(float(abs(r["g_bf"] - r["g_star"]) / r["g_star"]) for r in rows)
    return Outcome(a and b and err < 1e-12, [
        _sym("g(λn; m, η*) in case 1 equals the printed 1 − mλn/(β + (m−1)λn)", a),
        _sym("g(λn; m, η0) in case 2 equals the printed 1 − 4m(m−1)λ1λn/(β + (m−1)(λ1+λn))²", b),
        _num("mpmath brute-force minimax value agrees with g*(m) (rel. err. < 1e-12)", err < 1e-12,
             max_rel_err=err, cases=[{k: str(v) for k, v in r.items()} for r in rows]),
    ])


def _check_lemma2_eta_II() -> Outcome:
    stat2 = sp.solve(sp.diff(D.g_lambda().subs(lam, lam1), eta), eta)[0]
    gap = sp.factor(sp.together(D.eta_0() - stat2))
    # gap = m (β + (m−1)(λ1 − λn)) / (...) >= 0 for λ1 >= λn
    expected = m * (beta + (m - 1) * (lam1 - lamn)) / (
        (beta + (m - 1) * lam1) * (beta + (m - 1) * (lam1 + lamn)))
    ok = _zero(gap - expected)
    return Outcome(ok, [
        _sym("the stationary point m/(β + (m−1)λ1) of the convex g(λ1; m, ·) lies below η0(m): "
             "η0 − it = m(β + (m−1)(λ1−λn))/((β+(m−1)λ1)(β+(m−1)(λ1+λn))) >= 0, so g^II increases on "
             "(η0, η1] and its infimum there is its value at η0 (an infimum: η0 is excluded)", ok,
             gap=str(gap)),
    ])


def _check_lemma2_step() -> Outcome:
    # printed: for m <= threshold, g^I(m, η^I(m)) <= g^II(m, η^I(m))
    sub = {beta: 1, lam1: sp.Rational(1, 2), lamn: sp.Rational(1, 10), m: 1}
    eI = D.eta_stationary().subs(sub)
    gI = D.g_lambda().subs(lam, lamn).subs(sub).subs(eta, eI)
    gII = D.g_lambda().subs(lam, lam1).subs(sub).subs(eta, eI)
    printed_ok = bool(gI <= gII)
    # corrected chain: g^I(η^I) <= g^I(η0) = g^II(η0) = g^II(η^II)
    chain = _zero(D.g_lambda().subs(lam, lamn).subs(eta, D.eta_0())
                  - D.g_lambda().subs(lam, lam1).subs(eta, D.eta_0()))
    mm, b, l1, ln, _ = _admissible()
    case1 = (mm - 1) * (l1 - ln) <= b
    gi = G.g(ln, mm, G.eta_star(mm, b, l1, ln), b)
    g0 = G.g(ln, mm, G.eta_0(mm, b, l1, ln), b)
    ok_num = bool(np.all(gi[case1] <= g0[case1] * (1 + RTOL)))
    return Outcome(printed_ok, [
        _sym(f"β = 1, λ1 = 1/2, λn = 1/10, m = 1: g^I(η^I) = {gI} > g^II(η^I) = {gII} "
             "(indeed η^I <= η0 forces g^I >= g^II by Lemma 1)", not printed_ok),
        _sym("g^I(η0) = g^II(η0) identically", chain),
        _num("g^I(η^I) <= g^I(η0) on 400 random admissible parameter sets in case 1", ok_num),
    ], corrected=chain and ok_num)


# --------------------------------------------------------------- Theorem 5
def _check_theorem5_eta() -> Outcome:
    c1 = _zero(_branch(D.eta_hat(), 0) - P.eta_hat[0])
    c2 = _zero(_branch(D.eta_hat(), 1) - P.eta_hat[1])
    # feasibility η̂ <= η0, case 2: η0 − η̂ ∝ (β/n − λn) >= 0
    gap2 = sp.factor(sp.together(D.eta_0() - _branch(D.eta_hat(), 1)))
    ok2 = _zero(gap2 - 2 * m * (m - 1) * (beta / n - lamn) / (
        (beta + (m - 1) * (lam1 + lamn)) * (beta + (m - 1) * (lam1 + beta / n))))
    mm, b, l1, ln, nn = _admissible()
    eh = G.eta_hat(mm, b, l1, nn)
    e0 = G.eta_0(mm, b, l1, ln)
    ok_num = bool(np.all(eh <= e0 * (1 + RTOL)))
    return Outcome(c1 and c2 and ok2 and ok_num, [
        _sym("η*(m) with λn replaced by β/n gives the printed (11) in both cases", c1 and c2),
        _sym("case 2: η0 − η̂ = 2m(m−1)(β/n − λn)/(…)(…) >= 0 since λn <= tr H/n <= β/n", ok2),
        _num("η̂(m) <= η0(m) on 400 random admissible parameter sets (n λn <= β)", ok_num),
    ])


def _check_theorem5_g() -> Outcome:
    c1 = _zero(_branch(D.g_hat_bound(), 0) - P.g_hat[0])
    c2 = _zero(_branch(D.g_hat_bound(), 1) - P.g_hat[1])
    gaps = [sp.factor(sp.together(_branch(D.g_hat_bound(), i) - _branch(D.g_hat_exact(), i)))
            for i in (0, 1)]
    mm, b, l1, ln, nn = _admissible()
    ok_num = bool(np.all(G.g_hat_exact(mm, b, l1, ln, nn) <= G.g_hat(mm, b, l1, ln, nn) * (1 + RTOL)))
    return Outcome(c1 and c2 and ok_num, [
        _sym("substituting η̂ in g^I and bounding λn <= β/n inside η²λn(β + (m−1)λn)/m gives the "
             "printed (12) in both cases", c1 and c2, gaps=[str(g) for g in gaps]),
        _num("g(m, η̂) <= ĝ(m) on 400 random admissible parameter sets", ok_num),
    ])


# --------------------------------------------------------------- Appendix B
def _check_lemma3_closed() -> Outcome:
    ok = _zero(D.g1() - P.g1_tau)
    return Outcome(ok, [_sym("g1(m) = τ/(τ + τ̄m) with τ = (β − λn)/β", ok)])


def _check_lemma3_monotone() -> Outcome:
    u, x, y = sp.symbols("u x y", positive=True)
    T = sp.log(1 + u * x) / x
    dT = sp.diff(T, x)
    h = sp.log(1 + y) - y / (1 + y)
    num_ok = _zero(dT + h.subs(y, u * x) / x**2)
    hp = sp.simplify(sp.diff(h, y) - y / (1 + y) ** 2) == 0
    h0 = h.subs(y, 0) == 0
    link = _zero(sp.log(1 / D.g1()) / m - sp.log(1 + (lamn / (beta - lamn)) * m) / m)
    mm, b, l1, ln, _ = _admissible()
    ln = np.minimum(ln, 0.9 * b)
    g1m = 1 - np.arange(1, 60)[None, :] * ln[:, None] / (b[:, None] + (np.arange(1, 60)[None, :] - 1) * ln[:, None])
    pw = g1m ** (1.0 / np.arange(1, 60)[None, :])
    ok_num = bool(np.all(np.diff(pw, axis=1) > 0))
    return Outcome(num_ok and hp and h0 and link and ok_num, [
        _sym("ln(1/g1(m))/m = ln(1 + um)/m with u = λn/(β − λn) > 0", link),
        _sym("d/dx [ln(1+ux)/x] = −h(ux)/x² with h(y) = ln(1+y) − y/(1+y); h(0) = 0 and "
             "h'(y) = y/(1+y)² > 0, so h > 0 and T is strictly decreasing", num_ok and hp and h0),
        _num("g1(m)^{1/m} strictly increasing for m = 1..59 on 400 random parameter sets", ok_num),
    ])


def _check_lemma4() -> Outcome:
    pos, base = D.lemma4_certificate()
    sq = _zero(sp.expand(base**2) - sp.expand(P.lemma4_expanded)) and _zero(base**2 - P.lemma4_square)
    pos_ok = _positive_for_admissible(pos)
    return Outcome(sq and pos_ok, [
        _sym("g2(m) − g1(m) = [mλn/((β+(m−1)λn)(β+(m−1)(λ1+λn))²)] · ((m−1)(λ1−λn) − β)²: "
             "a positive factor times the printed complete square", sq and bool(pos_ok),
             positive_factor=str(pos), square_base=str(base)),
    ])


def _positive_for_admissible(expr) -> bool:
    """``expr`` is positive for m >= 1, lam1 >= lamn > 0, beta > 0 (m = a + 1, lam1 = lamn + d)."""
    a = sp.Symbol("a", nonnegative=True)
    d_ = sp.Symbol("d", nonnegative=True)
    return bool(sp.factor(expr.subs(m, a + 1).subs(lam1, lamn + d_)).is_positive)


def _check_lemma4_strict() -> Outcome:
    lhs_e = 4 * m * (m - 1) * lam1 * lamn / (beta + (m - 1) * (lam1 + lamn)) ** 2
    rhs_e = m * lamn / (beta + (m - 1) * lamn)
    sub = {beta: 1, lam1: sp.Rational(1, 2), lamn: sp.Rational(1, 4), m: 5}
    lhs, rhs = lhs_e.subs(sub), rhs_e.subs(sub)
    printed_ok = bool(lhs < rhs)
    pos, base = D.lemma4_certificate()
    # corrected (non-strict): rhs - lhs = positive factor * square >= 0, with equality iff square = 0
    ident = _zero(rhs_e - lhs_e - pos * base**2)
    corrected = ident and _positive_for_admissible(pos)
    return Outcome(printed_ok, [
        _sym(f"β = 1, λ1 = 1/2, λn = 1/4, m = 5 (= β/(λ1−λn) + 1): both sides equal {lhs}; "
             "the strict inequality fails", not printed_ok and lhs == rhs),
        _sym("the non-strict version holds: right side − left side = (positive factor)·(square), "
             "checked as an identity with the factor's positivity shown for m = a + 1, λ1 = λn + d",
             corrected, square_base=str(base)),
    ], corrected=corrected)


def _check_eq18() -> Outcome:
    # printed: g*(1) = g1(1) <= g1(m) = g*(m) for m in case 1; g1 is decreasing in m
    sub = {beta: 1, lamn: sp.Rational(1, 10)}
    g1 = D.g1().subs(sub)
    printed_ok = bool(g1.subs(m, 1) <= g1.subs(m, 2))
    dg1 = sp.factor(sp.diff(D.g1(), m))
    decreasing = sp.simplify(dg1 + lamn * (beta - lamn) / (beta + (m - 1) * lamn) ** 2) == 0
    # corrected: g*(1) <= g1(m)^{1/m} (Lemma 3)
    mm = np.arange(1, 80)
    corr = all(float(g1.subs(m, 1)) <= float(g1.subs(m, int(k))) ** (1 / k) for k in mm)
    return Outcome(printed_ok, [
        _sym(f"β = 1, λn = 1/10: g1(1) = {g1.subs(m, 1)} > g1(2) = {g1.subs(m, 2)}; in general "
             "dg1/dm = −λn(β−λn)/(β+(m−1)λn)² < 0", not printed_ok and decreasing),
        _num("with the exponent restored, g*(1) <= g1(m)^{1/m} for m = 1..79 (β = 1, λn = 1/10)", corr),
    ], corrected=corr)


def _check_eq19() -> Outcome:
    # printed: g*(1) = g1(1) <= g1(m) <= g2(m) = g*(m) for m in case 2
    sub = {beta: 1, lam1: sp.Rational(1, 2), lamn: sp.Rational(1, 10)}
    mm = 10  # > β/(λ1−λn)+1 = 3.5
    g1v, g2v = D.g1().subs(sub), D.g2().subs(sub)
    printed_ok = bool(g1v.subs(m, 1) <= g1v.subs(m, mm) <= g2v.subs(m, mm))
    corr = all(float(g1v.subs(m, 1)) <= float(g1v.subs(m, k)) ** (1 / k) <= float(g2v.subs(m, k)) ** (1 / k)
               for k in range(4, 80))
    return Outcome(printed_ok, [
        _sym(f"β = 1, λ1 = 1/2, λn = 1/10, m = 10: g1(1) = {g1v.subs(m, 1)} > g1(10) = "
             f"{sp.nsimplify(g1v.subs(m, mm))}", not printed_ok),
        _num("with exponents 1/m restored: g*(1) <= g1(m)^{1/m} <= g2(m)^{1/m} for m = 4..79", corr),
    ], corrected=corr)


def _check_theorem6() -> Outcome:
    # proof: m = 1 is in case 1; g*(m)^{1/m} >= g1(m)^{1/m} > g1(1) = g*(1) for m > 1
    in_case1 = sp.simplify(((1 - 1) * (lam1 - lamn) <= beta)) == sp.true
    pos, base = D.lemma4_certificate()
    mm, b, l1, ln, _ = _admissible()
    ms = np.arange(1, 301, dtype=float)
    ok = True
    for k in range(len(b)):
        vals = G.g_star(ms, b[k], l1[k], ln[k]) ** (1 / ms)
        ok &= int(np.argmin(vals)) == 0 and bool(np.all(vals[1:] > vals[0]))
    return Outcome(in_case1 and ok, [
        _sym("m = 1 is always in case 1; for m > 1, g*(m) >= g1(m) (Lemma 4 certificate) and "
             "g1(m)^{1/m} > g1(1) (Lemma 3 proof), so g*(m)^{1/m} > g*(1)", in_case1),
        _num("argmin over m = 1..300 of g*(m)^{1/m} is 1 on 400 random admissible parameter sets", ok),
    ])


def _check_theorem7() -> Outcome:
    # counterexample: beta = 1, n = 4, lam1 = 1/5 < beta/n, lamn = 1/10 (tr H >= 0.5 <= 1)
    b, nn, l1, ln = 1.0, 4, 0.2, 0.1
    ms = np.arange(1, 50, dtype=float)
    vals = G.g_hat(ms, b, l1, ln, nn) ** (1 / ms)
    printed_ok = int(np.argmin(vals)) == 0
    # corrected: under lam1 > beta/n, ĝ(m) >= g*(m) and ĝ(1) = g*(1), so Theorem 6 transfers
    mm, bb, L1, LN, NN = _admissible()
    okc = True
    for k in range(len(bb)):
        if L1[k] * NN[k] <= bb[k]:
            continue
        v = G.g_hat(ms, bb[k], L1[k], LN[k], NN[k]) ** (1 / ms)
        okc &= int(np.argmin(v)) == 0
    ge = bool(np.all(G.g_hat(mm, bb, L1, LN, NN) >= G.g_star(mm, bb, L1, LN) * (1 - RTOL)))
    return Outcome(printed_ok, [
        _num("β = 1, n = 4, λ1 = 1/5 < β/n, λn = 1/10: the printed threshold β/(λ1 − β/n) + 1 = −19 "
             f"puts m = 1 in case 2, ĝ(1) = {vals[0]:.6g} (η̂ = 2/β does not converge), while "
             f"ĝ(2)^{{1/2}} = {vals[1]:.6g}: argmin is m = {int(np.argmin(vals)) + 1}", not printed_ok),
        _num("ĝ(m) >= g*(m) on 400 random admissible parameter sets", ge),
        _num("with λ1 > β/n, argmin over m = 1..49 of ĝ(m)^{1/m} is 1 on every random admissible set", okc),
    ], corrected=ge and okc)


# --------------------------------------------------------------- speed-up, m*
def _check_s() -> Outcome:
    a = _zero(_branch(D.s_speedup(), 0) - P.s[0])
    b = _zero(_branch(D.s_speedup(), 1) - P.s[1])
    return Outcome(a and b, [
        _sym("s(m) = (1 − g*(m)) β/λn equals the printed (13) in both cases", a and b),
    ])


def _check_outline_approx() -> Outcome:
    # printed: g*(m)^{1/m} ≈ e^{−s(m)/m}; at m = 1, λn/β → 0 the left side → 1, the right is e^{-1}
    ln_small = [1e-2, 1e-4, 1e-6]
    rel = [abs((1 - x) - np.exp(-1.0)) / (1 - x) for x in ln_small]
    printed_ok = rel[-1] < 0.1
    r = sp.Symbol("r", positive=True)  # r = λn/β
    corrected_expr = sp.limit(sp.log(1 - r * sp.Symbol("s", positive=True)) / (-r * sp.Symbol("s", positive=True)), r, 0)
    rel_c = []
    for x in ln_small:
        for mm in (1, 4, 16):
            gs = float(G.g_star(mm, 1.0, 0.5, x))
            sv = float(G.s(mm, 1.0, 0.5, x))
            rel_c.append(abs(gs ** (1 / mm) - np.exp(-x * sv / mm)) / gs ** (1 / mm))
    return Outcome(printed_ok, [
        _num("m = 1, β = 1: g*(1) = 1 − λn → 1 but e^{−s(1)} = e^{−1}; relative error "
             f"{rel[-1]:.3f} at λn = 1e-6 (does not vanish)", not printed_ok, rel_errors=rel),
        _sym("log g*(m)^{1/m} = −(λn/β) s(m)/m (1 + O(λn/β)): lim_{r→0} log(1 − r s)/(−r s) = 1",
             corrected_expr == 1),
        _num("corrected g*(m)^{1/m} ≈ exp(−(λn/β)s(m)/m): relative error < 1e-2 for λn/β <= 1e-2, "
             "m ∈ {1, 4, 16}", max(rel_c) < 1e-2, max_rel_err=max(rel_c)),
    ], corrected=corrected_expr == 1 and max(rel_c) < 1e-2)


def _check_outline_case1() -> Outcome:
    # printed: in case 1, s(m)/m >= 1/(1 + 1/(m−1)), "from β/λn <= 1/n"
    sub = {beta: 1, lam1: sp.Rational(1, 10), lamn: sp.Rational(1, 10), m: 10}
    lhs = (_branch(D.s_speedup(), 0) / m).subs(sub)
    rhs = (1 / (1 + 1 / (m - 1))).subs(sub)
    printed_ok = bool(lhs >= rhs)
    # corrected: s(m)/m = 1/(1 + (m−1)λn/β) >= 1/(1 + (m−1)/n) using λn/β <= 1/n
    ident = _zero(_branch(D.s_speedup(), 0) / m - 1 / (1 + (m - 1) * lamn / beta))
    return Outcome(printed_ok, [
        _sym(f"β = 1, λ1 = λn = 1/10 (n = 10 equal eigenvalues, tr H = β), m = 10 (case 1): "
             f"s(m)/m = {lhs} < 1/(1 + 1/(m−1)) = {rhs}; also β/λn = 10 > 1/n", not printed_ok),
        _sym("s(m)/m = 1/(1 + (m−1)λn/β) >= 1/(1 + (m−1)/n) since λn/β <= 1/n", ident),
    ], corrected=ident)


def _check_outline_case2() -> Outcome:
    a = sp.Symbol("a", positive=True)  # a = m − 1
    f = _branch(D.s_speedup(), 1).subs(m, a + 1) / (a + 1)
    df_num = sp.factor(sp.numer(sp.together(sp.diff(f, a))))
    # sign of the derivative: −(a(λ1+λn) − β): negative beyond the threshold a >= β/(λ1−λn)
    dec = _zero(df_num + 4 * beta * lam1 * (a * (lam1 + lamn) - beta))
    sup = _zero(f.subs(a, beta / (lam1 - lamn)) - P.outline_sup)
    return Outcome(dec and sup, [
        _sym("d/dm [s(m)/m] ∝ −((m−1)(λ1+λn) − β) < 0 for m − 1 >= β/(λ1 − λn) (case 2)", dec,
             numerator=str(df_num)),
        _sym("its value at m = β/(λ1 − λn) + 1 is (λ1 − λn)/λ1", sup),
    ])


def _check_m_star() -> Outcome:
    ok = _zero(D.m_threshold() - P.m_star)
    return Outcome(ok, [_sym("the regimes of η*(m) meet at m = β/(λ1 − λn) + 1, eq. (14)", ok)])


def _check_intro_m_star() -> Outcome:
    # intro: m* = tr H / λ1; (14): β/(λ1 − λn) + 1.  Kernel case tr H = β = 1, λ1 = 0.15, λn = 1e-4
    trH, b, l1, ln = 1.0, 1.0, 0.15, 1e-4
    intro = trH / l1
    eq14 = float(G.m_star(b, l1, ln))
    printed_ok = abs(intro - eq14) / eq14 < 1e-9
    return Outcome(printed_ok, [
        _num(f"tr H = β = 1, λ1 = 0.15, λn = 1e-4: the introduction's tr H/λ1 = {intro:.4f} but "
             f"(14) gives {eq14:.4f}", not printed_ok, intro=intro, eq14=eq14),
        _sym("the derived critical batch size is β/(λ1 − λn) + 1", _zero(D.m_threshold() - P.m_star)),
    ], corrected=_zero(D.m_threshold() - P.m_star))


def _check_s_limit() -> Outcome:
    derived = D.s_limit()
    printed_ok = _zero(derived - P.s_limit)
    ratio = sp.factor(derived / P.s_limit)
    bound = _zero(ratio - lam1**2 / (lam1 + lamn) ** 2)
    return Outcome(printed_ok, [
        _sym(f"lim_(m→∞) s(m) = {derived} ≠ 4β/λ1 unless λn = 0", not printed_ok, derived=str(derived)),
        _sym("the true limit is 4βλ1/(λ1+λn)² = (4β/λ1)·λ1²/(λ1+λn)² <= 4β/λ1 (printed value is an "
             "upper bound, exact only as λn → 0)", bound),
    ], corrected=bound)


def _check_s_monotone() -> Outcome:
    a = sp.Symbol("a", positive=True)
    f = _branch(D.s_speedup(), 1).subs(m, a + 1)
    num = sp.factor(sp.numer(sp.together(sp.diff(f, a))))
    # numerator is proportional to a(2β − λ1 − λn) + β, positive as λ1 + λn <= 2β
    target = 4 * beta * lam1 * (a * (2 * beta - lam1 - lamn) + beta)
    ok = _zero(num - target)
    return Outcome(ok, [
        _sym("ds/dm ∝ (m−1)(2β − λ1 − λn) + β > 0 in the saturation branch", ok, numerator=str(num)),
    ])


def _check_less_than_4() -> Outcome:
    s1 = _branch(D.s_speedup(), 0).subs(m, D.m_threshold())
    ratio = sp.factor(sp.simplify(D.s_limit() / s1))
    target = 4 * beta * lam1**2 / ((lam1 + lamn) ** 2 * (beta + lam1 - lamn))
    ok = _zero(ratio - target)
    # 4 − ratio > 0: (λ1+λn)²(β+λ1−λn) − βλ1² > 0 termwise for λ1 >= λn > 0
    gap = sp.expand((lam1 + lamn) ** 2 * (beta + lam1 - lamn) - beta * lam1**2)
    d_ = sp.Symbol("d", nonnegative=True)  # λ1 = λn + d
    gap_d = sp.expand(gap.subs(lam1, lamn + d_))
    positive = all(c > 0 for c in sp.Poly(gap_d, lamn, d_, beta).coeffs())
    return Outcome(ok and positive, [
        _sym("t(m*)/lim t(m) = s(∞)/s(m*) = 4βλ1²/((λ1+λn)²(β+λ1−λn))  (t ∝ 1/s)", ok, ratio=str(ratio)),
        _sym("(λ1+λn)²(β+λ1−λn) − βλ1², with λ1 = λn + d (d >= 0), is a polynomial with positive "
             "coefficients in λn, d, β, so the ratio is < 4 for every λn > 0 (not only small λn)",
             positive, gap=str(gap_d)),
    ])


# --------------------------------------------------------------- Theorems 1 and 3
def _check_theorem1() -> Outcome:
    # least squares ℓ_i(w) = (w^T x_i − y_i)²: β = 2 max ||x_i||², α = 2 λ_min(H); update step 1/β
    from verify.topics.interpolation.engine import random_instance, spectrum
    worst_a, worst_b = -np.inf, -np.inf
    for seed in range(10):
        X = random_instance(8, 4, 1.0, 200 + seed)
        bsm = 2 * float(np.max(np.sum(X**2, axis=1)))
        alpha = 2 * float(spectrum(X)[-1])
        # SGD (1) on ℓ_i: w ← w − (1/β) 2 x_i (x_i^T w − y_i) = update (4) with m = 1, η = 2/β
        dist, loss = second_moment_curve(X, 2.0 / bsm, 1, np.ones(4), 40)
        bound = (1 - alpha / bsm) ** np.arange(41) * dist[0]
        worst_a = max(worst_a, float(np.max((dist - bound) / bound)))
        # L here is the mean of ℓ_i = e^T H e, and L <= (β/2)||e||²
        worst_b = max(worst_b, float(np.max(loss - bsm / 2 * dist)))
    # the proof's key step: ℓ(w) − ||∇ℓ||²/(2β) >= ℓ(w − ∇ℓ/β) for a β-smooth quadratic ℓ
    a_, w_, y_, B = sp.symbols("a w y B", real=True)
    ell = (a_ * w_ - y_) ** 2
    grad = sp.diff(ell, w_)
    step = sp.factor(ell - grad**2 / (2 * B) - ell.subs(w_, w_ - grad / B))
    key = _zero(step - 2 * a_**2 * (a_ * w_ - y_) ** 2 * (B - 2 * a_**2) / B**2)
    return Outcome(worst_a <= RTOL and worst_b <= 1e-12 and key, [
        _num("exact second-moment recursion of SGD (1) on 10 random least-squares problems "
             "(β = 2 max||x_i||², α = 2λ_min(H), t <= 40): E||w_t − w*||² <= (1 − α/β)^t ||w_0 − w*||²",
             worst_a <= RTOL, max_relative_excess=worst_a),
        _num("E L(w_t) <= (β/2) E||w_t − w*||² on the same runs", worst_b <= 1e-12),
        _sym("smoothness step: ℓ(w) − ||∇ℓ||²/(2β) − ℓ(w − ∇ℓ/β) = 2a²(aw − y)²(β − 2a²)/β² >= 0 "
             "for a 1-D quadratic whose smoothness constant 2a² is <= β", key),
    ])


def _check_theorem3() -> Outcome:
    # instance: orthogonal features with ||x_i||² = β (n = d = 2, β = 2), e0 = (1, 1), m = 1, η = 1/2
    X = [[Fraction(0), Fraction(0)], [Fraction(0), Fraction(0)]]
    X[0][0] = X[1][1] = Fraction(1)  # ||x||² = 1 = β
    bval, eta_v, e0 = Fraction(1), Fraction(1, 2), [Fraction(1), Fraction(1)]
    lamv = bval / 2
    gv = (1 - eta_v * lamv) ** 2 + eta_v**2 * lamv * (bval - lamv) / 1
    exact = [enumerate_moments(X, eta_v, 1, e0, t) for t in range(4)]
    norm0 = exact[0]
    corr = all(exact[t] == gv**t * norm0 for t in range(4))
    printed_eq = all(exact[t + 1] == gv**t * norm0 for t in range(3))
    # printed norm ||x_i|| = β: with β = 1/2 and ||x|| = 1/2, E[H_1²] = ||x||² H = β² H ≠ β H
    return Outcome(printed_eq, [
        Evidence("exhaustive", "orthogonal features with ||x_i||² = β = 1, m = 1, η = 1/2, exact "
                 f"enumeration: E||w_t − w*||² = {[str(v) for v in exact]} = g^t ||w_0 − w*||² with "
                 f"g = {gv}; the printed E||w_(t+1) − w*||² = g^t ||w_0 − w*||² is off by one factor g",
                 not printed_eq),
        Evidence("exhaustive", "corrected: E L(w_t) = λ1 E||w_t − w*||² = λ1 g(m, η)^t ||w_0 − w*||² "
                 "(equality; H = (β/n) I); the instance needs ||x_i||² = β, not the printed ||x_i|| = β",
                 corr),
    ], corrected=corr)


# --------------------------------------------------------------- the registry
def _c(id_, where, statement, check, assumptions=(), erratum=None, title=""):
    return Claim(id=f"interpolation.{id_}", paper=PAPER, where=where, statement=statement,
                 assumptions=tuple(assumptions), check=check, erratum=erratum, title=title)


A_MODEL = ("quadratic loss (3) with interpolating w*", "indices drawn uniformly with replacement",
           "H = (1/n) Σ x_i x_iᵀ (mean)")
A_SPEC = ("β ≥ λ1 ≥ λn > 0", "m ∈ ℕ, m ≥ 1")

CLAIMS = [
    _c("eq5.second_moment", "proof of Theorem 2, eq. (5), equality",
       r"E[H_m^2] = \frac1m E[H_1^2] + \frac{m-1}{m} H^2", _check_eq5_equality, A_MODEL,
       title="Second moment of the mini-batch covariance"),
    _c("eq5.sum_notation", "proof of Theorem 2, before (5)",
       r"H_m = \sum_{i=1}^m H_1^{(i)} \text{ (rank-one subsample covariances)}", _check_eq5_sum, A_MODEL,
       Erratum(r"H_m = \sum_{i=1}^m H_1^{(i)}",
               r"H_m = \frac1m \sum_{i=1}^m H_1^{(i)},\ H_1^{(i)} = x^{(i)}x^{(i)\top}",
               "Sum-versus-mean: with the sum, E[H_m²] = mE[H_1²] + m(m−1)H², contradicting (5) and "
               "the definition H_m = (1/m)Σ x x^T."),
       title="Sum vs mean in the proof of Theorem 2"),
    _c("eq5.bound", "proof of Theorem 2, eq. (5), inequality",
       r"E[H_1^2] \preceq \beta H \text{ under } \|x_i\| \le \beta", _check_eq5_bound, A_MODEL,
       Erratum(r"\|x_i\| \le \beta \Rightarrow E[H_1^2] \preceq \beta H",
               r"\|x_i\|^2 \le \beta \Rightarrow E[H_1^2] \preceq \beta H",
               "E[H_1²] = (1/n)Σ‖x_i‖² x_i x_iᵀ needs the squared norm bounded by β."),
       title="The bound E[H_1²] ≼ βH"),
    _c("assumption.trace_bound", "Section 4, 'Quadratic loss'",
       r"\|x_i\| \le \beta \Rightarrow \operatorname{tr} H \le \beta", _check_trace_bound, A_MODEL,
       Erratum(r"\|x_i\| \le \beta \Rightarrow \operatorname{tr}(H) \le \beta",
               r"\|x_i\|^2 \le \beta \Rightarrow \operatorname{tr}(H) \le \beta",
               "tr H = (1/n)Σ‖x_i‖² ≤ β² under the printed assumption, which exceeds β when β > 1."),
       title="Trace bound"),
    _c("assumption.strict", "Section 4, 'Quadratic loss'",
       r"\beta > \lambda_1 \ge \lambda_2 \ge \dots \ge \lambda_n", _check_beta_strict, A_MODEL,
       Erratum(r"\beta > \lambda_1", r"\beta \ge \lambda_1",
               "λ1 ≤ tr H ≤ β, with equality e.g. for n = 1 (and for Theorem 3's instance with n = 1)."),
       title="β versus λ1"),
    _c("theorem2.g", "Theorem 2 and its proof",
       r"g(\lambda; m, \eta) = (1-\eta\lambda)^2 + \frac{\eta^2\lambda}{m}(\beta-\lambda)",
       _check_g, A_MODEL + A_SPEC, title="The contraction factor g(λ; m, η)"),
    _c("eq6.eta1", "proof of Theorem 2, eq. (6)",
       r"\|G_{m,\eta}\| < 1 \iff \eta < \eta_1(m) = \frac{2m}{\beta + (m-1)\lambda_1}",
       _check_eta1, A_MODEL + A_SPEC, title="Convergence condition"),
    _c("theorem2.bound", "Theorem 2",
       r"E\|w_t - w^*\|^2 \le g(m,\eta)^t \|w_0 - w^*\|^2,\ 0<\eta<\eta_1(m)",
       _check_theorem2_bound, A_MODEL + A_SPEC + ("‖x_i‖² ≤ β",), title="Theorem 2's rate"),
    _c("theorem2.statement", "Theorem 2, displayed inequality",
       r"E[\mathcal L(w_t)] \le \lambda_1 E\|w_{t+1} - w^*\|^2 \le \lambda_1 g(m,\eta)^t E\|w_0-w^*\|^2",
       _check_theorem2_statement, A_MODEL + A_SPEC,
       Erratum(r"E[\mathcal L(w_t)] \le \lambda_1 E\|w_{t+1}-w^*\|^2",
               r"E[\mathcal L(w_t)] \le \lambda_1 E\|w_t-w^*\|^2 \le \lambda_1 g(m,\eta)^t\|w_0-w^*\|^2",
               "Index slip: the loss at step t is bounded by the distance at step t, not t+1."),
       title="Theorem 2 as displayed"),
    _c("eq7", "proof of Theorem 2, eq. (7)",
       r"\mathcal L(w) \le \lambda_1 \|w - w^*\|^2 \ (\mathcal L \text{ is } 2\lambda_1\text{-smooth})",
       _check_eq7, A_MODEL, title="Loss versus distance"),
    _c("lemma1", "Lemma 1",
       r"g(m,\eta) = g(\lambda_n) \text{ for } \eta \le \eta_0(m),\ g(\lambda_1) \text{ for } "
       r"\eta_0(m) < \eta \le \eta_1(m),\ \eta_0(m) = \frac{2m}{\beta+(m-1)(\lambda_1+\lambda_n)}",
       _check_lemma1, A_MODEL + A_SPEC, title="The eigenvalue case split"),
    _c("eq8.feasible_set", "Section 4.3, eq. (8)",
       r"\eta^*(m) = \arg\min_{\eta < \frac{\beta}{m} + \frac{m-1}{m}\lambda_1} g(m,\eta)",
       _check_eq8, A_MODEL + A_SPEC,
       Erratum(r"\eta < \frac{\beta}{m} + \frac{m-1}{m}\lambda_1",
               r"\eta < \eta_1(m) = \frac{2m}{\beta + (m-1)\lambda_1}",
               "The printed bound is 2/η1(m): the reciprocal, missing the factor 2."),
       title="The feasible set of (8)"),
    _c("theorem4.eta_star", "Theorem 4, eq. (9)",
       r"\eta^*(m) = \frac{m}{\beta+(m-1)\lambda_n} \ (m \le \frac{\beta}{\lambda_1-\lambda_n}+1),\ "
       r"\frac{2m}{\beta+(m-1)(\lambda_1+\lambda_n)} \text{ otherwise}",
       _check_theorem4_eta, A_MODEL + A_SPEC, title="Optimal step size"),
    _c("theorem4.g_star", "Theorem 4, eq. (10)",
       r"g^*(m) = 1 - \frac{m\lambda_n}{\beta+(m-1)\lambda_n}\ (\text{case 1}),\ "
       r"1 - \frac{4m(m-1)\lambda_1\lambda_n}{(\beta+(m-1)(\lambda_1+\lambda_n))^2}\ (\text{case 2})",
       _check_theorem4_g, A_MODEL + A_SPEC, title="Optimal rate"),
    _c("lemma2.eta_II", "Lemma 2, proof",
       r"\min_{\eta_0 < \eta \le \eta_1} g^{II}(m,\eta) \text{ is at } \eta = \eta_0(m)",
       _check_lemma2_eta_II, A_MODEL + A_SPEC, title="Boundary minimum of g^II"),
    _c("lemma2.proof_step", "Lemma 2, last sentence of the proof",
       r"m \le \frac{\beta}{\lambda_1-\lambda_n}+1 \Rightarrow g^I(m,\eta^I(m)) \le g^{II}(m,\eta^I(m))",
       _check_lemma2_step, A_MODEL + A_SPEC,
       Erratum(r"g^I(m,\eta^I(m)) \le g^{II}(m,\eta^I(m))",
               r"g^I(m,\eta^I(m)) \le g^I(m,\eta_0(m)) = g^{II}(m,\eta_0(m)) = g^{II}(m,\eta^{II}(m))",
               "Since η^I ≤ η0, Lemma 1 gives g^I(η^I) ≥ g^II(η^I): the printed step is reversed; "
               "Lemma 2 item 1 still follows from the corrected chain."),
       title="A reversed step in Lemma 2's proof"),
    _c("theorem5.eta_hat", "Theorem 5, eq. (11) and proof",
       r"\hat\eta(m) = \frac{m}{\beta(1+(m-1)/n)}\ (m \le \frac{\beta}{\lambda_1-\beta/n}+1),\ "
       r"\frac{2m}{\beta+(m-1)(\lambda_1+\beta/n)};\ \hat\eta(m) \le \eta_0(m)",
       _check_theorem5_eta, A_MODEL + A_SPEC + ("λn ≤ β/n",), title="λn-free step size"),
    _c("theorem5.g_hat", "Theorem 5, eq. (12)",
       r"g(m,\hat\eta(m)) \le \hat g(m) = 1 - \frac{m\lambda_n}{\beta(1+(m-1)/n)}\ (\text{case 1}),\ "
       r"1 - \frac{4m(m-1)\lambda_1\lambda_n}{(\beta+(m-1)(\lambda_1+\beta/n))^2}",
       _check_theorem5_g, A_MODEL + A_SPEC + ("λn ≤ β/n",), title="λn-free rate bound"),
    _c("lemma3.closed_form", "Appendix B, Lemma 3 proof",
       r"g_1(m) = \frac{\tau}{\tau + \bar\tau m},\ \tau = \frac{\beta-\lambda_n}{\beta}",
       _check_lemma3_closed, A_SPEC, title="g1 in τ form"),
    _c("lemma3.monotone", "Appendix B, Lemma 3",
       r"g_1(m)^{1/m} \text{ is strictly increasing for } m \ge 1", _check_lemma3_monotone,
       A_SPEC + ("λn < β",), title="Monotonicity of g1^{1/m}"),
    _c("lemma4.square", "Appendix B, Lemma 4",
       r"g_1(m) \le g_2(m) \iff ((m-1)(\lambda_1-\lambda_n)-\beta)^2 \ge 0", _check_lemma4, A_SPEC,
       title="Lemma 4's complete square"),
    _c("lemma4.strict", "Appendix B, Lemma 4 proof (first sentence)",
       r"\frac{4m(m-1)\lambda_1\lambda_n}{(\beta+(m-1)(\lambda_1+\lambda_n))^2} < "
       r"\frac{m\lambda_n}{\beta+(m-1)\lambda_n}", _check_lemma4_strict, A_SPEC,
       Erratum(r"\ldots < \ldots", r"\ldots \le \ldots",
               "Equality holds at m = β/(λ1−λn)+1, where the complete square vanishes."),
       title="Strictness in Lemma 4's proof"),
    _c("appendixB.eq18", "Appendix B, eq. (18)",
       r"g^*(1) = g_1(1) \le g_1(m) = g^*(m),\ m \in [1, \frac{\beta}{\lambda_1-\lambda_n}+1]",
       _check_eq18, A_SPEC,
       Erratum(r"g_1(1) \le g_1(m) = g^*(m)", r"g_1(1) \le g_1(m)^{1/m} = g^*(m)^{1/m}",
               "g1 is decreasing in m; the 1/m exponents of Lemma 3 are missing."),
       title="Chain (18)"),
    _c("appendixB.eq19", "Appendix B, eq. (19)",
       r"g^*(1) = g_1(1) \le g_1(m) \le g_2(m) = g^*(m),\ m > \frac{\beta}{\lambda_1-\lambda_n}+1",
       _check_eq19, A_SPEC,
       Erratum(r"g_1(1) \le g_1(m) \le g_2(m) = g^*(m)",
               r"g_1(1) \le g_1(m)^{1/m} \le g_2(m)^{1/m} = g^*(m)^{1/m}",
               "As in (18), the exponents 1/m are missing."),
       title="Chain (19)"),
    _c("theorem6", "Theorem 6",
       r"\arg\min_{m \in \mathbb N} g^*(m)^{1/m} = 1", _check_theorem6, A_SPEC,
       title="m = 1 is optimal"),
    _c("theorem7", "Theorem 7",
       r"\arg\min_{m \in \mathbb N} \hat g(m)^{1/m} = 1", _check_theorem7, A_SPEC + ("λn ≤ β/n",),
       Erratum(r"\arg\min_m \hat g(m)^{1/m} = 1",
               r"\arg\min_m \hat g(m)^{1/m} = 1 \text{ provided } \lambda_1 > \beta/n",
               "If λ1 ≤ β/n the printed threshold β/(λ1−β/n)+1 is negative or undefined, m = 1 falls "
               "in the second case, η̂(1) = 2/β and ĝ(1) = 1."),
       title="m = 1 is optimal with η̂"),
    _c("eq13.s", "Section 4.4.1, eq. (13)",
       r"g^*(m) = 1 - \frac{\lambda_n}{\beta}s(m),\ s(m) = \frac{m}{1+(m-1)\lambda_n/\beta}\ "
       r"(\text{case 1}),\ \frac{4m(m-1)\lambda_1}{\beta(1+(m-1)(\lambda_1+\lambda_n)/\beta)^2}",
       _check_s, A_SPEC, title="Speed-up factor"),
    _c("outline.approximation", "Theorem 6, proof outline",
       r"g^*(m)^{1/m} \approx e^{-s(m)/m}", _check_outline_approx, A_SPEC + ("λn ≪ λ1",),
       Erratum(r"g^*(m)^{1/m} \approx e^{-s(m)/m}",
               r"g^*(m)^{1/m} \approx e^{-\frac{\lambda_n}{\beta}\frac{s(m)}{m}}",
               "g* = 1 − (λn/β)s, so log g*^{1/m} ≈ −(λn/β)s/m; the factor λn/β is missing (the "
               "conclusion t(1)/t(m) ≈ s(m) is unaffected)."),
       title="Exponential approximation"),
    _c("outline.case1_bound", "Theorem 6, proof outline",
       r"s(m)/m \ge \frac{1}{1+\frac{1}{m-1}} \text{ (from } \beta/\lambda_n \le 1/n\text{)}",
       _check_outline_case1, A_SPEC,
       Erratum(r"s(m)/m \ge \frac{1}{1+1/(m-1)},\ \beta/\lambda_n \le 1/n",
               r"s(m)/m \ge \frac{1}{1+(m-1)/n},\ \lambda_n/\beta \le 1/n",
               "The ratio is inverted and the bound garbled; the admissible counterexample has "
               "n = 10 equal eigenvalues."),
       title="Case-1 bound in the outline"),
    _c("outline.case2", "Theorem 6, proof outline",
       r"s(m)/m \text{ decreasing for } m > \frac{\beta}{\lambda_1-\lambda_n}+1,\ "
       r"\sup = \frac{\lambda_1-\lambda_n}{\lambda_1}", _check_outline_case2, A_SPEC,
       title="Case-2 bound in the outline"),
    _c("eq14.m_star", "Section 4.4.2, eq. (14)",
       r"m^* = \frac{\beta}{\lambda_1-\lambda_n} + 1", _check_m_star, A_SPEC,
       title="Critical batch size"),
    _c("intro.m_star", "Introduction, item 2",
       r"m^* = \frac{\operatorname{tr} H}{\lambda_1(H)}", _check_intro_m_star, A_SPEC,
       Erratum(r"m^* = \operatorname{tr}H/\lambda_1(H)",
               r"m^* = \beta/(\lambda_1-\lambda_n) + 1 \ (\approx \operatorname{tr}H/\lambda_1 + 1 "
               r"\text{ when } \operatorname{tr}H = \beta,\ \lambda_n \ll \lambda_1)",
               "The introduction's definition disagrees with (14) by the +1, by λn, and by tr H ≤ β."),
       title="m* in the introduction"),
    _c("saturation.limit", "Section 4.4.2, saturation regime",
       r"\lim_{m\to\infty} s(m) = \frac{4\beta}{\lambda_1}", _check_s_limit, A_SPEC,
       Erratum(r"\lim_{m\to\infty} s(m) = 4\beta/\lambda_1",
               r"\lim_{m\to\infty} s(m) = \frac{4\beta\lambda_1}{(\lambda_1+\lambda_n)^2} \le \frac{4\beta}{\lambda_1}",
               "The printed value is the λn → 0 limit; it remains a valid upper bound."),
       title="Saturation limit"),
    _c("saturation.monotone", "Section 4.4.2, saturation regime",
       r"s(m) \text{ is monotonically increasing}", _check_s_monotone, A_SPEC,
       title="Monotone speed-up"),
    _c("saturation.less_than_4", "Section 4.4.2 and Introduction 2(b)",
       r"t(\tfrac{\beta}{\lambda_1-\lambda_n}+1)/\lim_{m\to\infty} t(m) < 4",
       _check_less_than_4, A_SPEC + ("t(m) ∝ 1/s(m) (the paper's approximation)",),
       title="Less than 4"),
    _c("theorem1", "Theorem 1 and Appendix A",
       r"E\mathcal L(w_t) \le \frac\beta2 E\|w_t-w^*\|^2 \le \frac\beta2(1-\frac\alpha\beta)^t\|w_0-w^*\|^2",
       _check_theorem1, ("ℓ_i ≥ 0, β-smooth, convex; L α-strongly convex", "Assumption 1 (interpolation)",
                         "checked on least squares, step 1/β"),
       title="Exponential convergence"),
    _c("theorem3", "Theorem 3",
       r"E[\mathcal L(w_t)] \ge \lambda_1 E\|w_{t+1}-w^*\|^2 = \lambda_1 g(m,\eta)^t E\|w_0-w^*\|^2",
       _check_theorem3, A_MODEL + ("orthogonal x_i on a sphere",),
       Erratum(r"\lambda_1 E\|w_{t+1}-w^*\|^2 = \lambda_1 g(m,\eta)^t E\|w_0-w^*\|^2,\ \|x_i\| = \beta",
               r"E[\mathcal L(w_t)] = \lambda_1 E\|w_t-w^*\|^2 = \lambda_1 g(m,\eta)^t \|w_0-w^*\|^2,\ "
               r"\|x_i\|^2 = \beta",
               "Index slip as in Theorem 2, and the sphere must have radius √β for (5) to be tight."),
       title="The tight instance"),
]
