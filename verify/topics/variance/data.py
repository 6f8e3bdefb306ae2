"""Datasets and settings shared by the claims, the Monte-Carlo experiment and the book (paper 001).

Exact rationals throughout (the linear-regression engine works in ``fractions.Fraction``).
"""

from __future__ import annotations

import random
from fractions import Fraction as F
from functools import lru_cache

from verify.topics.variance.engine import LinRegData

__all__ = ["datasets", "diabetes_data", "mid_data", "paper_alphas", "small_data"]


@lru_cache(maxsize=None)
def small_data() -> LinRegData:
    """n = 5, p = 2, rational: small enough to enumerate every batch sequence."""
    X = [[F(1), F(1, 2)], [F(-1, 2), F(2)], [F(3, 2), F(-1)], [F(0), F(1)], [F(-1), F(-3, 2)]]
    y = [F(1), F(-1, 2), F(2), F(0), F(-3, 2)]
    return LinRegData.from_arrays(X, y)


@lru_cache(maxsize=None)
def mid_data(seed: int = 7) -> LinRegData:
    """n = 9, p = 3, entries k/4 from a seeded generator."""
    rng = random.Random(seed)
    X = [[F(rng.randint(-6, 6), 4) for _ in range(3)] for _ in range(9)]
    y = [F(rng.randint(-6, 6), 4) for _ in range(9)]
    return LinRegData.from_arrays(X, y)


@lru_cache(maxsize=None)
def diabetes_data(decimals: int = 2, rows: int | None = None) -> LinRegData:
    """The diabetes data (442 x 10, :func:`verify.core.datasets.diabetes`), features and target standardised (mean 0, sd 1),
    rounded to ``decimals`` decimals so that the data are exact rationals ``k / 10^decimals``."""
    import numpy as np

    from verify.core.datasets import diabetes

    X, y = diabetes()
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    if rows is not None:
        X, y = X[:rows], y[:rows]
    s = 10**decimals
    Xr = [[F(int(np.rint(v * s)), s) for v in r] for r in X]
    yr = [F(int(np.rint(v * s)), s) for v in y]
    return LinRegData.from_arrays(Xr, yr)


def paper_alphas(T: int) -> list[F]:
    """The paper's schedule alpha_t = 1/(2t), t = 1, 2, ... (0-based here: 1/(2(t+1)))."""
    return [F(1, 2 * (t + 1)) for t in range(T)]


def datasets(full: bool = False):
    """(name, data, w0, alphas, T) settings decided by the claims (diabetes t=20 when ``full``)."""
    out = [
        ("small n=5 p=2", small_data(), [F(1), F(-1)], [F(1, 3)] * 20, 20),
        ("mid n=9 p=3", mid_data(), [F(1, 2), F(-1), F(1)], paper_alphas(20), 20),
        ("diabetes n=442 p=10", diabetes_data(), [F(0)] * 10, paper_alphas(6), 6),
    ]
    if full:  # the slow exact case (about 10-20 s): slow tests and the benchmark
        out[-1] = ("diabetes n=442 p=10", diabetes_data(), [F(0)] * 10, paper_alphas(20), 20)
    return out
