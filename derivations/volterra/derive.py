r"""Paper 003 (Paquette et al., talk slides): SGD on least squares, the Volterra equation,
stepsize criticality, and mini-batch SGD with momentum.

Model and conventions (the slides are terse; every choice is recorded here and in the
claims' assumptions):

* **Loss scaling (sum, not mean).**  ``f(x) = L(x) + (delta/2)||x||^2`` with
  ``L(x) = 1/2 ||A x - b||^2 = sum_i 1/2 (a_i x - b_i)^2`` a *sum* over the ``n`` samples,
  ``f_i(x) = 1/2 (a_i x - b_i)^2 + delta/(2n) ||x||^2`` so that ``f = sum_i f_i``.
* **SGD.** ``x_{k+1} = x_k - gamma(k/n) grad f_{i_k}(x_k)`` with ``i_k`` uniform on
  ``{1..n}``, drawn *with replacement*; time ``t = k/n`` counts passes.  Then
  ``E[grad f_{i_k}] = grad f / n`` and one pass moves ``x`` by about ``gamma grad f``:
  gradient flow ``dX/dt = -gamma(t) grad f(X)`` in pass-time.
* **Data normalisation.**  ``H = A^T A``; the experiments draw ``A_ij ~ N(0, 1/n)`` so
  ``||H|| = O(1)`` and the spectrum of ``H`` follows Marchenko--Pastur with ratio
  ``r = d/n`` and mean eigenvalue 1 (edges ``(1 -+ sqrt r)^2``).
* **Homogenized SGD** (corrected, see the erratum ``volterra.homogenized_sde``):
  ``dX = -gamma(t) grad f(X) dt + gamma(t) sqrt((2/n) L(X) grad^2 L(X)) dB``.
* **Critical stepsize** (``gamma_*``): constant stepsize, ``delta = 0``, any ``r = d/n > 0``, ``mu``
  the limiting spectral distribution of ``H`` (the *d x d* Hessian, mean 1).
  (for ``r > 1``: an atom ``1 - 1/r`` at 0 and ``lam_min`` the lower edge ``(sqrt r - 1)^2`` of the
  nonzero part -- the zero modes feel neither gradient nor noise).
* **Single-sample SGD+M** (the vanishing-batch slides): ``y_k = (1 - theta) y_{k-1} + Gamma_1
  grad f_{i_k}(x_k)``, ``x_{k+1} = x_k - y_k``, ``y_{-1} = 0``, ``i_k`` uniform with replacement,
  ``delta = 0``; "SGD+M(gamma, theta)" has ``Gamma_1 = gamma``.
* **Batched SGD+M** (the batching slides, ``delta = 0``): each sample is in the batch
  ``B_k`` independently with probability ``zeta`` (Bernoulli batches, so the batch
  fraction is ``zeta`` in mean and the noise factor is exactly ``zeta(1-zeta)``), and
  ``y_k = Delta y_{k-1} + gamma sum_{i in B_k} grad f_i(x_k)``, ``x_{k+1} = x_k - y_k``,
  ``y_{-1} = 0`` (see the erratum ``volterra.sgdm_update`` about the printed extra
  factor ``zeta``).  Time ``t`` in the discrete Volterra equation counts iterations.

Every function here is pure SymPy (no I/O); numerics live in :mod:`verify.topics.volterra.engine`.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from derivations.export import Export, Guard

__all__ = [
    "GAMMA_FN",
    "GAMMA_INT",
    "PSI_FN",
    "SYM",
    "ar2_impulse_closed_form",
    "ar2_square_generating_function",
    "critical_stepsize",
    "exports",
    "gamma_star_mp",
    "heavy_ball_discriminant",
    "homogenized_noise",
    "ito_generator",
    "kernel_mass_sgd",
    "lambda_star_mp",
    "mean_follows_gradient_flow",
    "mode_ode_coefficients",
    "mode_variance_solution",
    "mp_critical_integral",
    "mp_density",
    "mp_edges",
    "mp_mean",
    "mp_stieltjes_quadratic",
    "pole_equation",
    "psi_infinity",
    "sde_kernel_term",
    "sde_mode",
    "sgdm_kernel_mass_term",
    "sgdm_noise_coefficient",
    "threshold_from_kernel_mass",
    "threshold_mp",
    "volterra_kernel_term",
    "volterra_ode_identity",
    "sgd_step_moments",
    "sgd_mean_pass_limit",
    "sgdm_mean_root",
    "sgdm_mean_pass_limit",
    "sgdm_sde_mean_rates",
    "sgdm_sde_moment_system",
    "risk_kernel_term",
    "tuning_delta_corrected",
    "mode_variance_source",
]

# ----------------------------------------------------------------------------- symbols
gamma = sp.Symbol("gamma", positive=True)  # stepsize (constant where stated)
delta = sp.Symbol("delta", nonnegative=True)  # ridge parameter
lam = sp.Symbol("lam", positive=True)  # one eigenvalue of H
n = sp.Symbol("n", positive=True, integer=True)  # samples
d = sp.Symbol("d", positive=True, integer=True)  # features
r = sp.Symbol("r", positive=True)  # d / n
t = sp.Symbol("t", nonnegative=True)
s = sp.Symbol("s", nonnegative=True)
u = sp.Symbol("u", nonnegative=True)  # lag t - s
x = sp.Symbol("x", positive=True)  # spectral variable
v = sp.Symbol("v", real=True)  # one eigen-coordinate of X - x_tilde
psi = sp.Symbol("psi", nonnegative=True)  # expected loss (a value)
zeta = sp.Symbol("zeta", positive=True)  # batch fraction
Delta = sp.Symbol("Delta", nonnegative=True)  # momentum parameter
kappa = sp.Symbol("kappa", positive=True)  # lambda_max / lambda_min
kappa_bar = sp.Symbol("kappa_bar", positive=True)  # (tr H / n) / lambda_min
icr = sp.Symbol("icr", positive=True)
lam_min = sp.Symbol("lam_min", positive=True)
lam_max = sp.Symbol("lam_max", positive=True)
trH = sp.Symbol("trH", positive=True)  # tr(H)
T2 = sp.Symbol("T2", positive=True)  # (1/n) tr(H^2 (H + delta I)^{-1})
F_inf = sp.Symbol("F_inf", nonnegative=True)  # L(x_tilde): limit of the gradient-flow loss
c_mult = sp.Symbol("c", positive=True)  # generic multiplier of the batch gradient
z = sp.Symbol("z", real=True)
Gt, Gs = sp.symbols("Gamma_t Gamma_s", real=True)  # integrated learning rate Gamma(t), Gamma(s)

SYM = {k: v_ for k, v_ in dict(globals()).items() if isinstance(v_, sp.Symbol)}


# ------------------------------------------------------------- homogenized SGD and Volterra
def ito_generator(g: sp.Expr, drift: sp.Expr, diffusion_sq: sp.Expr, var: sp.Symbol = v) -> sp.Expr:
    """Itô's formula for a scalar coordinate: ``d g(V) = (g' mu + 1/2 g'' sigma^2) dt + dM``.

    ``diffusion_sq`` is ``sigma^2``.  Returns the ``dt`` coefficient (the generator applied
    to ``g``); the martingale part has mean zero.
    """
    return sp.expand(sp.diff(g, var) * drift + sp.Rational(1, 2) * sp.diff(g, var, 2) * diffusion_sq)


def homogenized_noise() -> sp.Expr:
    r"""The noise of homogenized SGD on one eigen-coordinate, *derived* from SGD's steps.

    One pass (unit time) is ``n`` steps ``-gamma grad f_i``, ``i`` uniform.  The covariance of
    one step is ``gamma^2 (1/n) sum_i a_i a_i^T r_i^2`` minus the (rank-one, lower order in
    ``d``) square of the mean, ``r_i = a_i x - b_i``.  Homogenization replaces each ``r_i^2``
    by its average ``(1/n) sum_i r_i^2 = 2 L / n`` (the delocalisation assumption), so one
    step's covariance is ``gamma^2 (2 L / n^2) H`` and one pass accumulates
    ``n gamma^2 (2 L / n^2) H = gamma^2 (2/n) L H``: the diffusion matrix is
    ``Sigma = gamma sqrt((2/n) L H)``, whose eigenvalue on mode ``i`` is returned (with
    ``L`` standing as ``psi``).
    """
    steps_per_pass = n
    step_cov_mode = gamma**2 * (1 / n) * (2 * psi / n) * lam  # gamma^2 (1/n) (2L/n) lam_i
    return sp.sqrt(sp.simplify(steps_per_pass * step_cov_mode))


def sde_mode(noise: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    r"""Drift and diffusion variance of one eigen-coordinate ``v_i = u_i^T (X - x_tilde)``.

    In the eigenbasis of ``H``, ``grad f(X) = (H + delta)(X - x_tilde)``, so the drift of
    ``v_i`` is ``-gamma (lam_i + delta) v_i``; ``noise`` is the eigenvalue ``sigma_i`` of the
    diffusion matrix on mode ``i`` (e.g. :func:`homogenized_noise`, or the printed one), and
    the diffusion variance is ``sigma_i^2``.  ``L`` appears as its mean ``psi`` (the equation for
    ``E v_i^2`` is linear in ``L``).
    """
    return -gamma * (lam + delta) * v, sp.expand(noise**2)


def _leibniz_residuals(integrand, rate_t, source_t):
    r"""For ``Y(t) = int_0^t g(t, s) ds`` the claim ``Y' = rate(t) Y + source(t)`` follows from the
    Leibniz rule ``Y' = g(t, t) + int_0^t d_t g(t, s) ds`` and the two pointwise identities
    ``d_t g(t, s) - rate(t) g(t, s) = 0`` and ``g(t, t) - source(t) = 0``.  ``Gamma`` is an
    undefined function with ``Gamma' = gamma``.  Returns the two residuals (both simplify to 0)."""
    gf, Gm = GAMMA_FN, GAMMA_INT
    dg = sp.diff(integrand, t).subs(sp.Derivative(Gm(t), t), gf(t))
    r1 = sp.simplify(sp.expand(dg - rate_t * integrand))
    r2 = sp.simplify(integrand.subs(s, t) - source_t)
    return r1, r2


