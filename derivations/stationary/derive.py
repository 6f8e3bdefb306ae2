r"""Paper 004 (Luo & Wang, "How many factors influence minima in SGD?"): derivations.

Everything here is derived in SymPy from the model's own definitions; the printed
formulas of the paper (``derivations.stationary.printed``) are the things under test in
``verify.topics.stationary.claims``.

Scaling conventions (the trap these papers fall into)
-----------------------------------------------------
* The risk is a **mean**: :math:`f(\theta) = \frac1n\sum_i \ell(\theta; U_i)` (or an
  expectation), its gradient is the mean of per-example gradients, and
  :math:`\sigma^2 = \operatorname{Var}[\nabla\ell(\theta;U)]` is the covariance of **one**
  per-example gradient.  A mini-batch gradient is the **mean** over ``m`` examples, so
  its covariance is :math:`\sigma^2/m` (sampling with replacement).
* SGD: :math:`x_k = x_{k-1} - \delta\,\hat g_m(x_{k-1})`; continuous time :math:`t = k\delta`.
* The SDE (9) :math:`dX = -\nabla f\,dt + \sqrt{\delta/m}\,\sigma\,dB` and the centred,
  rescaled process :math:`V = \sqrt{m/\delta}\,(X - X(t))` obeying (10)
  :math:`dV = -HV\,dt - \sigma\,dB` with :math:`\sigma\sigma^T = \sigma^2`.

Results derived here
--------------------
* :func:`ito_second_moment_drift` -- the generator of (10) applied to :math:`v v^T`:
  :math:`\frac{d}{dt}E[VV^T] = \sigma^2 - H\Gamma - \Gamma H`; stationary: the
  **Lyapunov** equation :math:`\Gamma H + H\Gamma = \sigma^2` (the paper's "Ricatti"
  equation has no quadratic term).
* :func:`lyapunov_vec_solve` -- exact solution through
  :math:`(I\otimes H + H^T\otimes I)\,\mathrm{vec}\,\Gamma = \mathrm{vec}\,\sigma^2`.
* :func:`lyapunov_eigen_entry` -- :math:`\Gamma_{ij} = s_{ij}/(\lambda_i+\lambda_j)` in
  the eigenbasis of H, from :math:`\Gamma = \int_0^\infty e^{-Hu}\sigma^2e^{-Hu}du`.
* :func:`transient_cov_entry` -- :math:`\Gamma(t)` with :math:`\Gamma(0) = 0`;
  :func:`divergence_set` -- the eigenvalues for which it diverges as :math:`t\to\infty`.
* :func:`stationary_excess_sum` -- the stationary excess loss / squared gradient norm of a
  quadratic in any dimension p, as a symbolic sum over H's eigen-modes.
* :func:`gaussian_expectation` / :func:`expected_f_expansion` /
  :func:`expected_grad_sq_expansion` -- Taylor expansion of
  :math:`E f(x + \varepsilon V)` and :math:`E|\nabla f(x+\varepsilon V)|^2` for Gaussian V.
* :func:`discrete_mode_stationary` -- the stationary second moment of the discrete
  recursion :math:`\theta_{k+1} = (I-\delta H)\theta_k + (\delta/\sqrt m)\varepsilon_k`
  in the eigenbasis (discrete Lyapunov equation), and the exact excess loss.
* :func:`ls_one_step_exhaustive` / :func:`ls_one_step_formula` -- the exact one-step
  second-moment map of mini-batch SGD (sampling with replacement) on least squares.
* :func:`jastrzebski_drift` -- the OU drift (5) implied by a quadratic loss model.
"""

from __future__ import annotations

import itertools
from functools import cache

import sympy as sp

from derivations.export import Export, Guard

__all__ = [
    "delta",
    "discrete_excess_loss_mode",
    "discrete_mode_stationary",
    "discrete_offdiag_stationary",
    "divergence_set",
    "dt",
    "eps",
    "eq6_expr",
    "eq12_expr",
    "eq13_expr",
    "expected_f_expansion",
    "expected_grad_sq_expansion",
    "exports",
    "gaussian_expectation",
    "ito_second_moment_drift",
    "ito_second_moment_words",
    "jastrzebski_drift",
    "k_idx",
    "lam",
    "lam_i",
    "lam_j",
    "lam_k",
    "ls_one_step_exhaustive",
    "ls_one_step_formula",
    "lyapunov_eigen_entry",
    "lyapunov_vec_solve",
    "m",
    "matrix_words",
    "minibatch_cov_exhaustive",
    "n_data",
    "p_dim",
    "q_dim",
    "s",
    "s_ij",
    "s_k",
    "sde_relative_error_mode",
    "stationary_excess_sum",
    "sym_matrix",
    "t",
    "tr_H",
    "tr_sigma2",
    "tr_sigma2_H",
    "trace_canonical",
    "trace_cyclic_lemma",
    "transient_cov_entry",
    "words_equal",
]

