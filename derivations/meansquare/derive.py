r"""The exact mean-square dynamics of mini-batch SGD on an interpolating least-squares problem.

Model (paper 000, update (4), its conventions): rows :math:`x_1,\dots,x_n`, the *mean*
covariance :math:`H = \frac1n\sum_i x_ix_i^\top`, :math:`\beta = \max_i\|x_i\|^2`, the batch
covariance :math:`H_m = \frac1m\sum_{j=1}^m x^{(j)}x^{(j)\top}` with the m indices drawn
i.i.d. uniformly **with replacement**, and :math:`e_{t+1} = (I - \eta H_m)e_t`,
:math:`e_t = w_t - w^*`.  The step multiplies the *mean* batch gradient; the loss is the
mean :math:`\mathcal L(w) = e^\top H e`.

The second moment :math:`\Sigma_t = E[e_te_t^\top]` obeys :math:`\Sigma_{t+1} = T(\Sigma_t)` with

.. math:: T(S) = E[(I - \eta H_m) S (I - \eta H_m)]
          = S - \eta(HS + SH) + \eta^2\Big[\tfrac1m M(S) + (1 - \tfrac1m) HSH\Big],
          \qquad M(S) = \tfrac1n\sum_i (x_i^\top S x_i)\, x_ix_i^\top,

derived here for a symbolic batch size (:func:`operator_step`).  Written
:math:`T = I - \eta A + \eta^2 B` with :math:`A(S) = HS + SH` and
:math:`B(S) = M(S)/m + (1-1/m)HSH`, both self-adjoint and positive semi-definite for the
trace inner product :math:`\langle S, S'\rangle = \operatorname{tr}(SS')`; T is
self-adjoint and maps PSD matrices to PSD matrices (an average of congruences).

Closed forms derived below:

* :func:`equal_norm_upper` -- for rows with :math:`\|x_i\|^2 = \beta` the Rayleigh quotient of
  :math:`B` against :math:`A` at :math:`S = P` (the projector on range(H)) bounds the exact
  stability limit from above: :math:`\eta_{\rm crit}(m) \le 2m\beta/(\beta^2 + (m-1)\operatorname{tr}H^2)`,
  which at m = 1 is :math:`2/\beta = \eta_1(1)`;
* :func:`gd_limit` -- the limit :math:`m\to\infty` (full-batch gradient descent):
  :math:`T_\infty(S) = (I-\eta H)S(I-\eta H)`, optimal step :math:`2/(\lambda_1+\lambda_r)` and
  rate :math:`((\lambda_1-\lambda_r)/(\lambda_1+\lambda_r))^2`;
* :func:`critical_batch` -- the exact critical batch size, the batch size at which the
  linear-scaling line meets the saturation level of the exact speed-up.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from derivations.export import Export, Guard

__all__ = ["beta", "eta", "lam1", "lamr", "m", "trH2", "rho1", "rho_inf", "LATEX_NAMES",
           "pair_counts", "operator_noncommutative", "operator_step", "equal_norm_quotient",
           "equal_norm_upper", "gd_limit", "critical_batch", "exports"]

beta = sp.Symbol("beta", positive=True)  # max ||x_i||^2 (= every ||x_i||^2 for equal norms)
eta = sp.Symbol("eta", positive=True)
m = sp.Symbol("m", positive=True, integer=True)
lam1 = sp.Symbol("lam1", positive=True)  # largest eigenvalue of H
lamr = sp.Symbol("lamr", positive=True)  # smallest positive eigenvalue of H
trH2 = sp.Symbol("trH2", positive=True)  # tr(H^2)
rho1 = sp.Symbol("rho1", positive=True)  # optimal exact rate at m = 1
rho_inf = sp.Symbol("rho_inf", positive=True)  # optimal exact rate as m -> oo
LATEX_NAMES = {beta: r"\beta", eta: r"\eta", lam1: r"\lambda_1", lamr: r"\lambda_r",
               trH2: r"\operatorname{tr}H^2", rho1: r"\rho_{\rm opt}(1)", rho_inf: r"\rho_{\rm opt}(\infty)"}


@lru_cache(maxsize=None)
def pair_counts():
    r"""Diagonal and off-diagonal pairs among the :math:`m^2` pairs :math:`(j,k)` of
    :math:`(\sum_j X_j) S (\sum_k X_k)`, for a symbolic m: sums of Kronecker deltas.
    Returns ``(m, m*(m-1))``."""
    j, k = sp.symbols("j k", integer=True, positive=True)

    def count(summand):
        inner = sp.refine(sp.summation(summand, (j, 1, m)), sp.Q.le(k, m))
        return sp.factor(sp.summation(inner, (k, 1, m)))

    return count(sp.KroneckerDelta(j, k)), count(1 - sp.KroneckerDelta(j, k))


def operator_noncommutative(mm: int):
    r""":math:`E[(I - \eta H_m)S(I - \eta H_m)]` for a concrete batch size by brute expansion.

    :math:`H_m = \frac1m\sum_j X_j` with :math:`X_j` i.i.d., :math:`E X_j = H`,
    :math:`E[X_jSX_j] = M(S)` and :math:`E[X_jSX_k] = HSH` (:math:`j \ne k`, independence).
    Returns the expression in non-commuting symbols ``S, H, MS, HSH``.
    """
    X = sp.symbols(f"X1:{mm + 1}", commutative=False)
    S, H, MS, HSH = sp.symbols("S H MS HSH", commutative=False)
    Hm = sum(X) / mm
    expanded = sp.expand((1 - eta * Hm) * S * (1 - eta * Hm))
    out = 0
    for term in sp.Add.make_args(expanded):
        coeff, factors = term.as_coeff_mul()
        c = sp.Mul(*[f for f in factors if f.is_commutative])
        nc = [f for f in factors if not f.is_commutative]
        xs = [f for f in nc if f in X]
        if not xs:
            out += coeff * c * S
        elif len(xs) == 1:
            out += coeff * c * (H * S if nc[0] in X else S * H)
        else:
            out += coeff * c * (MS if xs[0] == xs[1] else HSH)
    return sp.expand(out), (S, H, MS, HSH)


@lru_cache(maxsize=None)
def operator_step():
    r""":math:`T(S)` for a symbolic batch size, entrywise in the matrices
    :math:`S, HS, SH, M(S), HSH` (commuting stand-ins; the result is linear in them).

    :math:`E[(I-\eta H_m)S(I-\eta H_m)] = S - \eta(E[H_m]S + SE[H_m]) + \eta^2E[H_mSH_m]` and
    :math:`E[H_mSH_m] = (\#\mathrm{diag}\, M(S) + \#\mathrm{off}\, HSH)/m^2` with the pair counts
    of :func:`pair_counts`.  Returns ``(expr, symbols)``.
    """
    diag, off = pair_counts()
    c = {k: sp.Symbol(k, real=True) for k in ("S", "HS", "SH", "MS", "HSH")}
    expr = c["S"] - eta * (c["HS"] + c["SH"]) + eta**2 * (diag * c["MS"] + off * c["HSH"]) / m**2
    return sp.expand(expr), c


@lru_cache(maxsize=None)
def equal_norm_quotient():
    r"""For rows with :math:`\|x_i\|^2 = \beta` (so :math:`\operatorname{tr}H = \beta`), the
    Rayleigh quotient :math:`\langle P, B(P)\rangle / \langle P, A(P)\rangle` at the projector
    P on range(H):  :math:`\langle P, M(P)\rangle = \frac1n\sum_i (x_i^\top x_i)^2 = \beta^2`,
    :math:`\langle P, HPH\rangle = \operatorname{tr}H^2`, :math:`\langle P, A(P)\rangle = 2\operatorname{tr}H = 2\beta`.
    Since :math:`\eta_{\rm crit} = 1/\max_S \langle S,BS\rangle/\langle S,AS\rangle`, its reciprocal
    bounds :math:`\eta_{\rm crit}` from above."""
    n = sp.Symbol("n", positive=True, integer=True)
    i = sp.Symbol("i", integer=True, positive=True)
    MP = sp.summation(beta**2, (i, 1, n)) / n  # (1/n) sum_i (x_i^T P x_i)^2 with x_i^T P x_i = beta
    return sp.simplify((MP / m + (1 - sp.Integer(1) / m) * trH2) / (2 * beta))


@lru_cache(maxsize=None)
def equal_norm_upper() -> sp.Expr:
    r"""Upper bound on the exact stability limit for equal-norm rows:
    :math:`1/` :func:`equal_norm_quotient`."""
    return sp.factor(sp.simplify(1 / equal_norm_quotient()))


@lru_cache(maxsize=None)
def gd_limit():
    r"""The limit :math:`m \to \infty`: :math:`T_\infty(S) = (I-\eta H)S(I-\eta H)` has the
    eigenvalues :math:`(1-\eta\lambda_i)(1-\eta\lambda_j)`, so
    :math:`\rho(T_\infty) = \max((1-\eta\lambda_r)^2, (1-\eta\lambda_1)^2)`; the minimiser
    equalises the two ends, :math:`1 - \eta\lambda_r = \eta\lambda_1 - 1`.
    Returns ``(eta_inf, rho_inf)``."""
    (e,) = sp.solve(sp.Eq(1 - eta * lamr, eta * lam1 - 1), eta)
    return sp.simplify(e), sp.factor(sp.simplify((1 - e * lamr) ** 2))


def operator_limit_m_infinity():
    """``lim_{m->oo} T(S)``: the with-replacement noise term M(S)/m vanishes."""
    expr, c = operator_step()
    return sp.expand(sp.limit(expr, m, sp.oo)), c


@lru_cache(maxsize=None)
def critical_batch() -> sp.Expr:
    r"""The exact critical batch size.  Iterations to a small target scale as
    :math:`t(m) \approx \log\epsilon / \log\rho_{\rm opt}(m)`; the exact speed-up
    :math:`S(m) = t(1)/t(m) = \log\rho_{\rm opt}(m)/\log\rho_{\rm opt}(1)` grows like m for small m
    and saturates at :math:`S(\infty) = \log\rho_{\rm opt}(\infty)/\log\rho_{\rm opt}(1)`.
    The critical batch size is where the linear-scaling line :math:`S = m` meets the
    saturation level (McCandlish et al.'s :math:`B_{\rm crit} = E_{\min}/S_{\min}` for this model):
    the solution of :math:`m = S(\infty)`."""
    mm = sp.Symbol("mm", positive=True)
    (sol,) = sp.solve(sp.Eq(mm, sp.log(rho_inf) / sp.log(rho1)), mm)
    return sol


def exports() -> list[Export]:
    step, c = operator_step()
    e_inf, r_inf = gd_limit()
    ordered = Guard(lam1 >= lamr, "lam1 >= lamr")
    return [
        Export("T_apply", (c["S"], c["HS"], c["SH"], c["MS"], c["HSH"], m, eta), step,
               "The exact second-moment map T(S) = E[(I - eta H_m) S (I - eta H_m)], entrywise:\n"
               "T(S) = S - eta (HS + SH) + eta^2 [M(S)/m + (1 - 1/m) HSH],\n"
               "M(S) = (1/n) sum_i (x_i^T S x_i) x_i x_i^T, H = (1/n) sum_i x_i x_i^T (mean),\n"
               "m indices drawn with replacement, mean-gradient step eta.  Pass the matrices."),
        Export("eta_crit_equal_norm_upper", (m, beta, trH2), equal_norm_upper(),
               "Upper bound on the exact stability limit eta_crit(m) for rows with ||x_i||^2 = beta\n"
               "(tr H = beta): the Rayleigh quotient of T's noise part at the projector on range(H).\n"
               "Equals 2/beta = eta_1(1) at m = 1.",
               (Guard(trH2 <= beta**2, "tr(H^2) <= beta^2 (tr H = beta)"),)),
        Export("eta_gd", (lam1, lamr), e_inf,
               "The optimal constant step of full-batch gradient descent (m -> oo): 2/(lam1 + lamr),\n"
               "lamr the smallest positive eigenvalue of H.", (ordered,)),
        Export("rho_gd", (lam1, lamr), r_inf,
               "rho_opt(oo): the optimal mean-square rate as m -> oo, ((lam1 - lamr)/(lam1 + lamr))^2.",
               (ordered,)),
        Export("critical_batch", (rho1, rho_inf), critical_batch(),
               "The exact critical batch size: the batch size where the linear-scaling line S(m) = m meets\n"
               "the saturation level S(oo) = log rho_opt(oo) / log rho_opt(1) of the exact speed-up.",
               (Guard(rho1 < 1, "rho1 < 1"), Guard(rho_inf < 1, "rho_inf < 1"))),
    ]
