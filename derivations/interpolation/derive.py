r"""Paper 000 (Ma, Bassily, Belkin): mini-batch SGD on an interpolating quadratic.

Model (the paper's Section 4, eqs. (2)-(4)).  Data :math:`x_1, \dots, x_n`, loss
:math:`\mathcal L(w) = \frac1n \sum_i (w^\top x_i - y_i)^2` with an interpolating
:math:`w^*`, covariance :math:`H = \frac1n \sum_i x_i x_i^\top` (a *mean*, not a sum),
mini-batch covariance :math:`H_m = \frac1m \sum_{j=1}^m x^{(j)} x^{(j)\top}` with the
:math:`m` indices drawn i.i.d. uniformly **with replacement**, and the update

.. math::  w_{t+1} = w_t - \eta H_m (w_t - w^*).

Scaling conventions used here (the paper's own, made explicit):

* the per-sample bound is :math:`\|x_i\|^2 \le \beta` (the paper prints :math:`\|x_i\| \le \beta`;
  see the erratum ``interpolation.assumption.norm_bound``), so :math:`\operatorname{tr} H \le \beta`;
* the step :math:`\eta` multiplies the *mean* mini-batch gradient.

Everything below is derived from these definitions; the printed formulas are compared
against these derivations in :mod:`verify.topics.interpolation.claims`.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import sympy as sp

from derivations.export import Export, Guard

__all__ = [
    "LATEX_NAMES", "beta", "eta", "lam", "lam1", "lamn", "m", "n", "symbols",
    "pair_counts", "second_moment_general", "sandwich_moment_general", "second_moment_step",
    "second_moment_noncommutative", "sandwich_moment_noncommutative", "enumerate_second_moment",
    "g_lambda", "eta_1", "eta_0", "eta_stationary", "case1_condition", "hat_condition",
    "m_threshold", "eta_star", "g_star", "eta_hat", "g_hat_exact", "g_hat_bound",
    "s_speedup", "s_limit", "g1", "g2", "lemma4_certificate", "tight_family_moments",
    "theorem1_step", "exports",
]

# ---------------------------------------------------------------- symbols
lam = sp.Symbol("lam", positive=True)  # an eigenvalue of H
lam1 = sp.Symbol("lam1", positive=True)  # largest eigenvalue
lamn = sp.Symbol("lamn", positive=True)  # smallest (n-th) eigenvalue
beta = sp.Symbol("beta", positive=True)  # ||x_i||^2 <= beta
eta = sp.Symbol("eta", positive=True)  # step size
m = sp.Symbol("m", positive=True, integer=True)  # batch size
n = sp.Symbol("n", positive=True, integer=True)  # number of data points
symbols = dict(lam=lam, lam1=lam1, lamn=lamn, beta=beta, eta=eta, m=m, n=n)
#: LaTeX names for ``sympy.latex(expr, symbol_names=LATEX_NAMES)``
LATEX_NAMES = {lam: r"\lambda", lam1: r"\lambda_1", lamn: r"\lambda_n", beta: r"\beta", eta: r"\eta"}


# ---------------------------------------------------------------- E[H_m^2]
def second_moment_noncommutative(mm: int):
    r"""Expand :math:`E[H_m^2]` for a concrete batch size with non-commuting symbols.

    :math:`H_m = \frac1m\sum_j X_j` with :math:`X_j = x^{(j)}x^{(j)\top}` i.i.d.,
    :math:`E X_j = H` and :math:`E X_j^2 = Q`.  Expanding :math:`(\sum_j X_j)^2` and taking
    expectations term by term (independence for :math:`j \ne k`) gives
    ``(E[H_m^2], Q, H)`` with ``E[H_m^2]`` expressed in the non-commutative symbols Q, H.
    The count of diagonal terms is m and of off-diagonal ones m(m-1), so the general
    formula is :math:`E[H_m^2] = Q/m + (1 - 1/m) H^2`.
    """
    X = sp.symbols(f"X1:{mm + 1}", commutative=False)
    Q, H = sp.symbols("Q H", commutative=False)
    expanded = sp.expand(sum(X) ** 2)
    out = 0
    for term in sp.Add.make_args(expanded):
        coeff, factors = term.as_coeff_mul()
        (a, b) = factors if len(factors) == 2 else (factors[0].base, factors[0].base)
        out += coeff * (Q if a == b else H * H)
    return sp.expand(out / mm**2), Q, H


def sandwich_moment_noncommutative(mm: int):
    r"""Expand :math:`E[H_m S H_m]` for a concrete batch size (S a fixed matrix).

    Returns ``(expr, XSX, HSH)``: ``expr`` in the non-commutative symbols
    ``XSX`` (:math:`E[X S X]` for one draw) and ``HSH``; the general form is
    :math:`E[H_m S H_m] = E[XSX]/m + (1-1/m) H S H` -- the second-moment recursion
    :math:`\Sigma_{t+1} = \Sigma_t - \eta(H\Sigma_t + \Sigma_t H) + \eta^2 E[H_m\Sigma_t H_m]`
    of :math:`\Sigma_t = E[(w_t-w^*)(w_t-w^*)^\top]` uses it with :math:`S = \Sigma_t`.
    """
    X = sp.symbols(f"X1:{mm + 1}", commutative=False)
    S, XSX, HSH = sp.symbols("S XSX HSH", commutative=False)
    expanded = sp.expand(sum(X) * S * sum(X))
    out = 0
    for term in sp.Add.make_args(expanded):
        coeff, factors = term.as_coeff_mul()
        a, _, b = factors
        out += coeff * (XSX if a == b else HSH)
    return sp.expand(out / mm**2), XSX, HSH


@lru_cache(maxsize=None)
def pair_counts():
    r"""How many of the :math:`m^2` pairs :math:`(j, k)` in :math:`(\sum_j X_j)(\sum_k X_k)` are
    diagonal (:math:`j = k`) and off-diagonal, for a *symbolic* batch size m.

    Computed as :math:`\sum_{k=1}^m\sum_{j=1}^m \delta_{jk}` and
    :math:`\sum_{k=1}^m\sum_{j=1}^m (1 - \delta_{jk})` (the inner sum is refined with
    :math:`k \le m`, true on the range of k).  Returns ``(m, m*(m - 1))``.
    """
    j, k = sp.symbols("j k", integer=True, positive=True)

    def count(summand):
        inner = sp.refine(sp.summation(summand, (j, 1, m)), sp.Q.le(k, m))
        return sp.factor(sp.summation(inner, (k, 1, m)))

    return count(sp.KroneckerDelta(j, k)), count(1 - sp.KroneckerDelta(j, k))


@lru_cache(maxsize=None)
def second_moment_general():
    r""":math:`E[H_m^2]` for a symbolic batch size m, with non-commuting symbols.

    :math:`H_m = \frac1m\sum_j X_j`, :math:`X_j = x^{(j)}x^{(j)\top}` i.i.d. (indices drawn
    with replacement), :math:`E X_j^2 = Q`, :math:`E X_jX_k = E X_j\,E X_k = H^2` for
    :math:`j \ne k` (independence).  With the pair counts of :func:`pair_counts`,
    :math:`E[H_m^2] = (\#\text{diag}\cdot Q + \#\text{off}\cdot H^2)/m^2`.
    Returns ``(expr, Q, H)``.
    """
    Q, H = sp.symbols("Q H", commutative=False)
    diag, off = pair_counts()
    return sp.expand((diag * Q + off * H * H) / m**2), Q, H


@lru_cache(maxsize=None)
def sandwich_moment_general():
    r""":math:`E[H_m S H_m]` for a symbolic batch size m (S fixed), non-commuting symbols.

    As :func:`second_moment_general` with :math:`E[X_j S X_j] = \mathrm{XSX}` (one draw) and
    :math:`E[X_j S X_k] = HSH` (:math:`j \ne k`).  Returns ``(expr, XSX, HSH)``.
    """
    XSX, HSH = sp.symbols("XSX HSH", commutative=False)
    diag, off = pair_counts()
    return sp.expand((diag * XSX + off * HSH) / m**2), XSX, HSH


@lru_cache(maxsize=None)
def second_moment_step():
    r"""One step of the second-moment recursion, entrywise.

    :math:`\Sigma_{t+1} = E[(I - \eta H_m)\Sigma_t(I - \eta H_m)]
    = \Sigma_t - \eta(E[H_m]\Sigma_t + \Sigma_t E[H_m]) + \eta^2 E[H_m\Sigma_t H_m]` (H_m
    independent of :math:`w_t`), with :math:`E H_m = H` and :math:`E[H_m\Sigma H_m]` from
    :func:`sandwich_moment_general`.  The result is linear in the matrices
    :math:`\Sigma, H\Sigma, \Sigma H, \mathrm{XSX} = \frac1n\sum_i (x_i^\top\Sigma x_i) x_ix_i^\top,
    H\Sigma H` with scalar coefficients, so it is returned in commuting stand-ins
    ``S, HS, SH, XSX, HSH`` (real symbols) and holds entry by entry.
    """
    S, Hn = sp.symbols("S H", commutative=False)
    sandwich, XSX, HSH = sandwich_moment_general()
    expr = sp.expand(S - eta * (Hn * S + S * Hn) + eta**2 * sandwich)
    c = {name: sp.Symbol(name, real=True) for name in ("S", "HS", "SH", "XSX", "HSH")}
    out = expr.subs({Hn * S: c["HS"], S * Hn: c["SH"], XSX: c["XSX"], HSH: c["HSH"]}).subs(S, c["S"])
    if out.free_symbols & {S, Hn, XSX, HSH}:
        raise ArithmeticError(f"sandwich expansion: non-commutative symbols left after substitution: {out}")
    return sp.expand(out), c


@lru_cache(maxsize=None)
def g_lambda() -> sp.Expr:
    r"""g(λ; m, η): the eigenvalue of :math:`G = I - 2\eta H + \eta^2 E[H_m^2]` on an
    eigenvector of H with eigenvalue λ, with :math:`E[H_m^2]` bounded by
    :math:`Q \preceq \beta H` (from :math:`\|x\|^2 \le \beta`).

    Derivation: :math:`E\|w_{t+1}-w^*\|^2 = E[(w_t-w^*)^\top(I - 2\eta H + \eta^2 E H_m^2)(w_t-w^*)]`
    (independence of :math:`H_m` and :math:`w_t`), then
    :math:`E H_m^2 = Q/m + (1-1/m)H^2 \preceq (\beta/m) H + (1-1/m) H^2`; on the eigenvector,
    H acts as λ.
    """
    second_nc, Qs, Hs = second_moment_general()
    Q, H = sp.symbols("Q_c H_c")  # commuting stand-ins on an eigenvector
    second = second_nc.subs({Qs: Q, Hs: H})
    G = 1 - 2 * eta * H + eta**2 * second
    return sp.expand(G.subs({Q: beta * H}).subs(H, lam))


def _g(at) -> sp.Expr:
    return g_lambda().subs(lam, at)


def _one_minus(e: sp.Expr) -> sp.Expr:
    """Write a rate as 1 - (factored gain), the form the paper prints."""
    return 1 - sp.factor(sp.simplify(1 - e))


@lru_cache(maxsize=None)
def eta_1() -> sp.Expr:
    """Largest stable step: the non-zero root in η of g(λ1; m, η) = 1 (g < 1 between roots)."""
    roots = [r for r in sp.solve(sp.Eq(_g(lam1), 1), eta) if r != 0]
    if len(roots) != 1:
        raise ArithmeticError(f"eta_1: expected one non-zero root of g(lam1) = 1, got {roots}")
    return sp.simplify(roots[0])


@lru_cache(maxsize=None)
def eta_0() -> sp.Expr:
    """Lemma 1's switch point: the non-zero root in η of g(λn) = g(λ1)."""
    roots = [r for r in sp.solve(sp.Eq(_g(lamn), _g(lam1)), eta) if r != 0]
    if len(roots) != 1:
        raise ArithmeticError(f"eta_0: expected one non-zero root of g(lamn) = g(lam1), got {roots}")
    return sp.simplify(roots[0])