# --- symbols ---------------------------------------------------------------------
delta = sp.Symbol("delta", positive=True)  # learning rate
m = sp.Symbol("m", positive=True, integer=True)  # batch size
t = sp.Symbol("t", nonnegative=True)  # continuous time t = k * delta
u = sp.Symbol("u", nonnegative=True)  # integration variable
eps = sp.Symbol("epsilon", positive=True)  # sqrt(delta/m): the fluctuation scale
lam = sp.Symbol("lam", positive=True)  # an eigenvalue of H
lam_i = sp.Symbol("lam_i", positive=True)
lam_j = sp.Symbol("lam_j", positive=True)
s = sp.Symbol("s", nonnegative=True)  # a diagonal entry of sigma^2 in H's eigenbasis
s_ij = sp.Symbol("s_ij", real=True)  # an entry of sigma^2 in H's eigenbasis
tr_sigma2 = sp.Symbol("tr_sigma2", nonnegative=True)
tr_sigma2_H = sp.Symbol("tr_sigma2_H", nonnegative=True)
tr_H = sp.Symbol("tr_H", positive=True)
n_data = sp.Symbol("n", positive=True, integer=True)  # sample size


def sym_matrix(name: str, p: int, symmetric: bool = True, **assumptions) -> sp.Matrix:
    """A p x p matrix of fresh symbols ``name_ij`` (symmetric: ``name_ij == name_ji``)."""
    if p < 1:
        raise ValueError(f"matrix size must be >= 1, got {p}")

    def entry(i, j):
        a, b = (min(i, j), max(i, j)) if symmetric else (i, j)
        return sp.Symbol(f"{name}_{a}{b}", real=True, **assumptions)

    return sp.Matrix(p, p, entry)


# --- the OU process (10) and its Lyapunov equation ------------------------------
def ito_second_moment_drift(H: sp.Matrix, B: sp.Matrix) -> sp.Matrix:
    r"""Generator of :math:`dV = -HV\,dt + B\,dW` applied to each :math:`v_iv_j`, in expectation.

    The generator is :math:`\mathcal L\phi = (-Hv)\cdot\nabla\phi + \tfrac12
    \operatorname{tr}(BB^T\nabla^2\phi)`.  Applied to :math:`\phi = v_iv_j` it is a
    quadratic polynomial in v; replacing each monomial :math:`v_kv_l` by
    :math:`\Gamma_{kl} = E[v_kv_l]` (linearity of expectation) gives
    :math:`\frac{d}{dt}E[V V^T]`.  The sign of B is irrelevant (the paper writes
    :math:`-\sigma\,dB`).  Returns the p x p matrix in the symbols ``Gamma_kl``.
    """
    p = H.shape[0]
    if H.shape != (p, p) or B.shape[0] != p:
        raise ValueError("H must be square and B must have as many rows as H")
    v = sp.Matrix(sp.symbols(f"v0:{p}", real=True))
    G = sym_matrix("Gamma", p)
    drift = -H * v
    D = B * B.T
    out = sp.zeros(p, p)
    for i in range(p):
        for j in range(p):
            phi = v[i] * v[j]
            grad = [sp.diff(phi, v[k]) for k in range(p)]
            gen = sum(drift[k] * grad[k] for k in range(p))
            gen += sp.Rational(1, 2) * sum(D[k, l] * sp.diff(phi, v[k], v[l])
                                          for k in range(p) for l in range(p))
            out[i, j] = _moments_to_gamma(sp.expand(gen), v, G)
    return out


def _moments_to_gamma(expr: sp.Expr, v: sp.Matrix, G: sp.Matrix) -> sp.Expr:
    """Replace degree-2 monomials v_k v_l by G_kl and constants by themselves (degree <= 2)."""
    poly = sp.Poly(expr, *v)
    res = sp.Integer(0)
    for mon, coeff in poly.terms():
        deg = sum(mon)
        if deg == 0:
            res += coeff
        elif deg == 2:
            idx = [k for k, e in enumerate(mon) for _ in range(e)]
            res += coeff * G[idx[0], idx[1]]
        else:
            raise ValueError("only constant and quadratic monomials expected")
    return sp.expand(res)


def lyapunov_vec_solve(H: sp.Matrix, S: sp.Matrix) -> sp.Matrix:
    r"""Solve :math:`\Gamma H + H\Gamma = S` exactly via
    :math:`(I\otimes H + H^T\otimes I)\,\mathrm{vec}\,\Gamma = \mathrm{vec}\,S`
    (column-major vec).  Raises ``ValueError`` if the Kronecker sum is singular
    (some :math:`\lambda_i + \lambda_j = 0`)."""
    p = H.shape[0]
    if H.shape != (p, p) or S.shape != (p, p):
        raise ValueError("H and S must be square of the same size")
    I = sp.eye(p)
    K = sp.kronecker_product(I, H) + sp.kronecker_product(H.T, I)
    if sp.factor(K.det()) == 0:
        raise ValueError("I (x) H + H^T (x) I is singular: no unique stationary covariance")
    vecS = S.T.reshape(p * p, 1)  # column-major vec
    g = sp.symbols(f"vecGamma0:{p * p}")
    sols = sp.linsolve((K, vecS), g)
    if not sols:
        raise ValueError("the Lyapunov equation has no solution")
    (sol,) = sols
    if any(v.free_symbols & set(g) for v in sol):  # pragma: no cover - excluded by det != 0
        raise ValueError("the Lyapunov equation has no unique solution")
    return sp.Matrix(p, p, lambda i, j: sp.factor(sol[j * p + i]))


