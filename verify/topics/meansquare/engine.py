r"""The exact mean-square dynamics of mini-batch SGD on least squares, matrix-free.

Model and conventions: paper 000's (see :mod:`derivations.meansquare.derive`): rows
:math:`x_i` of the feature matrix X (n x d), :math:`H = X^\top X/n` (mean),
:math:`\beta = \max_i \|x_i\|^2`, batches of m indices drawn **with replacement**, step
:math:`\eta` on the *mean* batch gradient, loss :math:`\mathcal L(w) = e^\top He` (the mean of the
squared residuals, interpolation).  The second moment :math:`\Sigma_t = E[e_te_t^\top]` obeys
:math:`\Sigma_{t+1} = T(\Sigma_t)` with the generated
:func:`verify.generated.meansquare.T_apply`

.. math:: T(S) = S - \eta(HS + SH) + \eta^2[M(S)/m + (1-1/m)HSH],\quad
          M(S) = \tfrac1n\textstyle\sum_i (x_i^\top Sx_i)x_ix_i^\top .

Everything is computed in the eigenbasis of H restricted to range(H) (rank r): directions in
null(H) never move and carry no loss.  One application of T costs about :math:`4nr^2` flops.

Write :math:`T = I - \eta A + \eta^2 B`, :math:`A(S) = HS + SH`, :math:`B(S) = M(S)/m + (1-1/m)HSH`.
T is self-adjoint for :math:`\langle S,S'\rangle = \operatorname{tr}(SS')` and maps PSD to PSD
(:math:`T(S) = E[P_bSP_b]`), so its spectral radius is its largest eigenvalue, attained at a
PSD matrix (Krein-Rutman), and :math:`\eta \mapsto \rho(T_\eta)` is convex (a maximum of the
convex quadratics :math:`\langle S,T_\eta S\rangle`).  Hence

* :math:`\rho(T_\eta) < 1 \iff \eta B \prec A`, so the exact stability limit is
  :math:`\eta_{\rm crit}(m) = 1/\lambda_{\max}(A^{-1/2}BA^{-1/2})` (one Lanczos run;
  :math:`A^{-1/2}` is diagonal in the eigenbasis: :math:`S_{ij}/\sqrt{\lambda_i+\lambda_j}`);
* :math:`\eta_{\rm opt}(m) = \arg\min_\eta \rho(T_\eta)` is a one-dimensional convex problem.
* :math:`\rho(T_\eta)` itself: in the eigenbasis :math:`T = D + kWW^\top` (an entrywise factor plus
  a rank-n term), so its top eigenvalue is the root of an n x n secular equation, found by
  Newton's method (:func:`_rho_secular`; Lanczos when n is large or no root lies above max D).

BLAS runs single-threaded inside these functions (``threads``): on a loaded shared machine two
BLAS threads were measured 100x slower than one for these matrix sizes.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np

from verify.generated import interpolation as P0
from verify.generated import meansquare as G

__all__ = ["Problem", "apply_T", "step_map", "rho", "eta_crit", "eta_opt", "loss_curve", "iterations_to",
           "best_step_for_target", "dense_T", "dense_rho", "eigenpro2_step", "sklearn_extra_step",
           "advise", "exact_loss_fractions", "THREADS"]

#: BLAS threads inside the engine (see the module docstring)
THREADS = 1


@contextmanager
def _blas():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a declared dependency
        yield
        return
    with threadpool_limits(THREADS):
        yield


@dataclass
class Problem:
    """A least-squares problem in the eigenbasis of H (restricted to range(H)).

    ``X`` rows are the examples (n x d).  ``lam`` (r,) the positive eigenvalues of
    ``H = X^T X / n`` in decreasing order (those above ``rtol * lam1``), ``V`` (d x r) their
    eigenvectors, ``U = X V`` (n x r) the rows in that basis, ``beta = max ||x_i||^2``.
    """

    X: np.ndarray
    rtol: float = 1e-10
    n: int = field(init=False)
    d: int = field(init=False)
    lam: np.ndarray = field(init=False)
    V: np.ndarray = field(init=False)
    U: np.ndarray = field(init=False)
    beta: float = field(init=False)

    def __post_init__(self) -> None:
        X = np.asarray(self.X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise ValueError(f"features must be a non-empty (n, d) matrix, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("features must be finite (no NaN or inf)")
        self.X = X
        self.n, self.d = X.shape
        with _blas():
            if self.d <= self.n:
                w, V = np.linalg.eigh(X.T @ X / self.n)
            else:  # the Gram side is smaller: H's positive eigenpairs from X X^T / n
                w, Uq = np.linalg.eigh(X @ X.T / self.n)
                V = X.T @ Uq
            order = np.argsort(w)[::-1]
            w, V = w[order], V[:, order]
            if not w[0] > 0:
                raise ValueError("the features are all zero: H has no positive eigenvalue")
            keep = w > self.rtol * w[0]
            w, V = w[keep], V[:, keep]
            V = V / np.linalg.norm(V, axis=0, keepdims=True)
            self.lam, self.V = w, V
            self.U = X @ V
        self.beta = float(np.max(np.sum(X * X, axis=1)))

    @property
    def r(self) -> int:
        return len(self.lam)

    @property
    def lam1(self) -> float:
        return float(self.lam[0])

    @property
    def lamr(self) -> float:
        """The smallest positive eigenvalue of H (paper 000's lambda_n on range(H))."""
        return float(self.lam[-1])

    def M(self, S: np.ndarray) -> np.ndarray:
        """M(S) = (1/n) sum_i (u_i^T S u_i) u_i u_i^T in the eigenbasis."""
        U = self.U
        q = np.sum((U @ S) * U, axis=1)
        return (U.T * q) @ U / self.n

    def isotropic_start(self) -> np.ndarray:
        """Sigma_0 = I on range(H) (e_0 with identity covariance, projected)."""
        return np.eye(self.r)

    def start_from(self, e0) -> np.ndarray:
        """Sigma_0 = e0 e0^T for a given start error e0 = w0 - w* (d,), in the eigenbasis."""
        c = self.V.T @ np.asarray(e0, dtype=np.float64).reshape(self.d)
        return np.outer(c, c)


def _check_m_eta(m, eta=None):
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"batch size m must be an integer >= 1, got {m!r}")
    if eta is not None and not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"step size eta must be a finite number > 0, got {eta!r}")