@lru_cache(maxsize=None)
def eta_stationary() -> sp.Expr:
    """The unconstrained minimiser of g(λn; m, η) in η (stationary point)."""
    (r,) = sp.solve(sp.diff(_g(lamn), eta), eta)
    return sp.simplify(r)


@lru_cache(maxsize=None)
def m_threshold() -> sp.Expr:
    """The batch size at which the stationary point meets the boundary η0: solve in m."""
    mm = sp.Symbol("mm", positive=True)
    (r,) = sp.solve(sp.Eq(eta_stationary().subs(m, mm), eta_0().subs(m, mm)), mm)
    return sp.simplify(r)


def case1_condition():
    """Theorem 4's case 1, m <= beta/(lam1 - lamn) + 1, written without division."""
    # m <= threshold, written without division: (m-1)(lam1-lamn) <= beta (valid when lam1 == lamn)
    return (m - 1) * (lam1 - lamn) <= beta


@lru_cache(maxsize=None)
def eta_star() -> sp.Expr:
    """Theorem 4's optimal step: the stationary point when it is feasible, else η0."""
    return sp.Piecewise((eta_stationary(), case1_condition()), (eta_0(), True))


@lru_cache(maxsize=None)
def g_star() -> sp.Expr:
    """g*(m) = g(λn; m, η*(m)) (λn is the maximiser on the feasible side, Lemma 1)."""
    return sp.Piecewise(
        (_one_minus(_g(lamn).subs(eta, eta_stationary())), case1_condition()),
        (_one_minus(_g(lamn).subs(eta, eta_0())), True),
    )