GAMMA_FN = sp.Function("gamma_fn")  # gamma(t)
GAMMA_INT = sp.Function("Gamma_fn")  # Gamma(t) = int_0^t gamma
PSI_FN = sp.Function("psi_fn")  # psi(t) = E L(X_t)


def mode_variance_solution(noise: sp.Expr) -> dict[str, sp.Expr]:
    r"""Solve ``d/dt Var(v_i) = -2 gamma(t)(lam_i + delta) Var(v_i) + sigma_i^2(t)`` by variation
    of constants, and verify it by the Leibniz rule (see :func:`_leibniz_residuals`).

    The ODE itself is *derived* by Itô's formula from :func:`sde_mode` (the ``v^2`` coefficient
    of the generator is the rate, the ``v``-free part the source).  Returns
    ``{"rate", "source", "solution_integrand", "residuals"}``.
    """
    gf, Gm, pf = GAMMA_FN, GAMMA_INT, PSI_FN
    drift, sig2 = sde_mode(noise)
    gen = ito_generator(v**2, drift, sig2)
    coeff_v2 = sp.simplify(gen.coeff(v, 2))  # -2 gamma (lam + delta)
    source = sp.simplify(gen.subs(v, 0))  # sigma^2
    k = sp.simplify(coeff_v2 / gamma)  # -2 (lam + delta)
    integrand = source.subs({gamma: gf(s), psi: pf(s)}) * sp.exp(k * (Gm(t) - Gm(s)))
    res = _leibniz_residuals(integrand, coeff_v2.subs(gamma, gf(t)), source.subs({gamma: gf(t), psi: pf(t)}))
    return {"rate": coeff_v2, "source": source, "solution_integrand": integrand, "residuals": res}


def sde_kernel_term(noise: sp.Expr) -> sp.Expr:
    r"""The per-eigenvalue Volterra kernel implied by an SDE with mode noise ``noise``.

    ``E L(X_t) = L(E X_t) + 1/2 sum_i lam_i Var(v_i)`` and ``Var(v_i)`` solves the linear ODE
    of :func:`mode_variance_solution`, so ``psi_t = L(X^gf_{Gamma(t)}) + int_0^t k(t, s) psi_s ds``
    with ``k = sum_i 1/2 lam_i sigma_i^2(s)/psi_s exp(-2 (lam_i + delta)(Gamma_t - Gamma_s))``.
    Returns the ``i``-th summand with ``gamma`` standing for ``gamma(s)``.
    """
    drift, sig2 = sde_mode(noise)
    return sp.simplify(sp.Rational(1, 2) * lam * sig2 / psi * sp.exp(-2 * (Gt - Gs) * (lam + delta)))