@cache
def lyapunov_eigen_entry() -> sp.Expr:
    r"""Entry :math:`\Gamma_{ij}` in H's eigenbasis, derived from the stationary
    solution :math:`\Gamma = \int_0^\infty e^{-Hu}\,\sigma^2\,e^{-Hu}\,du` of (10)
    (variation of constants with :math:`V(0)=0`, :math:`t\to\infty`)."""
    return sp.simplify(sp.integrate(sp.exp(-lam_i * u) * s_ij * sp.exp(-lam_j * u), (u, 0, sp.oo)))


@cache
def transient_cov_entry(li: sp.Expr = lam_i, lj: sp.Expr = lam_j) -> sp.Expr:
    r""":math:`\Gamma_{ij}(t) = \int_0^t e^{-\lambda_i(t-u)}s_{ij}e^{-\lambda_j(t-u)}du`
    (eigenbasis, :math:`V(0)=0`).  ``li``/``lj`` may be any real symbols (a saddle
    has a negative eigenvalue)."""
    return sp.simplify(sp.integrate(sp.exp(-(li + lj) * (t - u)) * s_ij, (u, 0, t)))


@cache
def divergence_set() -> sp.Set:
    r"""The eigenvalues :math:`\lambda` of H for which the variance of V along the
    eigen-direction, :math:`\Gamma(t)` of :func:`transient_cov_entry` with :math:`s > 0`,
    tends to :math:`+\infty`: the limit is taken separately for :math:`\lambda < 0`,
    :math:`\lambda = 0` and :math:`\lambda > 0` (sign-assumed symbols, covering the real
    line), and the set is the union of the cases whose limit is infinite."""
    sp_ = sp.Symbol("s_pos", positive=True)
    neg, pos = sp.Symbol("lneg", negative=True), sp.Symbol("lpos", positive=True)
    out = sp.EmptySet
    lim_neg = sp.limit(transient_cov_entry(neg, neg).subs(s_ij, sp_), t, sp.oo)
    if lim_neg == sp.oo:
        out = out | sp.Interval.open(-sp.oo, 0)
    # lambda = 0: the moment ODE dGamma/dt = s has Gamma(t) = s t
    g0 = sp.integrate(sp_, (u, 0, t))
    if sp.limit(g0, t, sp.oo) == sp.oo:
        out = out | sp.FiniteSet(0)
    lim_pos = sp.limit(transient_cov_entry(pos, pos).subs(s_ij, sp_), t, sp.oo)
    if lim_pos == sp.oo:  # pragma: no cover - the limit is s/(2 lambda)
        out = out | sp.Interval.open(0, sp.oo)
    return sp.simplify(out)


# --- Gaussian expectations and the expansions behind (12) and (13) ---------------
def gaussian_expectation(expr: sp.Expr, v: list[sp.Symbol], G: sp.Matrix) -> sp.Expr:
    r""":math:`E[\mathrm{expr}(V)]` for :math:`V\sim N(0, G)`, exactly, for a polynomial
    ``expr`` in ``v``: each monomial's moment is a derivative of the moment generating
    function :math:`\exp(\tfrac12 s^TGs)` at 0."""
    p = len(v)
    svars = sp.symbols(f"sgf0:{p}", real=True)
    sv = sp.Matrix(svars)
    mgf = sp.exp(sp.Rational(1, 2) * (sv.T * G * sv)[0, 0])
    poly = sp.Poly(sp.expand(expr), *v)
    cache: dict[tuple[int, ...], sp.Expr] = {}
    res = sp.Integer(0)
    for mon, coeff in poly.terms():
        if sum(mon) % 2:
            continue  # odd moments of a centred Gaussian vanish
        if mon not in cache:
            d = mgf
            for k, e in enumerate(mon):
                if e:
                    d = sp.diff(d, svars[k], e)
            cache[mon] = sp.expand(d.subs({sv_: 0 for sv_ in svars}))
        res += coeff * cache[mon]
    return sp.expand(res)


def _generic_poly(x: list[sp.Symbol], degree: int, name: str) -> sp.Expr:
    mons = sorted(sp.itermonomials(x, degree), key=sp.default_sort_key)
    return sum(sp.Symbol(f"{name}{k}", real=True) * mon for k, mon in enumerate(mons))


@cache
def expected_f_expansion(p: int = 2, degree: int = 4):
    r"""For a generic polynomial f of the given degree in p variables and
    :math:`V\sim N(0,\Gamma)`: returns ``(coeffs, f, x, G)`` with ``coeffs[k]`` the
    coefficient of :math:`\varepsilon^k` in :math:`E f(x+\varepsilon V) - f(x)`.

    With :math:`\varepsilon^2 = \delta/m`, (12) is the statement that the
    :math:`\varepsilon^1` coefficient vanishes and the :math:`\varepsilon^2` coefficient is
    :math:`\tfrac12\operatorname{tr}(\nabla^2 f\,\Gamma)`.
    """
    x = list(sp.symbols(f"x0:{p}", real=True))
    v = list(sp.symbols(f"w0:{p}", real=True))
    G = sym_matrix("Gamma", p)
    f = _generic_poly(x, degree, "c")
    shifted = f.subs({xi: xi + eps * vi for xi, vi in zip(x, v)}, simultaneous=True)
    e = gaussian_expectation(sp.expand(shifted - f), v, G)
    poly = sp.Poly(e, eps)
    coeffs = {k: sp.expand(poly.coeff_monomial(eps**k)) for k in range(degree + 1)}
    return coeffs, f, x, G


