"""Exact finite-n engines and Volterra solvers for paper 003 (topic ``volterra``).

Scaling conventions (see :mod:`derivations.volterra.derive`): the loss is a **sum**,
``L(x) = 1/2 ||A x - b||^2``, ``f = L + delta/2 ||x||^2``, ``f_i = 1/2 (a_i x - b_i)^2 +
delta/(2n) ||x||^2``; single-sample SGD draws ``i_k`` uniformly *with replacement* and time
``t = k / n`` counts passes.  Batched SGD+M uses Bernoulli(``zeta``) batches and
``y_k = Delta y_{k-1} + step * sum_{i in B_k} grad f_i(x_k)`` (``delta = 0``).

Everything is float64 numpy unless stated; the exact moment recursions also accept numpy
object arrays of :class:`fractions.Fraction` (exact rational arithmetic) for enumeration
checks.  No function here is stochastic except the explicit simulators, which take a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from verify.generated import volterra as G

__all__ = [
    "frac_problem",
    "frac_solve",
    "spike_spectrum",
    "sgd_moment_step",
    "sgdm_enumerate_expected_loss",
    "Spectral",
    "gradient_flow_loss",
    "make_problem",
    "mp_quadrature",
    "sgd_exact_expected_loss",
    "sgd_enumerate_expected_loss",
    "sgdm_exact_expected_loss",
    "sgdm_volterra",
    "sgdm_kernel_mass",
    "sgdm_rates",
    "spectral",
    "volterra_convolution",
    "volterra_ode",
    "volterra_tail_modes",
    "sgdm_single_exact_expected_loss",
    "homogenized_quadratic_means",
    "sgd_simulate",
]


def _check_matrix(A, b, x0):
    A = np.asarray(A)
    if A.ndim != 2 or A.shape[0] < 1 or A.shape[1] < 1:
        raise ValueError(f"A must be a non-empty 2-D array, got shape {A.shape}")
    b = np.asarray(b)
    x0 = np.asarray(x0)
    if b.shape != (A.shape[0],):
        raise ValueError(f"b must have shape ({A.shape[0]},), got {b.shape}")
    if x0.shape != (A.shape[1],):
        raise ValueError(f"x0 must have shape ({A.shape[1]},), got {x0.shape}")
    return A, b, x0


def make_problem(n: int, d: int, seed: int, noise: float = 0.5, kind: str = "gaussian"):
    """Random least-squares instance ``(A, b, x0)``.

    ``kind="gaussian"``: ``A_ij ~ N(0, 1/n)`` (so ``H = A^T A`` is Marchenko--Pastur with ratio
    ``d/n`` and mean eigenvalue 1), ``b = A x_star + noise * eps`` with ``x_star ~ N(0, I/d)``,
    ``eps ~ N(0, I/n)``, ``x0 = 0``.  ``kind="digits"``: random ReLU features of scikit-learn's
    digits (see :func:`digits_features`) with target ``b`` = centred label parity... see there.
    """
    if n < 1 or d < 1:
        raise ValueError(f"n and d must be >= 1, got n={n}, d={d}")
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        A = rng.standard_normal((n, d)) / np.sqrt(n)
        xs = rng.standard_normal(d) / np.sqrt(d)
        b = A @ xs + noise * rng.standard_normal(n) / np.sqrt(n)
        return A, b, np.zeros(d)
    if kind == "digits":
        return digits_features(n, d, seed)
    raise ValueError(f"kind must be 'gaussian' or 'digits', got {kind!r}")


def digits_features(n: int, d: int, seed: int):
    """Random-features least squares on scikit-learn's digits (offline, shipped with sklearn).

    Inputs: the 8x8 images scaled to [0, 1] and centred; ``W ~ N(0, 1/64)`` of shape (64, d);
    features ``relu(X W)`` centred per column and scaled so ``(1/d) tr H = 1``; target
    ``b = (digit >= 5) - mean`` scaled by ``1/sqrt(n)``.  The first ``n`` images (of 1797) of a
    seeded permutation are used.  ``x0 = 0``.
    """
    from verify.core.datasets import digits

    X, target = digits()
    X = X / 16.0
    y = (target >= 5).astype(float)
    if n > X.shape[0]:
        raise ValueError(f"digits has {X.shape[0]} images; n={n} is too large")
    rng = np.random.default_rng(seed)
    idx = rng.permutation(X.shape[0])[:n]
    X = X[idx] - X[idx].mean(axis=0)
    y = y[idx] - y[idx].mean()
    W = rng.standard_normal((X.shape[1], d)) / np.sqrt(X.shape[1])
    F = np.maximum(X @ W, 0.0)
    F -= F.mean(axis=0)
    F *= np.sqrt(d / np.sum(F * F))  # (1/d) tr(F^T F) = 1
    b = y / np.sqrt(n) * 2.0
    return F, b, np.zeros(d)


@dataclass(frozen=True)
class Spectral:
    """Eigen-data of a problem: ``lam`` (eigenvalues of ``H``), ``v0`` (``U^T (x0 - x_tilde)``),
    ``xt`` (``U^T x_tilde``), ``L_tilde = L(x_tilde)``, ``n``, ``delta``."""

    lam: np.ndarray
    v0: np.ndarray
    xt: np.ndarray
    L_tilde: float
    n: int
    delta: float

    @property
    def T2(self) -> float:
        """``(1/n) tr(H^2 (H + delta I)^{-1})`` (zero eigenvalues contribute 0: the ``delta -> 0`` limit
        for singular ``H``, e.g. ``d > n``)."""
        den = np.where(self.lam > 0, self.lam + self.delta, 1.0)
        return float(np.sum(np.where(self.lam > 0, self.lam**2 / den, 0.0)) / self.n)


def spectral(A, b, x0, delta: float = 0.0) -> Spectral:
    """Eigen-decompose ``H = A^T A`` and project ``x0 - x_tilde``, ``x_tilde = (H + delta)^{-1} A^T b``.

    With ``delta = 0`` the minimiser is taken on the range of ``H`` (pseudo-inverse)."""
    A, b, x0 = _check_matrix(A, b, x0)
    if delta < 0:
        raise ValueError(f"delta must be >= 0, got {delta}")
    n = A.shape[0]
    H = A.T @ A
    lam, U = np.linalg.eigh(H)
    lam = np.clip(lam, 0.0, None)
    Atb = U.T @ (A.T @ b)
    den = lam + delta
    xt = np.where(den > 1e-12 * max(1.0, lam.max()), Atb / np.where(den > 0, den, 1.0), 0.0)
    x_tilde = U @ xt
    L_tilde = 0.5 * float(np.sum((A @ x_tilde - b) ** 2))
    v0 = U.T @ x0 - xt
    return Spectral(lam, v0, xt, L_tilde, n, float(delta))


def gradient_flow_loss(sp_: Spectral, tau):
    """``L(X^gf_tau)`` for gradient flow of ``f`` (time ``tau``), exactly:
    ``L(x_tilde) - delta x_tilde^T (X - x_tilde) + 1/2 sum_i lam_i v_i^2`` with
    ``v_i(tau) = exp(-tau (lam_i + delta)) v0_i``."""
    tau = np.asarray(tau, dtype=float)
    e = np.exp(-np.multiply.outer(tau, sp_.lam + sp_.delta))
    v = e * sp_.v0
    return sp_.L_tilde - sp_.delta * (v @ sp_.xt) + 0.5 * (v * v) @ sp_.lam


def _gamma_fn(gamma) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """(gamma(t), Gamma(t)) for a constant or a callable stepsize (Gamma by quadrature)."""
    if callable(gamma):
        from scipy.integrate import quad

        def Gint(tt):
            tt = np.atleast_1d(np.asarray(tt, dtype=float))
            return np.array([quad(gamma, 0.0, float(ti), epsabs=1e-14, epsrel=1e-13, limit=200)[0] for ti in tt])

        return (lambda tt: np.asarray(np.vectorize(gamma)(tt), dtype=float)), Gint
    g = float(gamma)
    if not g > 0:
        raise ValueError(f"gamma must be > 0, got {gamma}")
    return (lambda tt: np.full(np.shape(tt), g)), (lambda tt: g * np.asarray(tt, dtype=float))


def volterra_ode(sp_: Spectral, gamma, t_grid, rtol: float = 1e-11, atol: float = 1e-13) -> np.ndarray:
    """Solve the Volterra equation through its equivalent linear ODE system.

    ``U_i' = -2 gamma(t)(lam_i + delta) U_i + gamma(t)^2 lam_i^2 psi(t) / n``, ``U_i(0) = 0``,
    ``psi(t) = L(X^gf_{Gamma(t)}) + sum_i U_i`` (so ``r h_2 = (1/n) sum lam^2 ...``); the rate and
    the source coefficient are the generated ``mode_decay_rate`` / ``mode_noise_coefficient``
    (derived from homogenized SGD by Itô's formula).  The integrated rate ``Gamma`` is carried
    as an extra state.  DOP853 at ``rtol``.
    Returns ``psi`` on ``t_grid`` (passes).
    """
    from scipy.integrate import solve_ivp

    g, _ = _gamma_fn(gamma)
    lam, de, n = sp_.lam, sp_.delta, sp_.n
    t_grid = np.asarray(t_grid, dtype=float)
    if t_grid.ndim != 1 or np.any(np.diff(t_grid) < 0) or t_grid[0] < 0:
        raise ValueError("t_grid must be a non-decreasing 1-D array of times >= 0")
    # both coefficients are homogeneous in gamma (degree 1 and 2): evaluate at gamma = 1 once
    rate1 = G.mode_decay_rate(1.0, lam, de)
    c = G.mode_noise_coefficient(1.0, lam, n)

    def rhs(tt, y):
        Gm, U = y[0], y[1:]
        gt = float(g(np.asarray(tt)))
        psi = gradient_flow_loss(sp_, Gm) + U.sum()
        return np.concatenate(([gt], -gt * rate1 * U + gt * gt * c * psi))

    y0 = np.zeros(lam.size + 1)
    sol = solve_ivp(rhs, (0.0, float(t_grid[-1])), y0, method="DOP853", t_eval=t_grid, rtol=rtol, atol=atol)
    if not sol.success:  # pragma: no cover
        raise RuntimeError(sol.message)
    Gm, U = sol.y[0], sol.y[1:]
    return gradient_flow_loss(sp_, Gm) + U.sum(axis=0)


def volterra_convolution(sp_: Spectral, gamma, T: float, steps: int,
                         kernel_term: Callable | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Trapezoid (product-free) quadrature of ``psi_t = F(t) + int_0^t K(t, s) psi_s ds``,
    ``F(t) = L(X^gf_{Gamma(t)})``, ``K(t, s) = sum_i kernel_term(gamma(s), lam_i, delta, Gamma(t) - Gamma(s), n)``.

    ``kernel_term`` defaults to the generated ``volterra_kernel_term`` (derived from homogenized
    SGD: ``gamma(s)^2 lam_i^2 / n exp(-2 u (lam_i + delta))``, i.e. ``gamma^2 r h_2``); a check
    passes the printed kernel instead.  It must broadcast over numpy arrays.  Global error
    ``O(h^2)``, ``h = T / steps`` (smooth kernel and forcing).  Returns ``(t_grid, psi)``.
    """
    kt = G.volterra_kernel_term if kernel_term is None else kernel_term
    if steps < 1 or not T > 0:
        raise ValueError("need T > 0 and steps >= 1")
    g, Gint = _gamma_fn(gamma)
    tg = np.linspace(0.0, T, steps + 1)
    h = T / steps
    gam = g(tg)
    Gam = Gint(tg)
    F = gradient_flow_loss(sp_, Gam)
    psi = np.empty_like(tg)
    psi[0] = F[0]
    lam = sp_.lam[None, :]
    for j in range(1, steps + 1):
        uu = np.clip(Gam[j] - Gam[: j + 1], 0.0, None)[:, None]
        K = np.asarray(kt(gam[: j + 1, None], lam, sp_.delta, uu, sp_.n), dtype=float).sum(axis=1)
        w = np.full(j + 1, h)
        w[0] = w[-1] = h / 2
        acc = F[j] + np.dot(w[:-1] * K[:-1], psi[:j])
        psi[j] = acc / (1.0 - w[-1] * K[-1])
    return tg, psi


def volterra_tail_modes(x_nodes, weights, r: float, gamma: float, Rinit: float = 1.0):
    """Exact solution of the constant-stepsize, ``delta = 0`` Volterra equation for the
    *deviation* ``phi = psi - psi_inf`` on a discrete spectral measure ``sum_j w_j delta_{x_j}``
    (e.g. a quadrature of Marchenko--Pastur), forcing ``F - F_inf = (R/2) int x e^{-2 gamma t x} d mu``.

    With ``W_j = U_j - U_j^inf + f_j e^{-2 gamma x_j t}`` the system is ``W' = (D + c 1^T) W``,
    ``phi = 1^T W``, ``D = -2 gamma diag(x)``, ``c_j = gamma^2 r w_j x_j^2``; it is symmetrised by
    ``diag(sqrt c)`` and diagonalised.  Returns ``(mu, coef)`` with ``phi(t) = sum_k coef_k e^{mu_k t}``.
    """
    x = np.asarray(x_nodes, dtype=float)
    w = np.asarray(weights, dtype=float)
    # node j stands for d w_j eigenvalues x_j; (1/n) * d w_j = r w_j
    c = G.mode_noise_coefficient(gamma, x, 1) * r * w  # gamma^2 x^2 r w
    D = -G.mode_decay_rate(gamma, x, 0.0)  # -2 gamma x
    sc = np.sqrt(c)
    S = np.diag(D) + np.outer(sc, sc)
    mu, Q = np.linalg.eigh(S)
    f = 0.5 * Rinit * w * x  # F - F_inf = sum_j f_j e^{-2 gamma x_j t}
    T2 = r * float(np.sum(w * x))  # (1/n) tr H on the discrete measure
    if not gamma < G.gamma_threshold(T2):
        raise ValueError("gamma is at or above the threshold (kernel mass >= 1)")
    Finf = 1.0
    psi_inf = float(G.psi_limit(gamma, T2, Finf))
    U_inf = c * psi_inf / (-D)  # stationary point of U_j' = D_j U_j + c_j psi
    W0 = f - U_inf
    # W = diag(sc) Z with Z' = S Z; phi = 1^T W = sc^T Z
    Z0 = W0 / sc
    coef = (Q.T @ sc) * (Q.T @ Z0)
    return mu, coef


def mp_quadrature(r: float, N: int):
    """Nodes and weights for ``int g d mu_MP`` (ratio ``r = d/n``, mean 1): Gauss--Chebyshev of the
    second kind in ``x = a + (b - a) u``; exact for ``g(x) = x * polynomial`` of degree < 2N.

    For ``r > 1`` the nodes cover the continuous part only (total weight ``1/r``): the atom
    ``1 - 1/r`` at 0 is left out, which is exact for every ``g`` with ``g(0) = 0`` (all the
    integrals of the Volterra equation: kernel, forcing and pole condition carry a factor ``x``)."""
    if not r > 0:
        raise ValueError(f"r must be > 0, got {r}")
    a, b = float(G.mp_edge_low(r)), float(G.mp_edge_high(r))
    th = np.arange(1, N + 1) * np.pi / (N + 1)
    uu = (1 - np.cos(th)) / 2
    x = a + (b - a) * uu
    # dx = (b - a)/2 sin(th) dth; Gauss-Chebyshev (2nd kind) absorbs one sin(th) of the density
    w = G.mp_density(x, r) * (b - a) / 2 * np.pi / (N + 1) * np.sin(th)
    return x, w


# ----------------------------------------------------------------- exact finite-n SGD
def _eye(d, like):
    I = np.zeros((d, d), dtype=like.dtype)
    one = like.flat[0] * 0 + 1
    for i in range(d):
        I[i, i] = one
    return I


def sgd_exact_expected_loss(A, b, x0, delta, gamma, steps: int, record_every: int = 1,
                            x_tilde=None) -> np.ndarray:
    """Exact ``E L(x_k)`` of single-sample SGD (uniform, with replacement), ``k = 0, r, 2r, ...``.

    Tracks ``m = E e``, ``M = E e e^T`` (``e = x - x_tilde``) through the exact linear recursion
    (cost ``O(n d^2 + d^3)`` per step):
    ``m' = m - gamma (H + delta) m / n`` and
    ``M' = M - gamma/n (Hd M + M Hd) + gamma^2/n [A^T diag(q) A + delta/n (H M + M H) + delta^2/n M
    + A^T diag(A m) G + G^T diag(A m) A + G^T G]`` with ``q_i = a_i^T M a_i``, ``G`` the rows
    ``g_i = grad f_i(x_tilde)``.  ``E L = L(x_tilde) - delta x_tilde^T m + 1/2 tr(H M)``.
    ``gamma`` is a constant or a callable of pass-time ``k/n``.  Works on object arrays
    (``fractions.Fraction``) when ``x_tilde`` is given.
    """
    A, b, x0 = _check_matrix(A, b, x0)
    n, d = A.shape
    if steps < 0 or record_every < 1:
        raise ValueError("steps must be >= 0 and record_every >= 1")
    H = A.T @ A
    exact = A.dtype == object
    if x_tilde is None:
        if exact:
            raise ValueError("object (exact) arrays need x_tilde")
        x_tilde = np.linalg.solve(H + delta * np.eye(d), A.T @ b) if delta > 0 else np.linalg.lstsq(A, b, rcond=None)[0]
    x_tilde = np.asarray(x_tilde)
    rho = b - A @ x_tilde
    G = -A * rho[:, None] + (delta / n) * x_tilde[None, :]
    e0 = x0 - x_tilde
    m = e0.copy()
    M = np.outer(e0, e0)
    Lt = (rho @ rho) / 2
    out = []

    def loss():
        return Lt - delta * (x_tilde @ m) + np.trace(H @ M) / 2

    gam = gamma if callable(gamma) else (lambda tt: gamma)
    for k in range(steps + 1):
        if k % record_every == 0:
            out.append(loss())
        if k == steps:
            break
        g = gam(k / n) if not exact else gamma
        M, m = sgd_moment_step(A, G, H, M, m, g, delta)
    return np.array(out, dtype=object if exact else float)


def sgd_moment_step(A, G, H, M, m, g, delta):
    """One step of the exact ``(M, m)`` recursion of :func:`sgd_exact_expected_loss`.

    Array-API neutral: numpy float or object (``Fraction``) arrays, or torch tensors (the
    harness runs it on the replicas' device); ``G`` holds the rows ``grad f_i(x_tilde)``.
    """
    n = A.shape[0]
    q = ((A @ M) * A).sum(1)
    Am = A @ m
    HM = H @ M
    # A^T diag(q) A + A^T diag(Am) G + G^T diag(Am) A + G^T G in two products
    noise = A.T @ (A * q[:, None] + G * Am[:, None]) + G.T @ (A * Am[:, None] + G)
    noise = noise + (delta / n) * (HM + HM.T) + (delta * delta / n) * M
    HdM = HM + delta * M
    M = M - (g / n) * (HdM + HdM.T) + (g * g / n) * noise
    M = (M + M.T) / 2  # symmetric in exact arithmetic; keep round-off symmetric too
    m = m - (g / n) * (H @ m + delta * m)
    return M, m


def sgd_enumerate_expected_loss(A, b, x0, delta, gamma, steps: int):
    """Brute force: average ``L(x_k)`` over all ``n^k`` index sequences (exact in the array's
    arithmetic; use ``Fraction`` object arrays for exact rationals).  Returns ``E L(x_k)``,
    ``k = 0..steps``.  Exponential cost: only for tiny ``n, steps``."""
    A, b, x0 = _check_matrix(A, b, x0)
    n, d = A.shape
    states = [x0]
    out = []
    for k in range(steps + 1):
        tot = sum(((A @ x - b) @ (A @ x - b)) / 2 for x in states)
        out.append(tot / len(states))
        if k == steps:
            break
        nxt = []
        for x in states:
            for i in range(n):
                grad = A[i] * (A[i] @ x - b[i]) + (delta / n) * x
                nxt.append(x - gamma * grad)
        states = nxt
    return out


# ----------------------------------------------------------- exact finite-n batched SGD+M
def sgdm_exact_expected_loss(A, b, x0, step, zeta, Delta, iters: int, x_tilde=None) -> np.ndarray:
    """Exact ``E L(x_k)``, ``k = 0..iters``, for batched SGD+M with Bernoulli(``zeta``) batches:
    ``x_{k+1} = x_k + Delta (x_k - x_{k-1}) - step * sum_{i in B_k} a_i (a_i x_k - b_i)``,
    ``x_{-1} = x_0`` (i.e. ``y_{-1} = 0``), ``delta = 0``.

    Moments of ``(e_k, e_{k-1})``: with ``C = (1 + Delta) I - step zeta H`` and
    ``Q = zeta (1 - zeta) A^T diag(E (A e - rho)_i^2) A``:
    ``M11' = C M11 C - Delta (C M12 + M12^T C) + Delta^2 M22 + step^2 Q``,
    ``M12' = C M11 - Delta M12^T``, ``M22' = M11``; ``E L = L(x_tilde) + 1/2 tr(H M11)``.
    """
    A, b, x0 = _check_matrix(A, b, x0)
    n, d = A.shape
    if not (0 < zeta <= 1) or not (0 <= Delta < 1):
        raise ValueError("need 0 < zeta <= 1 and 0 <= Delta < 1")
    H = A.T @ A
    exact = A.dtype == object
    if x_tilde is None:
        if exact:
            raise ValueError("object (exact) arrays need x_tilde")
        x_tilde = np.linalg.lstsq(A, b, rcond=None)[0]
    rho = b - A @ x_tilde
    I = _eye(d, A) if exact else np.eye(d)
    C = (1 + Delta) * I - step * zeta * H
    e0 = x0 - x_tilde
    m1, m2 = e0.copy(), e0.copy()
    M11 = np.outer(e0, e0)
    M12 = M11.copy()
    M22 = M11.copy()
    Lt = (rho @ rho) / 2
    out = [Lt + np.trace(H @ M11) / 2]
    for _ in range(iters):
        q = ((A @ M11) * A).sum(axis=1) - 2 * rho * (A @ m1) + rho * rho
        Q = zeta * (1 - zeta) * ((A.T * q) @ A)
        CM12 = C @ M12
        M11n = C @ M11 @ C - Delta * (CM12 + CM12.T) + Delta * Delta * M22 + step * step * Q
        # M11 is symmetric in exact arithmetic; re-symmetrise so that round-off cannot excite
        # the (unstable) antisymmetric modes of the linear map on general matrices
        M11n = (M11n + M11n.T) / 2
        M12n = C @ M11 - Delta * M12.T
        M22, M12, M11 = M11, M12n, M11n
        m1, m2 = C @ m1 - Delta * m2, m1
        out.append(Lt + np.trace(H @ M11) / 2)
    return np.array(out, dtype=object if exact else float)


def sgdm_volterra(lam, v0, L_tilde: float, n: int, step, zeta, Delta, iters: int,
                  noise_coefficient: float | None = None) -> np.ndarray:
    """The discrete Volterra equation for batched SGD+M (homogenized noise):
    ``psi(t+1) = L(X^{gd+M}_{t+1}) + sum_{k=0}^t c H(t-k) psi(k)`` with ``c`` =
    ``noise_coefficient`` (default: the generated ``sgdm_noise_coefficient``, ``step^2 zeta (1-zeta)``),
    ``H(s) = (1/n) sum_j lam_j^2 h_{s,j}^2`` (heavy-ball impulse response, ``a_j = 1 + Delta - step
    zeta lam_j``), ``L(X^{gd+M}_t) = L_tilde + 1/2 sum_j lam_j g_{t,j}^2 v0_j^2`` with
    ``g_0 = 1``, ``g_1 = 1 - step zeta lam_j``.  Returns ``psi(0..iters)``."""
    lam = np.asarray(lam, float)
    v0 = np.asarray(v0, float)
    a = 1 + Delta - step * zeta * lam
    h = np.empty((iters + 1, lam.size))
    gdet = np.empty((iters + 1, lam.size))
    h[0] = 1.0
    gdet[0] = 1.0
    if iters >= 1:
        h[1] = a
        gdet[1] = 1 - step * zeta * lam
    for s_ in range(1, iters):
        h[s_ + 1] = a * h[s_] - Delta * h[s_ - 1]
        gdet[s_ + 1] = a * gdet[s_] - Delta * gdet[s_ - 1]
    coef = G.sgdm_noise_coefficient(step, zeta) if noise_coefficient is None else noise_coefficient
    K = coef * (h * h) @ (lam**2) / n
    F = L_tilde + 0.5 * (gdet * gdet) @ (lam * v0 * v0)
    psi = np.empty(iters + 1)
    psi[0] = F[0]
    for t_ in range(iters):
        psi[t_ + 1] = F[t_ + 1] + np.dot(K[t_::-1], psi[: t_ + 1])
    return psi


def sgdm_kernel_mass(lam, n: int, step, zeta, Delta) -> float:
    """``sum_s step^2 zeta(1-zeta) H(s)``: the total mass of the discrete Volterra kernel (the
    generating function of :func:`sgdm_rates` at ``q = 1``)."""
    lam = np.asarray(lam, float)
    return float(np.sum(G.sgdm_kernel_mass_term(step, zeta, Delta, lam, n)))


def sgdm_rates(lam, n: int, step, zeta, Delta):
    """``(Lambda, 1/Xi)``: the heavy-ball loss rate ``max_j |z_max(lam_j)|^2`` and the noise rate,
    ``Xi`` the root in ``(1, 1/Lambda)`` of ``sum_s step^2 zeta(1-zeta) H(s) q^s = 1`` (generating
    function of :func:`derivations.volterra.ar2_square_generating_function`); ``1/Xi = Lambda``
    is returned when the kernel generating function stays below 1 up to ``q -> 1/Lambda``."""
    from scipy.optimize import brentq

    lam = np.asarray(lam, float)
    a = 1 + Delta - step * zeta * lam
    disc = a * a - 4 * Delta
    rad = np.where(disc >= 0, (np.abs(a) + np.sqrt(np.clip(disc, 0, None))) / 2, np.sqrt(Delta))
    Lam = float(np.max(rad) ** 2)

    coef = G.sgdm_noise_coefficient(step, zeta)

    def mass(q):
        return coef * np.sum(lam**2 * G.ar2_sq_genfun(a, Delta, q)) / n

    if mass(1.0) >= 1:
        return Lam, np.inf
    hi = 1.0 / Lam
    q_hi = None
    for k in range(1, 60):  # approach the singularity 1/Lambda from below
        q = 1.0 + (hi - 1.0) * (1.0 - 2.0**-k)
        mq = mass(q)
        if not np.isfinite(mq) or mq < 0:
            break
        if mq >= 1:
            q_hi = q
            break
    if q_hi is None:
        return Lam, Lam
    Xi = brentq(lambda q: mass(q) - 1, 1.0, q_hi, xtol=1e-15, rtol=1e-14)
    return Lam, 1.0 / Xi


# --------------------------------------------------------------- shared datasets and helpers
def frac_problem():
    """A tiny rational instance ``(A, b, x0)`` (``n = 3``, ``d = 2``, object arrays of
    :class:`fractions.Fraction`) for exact enumeration checks."""
    from fractions import Fraction as F

    A = np.array([[F(1), F(2)], [F(-1), F(1, 2)], [F(0), F(3, 2)]], dtype=object)
    b = np.array([F(1), F(0), F(-2)], dtype=object)
    x0 = np.array([F(1, 3), F(-1)], dtype=object)
    return A, b, x0


def frac_solve(M, rhs):
    """Solve ``M x = rhs`` exactly for object arrays of Fractions (SymPy LU); returns Fractions."""
    from fractions import Fraction

    import sympy as sp

    sol = sp.Matrix(M.tolist()).LUsolve(sp.Matrix(rhs.tolist()))
    return np.array([Fraction(int(sp.fraction(v)[0]), int(sp.fraction(v)[1])) for v in sol], dtype=object)


def spike_spectrum(d: int, kappa: float, low: float = 1.0, high: float = 3.0) -> np.ndarray:
    """``d`` eigenvalues: ``d - 1`` evenly in ``[low, high]`` and one spike ``kappa`` (so
    ``lam_max / lam_min = kappa``); the spectra of the ICR sweep."""
    lam = np.linspace(low, high, d)
    lam[-1] = kappa
    return lam


def sgdm_enumerate_expected_loss(A, b, x0, step, zeta, Delta, iters: int):
    """Brute force for batched SGD+M: the probability-weighted average of ``L(x_k)`` over all
    ``2^(n k)`` Bernoulli(``zeta``) batch sequences, ``k = 0..iters`` (exact in the array's
    arithmetic; ``Fraction`` object arrays give exact rationals).  Exponential cost."""
    from fractions import Fraction
    from itertools import product

    A, b, x0 = _check_matrix(A, b, x0)
    n = A.shape[0]
    states = [(Fraction(1), x0, x0)]
    out = []
    for k in range(iters + 1):
        out.append(sum(p * ((A @ x - b) @ (A @ x - b)) / 2 for p, x, _ in states))
        if k == iters:
            break
        nxt = []
        for p, x, xp in states:
            for mask in product((0, 1), repeat=n):
                pm = Fraction(1)
                for m_ in mask:
                    pm *= zeta if m_ else 1 - zeta
                grad = sum((A[i] * (A[i] @ x - b[i]) for i in range(n) if mask[i]), np.zeros_like(x))
                nxt.append((p * pm, x + Delta * (x - xp) - step * grad, x))
        states = nxt
    return out


# ------------------------------------------------------ single-sample SGD+M (vanishing batch)
def sgdm_single_exact_expected_loss(A, b, x0, step, theta, iters: int, record_every: int = 1) -> np.ndarray:
    """Exact ``E L(x_k)``, ``k = 0, r, 2r, ..``, for single-sample SGD+M (``delta = 0``):
    ``y_k = (1 - theta) y_{k-1} + step * grad f_{i_k}(x_k)``, ``x_{k+1} = x_k - y_k``, ``y_{-1} = 0``,
    ``i_k`` uniform on ``{1..n}`` with replacement, ``f_i = 1/2 (a_i x - b_i)^2`` (sum scaling:
    ``E grad f_i = grad L / n``).

    Moments of ``(e_k, e_{k-1})`` (``e = x - x_tilde``, ``x_tilde`` the least-squares solution of
    minimal norm, ``A^T rho = 0`` for ``rho = b - A x_tilde``): with ``Dl = 1 - theta``,
    ``C = (1 + Dl) I - (step/n) H`` and the conditional covariance of ``grad f_i``,
    ``Q = (1/n) A^T diag(E (a_i e - rho_i)^2) A - (1/n^2) H M11 H``:
    ``M11' = C M11 C - Dl (C M12 + M12^T C) + Dl^2 M22 + step^2 Q``, ``M12' = C M11 - Dl M12^T``,
    ``M22' = M11``; ``E L = L(x_tilde) + 1/2 tr(H M11)``.  float64.
    """
    A, b, x0 = _check_matrix(A, b, x0)
    n, d = A.shape
    if not 0 < theta <= 1 or iters < 0 or record_every < 1:
        raise ValueError("need 0 < theta <= 1, iters >= 0, record_every >= 1")
    Dl = 1.0 - theta
    H = A.T @ A
    x_tilde = np.linalg.lstsq(A, b, rcond=None)[0]
    rho = b - A @ x_tilde
    C = (1 + Dl) * np.eye(d) - (step / n) * H
    e0 = x0 - x_tilde
    m1, m2 = e0.copy(), e0.copy()
    M11 = np.outer(e0, e0)
    M12 = M11.copy()
    M22 = M11.copy()
    Lt = float(rho @ rho) / 2
    out = [Lt + np.trace(H @ M11) / 2]
    for k in range(1, iters + 1):
        q = ((A @ M11) * A).sum(axis=1) - 2 * rho * (A @ m1) + rho * rho
        Q = ((A.T * q) @ A) / n - (H @ M11 @ H) / n**2
        CM12 = C @ M12
        M11n = C @ M11 @ C - Dl * (CM12 + CM12.T) + Dl * Dl * M22 + step * step * Q
        M11n = (M11n + M11n.T) / 2
        M12n = C @ M11 - Dl * M12.T
        M22, M12, M11 = M11, M12n, M11n
        m1, m2 = C @ m1 - Dl * m2, m1
        if k % record_every == 0:
            out.append(Lt + np.trace(H @ M11) / 2)
    return np.array(out)


def homogenized_quadratic_means(A, b, x0, delta: float, gamma, t_grid, stats) -> dict[str, np.ndarray]:
    """``E q(X_t)`` under (corrected) homogenized SGD for quadratic statistics
    ``q(x) = 1/2 x^T Q x + g^T x + c``, given as ``stats = {name: (Q, g, c)}``; also ``"psi"``.

    ``E X_t`` is gradient flow of ``f`` at time ``Gamma(t)`` and ``Cov X_t`` is diagonal in ``H``'s
    eigenbasis with ``Var_i' = -rate_i Var_i + source_i psi``, ``Var_i(0) = 0``, the rate and the
    source the generated ``mode_decay_rate`` and ``mode_variance_source`` (derived by Itô's formula),
    ``psi = L(X^gf_Gamma) + 1/2 sum_i lam_i Var_i``.  So ``E q = q(E X) + 1/2 sum_i (U^T Q U)_ii Var_i``.
    DOP853, rtol 1e-10.  Sum scaling as everywhere in this module."""
    from scipy.integrate import solve_ivp

    A, b, x0 = _check_matrix(A, b, x0)
    S = spectral(A, b, x0, delta)
    _, U = np.linalg.eigh(A.T @ A)
    g, _ = _gamma_fn(gamma)
    lam, n = S.lam, S.n
    rate1 = G.mode_decay_rate(1.0, lam, delta)
    src1 = G.mode_variance_source(1.0, lam, n)
    t_grid = np.asarray(t_grid, dtype=float)

    def rhs(tt, y):
        Gm, V = y[0], y[1:]
        gt = float(g(np.asarray(tt)))
        psi = gradient_flow_loss(S, Gm) + 0.5 * float(lam @ V)
        return np.concatenate(([gt], -gt * rate1 * V + gt * gt * src1 * psi))

    sol = solve_ivp(rhs, (0.0, float(t_grid[-1])), np.zeros(lam.size + 1), method="DOP853", t_eval=t_grid,
                    rtol=1e-10, atol=1e-13)
    if not sol.success:  # pragma: no cover
        raise RuntimeError(sol.message)
    Gm, V = sol.y[0], sol.y[1:]
    out = {"psi": gradient_flow_loss(S, Gm) + 0.5 * (lam @ V)}
    v = np.exp(-np.multiply.outer(Gm, lam + delta)) * S.v0  # (times, d) eigen-coordinates of E X - x_tilde
    mean_x = (v + S.xt) @ U.T
    for name, (Q, gv, c) in stats.items():
        Qe = np.einsum("ji,jk,ki->i", U, Q, U)
        quad = 0.5 * np.einsum("ti,ij,tj->t", mean_x, Q, mean_x) + mean_x @ gv + c
        out[name] = quad + 0.5 * (V.T @ Qe)
    return out


def sgd_simulate(A, b, x0, delta: float, gamma: float, steps: int, replicas: int, seed: int) -> np.ndarray:
    """Simulate single-sample SGD (``i_k`` uniform with replacement, constant ``gamma``,
    ``f_i = 1/2 (a_i x - b_i)^2 + delta/(2n) ||x||^2``) for ``replicas`` independent runs in
    lockstep; returns the final iterates, shape ``(replicas, d)``.  Seeded (numpy PCG64)."""
    A, b, x0 = _check_matrix(A, b, x0)
    n, d = A.shape
    rng = np.random.default_rng(seed)
    X = np.tile(np.asarray(x0, float), (replicas, 1))
    for _ in range(steps):
        idx = rng.integers(0, n, size=replicas)
        Ai = A[idx]
        res = np.einsum("rd,rd->r", Ai, X) - b[idx]
        X = X - gamma * (Ai * res[:, None] + (delta / n) * X)
    return X
