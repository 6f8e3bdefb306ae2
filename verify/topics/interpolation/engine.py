r"""Exact expectations for mini-batch SGD on an interpolating least-squares problem.

Model (paper 000, update (4)): rows :math:`x_i` of ``X`` (n × d), :math:`H = X^\top X / n`
(mean), :math:`H_m = \frac1m\sum_{j} x^{(j)}x^{(j)\top}` with indices i.i.d. uniform
**with replacement**, :math:`e_{t+1} = (I - \eta H_m) e_t` where :math:`e_t = w_t - w^*`.

The second moment :math:`\Sigma_t = E[e_t e_t^\top]` obeys (derived for a symbolic batch size
in :func:`derivations.interpolation.derive.second_moment_step` and evaluated here through the
generated :func:`verify.generated.interpolation.sigma_next`: one source for the formula)

.. math:: \Sigma_{t+1} = \Sigma_t - \eta(H\Sigma_t + \Sigma_t H)
          + \eta^2\Big[\tfrac1m \tfrac1n\sum_i (x_i^\top\Sigma_t x_i)\, x_i x_i^\top
          + (1 - \tfrac1m) H\Sigma_t H\Big],

so :math:`E\|e_t\|^2 = \operatorname{tr}\Sigma_t` and
:math:`E\mathcal L(w_t) = \operatorname{tr}(H\Sigma_t)` (the paper's loss (3) is the
*mean* of squared residuals, so :math:`\mathcal L(w) = e^\top H e`).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from verify.generated import interpolation as G

__all__ = ["enumerate_moments", "random_instance", "second_moment_curve", "spectrum"]


def _check(X, eta, m, T):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a non-empty (n, d) matrix, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise ValueError(f"batch size m must be an integer >= 1, got {m!r}")
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"step size eta must be > 0, got {eta!r}")
    if not (isinstance(T, (int, np.integer)) and T >= 0):
        raise ValueError(f"T must be an integer >= 0, got {T!r}")
    return X


def second_moment_curve(X, eta: float, m: int, e0, T: int, stop_loss_below: float | None = None,
                        noise_factor: float = 1.0):
    """Exact ``(E||e_t||^2, E L(w_t))`` for t = 0..T (float64 arrays of length T+1).

    With ``stop_loss_below``, the recursion stops at the first t with
    ``E L(w_t) <= stop_loss_below`` and the arrays end there (length t+1).
    ``noise_factor`` multiplies the with-replacement noise constant 1/m; it is 1 for the
    model and exists only to plant a known error when measuring the harness's power
    (``benchmarks/false_alarm.py``).
    """
    X = _check(X, eta, m, T)
    n, d = X.shape
    e0 = np.asarray(e0, dtype=np.float64).reshape(d)
    H = X.T @ X / n
    S = np.outer(e0, e0)
    dist = np.empty(T + 1)
    loss = np.empty(T + 1)
    for t in range(T + 1):
        dist[t] = np.trace(S)
        loss[t] = np.sum(H * S)
        if t == T or (stop_loss_below is not None and loss[t] <= stop_loss_below):
            return dist[: t + 1], loss[: t + 1]
        q = np.sum((X @ S) * X, axis=1)  # x_i^T S x_i
        XSX = (X * q[:, None]).T @ X / n
        HS = H @ S
        S = G.sigma_next(S, HS, S @ H, noise_factor * XSX, HS @ H, m, eta)
        S = 0.5 * (S + S.T)
    return dist, loss


def enumerate_moments(X, eta, m: int, e0, T: int, with_loss: bool = False):
    """Exact ``E||e_T||^2`` by enumerating all n^(mT) index sequences (Fractions).

    For tests and exact evidence on tiny problems: entries of ``X``, ``eta``, ``e0``
    may be ints or Fractions; the result is an exact Fraction.  With ``with_loss``, returns
    ``(E||e_T||^2, E L(w_T))`` with the paper's loss (3), the *mean* of the squared residuals
    ``L(w) = (1/n) sum_i (x_i^T e)^2`` (interpolation: ``y_i = x_i^T w*``).

    This follows update (4) sample path by sample path (no moment formula): it is the
    independent reference the recursion is compared with.
    """
    X = [[Fraction(v) for v in row] for row in X]
    n, d = len(X), len(X[0])
    eta = Fraction(eta)
    total = Fraction(0)
    total_loss = Fraction(0)
    e0 = [Fraction(v) for v in e0]
    for seq in itertools.product(range(n), repeat=m * T):
        e = list(e0)
        for t in range(T):
            batch = seq[t * m:(t + 1) * m]
            g = [Fraction(0)] * d
            for i in batch:
                r = sum(X[i][k] * e[k] for k in range(d))
                for k in range(d):
                    g[k] += X[i][k] * r
            e = [e[k] - eta * g[k] / m for k in range(d)]
        total += sum(v * v for v in e)
        if with_loss:
            total_loss += sum(sum(X[i][k] * e[k] for k in range(d)) ** 2 for i in range(n)) / n
    norm = Fraction(n) ** (m * T)
    if with_loss:
        return total / norm, total_loss / norm
    return total / norm


def spectrum(X):
    """Eigenvalues of H = X^T X / n, descending."""
    X = np.asarray(X, dtype=np.float64)
    return np.sort(np.linalg.eigvalsh(X.T @ X / X.shape[0]))[::-1]


def random_instance(n: int, d: int, beta: float, seed: int, equal_norms: bool = False):
    """A random dataset with ||x_i||^2 <= beta (== beta if ``equal_norms``); rows x_i."""
    if n < 1 or d < 1:
        raise ValueError("n and d must be >= 1")
    if not beta > 0:
        raise ValueError("beta must be > 0")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(1.0, 0.2, d)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    scale = np.sqrt(beta) / norms
    if not equal_norms:
        scale = scale * rng.uniform(0.5, 1.0, size=(n, 1))
    return X * scale
