"""Features for the exact mean-square engine: files, scikit-learn's bundled datasets, kernels.

Conventions (paper 000's, as in :mod:`verify.topics.interpolation`): one row per example,
the loss is the *mean* of the squared residuals, ``beta = max_i ||x_i||^2`` is computed from
the rows as given (no rescaling of the rows).  A scikit-learn dataset's columns are scaled by
their largest absolute value (digits: pixels / 16, the interpolation topic's scaling;
constant-zero columns stay zero).  With a Gaussian kernel of bandwidth S,
``K_ij = exp(-||z_i - z_j||^2 / (2 S^2))`` and the features are the rows of ``K^{1/2}``
(so ``||x_i||^2 = K_ii = 1 = beta`` and H has the eigenvalues of K / n: kernel SGD in
coordinates).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from verify.core.errors import InputError

__all__ = ["DATASETS", "load_features", "sklearn_dataset", "gaussian_kernel_features", "subsample",
           "kernel_problem_features", "clustered_points"]

#: scikit-learn's bundled (offline) datasets
DATASETS = ("digits", "diabetes", "iris", "breast_cancer", "wine", "linnerud")


def load_features(path) -> np.ndarray:
    """A feature matrix from ``.npy`` (a 2-d numeric array) or ``.csv`` (numbers separated by
    commas, one row per example; a first line that is not numeric is taken as a header)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"features file {str(p)!r} does not exist")
    if p.is_dir():
        raise InputError(f"features file {str(p)!r} is a folder")
    suffix = p.suffix.lower()
    try:
        if suffix == ".npy":
            X = np.load(p, allow_pickle=False)
        elif suffix == ".csv":
            X = _read_csv(p)
        else:
            raise InputError(f"features file {str(p)!r}: expected a .npy or .csv file")
    except InputError:
        raise
    except (OSError, ValueError, EOFError) as e:
        raise InputError(f"cannot read features file {str(p)!r}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    return _validate(X, str(p))


def _read_csv(p: Path) -> np.ndarray:
    text = p.read_text(encoding="utf-8", errors="strict").splitlines()
    rows = [ln for ln in text if ln.strip()]
    if not rows:
        raise InputError(f"features file {str(p)!r} is empty")
    out = []
    for k, ln in enumerate(rows):
        try:
            out.append([float(v) for v in ln.split(",")])
        except ValueError:
            if k == 0:
                continue  # a header
            raise InputError(f"features file {str(p)!r}, line {k + 1}: not a comma-separated list of numbers") from None
    if not out:
        raise InputError(f"features file {str(p)!r} has no numeric rows")
    if len({len(r) for r in out}) != 1:
        raise InputError(f"features file {str(p)!r}: rows have different lengths")
    return np.array(out, dtype=np.float64)


def _validate(X, what: str) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise InputError(f"{what}: features must be numeric, got dtype {X.dtype}")
    if X.ndim != 2:
        raise InputError(f"{what}: features must be a 2-d array (one row per example), got {X.ndim}-d")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise InputError(f"{what}: features are empty (shape {X.shape})")
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise InputError(f"{what}: features contain NaN or inf")
    if not np.any(X):
        raise InputError(f"{what}: every feature is zero")
    return X


def sklearn_dataset(name: str) -> np.ndarray:
    """The data matrix of a scikit-learn bundled dataset, columns scaled by their max |value|."""
    if name not in DATASETS:
        raise InputError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    try:
        from sklearn import datasets as skd
    except ImportError:
        raise InputError("--dataset needs scikit-learn (pip install 'batchproof[harness]')") from None
    Z = np.asarray(getattr(skd, f"load_{name}")().data, dtype=np.float64)
    scale = np.max(np.abs(Z), axis=0)
    scale[scale == 0] = 1.0
    return Z / scale


def subsample(Z: np.ndarray, n: int | None, seed: int = 0) -> np.ndarray:
    """``n`` rows drawn without replacement (all rows, in order, when n is None or >= len)."""
    if n is None or n >= len(Z):
        return Z
    rng = np.random.default_rng(seed)
    return Z[rng.choice(len(Z), size=n, replace=False)]


def gaussian_kernel_features(Z: np.ndarray, bandwidth: float) -> np.ndarray:
    """Rows of ``K^{1/2}``, ``K_ij = exp(-||z_i - z_j||^2 / (2 bandwidth^2))`` (symmetric
    square root; negative round-off eigenvalues clipped to 0)."""
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise InputError(f"--bandwidth must be a positive number, got {bandwidth!r}")
    Z = np.asarray(Z, dtype=np.float64)
    sq = np.sum(Z**2, 1)
    D = np.maximum(sq[:, None] + sq[None, :] - 2 * Z @ Z.T, 0.0)
    K = np.exp(-D / (2 * bandwidth**2))
    w, V = np.linalg.eigh(K)
    return (V * np.sqrt(np.clip(w, 0, None))) @ V.T


def clustered_points(n: int, dim: int, clusters: int, spread: float, seed: int) -> np.ndarray:
    """Synthetic points in ``clusters`` Gaussian clusters (numpy only: for claims that must
    not need scikit-learn)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 1, size=(clusters, dim))
    lab = rng.integers(0, clusters, size=n)
    return centres[lab] + spread * rng.standard_normal((n, dim))


def kernel_problem_features(n: int = 48, dim: int = 8, clusters: int = 6, spread: float = 0.15,
                            bandwidth: float = 0.5, seed: int = 0) -> np.ndarray:
    """A Gaussian-kernel problem on clustered synthetic points (rows of K^{1/2}, beta = 1)."""
    return gaussian_kernel_features(clustered_points(n, dim, clusters, spread, seed), bandwidth)