def volterra_kernel_term() -> sp.Expr:
    r"""The Volterra kernel's ``i``-th summand derived from homogenized SGD
    (:func:`homogenized_noise` through :func:`sde_kernel_term`): ``gamma(s)^2 lam_i^2 / n
    exp(-2 (Gamma_t - Gamma_s)(lam_i + delta))``."""
    return sde_kernel_term(homogenized_noise())


def mean_follows_gradient_flow(flow_time: sp.Expr | None = None) -> tuple[sp.Expr, sp.Expr]:
    r"""``E[X_t] - x_tilde`` (per eigen-coordinate) solves ``m' = -gamma(t)(lam+delta) m``, ``m(0) = m0``
    (the Itô integral has mean 0).  For ``m = exp(-(lam+delta) T(t)) m0`` -- gradient flow of
    ``f`` run for time ``T(t)`` (default ``T = Gamma``) -- returns the residuals of the ODE
    and of the initial condition (both 0 exactly when ``T`` is the integrated learning rate)."""
    gf, Gm = GAMMA_FN, GAMMA_INT
    T = Gm(t) if flow_time is None else flow_time
    m0 = sp.Symbol("m0", real=True)
    m = m0 * sp.exp(-(lam + delta) * T)
    dm = sp.diff(m, t).subs(sp.Derivative(Gm(t), t), gf(t))
    ode = sp.simplify(dm + gf(t) * (lam + delta) * m)
    init = sp.simplify(m.subs(t, 0).subs(Gm(0), 0) - m0)
    return ode, init


def volterra_ode_identity(kernel_term: sp.Expr | None = None) -> dict[str, sp.Expr]:
    r"""The Volterra equation as a linear ODE system, derived from a kernel summand.

    For a kernel summand ``k_i(t, s) = c_i(s) exp(-rho_i (Gamma_t - Gamma_s))`` (default:
    :func:`volterra_kernel_term`; ``Gamma_t, Gamma_s`` and ``gamma`` = ``gamma(s)`` as there),
    ``U_i(t) = int_0^t k_i(t, s) psi(s) ds`` satisfies ``U_i' = rate_i(t) U_i + source_i(t)``
    with ``rate_i = d_t log k_i`` and ``source_i = k_i(t, t) psi(t)`` (Leibniz), ``U_i(0) = 0``,
    and ``psi = F + sum_i U_i``.  Returns ``{"rate", "source", "residuals"}`` (rate and source in
    terms of ``gamma(t)``, ``psi(t)``; residuals both 0).
    """
    gf, Gm, pf = GAMMA_FN, GAMMA_INT, PSI_FN
    k = volterra_kernel_term() if kernel_term is None else kernel_term
    integrand = k.subs({Gt: Gm(t), Gs: Gm(s), gamma: gf(s)}) * pf(s)
    dk = sp.diff(integrand, t).subs(sp.Derivative(Gm(t), t), gf(t))
    rate = sp.simplify(dk / integrand)
    source = sp.simplify(integrand.subs(s, t))
    return {"rate": rate, "source": source, "residuals": _leibniz_residuals(integrand, rate, source)}


def mode_ode_coefficients() -> tuple[sp.Expr, sp.Expr]:
    r"""``(rate, source coefficient)`` of the Volterra ODE system per eigenvalue for constant
    ``gamma`` at the current time: ``U_i' = -rate U_i + coefficient psi`` from
    :func:`volterra_ode_identity` with ``gamma(t)`` written ``gamma``:
    ``rate = 2 gamma (lam + delta)``, ``coefficient = gamma^2 lam^2 / n``."""
    o = volterra_ode_identity()
    gf, pf = GAMMA_FN, PSI_FN
    rate = sp.simplify(-o["rate"].subs(gf(t), gamma))
    coef = sp.simplify((o["source"] / pf(t)).subs(gf(t), gamma))
    return rate, coef


def kernel_mass_sgd() -> sp.Expr:
    r"""``int_0^inf gamma^2 lam^2/n exp(-2 gamma (lam + delta) u) du`` (constant stepsize): the
    contribution of one eigenvalue to the kernel's total mass ``||K||_{L^1}``."""
    k = volterra_kernel_term().subs({Gt: gamma * u, Gs: 0})  # constant gamma: Gamma_t - Gamma_s = gamma u
    return sp.simplify(sp.integrate(k, (u, 0, sp.oo)))


def threshold_from_kernel_mass() -> sp.Expr:
    r"""Solve ``||K||_{L^1} = 1`` for ``gamma``.

    Summing :func:`kernel_mass_sgd` over eigenvalues gives ``(gamma/2) T2`` with
    ``T2 = (1/n) tr(H^2 (H + delta I)^{-1})``; a renewal equation with a non-negative kernel
    has a bounded solution iff the mass is ``< 1``.  Returns the critical ``gamma``.
    """
    per = kernel_mass_sgd()
    # per = gamma * lam^2 / (2 n (lam + delta)) = (gamma/2) * [lam^2/(n (lam+delta))]
    unit = sp.simplify(per / gamma * 2)  # the T2 summand
    if sp.simplify(unit - lam**2 / (n * (lam + delta))) != 0:  # pragma: no cover - derivation broke
        raise RuntimeError(f"kernel mass per eigenvalue is not (gamma/2) lam^2/(n(lam+delta)): {unit}")
    (sol,) = sp.solve(sp.Eq(gamma * T2 / 2, 1), gamma)
    return sol


def psi_infinity() -> sp.Expr:
    r"""Limit of the Volterra solution for a constant stepsize below the threshold.

    Setting ``U_i' = 0`` in :func:`volterra_ode_identity`: ``U_i = gamma lam_i^2 psi / (2 n (lam_i + delta))``,
    so ``psi_inf = F_inf + (gamma T2/2) psi_inf`` with ``F_inf = L(x_tilde)``."""
    p = sp.Symbol("p_inf")
    rate, coef = mode_ode_coefficients()
    (Ui,) = sp.solve(sp.Eq(-rate * sp.Symbol("U") + coef * p, 0), sp.Symbol("U"))
    # sum_i U_i = p * sum_i (gamma/2) lam_i^2/(n (lam_i + delta)) = p * (gamma/2) T2
    unit = sp.simplify(Ui / p / (gamma / 2))
    if sp.simplify(unit - lam**2 / (n * (lam + delta))) != 0:  # pragma: no cover - derivation broke
        raise RuntimeError(f"stationary U_i / psi is not (gamma/2) lam^2/(n (lam + delta)): {unit}")
    (sol,) = sp.solve(sp.Eq(p, F_inf + gamma * T2 / 2 * p), p)
    return sp.simplify(sol)