def hat_condition():
    """Theorem 5's case 1, m <= beta/(lam1 - beta/n) + 1 with lam1 > beta/n, without division."""
    # m <= beta/(lam1 - beta/n) + 1, written without division; requires lam1 > beta/n
    return sp.And(lam1 * n > beta, (m - 1) * (lam1 * n - beta) <= beta * n)


@lru_cache(maxsize=None)
def eta_hat() -> sp.Expr:
    """Theorem 5's λn-free step: η*(m) with λn replaced by its upper bound β/n.

    The case split uses the condition of the substituted threshold; when λ1 ≤ β/n
    the printed threshold β/(λ1 - β/n) + 1 is negative or undefined and the second
    case applies to every m.
    """
    sub = {lamn: beta / n}
    return sp.Piecewise(
        (sp.simplify(eta_stationary().subs(sub)), hat_condition()),
        (sp.simplify(eta_0().subs(sub)), True),
    )


@lru_cache(maxsize=None)
def g_hat_exact() -> sp.Expr:
    """g(λn; m, η̂(m)): the exact rate at η̂ (equals g(m, η̂) since η̂ ≤ η0)."""
    return sp.Piecewise(*[
        (_one_minus(_g(lamn).subs(eta, e)), c) for e, c in eta_hat().args
    ])


