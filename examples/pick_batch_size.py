"""Pick a batch size and a step size for a least-squares or kernel problem.

Uses only ``verify.generated.interpolation`` (numpy; no SymPy, no torch) and numpy:

1. β = max_i ||x_i||² (the per-sample bound of paper 000, squared-norm form);
2. λ1 = the top eigenvalue of H = XᵀX/n by power iteration (matrix-free);
3. m* = β/(λ1 − λn) + 1 (eq. (14)) and, for each candidate m, the λn-free step η̂(m)
   (Theorem 5) and the predicted speed-up s(m) = t(1)/t(m) (eq. (13)).

λn is usually unknown and tiny; the formulas are used in the λn ≪ λ1 regime with
λn = ``lamn_fraction`` · λ1 (default 1e-9), which changes none of the printed digits.

The advice is the largest candidate m whose per-sample efficiency s(m)/m is at least
``--min-efficiency`` (default 1/2).  It is usually larger than m*: m* is where linear scaling
*ends* (s(m) ≈ m below it), and past m* the efficiency decays gradually, so in a batch a few
times m* each example is still worth at least half an example at m = 1.  For the exact mean-square dynamics
(exact stability limit, best step, iterations to a target) use ``batchproof advise``.

Run:  python examples/pick_batch_size.py              (scikit-learn digits, Gaussian kernel)
      python examples/pick_batch_size.py rows.npy     (rows x_i of a least-squares problem)
      python examples/pick_batch_size.py rows.csv --candidates 1,4,16,64 --min-efficiency 0.8
      python examples/pick_batch_size.py --help
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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


class BadInput(Exception):
    """A file or argument the example cannot use: one line, exit 2."""


def load_rows(path: str) -> np.ndarray:
    """The rows x_i from a ``.npy`` file (a 2-d numeric array, no pickles) or a ``.csv`` file
    (comma-separated numbers, one row per example; a non-numeric first line is a header)."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{path!r} is not a file" if p.exists() else f"{path!r} does not exist")
    suffix = p.suffix.lower()
    try:
        if suffix == ".npy":
            X = np.load(p, allow_pickle=False)
        elif suffix == ".csv":
            try:
                X = np.loadtxt(p, delimiter=",", ndmin=2)
            except ValueError:  # a header line
                X = np.loadtxt(p, delimiter=",", ndmin=2, skiprows=1)
        else:
            raise BadInput(f"{path!r}: expected a .npy or .csv file of rows x_i")
    except BadInput:
        raise
    except (OSError, ValueError, EOFError) as e:
        kind = "a .npy array" if suffix == ".npy" else "comma-separated numbers"
        raise BadInput(f"cannot read {path!r} as {kind}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise BadInput(f"{path!r}: expected numbers, got an array of dtype {X.dtype}")
    if X.ndim == 1:
        raise BadInput(f"{path!r}: expected a 2-d array of rows x_i, got a 1-d array of length {X.shape[0]} "
                       f"(for one feature per example save X.reshape(-1, 1))")
    if X.ndim != 2 or min(X.shape) < 1:
        raise BadInput(f"{path!r}: expected a non-empty 2-d array of rows x_i, got shape {X.shape}")
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise BadInput(f"{path!r}: the rows contain NaN or inf")
    if not np.any(X):
        raise BadInput(f"{path!r}: every entry is zero (no curvature: no step size to advise)")
    return X


def _candidates(s: str) -> tuple[int, ...]:
    try:
        out = tuple(int(v) for v in s.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected batch sizes like 1,2,4,8, got {s!r}") from None
    if not out or min(out) < 1 or max(out) > 2**31 - 1:
        raise argparse.ArgumentTypeError(f"batch sizes must be positive integers below 2**31, got {s!r}")
    return tuple(sorted(set(out)))


def _fraction(s: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {s!r}") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {s!r}")
    return v


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise BadInput(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="pick_batch_size.py", description=__doc__.split("\n\n")[0],
                epilog="exit codes: 0 advice printed; 2 unusable file or argument (one line on stderr)")
    p.add_argument("rows", nargs="?", metavar="FILE",
                   help=".npy (2-d array) or .csv (comma-separated, one row x_i per line); default: "
                        "scikit-learn's digits with a Gaussian kernel (needs scikit-learn)")
    p.add_argument("--candidates", type=_candidates, default=(1, 2, 4, 8, 16, 32, 64, 128, 256),
                   metavar="1,2,4,...", help="batch sizes to consider (default powers of 2 up to 256)")
    p.add_argument("--min-efficiency", type=_fraction, default=0.5, metavar="E",
                   help="advise the largest m with s(m)/m >= E (default 0.5)")
    p.add_argument("--lamn-fraction", type=_fraction, default=1e-9, metavar="F",
                   help="lambda_n = F lambda_1 (lambda_n is usually unknown and tiny; default 1e-9)")
    return p


def main(argv: list[str]) -> int:
    """``argv`` as in ``sys.argv`` (the program name first)."""
    try:
        args = build_parser().parse_args(argv[1:])
        if args.rows is not None:
            X, name = load_rows(args.rows), args.rows
        else:
            try:
                X = _digits_kernel()
            except ImportError:
                raise BadInput("no FILE given and scikit-learn (for the default digits data) is not "
                               "installed; pass a .npy or .csv file of rows") from None
            name = "scikit-learn digits (n = 500), Gaussian kernel sigma = 1.5"
    except BadInput as e:
        print(f"pick_batch_size: error: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    beta, lam1, mstar, rows = advise(X, args.candidates, args.lamn_fraction)
    print(f"data: {name} ({X.shape[0]} rows x {X.shape[1]} features)")
    print(f"beta = max ||x_i||^2 = {beta:.4g}, lambda_1 = {lam1:.4g}, critical batch size m* = {mstar:.1f}")
    print(f"{'m':>5} {'step eta_hat(m)':>16} {'speed-up s(m)':>14} {'s(m)/m':>8}")
    for m, eta, sm, eff in rows:
        print(f"{m:>5} {eta:>16.4g} {sm:>14.3f} {eff:>8.3f}")
    kept = [r for r in rows if r[3] >= args.min_efficiency]
    if not kept:
        print(f"advice: none of the candidates keeps s(m)/m >= {args.min_efficiency:g}; m = 1 is the most "
              f"efficient per sample")
        return 0
    best = max(kept, key=lambda r: r[0])
    print(f"advice: m = {best[0]} (the largest candidate with per-sample efficiency s(m)/m >= "
          f"{args.min_efficiency:g}), step {best[1]:.4g}, predicted {best[2]:.1f}x fewer iterations than m = 1")
    if best[0] > mstar:
        print(f"why not m* = {mstar:.1f}: m* is where linear scaling ends (s(m) is close to m below it); past it "
              f"the efficiency decays gradually, and at m = {best[0]} each example is still worth {best[3]:.0%} of "
              f"an example at m = 1 (--min-efficiency sets the threshold)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