@cache
def expected_grad_sq_expansion(p: int = 2, degree: int = 3):
    r"""Like :func:`expected_f_expansion` for :math:`E|\nabla f(x+\varepsilon V)|^2 -
    |\nabla f(x)|^2`: returns ``(coeffs, f, x, G)``."""
    x = list(sp.symbols(f"x0:{p}", real=True))
    v = list(sp.symbols(f"w0:{p}", real=True))
    G = sym_matrix("Gamma", p)
    f = _generic_poly(x, degree, "c")
    grad = [sp.diff(f, xi) for xi in x]
    g2 = sum(gi**2 for gi in grad)
    shifted = g2.subs({xi: xi + eps * vi for xi, vi in zip(x, v)}, simultaneous=True)
    e = gaussian_expectation(sp.expand(shifted - g2), v, G)
    poly = sp.Poly(e, eps)
    coeffs = {k: sp.expand(poly.coeff_monomial(eps**k)) for k in range(2 * degree + 1)}
    return coeffs, f, x, G


p_dim = sp.Symbol("p", positive=True, integer=True)  # the dimension, symbolic
k_idx = sp.Symbol("k", positive=True, integer=True)  # the eigen-mode index
lam_k = sp.IndexedBase("lam", positive=True)  # eigenvalues of H
s_k = sp.IndexedBase("s")  # diagonal of sigma^2 in H's eigenbasis


@cache
def stationary_excess_sum(kind: str = "f") -> sp.Expr:
    r"""Stationary excess of a quadratic :math:`f = \tfrac12 y^T\Lambda y` (H's eigenbasis,
    any dimension ``p_dim``) along :math:`X = x + \varepsilon V`, :math:`\varepsilon^2 = \delta/m`,
    :math:`V` the stationary solution of (10): ``kind="f"`` gives :math:`E f(X) - f(x)`,
    ``kind="grad"`` gives :math:`E|\nabla f(X)|^2 - |\nabla f(x)|^2` at the minimum x = 0.

    Per mode k the Gaussian expectation of :math:`\tfrac12\lambda_k(\varepsilon w)^2`
    (resp. :math:`\lambda_k^2(\varepsilon w)^2`) is computed with
    :math:`w \sim N(0, \Gamma_{kk})` and :math:`\Gamma_{kk}` the derived stationary entry
    (:func:`lyapunov_eigen_entry` with :math:`i = j = k`); the modes' terms are summed
    symbolically over k = 1..p (only the diagonal of Γ enters a diagonal quadratic form).
    The result is a ``Sum`` in ``lam[k]`` and ``s[k]``."""
    w = sp.Symbol("w", real=True)
    gkk = lyapunov_eigen_entry().subs({s_ij: s_k[k_idx], lam_i: lam_k[k_idx], lam_j: lam_k[k_idx]},
                                      simultaneous=True)
    if kind == "f":
        q = sp.Rational(1, 2) * lam_k[k_idx] * (eps * w) ** 2
    elif kind == "grad":
        q = lam_k[k_idx] ** 2 * (eps * w) ** 2
    else:
        raise ValueError("kind must be 'f' or 'grad'")
    per_mode = gaussian_expectation(q, [w], sp.Matrix([[gkk]])).subs(eps, sp.sqrt(delta / m))
    return sp.Sum(sp.simplify(per_mode), (k_idx, 1, p_dim))


# --- the discrete-time recursion with Gaussian noise -------------------------------
@cache
def discrete_offdiag_stationary() -> sp.Expr:
    r"""Stationary :math:`E[\theta_i\theta_j]` (eigenbasis of H) of
    :math:`\theta_{k+1} = (I-\delta H)\theta_k + (\delta/\sqrt m)\varepsilon_k`,
    :math:`\operatorname{cov}\varepsilon = \sigma^2`: the fixed point of the entry-wise
    discrete Lyapunov map :math:`p \mapsto (1-\delta\lambda_i)(1-\delta\lambda_j)p +
    \delta^2 s_{ij}/m`."""
    p = sp.Symbol("p", real=True)
    step = (1 - delta * lam_i) * (1 - delta * lam_j) * p + delta**2 * s_ij / m
    (sol,) = sp.solve(sp.Eq(p, step), p)
    return sp.factor(sol)


@cache
def discrete_mode_stationary() -> sp.Expr:
    """Diagonal entry (one eigen-mode, lam_i = lam_j = lam, s_ii = s)."""
    return sp.factor(discrete_offdiag_stationary().subs({lam_i: lam, lam_j: lam, s_ij: s}))