def apply_T(p: Problem, S: np.ndarray, m: int, eta: float) -> np.ndarray:
    """One exact step of the second moment, in the eigenbasis of H: T(S)."""
    L = p.lam
    HS = L[:, None] * S
    SH = S * L[None, :]
    return G.T_apply(S, HS, SH, p.M(S), L[:, None] * S * L[None, :], m, eta)


def _coefficients(p: Problem, m: int, eta: float) -> tuple[np.ndarray, float]:
    """``(C, k)`` with ``T(S) = C * S + k M(S)`` in the eigenbasis, from the generated T_apply
    (see :func:`step_map`)."""
    _check_m_eta(m, eta)
    L = p.lam
    Li, Lj = L[:, None] * np.ones((1, p.r)), np.ones((p.r, 1)) * L[None, :]
    C = G.T_apply(np.ones((p.r, p.r)), Li, Lj, np.zeros((p.r, p.r)), Li * Lj, m, eta)
    k = float(G.T_apply(0.0, 0.0, 0.0, 1.0, 0.0, m, eta))
    return C, k


def step_map(p: Problem, m: int, eta: float) -> Callable[[np.ndarray], np.ndarray]:
    """T for one ``(m, eta)`` as a function of S, the generated :func:`T_apply` evaluated once.

    T_apply is linear in its matrix arguments and, in the eigenbasis, HS, SH and HSH are S
    times lambda_i, lambda_j and lambda_i lambda_j entrywise, so
    ``T(S) = C * S + k M(S)`` with ``C = T_apply(1, lambda_i, lambda_j, 0, lambda_i lambda_j)``
    and ``k = T_apply(0, 0, 0, 1, 0)`` (= eta^2/m): the same map as :func:`apply_T` (tested
    against it), without re-validating five r x r arrays at every step of a long run."""
    C, k = _coefficients(p, m, eta)
    U, n = p.U, p.n

    def T(S: np.ndarray) -> np.ndarray:
        q = np.einsum("ij,ij->i", U @ S, U)
        return C * S + (U.T * (k * q / n)) @ U

    return T