# ---------------------------------------------------------------- Marchenko--Pastur & gamma_*
def mp_edges() -> tuple[sp.Expr, sp.Expr]:
    return (1 - sp.sqrt(r)) ** 2, (1 + sp.sqrt(r)) ** 2


def mp_density() -> sp.Expr:
    """Marchenko--Pastur density of the spectrum of ``H = A^T A`` (``d x d``), ``A_ij ~ N(0, 1/n)``,
    ratio ``r = d/n``: ``sqrt((b - x)(x - a)) / (2 pi r x)`` on ``[a, b]``.  For ``r > 1`` this
    continuous part has mass ``1/r``; the remaining ``1 - 1/r`` is an atom at 0 (``H`` has rank
    ``n``).  The atom adds nothing to ``int x^k d mu`` (``k >= 1``) nor to ``int x^2/(x - z) d mu``,
    so every integral below is the same expression in ``r`` on both sides of ``r = 1``."""
    a, b = mp_edges()
    return sp.sqrt((b - x) * (x - a)) / (2 * sp.pi * r * x)


def _mp_integral(g: sp.Expr) -> sp.Expr:
    r"""``int g(x) d mu_MP(x)`` for ``g`` such that ``g(x) * x`` is a polynomial times ``1/(x - a)^j``
    cancelling to a polynomial ``P(w)`` in ``x = a + (b - a) w`` after dividing by the weight
    ``sqrt((1 - w)/w)``; each monomial integrates to a Beta function,
    ``int_0^1 w^k sqrt((1-w)/w) dw = B(k + 1/2, 3/2)``.

    (``sympy.integrate`` is avoided on purpose: SymPy 1.14 returns ``1`` for the simplified
    integrand of ``int x^2/(x - lam_min) d mu``, whose value is ``(1 - sqrt r + r)/sqrt r``;
    the claims cross-check every such integral with mpmath quadrature.)
    """
    a, b = mp_edges()
    w = sp.Symbol("w", positive=True)
    # density * (b - a) dx  =  sqrt((b-x)(x-a)) / (2 pi r x) * (b - a)^... in w: the weight
    # sqrt(w (1 - w)) (b - a)^2 / (2 pi r x); dividing by sqrt((1-w)/w) leaves w (b-a)^2/(2 pi r x).
    rest = sp.cancel(sp.together((g / x).subs(x, a + (b - a) * w) * w * (b - a) ** 2 / (2 * sp.pi * r)))
    P = sp.Poly(sp.expand(rest), w)  # raises if not a polynomial in w
    def beta(p_, q_):
        return sp.gamma(p_) * sp.gamma(q_) / sp.gamma(p_ + q_)

    total = sum(c * beta(sp.Rational(2 * k + 1, 2), sp.Rational(3, 2)) for (k,), c in P.terms())
    return sp.simplify(total)


@lru_cache(maxsize=None)
def mp_mean() -> sp.Expr:
    """``int x d mu_MP`` (should be 1: mean eigenvalue, i.e. ``tr H / d -> 1``)."""
    return _mp_integral(x)


@lru_cache(maxsize=None)
def mp_critical_integral() -> sp.Expr:
    r"""``int x^2 / (x - lam_min) d mu(x)`` for the Marchenko--Pastur law, ``lam_min = (1 - sqrt r)^2``."""
    a, _ = mp_edges()
    return sp.simplify(_mp_integral(x**2 / (x - a)))


def pole_equation() -> sp.Expr:
    r"""The pole condition of the constant-stepsize resolvent (``delta = 0``), ``= 0`` at a pole.

    The kernel of :func:`volterra_kernel_term` with constant ``gamma`` is
    ``K(u) = gamma^2 r int x^2 e^{-2 gamma x u} d mu`` (``r = d/n``, ``mu`` the spectral law of ``H``);
    its Laplace transform at ``p = -2 gamma z`` is ``(gamma r/2) int x^2/(x - z) d mu``, and
    ``psi^ = F^/(1 - K^)`` has a pole where this equals 1.  Returns
    ``(gamma r / 2) I - 1`` with ``I`` (symbol ``I``) standing for ``int x^2/(x - z) d mu``.
    """
    k = volterra_kernel_term().subs({Gt: gamma * u, Gs: 0, delta: 0}).subs(lam, x)
    zz = sp.Symbol("z", negative=True)  # a point of the half-plane where the transform converges
    lap = sp.integrate(sp.exp(2 * gamma * zz * u) * k, (u, 0, sp.oo), conds="none")  # p = -2 gamma z
    per_x = sp.simplify(lap * n)  # n * (1/n) gamma^2 x^2 / (2 gamma (x - z)); (1/n) sum_i -> r int d mu
    if sp.simplify(per_x - gamma * x**2 / (2 * (x - zz))) != 0:  # pragma: no cover
        raise RuntimeError(f"unexpected Laplace transform of the kernel: {per_x}")
    return gamma * r / 2 * sp.Symbol("I", positive=True) - 1


def critical_stepsize() -> sp.Expr:
    r"""The stepsize at which the pole reaches the spectral edge ``z = lam_min``: the root in
    ``gamma`` of :func:`pole_equation` with ``I = int x^2/(x - lam_min) d mu`` (symbol ``I``).
    Below it no pole lies left of the edge (the edge sets the rate); above it a pole
    ``lambda^*(gamma) < lam_min`` does."""
    (sol,) = sp.solve(pole_equation(), gamma)
    return sol


@lru_cache(maxsize=None)
def gamma_star_mp() -> sp.Expr:
    r"""The critical stepsize :func:`critical_stepsize` for Marchenko--Pastur
    (``I`` = :func:`mp_critical_integral`)."""
    return sp.simplify(critical_stepsize().subs(sp.Symbol("I", positive=True), mp_critical_integral()))