@cache
def discrete_excess_loss_mode() -> sp.Expr:
    r"""Exact stationary excess loss of one mode, :math:`\tfrac12\lambda\,E[\theta^2]`
    (the excess of a quadratic f is :math:`\tfrac12 e^THe`; mean-scaled f)."""
    return sp.factor(sp.Rational(1, 2) * lam * discrete_mode_stationary())


@cache
def sde_relative_error_mode() -> sp.Expr:
    """(exact - (12)) / exact for one mode: the SDE's relative under-prediction."""
    sde = eq12_expr().subs(tr_sigma2, s)
    return sp.simplify((discrete_excess_loss_mode() - sde) / discrete_excess_loss_mode())


# --- mini-batch noise and least-squares SGD -----------------------------------------
def minibatch_cov_exhaustive(values: list, m_: int, replace: bool = True) -> tuple[sp.Expr, sp.Expr]:
    r"""Exact variance of the mean of ``m_`` draws from ``values`` (scalars, exact
    rationals or symbols), enumerating every ordered batch: with replacement all
    :math:`n^m` tuples, without all :math:`n!/(n-m)!` arrangements.  Returns
    ``(var_of_batch_mean, population_var)`` with population variance
    :math:`C = \frac1n\sum (g_i-\bar g)^2` (the **mean**-scaled covariance of one draw)."""
    n = len(values)
    if not 1 <= m_ <= (n if not replace else 10**9):
        raise ValueError("batch size out of range")
    batches = (itertools.product(range(n), repeat=m_) if replace
               else itertools.permutations(range(n), m_))
    means = [sum(values[i] for i in b) / sp.Integer(m_) for b in batches]
    N = len(means)
    mu = sum(means) / N
    var = sp.simplify(sum((x - mu) ** 2 for x in means) / N)
    gbar = sum(values) / sp.Integer(n)
    C = sp.simplify(sum((g - gbar) ** 2 for g in values) / n)
    return var, C


def _ls_parts(X: sp.Matrix, y: sp.Matrix):
    n, p = X.shape
    H = (X.T * X) / n
    theta_star = H.LUsolve((X.T * y) / n)
    r = y - X * theta_star
    return n, p, H, theta_star, r


def ls_one_step_exhaustive(X: sp.Matrix, y: sp.Matrix, m_: int) -> tuple[sp.Matrix, sp.Matrix]:
    r"""Exact :math:`E[e'e'^T \mid e]` for one SGD step on :math:`f(\theta) =
    \frac1{2n}\sum_i (x_i^T\theta - y_i)^2` (mean scaling), by enumerating all
    :math:`n^{m}` ordered mini-batches drawn with replacement; :math:`e = \theta -
    \theta^*`, symbolic ``e`` and :math:`\delta`.  Returns ``(second_moment, e)``."""
    n, p, _H, theta_star, _r = _ls_parts(X, y)
    e = sp.Matrix(sp.symbols(f"e0:{p}", real=True))
    xi = []
    for i in range(n):
        xrow = X[i, :].T
        # per-example gradient of l_i = (x_i^T theta - y_i)^2 / 2 at theta = theta* + e
        xi.append(xrow * ((xrow.T * (theta_star + e))[0, 0] - y[i]))
    acc = sp.zeros(p, p)
    count = 0
    for b in itertools.product(range(n), repeat=m_):
        g = sum((xi[i] for i in b), sp.zeros(p, 1)) / m_
        en = e - delta * g
        acc += en * en.T
        count += 1
    return acc.applyfunc(lambda z: sp.expand(z / count)), e


def ls_one_step_formula(X: sp.Matrix, y: sp.Matrix, P: sp.Matrix, mu: sp.Matrix,
                        m_: sp.Expr = m) -> sp.Matrix:
    r"""The closed-form one-step second-moment map of least-squares SGD with replacement:

    .. math::
        P' = A P A + \frac{\delta^2}{m}\Big[M(P) - HPH + \Sigma_r - L(\mu) - L(\mu)^T\Big],

    :math:`A = I-\delta H`, :math:`M(P) = \frac1n\sum_i (x_i^TPx_i)\,x_ix_i^T`,
    :math:`\Sigma_r = \frac1n\sum_i r_i^2x_ix_i^T` (= :math:`\sigma^2(\theta^*)`),
    :math:`L(\mu) = \frac1n\sum_i r_i\,(x_i^T\mu)\,x_ix_i^T`, residuals
    :math:`r = y - X\theta^*`.  (Obtained from :math:`E[\bar g\bar g^T] = \frac1m
    E[\xi\xi^T] + (1-\frac1m)E\xi\,E\xi^T` for the mean of m i.i.d. draws;
    :func:`ls_one_step_exhaustive` is the independent check.)"""
    n, p, H, _theta_star, r = _ls_parts(X, y)
    A = sp.eye(p) - delta * H
    M = sp.zeros(p, p)
    Sr = sp.zeros(p, p)
    Lm = sp.zeros(p, p)
    for i in range(n):
        xrow = X[i, :].T
        xx = xrow * xrow.T
        M += (xrow.T * P * xrow)[0, 0] * xx
        Sr += r[i] ** 2 * xx
        Lm += r[i] * (xrow.T * mu)[0, 0] * xx
    M, Sr, Lm = M / n, Sr / n, Lm / n
    return A * P * A + delta**2 / m_ * (M - H * P * H + Sr - Lm - Lm.T)