def _rho_secular(p: Problem, m: int, eta: float) -> tuple[float, np.ndarray] | None:
    """The top eigenpair of T on symmetric matrices from its structure, or None.

    ``T = D + k W W^T``: D multiplies entry (i, j) by ``C_ij`` and the columns of W are
    ``vec(u_a u_a^T)/sqrt(n)`` (M(S) = (1/n) sum_a <u_a u_a^T, S> u_a u_a^T).  An eigenvalue
    ``mu > max C`` has the eigenvector ``(mu - D)^{-1} W c`` with ``(k W^T (mu - D)^{-1} W) c = c``,
    so ``mu`` is the root of ``f(mu) = lambda_max(K(mu)) - 1``, ``K(mu) = k W^T (mu - D)^{-1} W``
    (n x n).  f is decreasing on ``(max C, inf)`` (a sum of ``w w^T/(mu - d)``), below 0 at
    ``mu_hi = max C + k lambda_max(W^T W)``; each step goes to the root of the model
    ``a/(mu - max C) + b`` fitted to the value and slope (as LAPACK's dlaed4 does), kept inside
    the bracket the sign of f maintains (else Newton on 1/lambda_max - 1, else bisection).  The root is the top eigenvalue whenever it exists; None
    (the caller falls back to Lanczos) when f stays below 0 just above max C."""
    C, k = _coefficients(p, m, eta)
    U, n, r = p.U, p.n, p.r
    Pf = (U[:, :, None] * U[:, None, :]).reshape(n, r * r)  # row a: vec(u_a u_a^T)
    Cf = C.ravel()
    dmax = float(Cf.max())

    def f_df(mu):
        G_ = 1.0 / (mu - Cf)
        K = (Pf * G_) @ Pf.T * (k / n)
        w, V = np.linalg.eigh(K)
        c = V[:, -1]
        v = Pf.T @ c
        return w[-1] - 1.0, -(k / n) * float(np.sum(G_ * G_ * v * v)), c, G_

    gram = (U @ U.T) ** 2 / n
    mu = dmax + k * float(np.linalg.eigvalsh(gram)[-1]) * (1 + 1e-12) + 1e-300
    tiny = dmax + 64 * np.finfo(float).eps * max(abs(dmax), 1.0)
    f0 = f_df(tiny)[0]
    if not f0 > 0:
        return None
    # safeguarded by the bracket [lo, hi] that f's sign maintains
    lo, hi = tiny, mu
    for _ in range(200):
        f, df, c, G_ = f_df(mu)
        if not (np.isfinite(f) and np.isfinite(df)) or df >= 0:
            return None
        if abs(f) <= 1e-14:  # lambda_max(K) = 1 to rounding: mu is the eigenvalue
            break
        if f > 0:
            lo = max(lo, mu)
        else:
            hi = min(hi, mu)
        # model lambda_max(K) near the largest pole as a/(mu - dmax) + b (matching value and
        # slope here) and step to the model's root (LAPACK dlaed4's idea); then Newton on
        # 1/lambda - 1; then bisection
        a = -df * (mu - dmax) ** 2
        b = f + 1.0 - a / (mu - dmax)
        new = dmax + a / (1.0 - b) if b < 1.0 else math.nan
        if not lo <= new <= hi:
            lam = f + 1.0
            new = mu - (1.0 / lam - 1.0) / (-df / lam**2)
        if not lo <= new <= hi:
            new = 0.5 * (lo + hi)
        if abs(new - mu) <= 4 * np.finfo(float).eps * abs(mu) or hi - lo <= 4 * np.finfo(float).eps * abs(mu):
            mu = new
            break
        mu = new
    else:
        return None
    f, df, c, G_ = f_df(mu)
    S = ((Pf.T @ c) * G_).reshape(r, r)
    S = 0.5 * (S + S.T)
    return float(mu), S / np.linalg.norm(S)


def _sym(v, r):
    S = v.reshape(r, r)
    return 0.5 * (S + S.T)