@lru_cache(maxsize=None)
def g_hat_bound() -> sp.Expr:
    r"""The upper bound on g(λn; m, η̂) obtained by bounding λn ≤ β/n inside the
    *non-negative* quadratic term :math:`\eta^2\lambda_n(\beta + (m-1)\lambda_n)/m`.
    """
    c = sp.Symbol("c", positive=True)  # stands for the lamn in the quadratic coefficient
    gq = 1 - 2 * eta * lamn + eta**2 * lamn * (beta + (m - 1) * c) / m
    if sp.expand(gq.subs(c, lamn) - _g(lamn)) != 0:
        raise ArithmeticError("g_hat: the quadratic with c = lamn is not g(lamn)")
    return sp.Piecewise(*[
        (_one_minus(gq.subs(c, beta / n).subs(eta, e)), cond) for e, cond in eta_hat().args
    ])


@lru_cache(maxsize=None)
def s_speedup() -> sp.Expr:
    """The speed-up s(m) defined by g*(m) = 1 - (λn/β) s(m)."""
    return sp.Piecewise(*[
        (sp.factor(sp.simplify((1 - e) * beta / lamn)), c) for e, c in g_star().args
    ])


@lru_cache(maxsize=None)
def s_limit() -> sp.Expr:
    """lim_{m→∞} s(m) (the saturation branch)."""
    return sp.factor(sp.limit(s_speedup().args[1][0], m, sp.oo))