# --- Jastrzebski et al.'s special case (Section 2) ----------------------------------
def jastrzebski_drift(factor: sp.Expr) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    r"""Drift of :math:`z = V^T(\theta-\theta_*)` under (4) when the loss is modelled as
    :math:`L(\theta) = \mathrm{factor}\cdot(\theta-\theta_*)^TH(\theta-\theta_*)`, for a
    generic 2 x 2 :math:`H = V\Lambda V^T` (rotation by a symbolic angle).  Returns
    ``(drift_z, Lambda, z)`` where ``drift_z`` = :math:`-V^T\nabla_\theta L`, and the
    Hessian of L (in :math:`\theta`) is checked by the caller."""
    phi = sp.Symbol("phi", real=True)
    l1, l2 = sp.symbols("lambda1 lambda2", positive=True)
    V = sp.Matrix([[sp.cos(phi), -sp.sin(phi)], [sp.sin(phi), sp.cos(phi)]])
    Lam = sp.diag(l1, l2)
    H = V * Lam * V.T
    th = sp.Matrix(sp.symbols("theta0:2", real=True))
    ths = sp.Matrix(sp.symbols("thetastar0:2", real=True))
    z = sp.Matrix(sp.symbols("z0:2", real=True))
    L = factor * ((th - ths).T * H * (th - ths))[0, 0]
    grad = sp.Matrix([sp.diff(L, a) for a in th])
    drift = -(V.T * grad).subs({th[k]: (ths + V * z)[k] for k in range(2)}, simultaneous=True)
    return drift.applyfunc(lambda e: sp.simplify(sp.expand(e))), Lam, z


# --- the printed predictions as expressions (what the generated checkers evaluate) --
@cache
def _lyapunov_2x2_generic():
    """Generic symmetric 2 x 2 H and S, and the exact Lyapunov solution Gamma(H, S)."""
    H = sym_matrix("H", 2)
    S = sym_matrix("S", 2)
    return H, S, lyapunov_vec_solve(H, S)


@cache
def quadratic_excess(kind: str) -> sp.Expr:
    r"""For :math:`f(x) = \tfrac12 x^THx` (generic symmetric 2 x 2 H) and
    :math:`X = x + \varepsilon V`, :math:`V\sim N(0,\Gamma)` with Γ solving the Lyapunov
    equation for a generic S: the exact excess :math:`E f(X) - f(x)` (``kind="f"``) or
    :math:`E|\nabla f(X)|^2 - |\nabla f(x)|^2` (``kind="grad"``), in terms of H, S, ε, x."""
    H, _S, G = _lyapunov_2x2_generic()
    x = sp.Matrix(sp.symbols("x0:2", real=True))
    w = sp.Matrix(sp.symbols("w0:2", real=True))
    X = x + eps * w
    if kind == "f":
        q = (X.T * H * X)[0, 0] / 2 - (x.T * H * x)[0, 0] / 2
    elif kind == "grad":
        q = (X.T * H * H * X)[0, 0] - (x.T * H * H * x)[0, 0]
    else:
        raise ValueError("kind must be 'f' or 'grad'")
    return sp.simplify(gaussian_expectation(q, list(w), G))


@cache
def eq12_expr() -> sp.Expr:
    r"""Derived stationary excess loss as a function of ``tr_sigma2``: the exact excess
    of :func:`quadratic_excess` divided by :math:`\operatorname{tr} S`, with
    :math:`\varepsilon^2 = \delta/m`.  (The ratio is a constant because
    :math:`\operatorname{tr}(H\Gamma) = \tfrac12\operatorname{tr}S` by the trace of the
    Lyapunov equation; :func:`ValueError` if it were not.)"""
    _H, S, _ = _lyapunov_2x2_generic()
    ratio = sp.simplify(quadratic_excess("f") / S.trace())
    if ratio.free_symbols - {eps}:
        raise ValueError(f"excess loss is not proportional to tr sigma^2: {ratio}")
    return sp.simplify(ratio.subs(eps, sp.sqrt(delta / m)) * tr_sigma2)


@cache
def eq13_expr() -> sp.Expr:
    r"""Derived stationary excess squared gradient norm as a function of ``tr_sigma2_H``
    (:math:`\operatorname{tr}(H^2\Gamma) = \tfrac12\operatorname{tr}(SH)`)."""
    H, S, _ = _lyapunov_2x2_generic()
    ratio = sp.simplify(quadratic_excess("grad") / (S * H).trace())
    if ratio.free_symbols - {eps}:
        raise ValueError(f"excess |grad f|^2 is not proportional to tr(sigma^2 H): {ratio}")
    return sp.simplify(ratio.subs(eps, sp.sqrt(delta / m)) * tr_sigma2_H)


@cache
def eq6_expr() -> sp.Expr:
    """(12) under Assumption 2 (sigma^2 = H): a function of ``tr_H``."""
    return eq12_expr().subs(tr_sigma2, tr_H)