def _top_eig(matvec, r, v0=None, tol=1e-10):
    """Largest eigenvalue (and eigenvector, r x r) of a self-adjoint map on symmetric r x r
    matrices; dense for tiny r, Lanczos (ARPACK) otherwise."""
    N = r * r
    if N <= 64:
        D = np.empty((N, N))
        for k in range(N):
            e = np.zeros(N)
            e[k] = 1.0
            D[:, k] = matvec(e)
        # keep the symmetric subspace only: project the basis
        Psym = np.zeros((N, N))
        for k in range(N):
            e = np.zeros(N)
            e[k] = 1.0
            Psym[:, k] = _sym(e, r).ravel()
        w, Q = np.linalg.eigh(0.5 * (Psym @ D @ Psym + (Psym @ D @ Psym).T))
        # drop the antisymmetric null space: choose the largest eigenvalue whose vector is symmetric
        return float(w[-1]), _sym(Q[:, -1], r)
    from scipy.sparse.linalg import LinearOperator, eigsh

    op = LinearOperator((N, N), matvec=matvec, dtype=np.float64)
    if v0 is not None:
        v0 = np.asarray(v0, dtype=np.float64).ravel()
    else:  # a fixed start (ARPACK's own is random per process: results would differ in the last bits)
        v0 = _sym(np.random.default_rng(0).standard_normal(N), r).ravel()
    w, vec = eigsh(op, k=1, which="LA", v0=v0, tol=tol, ncv=min(N - 1, 40), maxiter=20000)
    return float(w[0]), _sym(vec[:, 0], r)


def rho(p: Problem, m: int, eta: float, v0=None) -> tuple[float, np.ndarray]:
    """``(rho(T), S)``: the spectral radius of T on symmetric matrices (= its largest
    eigenvalue, T being self-adjoint and PSD-preserving) and a top eigenvector S (r x r)."""
    _check_m_eta(m, eta)
    r = p.r
    with _blas():
        if p.n <= 512:  # the secular equation (n x n eigenproblems) when n is small
            got = _rho_secular(p, m, eta)
            if got is not None:
                return got
        T = step_map(p, m, eta)
        return _top_eig(lambda v: T(_sym(v, r)).ravel(), r, v0)


def eta_crit(p: Problem, m: int) -> float:
    """The exact stability limit sup{eta : rho(T_eta) < 1} = 1 / lambda_max(A^{-1/2} B A^{-1/2})."""
    _check_m_eta(m)
    r, L = p.r, p.lam
    sq = np.sqrt(L[:, None] + L[None, :])
    c = 1.0 / m

    def mv(v):
        S = _sym(v, r) / sq
        B = c * p.M(S) + (1 - c) * (L[:, None] * S * L[None, :])
        return (B / sq).ravel()

    with _blas():
        mu, _ = _top_eig(mv, r)
    return 1.0 / mu


def _cut(p: Problem, S: np.ndarray, m: int) -> tuple[float, float]:
    """For a unit symmetric S: (<S, A S>, <S, B S>) -- the quadratic 1 - eta a + eta^2 b is a
    lower bound on rho(T_eta) for every eta, touching it where S is a top eigenvector."""
    L = p.lam
    S = S / np.linalg.norm(S)
    a = float(np.sum((L[:, None] + L[None, :]) * S * S))
    b = float(np.sum(S * p.M(S)) / m + (1 - 1 / m) * np.sum(S * (L[:, None] * S * L[None, :])))
    return a, b


def eta_opt(p: Problem, m: int, crit: float | None = None, gap: float = 1e-9,
            max_evals: int = 60) -> tuple[float, float]:
    """``(eta_opt, rho_opt)``: the constant step minimising the asymptotic mean-square rate
    rho(T_eta) on (0, eta_crit).

    Cutting planes with quadratic cuts: every top eigenvector S found at some eta gives the
    quadratic lower bound ``1 - eta <S,AS> + eta^2 <S,BS> <= rho(T_eta)`` (Rayleigh quotient),
    exact at that eta.  The maximum of the cuts is a convex lower model; its minimiser is the
    next eta.  Stops when the best rho found exceeds the model's minimum by less than ``gap``
    (so ``rho_opt`` is certified to within ``gap``)."""
    _check_m_eta(m)
    crit = eta_crit(p, m) if crit is None else crit
    cuts: list[tuple[float, float]] = []
    best = (math.inf, math.nan)
    v = None
    grid = np.linspace(0.0, crit, 4001)[1:]
    eta = 0.5 * crit
    for _ in range(max_evals):
        val, S = rho(p, m, eta, v0=v)
        v = S
        if val < best[0]:
            best = (val, eta)
        cuts.append(_cut(p, S, m))
        A_ = np.array(cuts)
        model = np.max(1 - np.outer(grid, A_[:, 0]) + np.outer(grid**2, A_[:, 1]), axis=1)
        k = int(np.argmin(model))
        lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        fine = np.linspace(lo, hi, 2001)
        fmodel = np.max(1 - np.outer(fine, A_[:, 0]) + np.outer(fine**2, A_[:, 1]), axis=1)
        j = int(np.argmin(fmodel))
        if best[0] - fmodel[j] < gap:
            break
        eta = float(fine[j])
    return best[1], best[0]