@lru_cache(maxsize=None)
def threshold_mp() -> sp.Expr:
    r"""The convergence threshold :func:`threshold_from_kernel_mass` at ``delta = 0`` in the
    large-n limit: ``T2 = (1/n) tr H = r * (1/d) tr H -> r * mean(mu)``."""
    return sp.simplify(threshold_from_kernel_mass().subs(T2, r * mp_mean()))


def mp_stieltjes_quadratic() -> sp.Expr:
    r"""The quadratic ``r z m^2 + (z - 1 + r) m + 1`` whose root is the MP Stieltjes transform
    ``m(z) = int d mu(x) / (x - z)`` (checked numerically in the claims)."""
    m = sp.Symbol("m")
    return r * z * m**2 + (z - 1 + r) * m + 1


@lru_cache(maxsize=None)
def lambda_star_mp() -> sp.Expr:
    r"""The supercritical decay exponent ``lambda^*(gamma)`` for Marchenko--Pastur (``delta = 0``).

    The Laplace transform of the constant-stepsize kernel ``K(t) = gamma^2 r int x^2 e^{-2 gamma t x} d mu``
    is ``K^(p) = gamma^2 r int x^2 / (p + 2 gamma x) d mu``; the pole of ``1 / (1 - K^)`` at
    ``p = -2 gamma lam^*`` solves ``(gamma r / 2) int x^2/(x - lam^*) d mu = 1``.  With
    ``int x^2/(x - z) d mu = 1 + z + z^2 m(z)`` and the Stieltjes quadratic, ``lam^*`` is a root
    of a quadratic; we return the branch with ``lam^* -> lam_min`` as ``gamma -> gamma_*``
    (the branch choice is verified numerically against the defining integral).
    """
    m_from_pole = (2 / (gamma * r) - 1 - z) / z**2
    m = sp.Symbol("m")
    poly = sp.numer(sp.together(mp_stieltjes_quadratic().subs(m, m_from_pole)))
    roots = sp.solve(poly, z)
    # choose the root with the + sign in front of the square root (see docstring)
    disc = sp.sqrt(gamma * (1 + r) ** 2 - 8)
    cand = (2 - gamma * r) * ((1 + r) * sp.sqrt(gamma) + disc) / (4 * sp.sqrt(gamma))
    ok = [rt for rt in roots if sp.simplify(rt - cand) == 0]
    if not ok:  # pragma: no cover - would mean SymPy changed the root's form
        raise RuntimeError("lambda_star branch not found among the quadratic's roots")
    return cand


# ------------------------------------------------------------------- batched SGD + momentum
def sgdm_noise_coefficient() -> sp.Expr:
    r"""Noise coefficient of the discrete Volterra equation for ``y_k = Delta y_{k-1} + c gamma
    sum_{i in B_k} grad f_i``, Bernoulli(``zeta``) batches.

    The batch gradient is ``c gamma A^T P (A e - rho)``, ``P = diag(Bernoulli(zeta))``; its
    mean is ``c gamma zeta H e`` and its conditional covariance ``c^2 gamma^2 zeta (1 - zeta)
    sum_i a_i a_i^T (a_i e - rho_i)^2``.  Returns ``Var(c gamma P_ii)`` (the factor in front
    of ``H(t-k) psi(k)``): ``c = 1`` gives the printed ``gamma^2 zeta (1 - zeta)``; the printed
    update has ``c = zeta``."""
    # P_ii in {0, 1}: E P = zeta, E P^2 = zeta
    mean = zeta
    second = zeta
    var = sp.expand((c_mult * gamma) ** 2 * (second - mean**2))
    return sp.factor(var)


def ar2_impulse_closed_form() -> dict[str, sp.Expr]:
    r"""Impulse response of heavy ball on one eigenvalue: ``h_{s+1} = a h_s - Delta h_{s-1}``,
    ``h_0 = 1``, ``h_{-1} = 0``, ``a = 1 + Delta - gamma zeta lam``; noise entering at step ``k``
    reaches ``e_{t+1}`` multiplied by ``h_{t-k}``.  Closed form ``(z_+^{s+1} - z_-^{s+1})/(z_+ - z_-)``;
    returns the roots and the residual of the recursion for the closed form."""
    a = sp.Symbol("a", real=True)
    sidx = sp.Symbol("s", integer=True, nonnegative=True)
    zp = (a + sp.sqrt(a**2 - 4 * Delta)) / 2
    zm = (a - sp.sqrt(a**2 - 4 * Delta)) / 2
    h = lambda k: (zp ** (k + 1) - zm ** (k + 1)) / (zp - zm)  # noqa: E731
    res = sp.simplify(sp.expand(h(sidx + 2) - a * h(sidx + 1) + Delta * h(sidx)))
    return {"z_plus": zp, "z_minus": zm, "h": h(sidx), "residual": res, "a": a}


@lru_cache(maxsize=None)
def ar2_square_generating_function() -> sp.Expr:
    r"""``G(q) = sum_{s>=0} h_s^2 q^s`` for the heavy-ball impulse response, derived from the
    3x3 linear recursion of ``(h_{s+1}^2, h_{s+1} h_s, h_s^2)``: ``G = e_3^T (I - q T)^{-1} v_0``."""
    a = sp.Symbol("a", real=True)
    q = sp.Symbol("q", nonnegative=True)
    T = sp.Matrix([[a**2, -2 * a * Delta, Delta**2], [a, -Delta, 0], [1, 0, 0]])
    v0 = sp.Matrix([a**2, a, 1])  # (h_1^2, h_1 h_0, h_0^2)
    G = (sp.eye(3) - q * T).LUsolve(v0)[2]
    return sp.factor(sp.simplify(G))