def exports() -> list[Export]:
    """Scalar / element-wise checkers (matrix-valued numerics: ``verify.topics.stationary.engine``)."""
    stab = Guard(delta * lam < 2, "delta*lam < 2 (the discrete recursion is stable)")
    E = Export
    return [
        E("lyapunov_eigen_entry", (s_ij, lam_i, lam_j), lyapunov_eigen_entry(),
          "Stationary covariance entry Gamma_ij of (10) in H's eigenbasis:\n"
          "Gamma H + H Gamma = sigma^2 with sigma^2_ij = s_ij (per-example gradient\n"
          "covariance, mean scaling), eigenvalues lam_i, lam_j of H (H positive definite)."),
        E("eq12_excess_loss", (delta, m, tr_sigma2), eq12_expr(),
          "Paper 004 eq. (12) at stationarity: E f - f* = delta/(4m) tr sigma^2.\n"
          "sigma^2 = Var of ONE per-example gradient (mean-scaled risk); m = batch size."),
        E("eq13_excess_grad_sq", (delta, m, tr_sigma2_H), eq13_expr(),
          "Paper 004 eq. (13) at stationarity: E|grad f|^2 - |grad f*|^2 =\n"
          "delta/(2m) tr(sigma^2 H) (tr of PSD times PD is >= 0)."),
        E("eq6_excess_loss", (delta, m, tr_H), eq6_expr(),
          "Paper 004 eq. (6) (Jastrzebski et al.): E L = delta/(4m) Tr H (sigma^2 = H)."),
        E("discrete_mode_second_moment", (delta, m, s, lam), discrete_mode_stationary(),
          "Exact stationary E[theta^2] of one eigen-mode of the discrete recursion\n"
          "theta' = (1 - delta lam) theta + (delta/sqrt(m)) eps, Var eps = s.", (stab,)),
        E("discrete_mode_excess_loss", (delta, m, s, lam), discrete_excess_loss_mode(),
          "Exact stationary excess loss lam/2 * E[theta^2] of one eigen-mode\n"
          "(sum over modes for the full loss; mean-scaled f).", (stab,)),
        E("sde_relative_error_mode", (delta, lam), sde_relative_error_mode(),
          "(exact - eq.(12)) / exact for one mode: the relative error of the SDE\n"
          "prediction (12) against the exact discrete-time stationary loss.", (stab,)),
    ]


# --- matrix-word calculus: general-dimension proofs of the trace and Ito steps ---------
# A matrix identity in the free (non-commutative) algebra of matrix symbols holds for
# every dimension q.  Expressions below are SymPy matrix expressions in MatrixSymbols of a
# symbolic size q; an expanded expression is a sum of coefficient * word (a tuple of
# factors), and the identities are decided on those words.
q_dim = sp.Symbol("q", positive=True, integer=True)  # the dimension, symbolic
dt = sp.Symbol("dt", positive=True)  # the time increment of an Ito differential


def matrix_words(expr) -> dict[tuple, sp.Expr]:
    """``{word: coefficient}`` of an expanded matrix expression (a word is the tuple of
    its matrix factors; scalar coefficients are collected per word)."""
    out: dict[tuple, sp.Expr] = {}
    e = sp.expand(expr)
    terms = e.args if isinstance(e, sp.MatAdd) else (e,)
    for term in terms:
        if term == 0 or isinstance(term, sp.ZeroMatrix):  # the zero matrix: no word
            continue
        c, mm = term.as_coeff_mmul()
        word = []
        for f in (mm.args if isinstance(mm, sp.MatMul) else (mm,)):  # H**2 -> H, H
            if isinstance(f, sp.MatPow) and f.exp.is_Integer and f.exp > 0:
                word.extend([f.base] * int(f.exp))
            else:
                word.append(f)
        word = tuple(word)
        out[word] = sp.expand(out.get(word, 0) + c)
    return {w: c for w, c in out.items() if sp.simplify(c) != 0}


def words_equal(a: dict, b: dict) -> bool:
    """Two word dictionaries are the same element of the free algebra."""
    keys = set(a) | set(b)
    return all(sp.simplify(a.get(k, 0) - b.get(k, 0)) == 0 for k in keys)


@cache
def trace_cyclic_lemma() -> tuple[sp.Expr, sp.Expr, bool]:
    r""":math:`\operatorname{tr}(AB) = \operatorname{tr}(BA)` for A of size q x r and B of
    size r x q, q and r symbolic: :math:`\sum_{i\le q}\sum_{j\le r} A_{ij}B_{ji}` and
    :math:`\sum_{j\le r}\sum_{i\le q} B_{ji}A_{ij}` are the same finite double sum in the
    other order (renaming the bound indices, then exchanging the order of summation).
    Returns ``(tr AB, tr BA reordered, equal)``; with it every cyclic rotation of a word
    leaves its trace unchanged (take A = the first factor, B = the rest)."""
    r_ = sp.Symbol("r", positive=True, integer=True)
    i, j, tmp = sp.symbols("i j tmp", integer=True)
    A, B = sp.IndexedBase("A"), sp.IndexedBase("B")
    tr_ab = sp.Sum(A[i, j] * B[j, i], (j, 1, r_), (i, 1, q_dim))
    tr_ba = sp.Sum(B[i, j] * A[j, i], (j, 1, q_dim), (i, 1, r_))  # tr(BA), B is r x q
    renamed = tr_ba.xreplace({i: tmp}).xreplace({j: i}).xreplace({tmp: j})
    reordered = renamed.reorder((0, 1))
    return tr_ab, reordered, reordered == tr_ab