def loss_curve(p: Problem, m: int, eta: float, T: int, Sigma0=None, stop_below: float | None = None,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Exact ``E L(w_t) = tr(H Sigma_t)`` for t = 0..T (stops at the first t with
    ``E L <= stop_below`` when given).  ``Sigma0`` defaults to the isotropic start."""
    _check_m_eta(m, eta)
    S = p.isotropic_start() if Sigma0 is None else np.asarray(Sigma0, dtype=np.float64)
    out = []
    step = step_map(p, m, eta)
    with _blas():
        for t in range(T + 1):
            L = float(np.dot(p.lam, np.diag(S)))
            out.append(L)
            if t == T or (stop_below is not None and L <= stop_below) or not np.isfinite(L):
                break
            S = step(S)
            S = 0.5 * (S + S.T)
            if progress is not None and t % 50 == 0:
                progress(t)
    return np.array(out)


def iterations_to(p: Problem, m: int, eta: float, eps: float, Sigma0=None, t_max: int = 100000,
                  progress=None) -> int | None:
    """The exact number of iterations to reach ``E L(w_t) <= eps * L(w_0)`` (None if not
    reached within ``t_max`` or if the recursion diverges)."""
    if not 0 < eps < 1:
        raise ValueError(f"the target eps must be in (0, 1), got {eps!r}")
    S0 = p.isotropic_start() if Sigma0 is None else Sigma0
    L0 = float(np.dot(p.lam, np.diag(S0)))
    curve = loss_curve(p, m, eta, t_max, S0, stop_below=eps * L0, progress=progress)
    return int(len(curve) - 1) if curve[-1] <= eps * L0 else None


def best_step_for_target(p: Problem, m: int, eps: float, crit: float, Sigma0=None, t_max: int = 100000,
                         candidates=(), evals: int = 12) -> tuple[float, int | None]:
    """The constant step minimising the exact iterations to ``E L <= eps L0``: golden-section
    search of t(eta) on (0, eta_crit) after evaluating ``candidates`` (e.g. the peers' steps),
    so the result is never worse than any candidate.  Each run stops once it exceeds the best
    count so far (it cannot win).  Returns ``(eta, t)`` (t None if nothing reached eps)."""
    best = [math.nan, None]

    def t_of(e):
        if not 0 < e < crit:
            return math.inf
        lim = t_max if best[1] is None else best[1]
        t = iterations_to(p, m, e, eps, Sigma0, lim)
        if t is not None and (best[1] is None or t < best[1] or (t == best[1] and e < best[0])):
            best[0], best[1] = e, t
        return math.inf if t is None else t

    for e in candidates:
        t_of(float(e))
    gr = (math.sqrt(5) - 1) / 2
    a, b = 0.0, crit
    x1, x2 = b - gr * (b - a), a + gr * (b - a)
    f1, f2 = t_of(x1), t_of(x2)
    for _ in range(max(evals - 2, 0)):
        if f1 <= f2:
            b, x2, f2 = x2, x1, f1
            x1 = b - gr * (b - a)
            f1 = t_of(x1)
        else:
            a, x1, f1 = x1, x2, f2
            x2 = a + gr * (b - a)
            f2 = t_of(x2)
    return best[0], best[1]


# ---------------------------------------------------------------- independent dense reference
def dense_T(X, m: int, eta: float) -> np.ndarray:
    """The d^2 x d^2 matrix of T acting on vec(S) (row-major), built directly from the
    definition E[(I - eta H_m) S (I - eta H_m)] with Kronecker products in the original
    coordinates (no eigenbasis, no generated code): for tests and claims on small cases."""
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    I = np.eye(d)
    H = X.T @ X / n
    Q = sum(np.kron(np.outer(x, x), np.outer(x, x)) for x in X) / n  # E[X1 (x) X1]
    HH = np.kron(H, H)
    # vec(A S B) = (A (x) B^T) vec(S) in row-major order
    E_PP = (np.kron(I, I) - eta * (np.kron(H, I) + np.kron(I, H))
            + eta**2 * (Q / m + (1 - 1 / m) * HH))
    return E_PP


def dense_rho(X, m: int, eta: float) -> float:
    """Spectral radius of :func:`dense_T` restricted to symmetric matrices supported on
    range(H): all eigenvalues, moduli, maximum (independent of the matrix-free engine)."""
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    H = X.T @ X / n
    w, V = np.linalg.eigh(H)
    Vr = V[:, w > 1e-10 * w.max()]
    r = Vr.shape[1]
    # basis of symmetric r x r matrices Vr E Vr^T, orthonormal in Frobenius
    basis = []
    for i in range(r):
        for j in range(i, r):
            E = np.zeros((r, r))
            if i == j:
                E[i, i] = 1.0
            else:
                E[i, j] = E[j, i] = 1 / math.sqrt(2)
            basis.append((Vr @ E @ Vr.T).ravel())
    Bm = np.array(basis).T  # d^2 x k
    Tm = Bm.T @ dense_T(X, m, eta) @ Bm
    return float(np.max(np.abs(np.linalg.eigvals(Tm))))


def exact_loss_fractions(X, m: int, eta, Sigma0, T: int) -> list[Fraction]:
    """Exact E L(w_t), t = 0..T, in rational arithmetic from the definition
    E[(I - eta H_m) S (I - eta H_m)] = S - eta(HS + SH) + eta^2 [M(S)/m + (1-1/m) HSH] in the
    original coordinates (entries of X, eta, Sigma0 ints or Fractions); FLINT's exact
    rational matrices (``fmpq_mat``)."""
    import flint

    def q(v) -> "flint.fmpq":
        v = Fraction(v)
        return flint.fmpq(v.numerator, v.denominator)

    rows = [[q(v) for v in row] for row in X]
    n, d = len(rows), len(rows[0])
    Xm = flint.fmpq_mat(n, d, [v for row in rows for v in row])
    Xt = Xm.transpose()
    eta = q(eta)
    S = flint.fmpq_mat(d, d, [q(v) for row in Sigma0 for v in row])
    H = Xt * Xm * flint.fmpq(1, n)
    a, b = eta * eta / m, eta * eta * (1 - flint.fmpq(1, m))

    out = []
    for t in range(T + 1):
        HS = H * S
        tr = sum((HS[i, i] for i in range(d)), flint.fmpq(0))
        out.append(Fraction(int(tr.p), int(tr.q)))
        if t == T:
            break
        SH = S * H
        XS = Xm * S  # row k: x_k^T S
        D = flint.fmpq_mat(n, n)
        for k in range(n):  # q_k = x_k^T S x_k
            D[k, k] = sum((XS[k, j] * Xm[k, j] for j in range(d)), flint.fmpq(0)) / n
        MS = Xt * D * Xm
        S = S - (HS + SH) * eta + MS * a + HS * H * b
    return out


# ---------------------------------------------------------------- the peers' step rules
def eigenpro2_step(m: int, beta: float, lam1: float) -> float:
    """EigenPro 2's step for batch size m without preconditioning (EigenPro/EigenPro-pytorch,
    eigenpro2/models.py, ``KernelModel._compute_opt_params``): ``m / beta`` when
    ``m < beta/lam1 + 1``, else ``0.99 * 2m / (beta + (m-1) lam1)``; the step multiplies the
    mean batch gradient (the code divides eta by bs before summing the batch)."""
    if m < beta / lam1 + 1:
        return m / beta
    return 0.99 * 2 * m / (beta + (m - 1) * lam1)


def sklearn_extra_step(m: int, beta: float, lam1: float, n: int) -> float:
    """scikit-learn-extra's EigenPro step (sklearn_extra/kernel_methods/_eigenpro.py,
    ``BaseEigenPro._initialize_params``): ``m / beta`` when ``m < beta/lam1 + 1``, else
    ``2m / (beta + (m-1) lam1)`` when ``m < n``, else ``0.95 * 2 / lam1`` (mean gradient)."""
    if m < beta / lam1 + 1:
        return m / beta
    if m < n:
        return 2 * m / (beta + (m - 1) * lam1)
    return 0.95 * 2 / lam1


# ---------------------------------------------------------------- the advice
def paper_steps(p: Problem, m: int) -> dict:
    """Paper 000's steps and rates for this problem (generated formulas)."""
    b, l1, lr = p.beta, p.lam1, p.lamr
    out = {"eta_1": float(P0.eta_1(m, b, l1)), "eta_star": float(P0.eta_star(m, b, l1, lr)),
           "g_star": float(P0.g_star(m, b, l1, lr)), "s": float(P0.s(m, b, l1, lr))}
    # eta-hat needs lam_n <= beta/n (tr H <= beta over n eigenvalues): true when rank = n
    out["eta_hat"] = float(P0.eta_hat(m, b, l1, p.n))
    return out