def ar2_square_convergence() -> tuple[Guard, ...]:
    r"""The region of ``q`` where ``G(q) = sum_{s>=0} h_s^2 q^s`` converges, as guards.

    The series converges iff ``q rho(T) < 1`` for the 3x3 recursion matrix ``T`` of
    :func:`ar2_square_generating_function`, whose eigenvalues are ``z_+^2``, ``z_+ z_- = Delta``
    and ``z_-^2``.  ``G``'s denominator is ``det(I - q T)`` up to cancelled factors; its factors
    vanish exactly at ``q = 1/eigenvalue`` for the real eigenvalues (``Delta q = 1`` and
    ``(1 + Delta q)^2 = a^2 q`` for real roots ``z_pm``; for complex ``z_pm`` the quadratic factor
    has no real zero and ``|z_pm|^2 = Delta``), so ``q`` lies inside the region iff every factor
    keeps the sign it has at ``q = 0`` (Jury's test on ``w^2 - a sqrt(q) w + Delta q``).  The
    guards are derived from ``G`` itself: one per non-constant factor of its denominator."""
    G = ar2_square_generating_function()
    q = next(s for s in G.free_symbols if s.name == "q")
    _, factors = sp.factor_list(sp.denom(sp.together(G)))
    out = []
    for f, _mult in factors:
        if not f.has(q):
            continue
        f0 = f.subs(q, 0)
        if f0 == 0 or not f0.is_number:
            raise ValueError(f"ar2_square_convergence: factor {f} of G's denominator does not keep a "
                             f"sign at q = 0")
        e = sp.expand(f * sp.sign(f0))
        neg = sp.Add(*[-t for t in sp.Add.make_args(e) if t.could_extract_minus_sign()])
        cond = sp.StrictLessThan(neg, sp.expand(e + neg))  # e > 0 as "negative terms < the rest"
        out.append(Guard(cond, f"{sp.sstr(cond)} (the series sum_s h_s^2 q^s converges)"))
    if not out:
        raise ValueError("ar2_square_convergence: G has no pole in q; the series region is not found")
    return tuple(out)


def sgdm_kernel_mass_term() -> sp.Expr:
    r"""One eigenvalue's contribution to ``sum_s gamma^2 zeta(1-zeta) H(s)`` with
    ``H(s) = (1/n) sum_j lam_j^2 h_{s,j}^2`` (``q = 1`` in :func:`ar2_square_generating_function`)."""
    a = sp.Symbol("a", real=True)
    q = sp.Symbol("q", nonnegative=True)
    G1 = ar2_square_generating_function().subs(q, 1).subs(a, 1 + Delta - gamma * zeta * lam)
    return sp.factor(sp.simplify(gamma**2 * zeta * (1 - zeta) * lam**2 / n * G1))


def heavy_ball_discriminant(step_eff: sp.Expr, momentum: sp.Expr = Delta) -> sp.Expr:
    r"""Discriminant ``a^2 - 4 Delta`` of the heavy-ball characteristic polynomial
    ``z^2 - a z + Delta``, ``a = 1 + Delta - step_eff lam``, on the eigenvalue ``lam`` (the
    deterministic part of batched SGD+M: ``step_eff`` = the multiplier of ``H e`` in the mean
    update).  Zero: a double root ``sqrt(Delta)``; negative: complex roots of modulus
    ``sqrt(Delta)``."""
    a = 1 + momentum - step_eff * lam
    return sp.expand(a**2 - 4 * momentum)


# ------------------------------------------------------- proof steps: SGD -> homogenized SGD
theta = sp.Symbol("theta", positive=True)  # 1 - momentum (single-sample SGD+M)
c0 = sp.Symbol("c0", positive=True)  # theta = c0 / n
eps = sp.Symbol("epsilon", positive=True)  # 1/n
mu_ = sp.Symbol("mu")  # a rate (root of a characteristic polynomial)
SYM.update({"theta": theta, "c0": c0, "epsilon": eps})


def sgd_step_moments(A: sp.Matrix, b: sp.Matrix, x: sp.Matrix, step: sp.Expr, dlt: sp.Expr = 0):
    r"""Mean and covariance of one SGD step ``-step grad f_i(x)``, ``i`` uniform on ``{1..n}``, for
    explicit SymPy matrices (``f_i = 1/2 (a_i x - b_i)^2 + dlt/(2n) ||x||^2``).  Returns
    ``(mean, cov)`` computed by averaging over the ``n`` indices -- the definition, nothing more."""
    n_ = A.rows
    grads = [A[i, :].T * (A[i, :] * x - b[i, :])[0, 0] + dlt / n_ * x for i in range(n_)]
    mean = -step * sum(grads, sp.zeros(A.cols, 1)) / n_
    cov = sum(((-step * g_ - mean) * (-step * g_ - mean).T for g_ in grads), sp.zeros(A.cols, A.cols)) / n_
    return mean.applyfunc(sp.expand), cov.applyfunc(sp.expand)


def sgd_mean_pass_limit() -> sp.Expr:
    r"""``lim_{n->oo} n log(1 - gamma (lam + delta)/n)``: the per-pass log-rate of SGD's mean on one
    eigen-coordinate (``E e_{k+1} = (1 - gamma (lam + delta)/n) E e_k``, ``nt`` steps per ``t`` passes).
    The drift of an SDE in pass-time must equal it."""
    return sp.limit(sp.log(1 - gamma * (lam + delta) * eps) / eps, eps, 0, "+")


