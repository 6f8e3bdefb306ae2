r"""Data sets and random test matrices for paper 004 (shared by claims, Monte-Carlo and tests).

The diabetes data are shipped with the core (:mod:`verify.core.datasets`; no scikit-learn needed).

Scaling: the least-squares risk is a **mean**, :math:`f(\theta) = \frac1{2n}\sum_i
(x_i^T\theta - y_i)^2`; :math:`\sigma^2` (``LeastSquares.sigma2``) is the covariance of
**one** per-example gradient at the minimum.  Every random function takes a numpy
``Generator`` (or a seed): no hidden global state.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from verify.core import datasets
from verify.topics.stationary.engine import LeastSquares, least_squares_problem

__all__ = ["diabetes_data", "diabetes_problem", "gaussian_problem", "random_psd", "random_spd"]


def random_spd(rng: np.random.Generator, p: int, lo: float = 0.05, hi: float = 5.0) -> np.ndarray:
    """A random p x p symmetric positive definite matrix: Haar-random eigenvectors,
    eigenvalues log-uniform in [lo, hi] (condition number at most hi/lo)."""
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    lam = np.exp(rng.uniform(np.log(lo), np.log(hi), p))
    return (Q * lam) @ Q.T


def random_psd(rng: np.random.Generator, p: int, rank: int | None = None) -> np.ndarray:
    """A random p x p positive semidefinite matrix B B^T / p of the given rank (default p)."""
    B = rng.standard_normal((p, rank or p))
    return B @ B.T / p


def gaussian_problem(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The Monte-Carlo's Gaussian-noise quadratic: p = 5, H with eigenvalues 0.2, 0.5, 1, 2, 4
    in random eigenvectors and sigma^2 = B B^T / p, not simultaneously diagonal."""
    rng = np.random.default_rng(seed)
    p = 5
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    lam = np.array([0.2, 0.5, 1.0, 2.0, 4.0])
    H = (Q * lam) @ Q.T
    B = rng.standard_normal((p, p))
    S = B @ B.T / p
    return (H + H.T) / 2, (S + S.T) / 2


def diabetes_data() -> tuple[np.ndarray, np.ndarray]:
    """The diabetes data, unscaled (:func:`verify.core.datasets.diabetes`)."""
    return datasets.diabetes()


@cache
def diabetes_problem(interpolating: bool = False) -> LeastSquares:
    """The diabetes regression (:func:`diabetes_data`), features and target standardised
    (mean 0, variance 1, divisor n; no intercept is needed after centring).  ``interpolating``:
    the target replaced by the least-squares fit, so the minimum interpolates (sigma^2 = 0)."""
    X, y = diabetes_data()
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    if interpolating:
        theta = np.linalg.lstsq(X, y, rcond=None)[0]
        y = X @ theta
    return least_squares_problem(X, y)


# age sex bmi bp s1 s2 s3 s4 s5 s6 target (scikit-learn's diabetes_data_raw.csv.gz, diabetes_target.csv.gz)
