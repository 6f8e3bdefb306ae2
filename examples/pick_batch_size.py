"""Pick a batch size and a step size for a least-squares or kernel problem.

Uses only ``verify.generated.interpolation`` (numpy; no SymPy, no torch) and numpy:

1. β = max_i ||x_i||² (the per-sample bound of paper 000, squared-norm form);
2. λ1 = the top eigenvalue of H = XᵀX/n by power iteration (matrix-free);
3. m* = β/(λ1 − λn) + 1 (eq. (14)) and, for each candidate m, the λn-free step η̂(m)
   (Theorem 5) and the predicted speed-up s(m) = t(1)/t(m) (eq. (13)).

λn is usually unknown and tiny; the formulas are used in the λn ≪ λ1 regime with
λn = ``lamn_fraction`` · λ1 (default 1e-9), which changes none of the printed digits.

Run:  python examples/pick_batch_size.py            (scikit-learn digits, Gaussian kernel)
      python examples/pick_batch_size.py data.npy   (rows x_i of a least-squares problem)
"""

from __future__ import annotations

import sys

import numpy as np

from verify.generated.interpolation import eta_hat, m_star, s

__all__ = ["advise", "top_eigenvalue"]


def top_eigenvalue(X: np.ndarray, iters: int = 500, tol: float = 1e-10, seed: int = 0) -> float:
    """λ1 of H = XᵀX/n by power iteration (matrix-free: two products with X per step)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or min(X.shape) < 1:
        raise ValueError(f"X must be a non-empty (n, d) matrix, got shape {X.shape}")
    v = np.random.default_rng(seed).standard_normal(X.shape[1])
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(iters):
        w = X.T @ (X @ v) / X.shape[0]
        new = float(np.linalg.norm(w))
        if new == 0.0:
            return 0.0
        v = w / new
        if abs(new - lam) <= tol * new:
            return new
        lam = new
    return lam


def advise(X: np.ndarray, candidates=(1, 2, 4, 8, 16, 32, 64, 128, 256), lamn_fraction: float = 1e-9):
    """Return β, λ1, m* and rows (m, η̂(m), s(m), s(m)/m) for the candidate batch sizes."""
    X = np.asarray(X, dtype=np.float64)
    beta = float(np.max(np.sum(X**2, axis=1)))
    lam1 = top_eigenvalue(X)
    lamn = lamn_fraction * lam1
    n = X.shape[0]
    mstar = float(m_star(beta, lam1, lamn))
    rows = []
    for m in candidates:
        sm = float(s(m, beta, lam1, lamn))
        rows.append((m, float(eta_hat(m, beta, lam1, n)), sm, sm / m))
    return beta, lam1, mstar, rows


def _digits_kernel(n: int = 500, sigma: float = 1.5) -> np.ndarray:
    from sklearn.datasets import load_digits

    Z = load_digits().data[:n] / 16.0
    sq = np.sum(Z**2, 1)
    K = np.exp(-(sq[:, None] + sq[None, :] - 2 * Z @ Z.T) / (2 * sigma**2))
    w, V = np.linalg.eigh(K)
    return (V * np.sqrt(np.clip(w, 0, None))) @ V.T  # rows φ_i with ||φ_i||² = K(x_i, x_i) = 1


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        try:
            X = np.load(argv[1])
        except (OSError, ValueError) as e:
            print(f"pick_batch_size: error: cannot read {argv[1]!r}: {e}", file=sys.stderr)
            return 2
        name = argv[1]
    else:
        X, name = _digits_kernel(), "scikit-learn digits (n = 500), Gaussian kernel sigma = 1.5"
    beta, lam1, mstar, rows = advise(X)
    print(f"data: {name}")
    print(f"beta = max ||x_i||^2 = {beta:.4g}, lambda_1 = {lam1:.4g}, critical batch size m* = {mstar:.1f}")
    print(f"{'m':>5} {'step eta_hat(m)':>16} {'speed-up s(m)':>14} {'s(m)/m':>8}")
    for m, eta, sm, eff in rows:
        print(f"{m:>5} {eta:>16.4g} {sm:>14.3f} {eff:>8.3f}")
    best = max((r for r in rows if r[3] >= 0.5), key=lambda r: r[0])
    print(f"advice: m = {best[0]} (largest candidate keeping >= 50% per-sample efficiency), "
          f"step {best[1]:.4g}, predicted {best[2]:.1f}x fewer iterations than m = 1")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