def advise(p: Problem, ms, eps: float = 1e-2, Sigma0=None, t_max: int = 100000,
           progress: Callable[[str, float], None] | None = None) -> dict:
    """Per batch size: the paper's steps, EigenPro's, the exact stability limit, the optimal
    step and rate, iterations to ``E L <= eps L0`` at eta_opt / eta* / EigenPro 2's step,
    the predicted s(m) and the exact speed-ups; then m* and the exact critical batch size."""
    ms = [int(x) for x in ms]
    rows = []
    steps = len(ms) * 2 + 1
    done = 0

    def tick(msg):
        nonlocal done
        done += 1
        if progress is not None:
            progress(msg, done / steps)

    for m in ms:
        crit = eta_crit(p, m)
        e_opt, r_opt = eta_opt(p, m, crit)
        tick(f"m = {m}: eta_opt")
        ps = paper_steps(p, m)
        ep = eigenpro2_step(m, p.beta, p.lam1)
        t_star = iterations_to(p, m, ps["eta_star"], eps, Sigma0, t_max) if ps["eta_star"] < crit else None
        t_ep = iterations_to(p, m, ep, eps, Sigma0, t_max) if ep < crit else None
        e_t, t_t = best_step_for_target(p, m, eps, crit, Sigma0, t_max,
                                        candidates=[e for e in (ps["eta_star"], ep, e_opt) if e < crit])
        t_opt = iterations_to(p, m, e_opt, eps, Sigma0, t_max)
        tick(f"m = {m}: iterations")
        rows.append(dict(m=m, eta_1=ps["eta_1"], eta_star=ps["eta_star"], eta_hat=ps["eta_hat"],
                         eta_eigenpro2=ep, eta_crit=crit, eta_opt=e_opt, rho_opt=r_opt,
                         g_star=ps["g_star"], eta_target=e_t, iterations_target=t_t,
                         iterations_opt=t_opt, iterations_eta_star=t_star, iterations_eigenpro2=t_ep,
                         s=ps["s"]))
    r1 = eta_opt(p, 1)[1] if 1 not in ms else rows[ms.index(1)]["rho_opt"]
    if 1 in ms:
        t1 = rows[ms.index(1)]["iterations_target"]
    else:
        c1 = eta_crit(p, 1)
        t1 = best_step_for_target(p, 1, eps, c1, Sigma0, t_max, candidates=[paper_steps(p, 1)["eta_star"]])[1]
    for row in rows:
        row["speedup_exact"] = (t1 / row["iterations_target"]) if (t1 and row["iterations_target"]) else None
        row["speedup_rate"] = math.log(row["rho_opt"]) / math.log(r1)
    r_inf = float(G.rho_gd(p.lam1, p.lamr)) if p.lam1 > p.lamr else 0.0
    tick("critical batch size")
    m_star = float(P0.m_star(p.beta, p.lam1, p.lamr)) if p.lam1 > p.lamr else math.inf
    crit_b = float(G.critical_batch(r1, r_inf)) if 0 < r_inf < 1 and r1 < 1 else math.inf
    return {"n": p.n, "d": p.d, "rank": p.r, "beta": p.beta, "lam1": p.lam1, "lamn": p.lamr,
            "eps": eps, "m_star": m_star, "rho_opt_inf": r_inf, "eta_opt_inf": float(G.eta_gd(p.lam1, p.lamr)),
            "critical_batch_exact": crit_b, "rows": rows}