@lru_cache(maxsize=None)
def g1() -> sp.Expr:
    """Appendix B's g1: the first branch of g*(m) extended to all m ≥ 1."""
    return g_star().args[0][0]


@lru_cache(maxsize=None)
def g2() -> sp.Expr:
    """Appendix B's g2: the second branch of g*(m) extended to all m ≥ 1."""
    return g_star().args[1][0]


@lru_cache(maxsize=None)
def lemma4_certificate():
    r"""Lemma 4 as a certificate: ``g2 - g1 == positive * square`` with the factors.

    Returns ``(positive_factor, square_base)`` such that
    :math:`g_2 - g_1 = \text{positive}\cdot(\text{square\_base})^2` identically.
    """
    diff = sp.factor(sp.together(g2() - g1()))
    base = (m - 1) * (lam1 - lamn) - beta
    positive = sp.factor(sp.cancel(diff / base**2))
    if sp.simplify(positive * base**2 - diff) != 0:
        raise ArithmeticError("g2 - g1: the factorisation positive * base^2 does not reproduce the difference")
    return positive, base


@lru_cache(maxsize=None)
def tight_family_moments():
    r"""Theorem 3's tight family for a *symbolic* number of points n: :math:`x_i = \sqrt\beta\,e_i`
    (orthogonal, on the sphere :math:`\|x_i\|^2 = \beta`), d = n.

    Entry (j, k) of :math:`H = \frac1n\sum_i x_ix_i^\top` and of
    :math:`Q = E[H_1^2] = \frac1n\sum_i \|x_i\|^2 x_ix_i^\top` are summed symbolically over
    i = 1..n with Kronecker deltas (j, k <= n).  Returns ``(H_jk, Q_jk, delta_jk)``: the result is
    :math:`H = (\beta/n) I` and :math:`Q = \beta H`.
    """
    i, j, k = sp.symbols("i j k", integer=True, positive=True)
    xij = sp.sqrt(beta) * sp.KroneckerDelta(i, j)  # coordinate j of x_i
    xik = sp.sqrt(beta) * sp.KroneckerDelta(i, k)
    norm2 = beta  # ||x_i||^2 = sum_j beta delta_ij^2 = beta
    refine = sp.Q.le(j, n) & sp.Q.le(k, n)
    H = sp.refine(sp.summation(xij * xik, (i, 1, n)), refine) / n
    Q = sp.refine(sp.summation(norm2 * xij * xik, (i, 1, n)), refine) / n
    return sp.simplify(H), sp.simplify(Q), sp.KroneckerDelta(j, k)


@lru_cache(maxsize=None)
def theorem1_step():
    r"""The step size that Appendix A's argument allows, and the rate it gives.

    For SGD :math:`w' = w - \eta\nabla\ell_i(w)` the proof's expansion (15) with strong convexity
    (16) gives :math:`E\|e'\|^2 \le (1-\alpha\eta)\|e\|^2 - 2\eta\,E[\ell_i - \frac\eta2\|\nabla\ell_i\|^2]`,
    and a non-negative β-smooth :math:`\ell_i` has :math:`\ell_i \ge \|\nabla\ell_i\|^2/(2\beta)`
    (equality possible).  The last term is <= 0 for every such :math:`\ell_i` iff
    :math:`\eta/2 \le 1/(2\beta)`; the rate :math:`1 - \alpha\eta` is smallest at the largest
    such η.  Returns ``(eta_max, rate)``.
    """
    (eta_max,) = sp.solve(sp.Eq(eta / 2, 1 / (2 * beta)), eta)
    alpha = sp.Symbol("alpha", positive=True)
    return eta_max, 1 - alpha * eta_max