def sgdm_mean_root(step: sp.Expr, mom: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    r"""Roots ``(z_+, z_-)`` of ``z^2 - (1 + mom - step lam / n) z + mom`` (``n = 1/epsilon``): the mean
    of single-sample SGD+M on one eigen-coordinate, ``m_{k+1} = (1 + mom) m_k - mom m_{k-1} - (step/n)
    lam m_k`` (``E grad f_i = grad f / n`` for the sum-scaled loss)."""
    a = 1 + mom - step * lam * eps
    disc = sp.sqrt(a**2 - 4 * mom)
    return (a + disc) / 2, (a - disc) / 2


def sgdm_mean_pass_limit(step: sp.Expr, mom: sp.Expr, order: int = 2) -> dict[str, sp.Expr]:
    r"""Large-n limit of SGD+M's mean per pass for ``step`` and momentum ``mom`` given in terms of
    ``epsilon = 1/n``.  With ``z_pm = 1 + mu_pm epsilon + o(epsilon)`` the mean after ``t/epsilon``
    steps is ``sum alpha_pm z_pm^{t/epsilon} -> sum alpha_pm e^{mu_pm t}``; returns the characteristic
    polynomial ``P(mu)`` that the limiting ``mu`` solve (the ``epsilon^order`` coefficient of the root
    equation at ``z = 1 + mu epsilon``, lower orders vanishing) and, when ``mom`` has a limit < 1
    (fixed ``theta``), the slow root's limit ``lim n log z_+`` and the fast root at ``n = oo``."""
    zz = 1 + mu_ * eps
    eq = sp.expand(zz**2 - (1 + mom - step * lam * eps) * zz + mom)
    ser = sp.expand(sp.series(eq, eps, 0, order + 1).removeO())
    low = [sp.simplify(ser.coeff(eps, k)) for k in range(order)]
    out = {"char_poly": sp.factor(ser.coeff(eps, order)), "lower_orders": low}
    if sp.limit(mom, eps, 0) != 1:
        zp, zm = sgdm_mean_root(step, mom)
        out["slow_rate"] = sp.simplify(sp.limit(sp.log(zp) / eps, eps, 0, "+"))
        out["fast_root_at_0"] = sp.simplify(zm.subs(eps, 0))
    return out


def sgdm_sde_mean_rates(velocity_factor: sp.Expr) -> sp.Expr:
    r"""Characteristic polynomial of the mean of the momentum diffusion read as
    ``dX/dt = -velocity_factor * Gamma_1 W``, ``W_t = int_0^t e^{-n theta (t-s)} dZ_s`` (so
    ``dW = grad f dt - n theta W dt + noise``) on one eigen-coordinate (``grad f = lam X``):
    ``mu^2 + n theta mu + velocity_factor Gamma_1 lam``, with ``Gamma_1`` written ``gamma`` and
    ``n = 1/epsilon``."""
    M = sp.Matrix([[0, -velocity_factor * gamma], [lam, -theta / eps]])
    return sp.expand(M.charpoly(mu_).as_expr())


def sgdm_sde_moment_system(velocity_factor: sp.Expr) -> dict[str, sp.Expr]:
    r"""Second moments of one mode of the (corrected or printed) momentum diffusion,
    ``dv = -k gamma w dt``, ``dw = (lam v - n theta w) dt + sigma dB`` with ``k = velocity_factor``,
    ``sigma^2 = (2/n) psi lam`` (the noise of ``dZ`` on the mode), derived by Itô's formula on
    ``(v^2, v w, w^2)``.  Returns the 3x3 matrix ``B`` of the linear ODE ``y' = B y + psi(t) c``
    and the source vector ``c``; ``B`` and ``c`` free of ``t`` makes the expected loss a
    *convolution* Volterra equation (variation of constants with ``e^{B (t - s)}``)."""
    w = sp.Symbol("w", real=True)
    drift = sp.Matrix([-velocity_factor * gamma * w, lam * v - theta / eps * w])
    sig = sp.Matrix([0, sp.sqrt(2 * eps * psi * lam)])
    X = [v, w]

    def gen(g):
        grad = sp.Matrix([sp.diff(g, z_) for z_ in X])
        hess = sp.hessian(g, X)
        return sp.expand((grad.T * drift)[0] + sp.Rational(1, 2) * (sig.T * hess * sig)[0])

    mons = [v**2, v * w, w**2]
    B = sp.zeros(3, 3)
    c = sp.zeros(3, 1)
    for i, g in enumerate(mons):
        e = sp.Poly(gen(g), v, w)
        for j, m_ in enumerate(mons):
            B[i, j] = e.coeff_monomial(m_)
        c[i] = sp.simplify(e.coeff_monomial(1) / psi)
    return {"B": B, "c": c}


def risk_kernel_term(q_ii: sp.Expr) -> sp.Expr:
    r"""The expected-risk kernel's ``i``-th summand for homogenized SGD and a quadratic statistic with
    Hessian ``Q`` (``q_ii = u_i^T Q u_i``, ``u_i`` the eigenvectors of ``H``).

    ``E R(X_t) = R(E X_t) + 1/2 tr(Q Cov X_t)`` and ``Cov X_t`` is diagonal in ``H``'s eigenbasis
    with ``Var v_i`` from :func:`mode_variance_solution` (it starts at 0 and its ODE never couples
    modes), so the noise term is ``int_0^t sum_i 1/2 q_ii sigma_i^2(s) e^{-2 (lam_i + delta)(Gamma_t -
    Gamma_s)} ds`` with ``sigma_i^2 = gamma(s)^2 (2/n) lam_i psi_s``.  Returns the summand divided by
    ``psi_s`` (``gamma`` standing for ``gamma(s)``)."""
    sig2 = sp.expand(homogenized_noise() ** 2)
    return sp.simplify(sp.Rational(1, 2) * q_ii * sig2 / psi * sp.exp(-2 * (Gt - Gs) * (lam + delta)))


def mode_variance_source() -> sp.Expr:
    r"""``sigma_i^2 / psi`` of homogenized SGD: the source of ``Var v_i`` per unit loss, ``2 gamma^2 lam / n``."""
    return sp.simplify(mode_variance_solution(homogenized_noise())["source"] / psi)


def tuning_delta_corrected() -> sp.Expr:
    r"""The momentum of the batched SGD+M tuning written through its square root,
    ``Delta = (1 - min{zeta/((1-zeta) kappa_bar), 1/sqrt(kappa)})^2``: ``sqrt(Delta) = 1 - x`` with
    ``x <= 1`` on both branches (the printed ``max`` of the squares agrees with it exactly when
    ``x <= 2 - 1/sqrt(kappa)``)."""
    x_small = zeta / ((1 - zeta) * kappa_bar)
    return (1 - sp.Min(x_small, 1 / sp.sqrt(kappa))) ** 2


# ------------------------------------------------------------------------------ exports
def _domain_guards(args) -> tuple[Guard, ...]:
    """Domain guards built on assumption-free twins of the arguments.

    ``derivations.export.symbol_guards`` writes e.g. ``lam > 0`` with the *positive* symbol,
    which SymPy evaluates to ``True`` at construction, so the generated check is vacuous
    (``_require(True, ...)``).  The twins carry the same names (the printed code refers to the
    function's arguments) but no assumptions, so the conditions survive to the generated code.
    """
    out = []
    for a in args:
        p = sp.Symbol(str(a))
        if a.is_integer:
            out.append(Guard(sp.Eq(p, sp.floor(p)), f"{a} must be a whole number"))
        if a.is_positive:
            out.append(Guard(p >= 1, f"{a} must be >= 1") if a.is_integer else Guard(p > 0, f"{a} must be > 0"))
        elif a.is_nonnegative:
            out.append(Guard(p >= 0, f"{a} must be >= 0"))
    return tuple(out)


def exports() -> list[Export]:
    return [Export(e.name, e.args, e.expr, e.doc, _domain_guards(e.args) + tuple(e.guards)) for e in _exports()]


def _exports() -> list[Export]:
    """Scalar / elementwise formulas for the generated checkers (numpy + mpmath twin)."""
    one = sp.Integer(1)
    zeta_lt1 = Guard(zeta < one, "zeta < 1")
    Delta_lt1 = Guard(Delta < one, "Delta < 1")
    a_ = sp.Symbol("a", real=True)
    q_ = sp.Symbol("q", nonnegative=True)
    lam0 = sp.Symbol("lam", nonnegative=True)  # engines see eigenvalues clipped at 0
    G = ar2_square_generating_function()
    lam_s = lambda_star_mp()
    rate, coef = mode_ode_coefficients()
    return [
        Export(
            "volterra_kernel_term", (gamma, lam0, delta, u, n),
            volterra_kernel_term().subs({Gt: u, Gs: 0, lam: lam0}),
            "One eigenvalue's summand of the Volterra kernel derived from homogenized SGD:\n"
            "gamma(s)^2 lam^2 / n exp(-2 u (lam + delta)), u = Gamma(t) - Gamma(s) >= 0 (sum scaling;\n"
            "summed over the d eigenvalues of H = A^T A it is gamma^2 r h_2).",
        ),
        Export(
            "mode_decay_rate", (gamma, lam0, delta), rate.subs(lam, lam0),
            "Decay rate of U_i in the Volterra ODE system: U_i' = -rate U_i + coefficient psi,\n"
            "rate = 2 gamma (lam + delta) (gamma = gamma(t)).",
        ),
        Export(
            "mode_noise_coefficient", (gamma, lam0, n), coef.subs(lam, lam0),
            "Source coefficient of U_i in the Volterra ODE system: gamma(t)^2 lam^2 / n.",
        ),
        Export(
            "mode_variance_source", (gamma, lam0, n), mode_variance_source().subs(lam, lam0),
            "Source of Var(v_i) per unit expected loss in homogenized SGD: sigma_i^2 / psi = 2 gamma(t)^2 lam / n.",
        ),
        Export(
            "kernel_mass_term", (gamma, lam, delta, n),
            kernel_mass_sgd(),
            "One eigenvalue's share of the constant-stepsize kernel mass int_0^inf gamma^2 r h_2:\n"
            "gamma lam^2 / (2 n (lam + delta)).  Sum over the d eigenvalues of H = A^T A (sum scaling).",
        ),
        Export(
            "gamma_threshold", (T2,),
            threshold_from_kernel_mass(),
            "Convergence threshold (kernel mass = 1): 2 / T2, T2 = (1/n) tr(H^2 (H + delta I)^{-1}).",
        ),
        Export(
            "psi_limit", (gamma, T2, F_inf),
            psi_infinity(),
            "Limit of the Volterra solution for constant gamma < 2/T2: F_inf / (1 - gamma T2 / 2),\n"
            "F_inf = L(x_tilde) = 1/2 ||A x_tilde - b||^2 (sum scaling), x_tilde = argmin f.",
            (Guard(gamma * T2 < 2, "gamma T2 < 2 (below the threshold)"),),
        ),
        Export(
            "mp_density", (x, r), mp_density(),
            "Marchenko--Pastur density of the spectrum of H = A^T A (A_ij ~ N(0, 1/n), r = d/n, mean 1)\n"
            "on [mp_edge_low(r), mp_edge_high(r)]; for r > 1 this continuous part has mass 1/r and the law\n"
            "has an atom of mass 1 - 1/r at 0 (rank n < d).",
            (Guard(x > mp_edges()[0], "x > (1 - sqrt r)^2"), Guard(x < mp_edges()[1], "x < (1 + sqrt r)^2")),
        ),
        Export("mp_edge_low", (r,), mp_edges()[0],
               "Lower Marchenko--Pastur edge (1 - sqrt r)^2 = lam_min (for r > 1: the smallest *nonzero*\n"
               "eigenvalue's limit, (sqrt r - 1)^2; the atom at 0 carries no gradient and no noise)."),
        Export("mp_edge_high", (r,), mp_edges()[1], "Upper Marchenko--Pastur edge (1 + sqrt r)^2 = lam_max."),
        Export(
            "gamma_star_mp", (r,), gamma_star_mp(),
            "Critical stepsize for the Marchenko--Pastur spectrum (A_ij ~ N(0, 1/n), r = d/n, delta = 0),\n"
            "derived as the gamma at which the resolvent's pole reaches lam_min (for r > 1 the lower edge\n"
            "(sqrt r - 1)^2 of the nonzero part; at r = 1 it equals the threshold 2/r).",
        ),
        Export(
            "gamma_threshold_mp", (r,), threshold_mp(),
            "Large-n convergence threshold 2 / ((1/n) tr H) for Marchenko--Pastur, delta = 0 (any r > 0).",
        ),
        Export(
            "lambda_star_mp", (gamma, r), lam_s,
            "Supercritical decay exponent: psi_t - psi_inf ~ exp(-2 gamma lam^* t) for\n"
            "gamma_*(r) < gamma < 2/r (Marchenko--Pastur, delta = 0).",
            (Guard(gamma > gamma_star_mp(), "gamma > gamma_*(r) (supercritical)"),
             Guard(gamma < threshold_mp(), "gamma < 2/r (convergent)")),
        ),
        Export(
            "ar2_sq_genfun", (a_, Delta, q_), G,
            "sum_{s>=0} h_s^2 q^s for the heavy-ball impulse response h (a = 1 + Delta - gamma zeta lam);\n"
            "valid where the series converges (q max|z_pm|^2 < 1).",
            (Delta_lt1, *ar2_square_convergence()),
        ),
        Export(
            "sgdm_noise_coefficient", (gamma, zeta), sgdm_noise_coefficient().subs(c_mult, 1),
            "Noise coefficient of the discrete Volterra equation for y = Delta y + gamma sum_B grad f_i\n"
            "with Bernoulli(zeta) batches: Var(gamma P_ii) = gamma^2 zeta (1 - zeta).",
            (zeta_lt1,),
        ),
        Export(
            "sgdm_kernel_mass_term", (gamma, zeta, Delta, lam, n), sgdm_kernel_mass_term(),
            "One eigenvalue's share of sum_s gamma^2 zeta (1 - zeta) H(s) (discrete Volterra for\n"
            "batched SGD+M with Bernoulli(zeta) batches, sum-scaled loss).",
            (zeta_lt1, Delta_lt1,
             Guard(gamma * zeta * lam < 2 * (1 + Delta), "gamma zeta lam < 2 (1 + Delta) (heavy ball stable)")),
        ),
    ]
