r"""Matrix-valued numerics for paper 004 (stationary covariance of SGD), numpy/scipy only.

Conventions (state them, they are the trap): the risk f is a **mean** over examples,
:math:`\sigma^2` is the covariance of **one** per-example gradient (population
covariance, divisor n), a mini-batch gradient is the **mean** of m per-example
gradients drawn **with replacement** (covariance :math:`\sigma^2/m`), the SGD step is
:math:`\theta \leftarrow \theta - \delta\,\hat g`.  Every stationary quantity here is a
second moment of :math:`e = \theta - \theta^*`; the excess loss of a quadratic f is
:math:`\tfrac12 e^THe`.

The SymPy derivations in :mod:`derivations.stationary.derive` are the reference: every closed
form evaluated here comes from their generated checkers (:mod:`verify.generated.stationary`:
the eigenbasis entry of the Lyapunov solution, the predictions (12) and (13)); the checks in
:mod:`verify.topics.stationary.claims` compare these functions against them.
Bad input raises ``ValueError`` with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from verify.generated import stationary as GEN

__all__ = [
    "LeastSquares",
    "as_psd",
    "as_spd",
    "eq12_prediction",
    "eq13_prediction",
    "gaussian_discrete_cov",
    "gaussian_discrete_loss",
    "gaussian_loss_trajectory",
    "least_squares_problem",
    "ls_breakdown_delta",
    "ls_loss_trajectory",
    "ls_one_step",
    "ls_operator",
    "ls_stability_limit",
    "ls_stationary_cov",
    "ls_stationary_loss",
    "lyapunov_continuous",
    "lyapunov_eigen",
    "relative_error_sde",
    "sde_breakdown_delta",
]


# --- validation ------------------------------------------------------------------
def _as_square(a, name: str) -> np.ndarray:
    try:
        A = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real square matrix") from None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be finite")
    return A


def _symmetric(A: np.ndarray, name: str) -> np.ndarray:
    scale = max(1.0, float(np.max(np.abs(A))))
    if np.max(np.abs(A - A.T)) > 1e-12 * scale:
        raise ValueError(f"{name} must be symmetric")
    return (A + A.T) / 2


def as_spd(H, name: str = "H") -> np.ndarray:
    """Validate a symmetric positive definite matrix (``ValueError`` otherwise)."""
    A = _symmetric(_as_square(H, name), name)
    if np.min(np.linalg.eigvalsh(A)) <= 0:
        raise ValueError(f"{name} must be positive definite")
    return A


def as_psd(S, name: str = "sigma2", p: int | None = None) -> np.ndarray:
    """Validate a symmetric positive semidefinite matrix (tolerance: 1e-12 of its norm)."""
    A = _symmetric(_as_square(S, name), name)
    if p is not None and A.shape[0] != p:
        raise ValueError(f"{name} must be {p} x {p}, got {A.shape}")
    ev = np.linalg.eigvalsh(A)
    if ev.min() < -1e-12 * max(1.0, abs(ev).max()):
        raise ValueError(f"{name} must be positive semidefinite")
    return A


def _pos(x, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {x!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {x!r}")
    return v


def _batch(m) -> int:
    if isinstance(m, bool) or int(m) != m or m < 1:
        raise ValueError(f"batch size m must be a positive integer, got {m!r}")
    return int(m)


# --- continuous time: the Lyapunov equation (11) and predictions (12), (13) --------
def lyapunov_continuous(H, S) -> np.ndarray:
    r"""Γ with :math:`\Gamma H + H\Gamma = S` (Bartels–Stewart via scipy).

    H symmetric positive definite, S symmetric positive semidefinite (σ² of one example)."""
    H = as_spd(H)
    S = as_psd(S, "sigma2", H.shape[0])
    import scipy.linalg as sla  # imported where used: the claim registry loads this module

    G = sla.solve_continuous_lyapunov(H, S)
    return (G + G.T) / 2


def lyapunov_eigen(H, S) -> np.ndarray:
    r"""Γ from the eigenbasis closed form :math:`\Gamma = U[\tilde s_{ij}/(\lambda_i+\lambda_j)]U^T`."""
    H = as_spd(H)
    S = as_psd(S, "sigma2", H.shape[0])
    lam, U = np.linalg.eigh(H)
    St = U.T @ S @ U
    return U @ GEN.lyapunov_eigen_entry(St, lam[:, None], lam[None, :]) @ U.T


def eq12_prediction(S, delta, m) -> float:
    r"""(12) at stationarity, as derived (:func:`verify.generated.stationary.eq12_excess_loss`):
    :math:`E f - f^* = \frac{\delta}{4m}\operatorname{tr}\sigma^2`."""
    S = as_psd(S)
    return float(GEN.eq12_excess_loss(_pos(delta, "delta"), _batch(m), float(np.trace(S))))


def eq13_prediction(H, S, delta, m) -> float:
    r"""(13) at stationarity, as derived (:func:`verify.generated.stationary.eq13_excess_grad_sq`):
    :math:`E|\nabla f|^2 = \frac{\delta}{2m}\operatorname{tr}(\sigma^2H)`."""
    H = as_spd(H)
    S = as_psd(S, "sigma2", H.shape[0])
    tr = max(float(np.trace(S @ H)), 0.0)  # tr(PSD PD) >= 0; clip round-off
    return float(GEN.eq13_excess_grad_sq(_pos(delta, "delta"), _batch(m), tr))


# --- discrete time, Gaussian noise --------------------------------------------------
def _stable_delta(H: np.ndarray, delta: float) -> None:
    lmax = float(np.max(np.linalg.eigvalsh(H)))
    if delta * lmax >= 2:
        raise ValueError(f"delta * lambda_max = {delta * lmax:.4g} >= 2: the recursion is unstable")


def gaussian_discrete_cov(H, S, delta, m) -> np.ndarray:
    r"""Stationary :math:`P = E[ee^T]` of :math:`e_{k+1} = (I-\delta H)e_k +
    (\delta/\sqrt m)\varepsilon_k`, :math:`\operatorname{cov}\varepsilon = \sigma^2`:
    the discrete Lyapunov equation :math:`P = APA + \frac{\delta^2}{m}\sigma^2`."""
    H = as_spd(H)
    S = as_psd(S, "sigma2", H.shape[0])
    delta = _pos(delta, "delta")
    m = _batch(m)
    _stable_delta(H, delta)
    A = np.eye(H.shape[0]) - delta * H
    import scipy.linalg as sla

    P = sla.solve_discrete_lyapunov(A, delta**2 / m * S)
    return (P + P.T) / 2


def gaussian_discrete_loss(H, S, delta, m) -> float:
    r"""Exact stationary excess loss :math:`\tfrac12\operatorname{tr}(HP)` (Gaussian noise)."""
    P = gaussian_discrete_cov(H, S, delta, m)
    return 0.5 * float(np.trace(np.asarray(H, dtype=float) @ P))


def gaussian_loss_trajectory(H, S, delta, m, steps: int, P0=None) -> np.ndarray:
    r"""Exact :math:`E[\tfrac12 e_k^THe_k]` for k = 0..steps (from :math:`E e_0e_0^T = P_0`,
    default 0, :math:`E e_0 = 0`), by iterating the exact second-moment recursion."""
    H = as_spd(H)
    S = as_psd(S, "sigma2", H.shape[0])
    delta, m = _pos(delta, "delta"), _batch(m)
    A = np.eye(H.shape[0]) - delta * H
    P = np.zeros_like(H) if P0 is None else as_psd(P0, "P0", H.shape[0])
    Q = delta**2 / m * S
    out = np.empty(steps + 1)
    for k in range(steps + 1):
        out[k] = 0.5 * np.sum(H * P)
        P = A @ P @ A + Q
    return out


def relative_error_sde(H, S, delta, m) -> float:
    """(exact discrete - (12)) / exact discrete, Gaussian noise."""
    ex = gaussian_discrete_loss(H, S, delta, m)
    return (ex - eq12_prediction(S, delta, m)) / ex


def sde_breakdown_delta(H, S, m=1, rel: float = 0.1) -> float:
    r"""The step size δ at which (12) under-predicts the exact discrete stationary loss by
    the fraction ``rel`` (Gaussian noise; the relative error is increasing in δ and does
    not depend on m).  Root of ``relative_error_sde = rel`` on (0, 2/λ_max)."""
    H = as_spd(H)
    S = as_psd(S, "sigma2", H.shape[0])
    if not 0 < rel < 1:
        raise ValueError("rel must lie in (0, 1)")
    if np.trace(S) <= 0:
        raise ValueError("sigma2 must be non-zero")
    dmax = 2 / float(np.max(np.linalg.eigvalsh(H)))
    f = lambda d: relative_error_sde(H, S, d, m) - rel
    from scipy.optimize import brentq

    return float(brentq(f, 1e-12 * dmax, dmax * (1 - 1e-12), xtol=1e-14, rtol=1e-13))


# --- true mini-batch SGD on least squares (noise depends on theta) ------------------
@dataclass(frozen=True)
class LeastSquares:
    r""":math:`f(\theta) = \frac1{2n}\sum_i (x_i^T\theta - y_i)^2` (mean scaling).

    ``H`` = XᵀX/n, ``theta_star`` the minimiser, ``r`` = y − Xθ*, ``sigma2`` =
    :math:`\frac1n\sum r_i^2x_ix_i^T` (per-example gradient covariance at θ*),
    ``f_star`` = f(θ*)."""

    X: np.ndarray
    y: np.ndarray
    H: np.ndarray
    theta_star: np.ndarray
    r: np.ndarray
    sigma2: np.ndarray
    f_star: float
    M4: np.ndarray  # (1/n) sum_i (x_i (x) x_i)(x_i (x) x_i)^T, the p^2 x p^2 fourth-moment matrix

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]


def least_squares_problem(X, y) -> LeastSquares:
    """Build :class:`LeastSquares` (X: n x p full column rank, y: n)."""
    try:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("X and y must be real arrays") from None
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0] or X.shape[0] < 1:
        raise ValueError(f"X must be n x p and y of length n, got {X.shape} and {y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite")
    n = X.shape[0]
    H = X.T @ X / n
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError("X must have full column rank (H positive definite)")
    theta = np.linalg.solve(H, X.T @ y / n)
    r = y - X @ theta
    S = (X * (r**2)[:, None]).T @ X / n
    if X.shape[1] > 40:
        raise ValueError("p > 40: the p^2 x p^2 second-moment operator would be too large")
    Z = np.einsum("ij,ik->ijk", X, X).reshape(n, -1)
    return LeastSquares(X, y, H, theta, r, (S + S.T) / 2, float(np.mean(r**2) / 2), Z.T @ Z / n)


def ls_one_step(prob: LeastSquares, delta, m, P, mu=None) -> np.ndarray:
    r"""Exact :math:`E[e'e'^T]` after one SGD step from :math:`E[ee^T] = P`,
    :math:`E e = \mu` (see :func:`derivations.stationary.ls_one_step_formula`)."""
    delta, m = _pos(delta, "delta"), _batch(m)
    X, H = prob.X, prob.H
    P = np.asarray(P, dtype=np.float64)
    mu = np.zeros(prob.p) if mu is None else np.asarray(mu, dtype=np.float64)
    A = np.eye(prob.p) - delta * H
    q = np.einsum("ij,jk,ik->i", X, P, X)  # x_i^T P x_i
    M = (X * q[:, None]).T @ X / prob.n
    Lm = (X * (prob.r * (X @ mu))[:, None]).T @ X / prob.n
    return A @ P @ A + delta**2 / m * (M - H @ P @ H + prob.sigma2 - Lm - Lm.T)


def ls_operator(prob: LeastSquares, delta, m) -> np.ndarray:
    r"""The linear map :math:`P \mapsto APA + \frac{\delta^2}{m}(M(P) - HPH)` as a
    :math:`p^2\times p^2` matrix acting on row-major ``P.ravel()``:
    :math:`A\otimes A + \frac{\delta^2}{m}(M_4 - H\otimes H)` (A, H symmetric)."""
    delta, m = _pos(delta, "delta"), _batch(m)
    A = np.eye(prob.p) - delta * prob.H
    HH = np.kron(prob.H, prob.H)
    return np.kron(A, A) + delta**2 / m * (prob.M4 - HH)


def _sym_basis(p: int) -> np.ndarray:
    """Orthonormal basis (columns, row-major ravel) of the symmetric p x p matrices."""
    cols = []
    for i in range(p):
        for j in range(i, p):
            E = np.zeros((p, p))
            if i == j:
                E[i, i] = 1.0
            else:
                E[i, j] = E[j, i] = 1 / np.sqrt(2)
            cols.append(E.ravel())
    return np.array(cols).T


def ls_stability_limit(prob: LeastSquares, m) -> float:
    r"""Largest δ for which least-squares SGD (batch m, with replacement) has a finite
    stationary second moment.

    On symmetric matrices :math:`T(\delta) - I = -\delta K_1 + \delta^2K_2` with
    :math:`K_1 = H\otimes I + I\otimes H` and :math:`K_2 = (1-\tfrac1m)H\otimes H +
    \tfrac1m M_4` (positive definite).  T preserves the PSD cone, so (Krein–Rutman) its
    spectral radius is an eigenvalue and first reaches 1 where :math:`K_1v = \delta K_2v`:
    the limit is the smallest positive generalized eigenvalue."""
    m = _batch(m)
    p = prob.p
    B = _sym_basis(p)
    I = np.eye(p)
    HH = np.kron(prob.H, prob.H)
    K1 = B.T @ (np.kron(prob.H, I) + np.kron(I, prob.H)) @ B
    K2 = B.T @ ((1 - 1 / m) * HH + prob.M4 / m) @ B
    import scipy.linalg as sla

    ev = sla.eigvals(K1, K2)
    real = ev[np.abs(ev.imag) <= 1e-9 * np.abs(ev)].real
    pos = real[real > 0]
    if pos.size == 0:  # pragma: no cover - K1, K2 positive definite
        raise ValueError("no stability limit found")
    return float(pos.min())


def ls_stationary_cov(prob: LeastSquares, delta, m) -> np.ndarray:
    """Exact stationary E[e eᵀ] of SGD with replacement (``ValueError`` if it diverges)."""
    delta, m = _pos(delta, "delta"), _batch(m)
    limit = ls_stability_limit(prob, m)
    if delta >= limit:
        raise ValueError(f"second moment diverges at delta={delta} >= stability limit {limit:.6g} (m={m})")
    T = ls_operator(prob, delta, m)
    q = (delta**2 / m * prob.sigma2).ravel()
    P = np.linalg.solve(np.eye(prob.p**2) - T, q).reshape(prob.p, prob.p)
    return (P + P.T) / 2


def ls_stationary_loss(prob: LeastSquares, delta, m) -> float:
    """Exact stationary E f(θ) − f* = ½ tr(H P) of least-squares SGD."""
    return 0.5 * float(np.sum(prob.H * ls_stationary_cov(prob, delta, m)))


def ls_loss_trajectory(prob: LeastSquares, delta, m, steps: int, P0=None) -> np.ndarray:
    """Exact E f(θ_k) − f* for k = 0..steps, from θ_0 with E[e_0 e_0ᵀ] = P0 (default 0), E e_0 = 0."""
    delta, m = _pos(delta, "delta"), _batch(m)
    T = ls_operator(prob, delta, m)
    q = (delta**2 / m * prob.sigma2).ravel()
    P = np.zeros(prob.p**2) if P0 is None else np.asarray(P0, dtype=float).ravel()
    h = prob.H.ravel()
    out = np.empty(steps + 1)
    for k in range(steps + 1):
        out[k] = 0.5 * h @ P
        P = T @ P + q
    return out


def ls_breakdown_delta(prob: LeastSquares, m, rel: float = 0.1) -> float:
    """The step size δ at which (12) under-predicts the exact stationary loss of
    least-squares SGD (batch m, with replacement) by the fraction ``rel``: the root of
    ``1 - (12)/exact - rel`` on (1e-6, stability limit)."""
    m = _batch(m)
    if not 0 < rel < 1:
        raise ValueError("rel must lie in (0, 1)")
    hi = ls_stability_limit(prob, m) * (1 - 1e-6)
    g = lambda d: 1 - eq12_prediction(prob.sigma2, d, m) / ls_stationary_loss(prob, d, m) - rel
    from scipy.optimize import brentq

    return float(brentq(g, 1e-6, hi, xtol=1e-10))