def enumerate_second_moment(xs, mm: int):
    """Exact E[H_m^2] by enumerating all n^m index tuples (sympy Matrices, rational data)."""
    nn = len(xs)
    outer = [x * x.T for x in xs]
    total = sp.zeros(*outer[0].shape)
    for idx in itertools.product(range(nn), repeat=mm):
        Hm = sum((outer[i] for i in idx), sp.zeros(*outer[0].shape)) / mm
        total += Hm * Hm
    return total / sp.Integer(nn) ** mm


# ---------------------------------------------------------------- exports
def exports() -> list[Export]:
    ordered = Guard(lam1 >= lamn, "lam1 >= lamn")
    bounded = Guard(beta >= lam1, "beta >= lam1 (tr H <= beta)")
    g_bar = Guard(lamn * n <= beta, "lamn <= beta/n (tr H <= beta with n eigenvalues)")
    step, c = second_moment_step()
    return [
        Export("sigma_next", (c["S"], c["HS"], c["SH"], c["XSX"], c["HSH"], m, eta), step,
               "One step of the exact second-moment recursion of update (4), entrywise:\n"
               "Sigma_{t+1} = Sigma - eta (H Sigma + Sigma H) + eta^2 [XSX/m + (1 - 1/m) H Sigma H]\n"
               "with XSX = (1/n) sum_i (x_i^T Sigma x_i) x_i x_i^T, Sigma = E[(w_t - w*)(w_t - w*)^T],\n"
               "H = (1/n) sum_i x_i x_i^T (mean), batch of m indices drawn with replacement,\n"
               "mean-gradient step eta.  Pass the matrices (arrays broadcast entrywise)."),
        Export("g", (lam, m, eta, beta), g_lambda(),
               "g(λ; m, η): the contraction factor of E||w - w*||^2 along an eigenvector of H\n"
               "with eigenvalue λ (Theorem 2), mini-batch of size m drawn with replacement,\n"
               "mean-gradient step η, ||x_i||^2 <= beta.",
               (Guard(beta >= lam, "beta >= lam"),)),
        Export("eta_1", (m, beta, lam1), eta_1(),
               "η1(m): the largest step with ||G_{m,η}|| < 1 (eq. (6)); convergence iff η < η1.",
               (bounded,)),
        Export("eta_0", (m, beta, lam1, lamn), eta_0(),
               "η0(m): g(λn) >= g(λ1) iff η <= η0(m) (Lemma 1).", (ordered, bounded)),
        Export("eta_star", (m, beta, lam1, lamn), eta_star(),
               "η*(m): the step minimising g(m, η) = max_λ g(λ; m, η) (Theorem 4).",
               (ordered, bounded)),
        Export("g_star", (m, beta, lam1, lamn), g_star(),
               "g*(m) = g(m, η*(m)): the optimal per-iteration contraction (Theorem 4).",
               (ordered, bounded)),
        Export("eta_hat", (m, beta, lam1, n), eta_hat(),
               "η̂(m): the λn-free step of Theorem 5 (λn replaced by beta/n).", (bounded,)),
        Export("g_hat", (m, beta, lam1, lamn, n), g_hat_bound(),
               "ĝ(m): Theorem 5's upper bound on g(m, η̂(m)).", (ordered, bounded, g_bar)),
        Export("g_hat_exact", (m, beta, lam1, lamn, n), g_hat_exact(),
               "g(m, η̂(m)) exactly (= g(λn; m, η̂), as η̂ <= η0).", (ordered, bounded, g_bar)),
        Export("s", (m, beta, lam1, lamn), s_speedup(),
               "s(m): the speed-up, g*(m) = 1 - (λn/β) s(m) (eq. (13)).", (ordered, bounded)),
        Export("s_limit", (beta, lam1, lamn), s_limit(),
               "lim_{m→∞} s(m): the saturation level of the speed-up.", (ordered, bounded)),
        Export("m_star", (beta, lam1, lamn), m_threshold(),
               "m*: the critical batch size where the two regimes of η*(m) meet (eq. (14)).",
               (Guard(lam1 > lamn, "lam1 > lamn (m* is infinite when lam1 == lamn)"), bounded)),
    ]