def _rotations(word: tuple) -> list[tuple]:
    return [word[k:] + word[:k] for k in range(len(word))]


def trace_canonical(words: dict[tuple, sp.Expr], expect: dict | None = None) -> sp.Expr:
    r"""The trace of a sum of words as a commutative expression in symbols ``tr[...]``,
    one per cyclic class (the least rotation by string order; :func:`trace_cyclic_lemma`).

    ``expect``: a map from an adjacent pair of factors to its expectation (e.g.
    ``(V, V.T) -> Gamma``): every rotation is searched for the pair and the word
    replaced before canonicalising (linearity of E and of the trace).  A word with a
    factor in ``expect``'s keys left unpaired raises ``ValueError``."""
    total = sp.Integer(0)
    for word, c in words.items():
        if expect:
            for rot in _rotations(word):
                hit = next((k for k in range(len(rot) - 1) if (rot[k], rot[k + 1]) in expect), None)
                if hit is not None:
                    word = rot[:hit] + (expect[(rot[hit], rot[hit + 1])],) + rot[hit + 2:]
                    break
            keys = {f for pair in expect for f in pair}
            if any(f in keys for f in word):
                raise ValueError(f"unpaired random factor in {word}")
        canon = min(_rotations(word), key=lambda w: tuple(str(f) for f in w))
        total += c * sp.Symbol("tr[" + "*".join(str(f) for f in canon) + "]")
    return sp.expand(total)


def ito_second_moment_words(H, sigma, V, dB) -> dict[tuple, sp.Expr]:
    r"""Ito's product rule for :math:`dV = -HV\,dt - \sigma\,dB` (any dimension q):
    :math:`d(VV^T) = dV\,V^T + V\,dV^T + dV\,dV^T`, expanded in the free algebra, then the
    Ito table (:math:`dt^2 = dt\,dB = 0`, :math:`dB\,dB^T = I\,dt`) and the expectation
    (a term with one :math:`dB` has mean 0: the increment is independent of V(t) and
    centred), and :math:`E[VV^T] = \Gamma` (``Gamma``, symmetric), :math:`\sigma\sigma^T =`
    ``S``, :math:`H^T = H`.  Returns ``{word: coefficient of dt}`` of
    :math:`\frac{d}{dt}E[VV^T]`."""
    q = H.shape[0]
    Gam, S = sp.MatrixSymbol("Gamma", q, q), sp.MatrixSymbol("S", q, q)
    I = sp.Identity(q)
    dV = -H * V * dt - sigma * dB
    out: dict[tuple, sp.Expr] = {}
    for word, c in matrix_words(dV * V.T + V * dV.T + dV * dV.T).items():
        order = sp.degree(c, dt)
        nb = sum(f in (dB, dB.T) for f in word)
        if order + sp.Rational(nb, 2) != 1 or (nb == 1):  # o(dt), or a centred Ito increment
            continue
        w = list(word)
        if nb == 2:
            k = w.index(dB)
            if w[k + 1] != dB.T:  # pragma: no cover - only dB dB^T occurs
                raise ValueError(f"unexpected noise product in {word}")
            w[k:k + 2] = []
            c = c * dt
        w2: list = []
        for f in w:  # E[V V^T] = Gamma, sigma sigma^T = S, H^T = H
            if w2 and (w2[-1], f) in ((V, V.T), (sigma, sigma.T)):
                w2[-1] = Gam if f == V.T else S
            else:
                w2.append(H if f == H.T else f)
        key = tuple(w2) if w2 else (I,)
        out[key] = sp.expand(out.get(key, 0) + c / dt)
    return {w: c for w, c in out.items() if c != 0}


@cache
def gradient_linearisation(p: int, degree: int = 3) -> tuple[sp.Matrix, sp.Matrix, sp.Symbol]:
    r"""For a generic polynomial f of the given degree in p variables (every coefficient a
    free symbol): :math:`r(h) = [\nabla f(x + hv) - \nabla f(x)]/h` (a polynomial in h) and
    :math:`\mathbb H f(x)\,v`.  Returns ``(r, Hv, h)``; the drift of V in (9) -> (10) is
    :math:`-\lim_{h\to0} r(h)` with :math:`h = (\delta/m)^{1/2}`."""
    x = list(sp.symbols(f"x0:{p}", real=True))
    v = list(sp.symbols(f"v0:{p}", real=True))
    h = sp.Symbol("h", positive=True)
    f = _generic_poly(x, degree, "c")
    grad = sp.Matrix([sp.diff(f, xi) for xi in x])
    shifted = grad.subs({xi: xi + h * vi for xi, vi in zip(x, v)}, simultaneous=True)
    r = (shifted - grad).applyfunc(lambda e: sp.expand(sp.cancel(e / h)))
    return r, sp.hessian(f, x) * sp.Matrix(v), h
