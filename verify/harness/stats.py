"""Streaming statistics and the Monte-Carlo decision rule shared by every experiment.

Replicas are independent, so a quantity measured on R replicas has a sample mean whose
standard error is ``sd / sqrt(R)``.  Statistics stream (count, sum, sum of squares)
so no trajectory is stored.  A comparison against an exact prediction is a two-sided
z-test; a family of comparisons is controlled with Holm's step-down procedure at
family-wise level ``alpha``.  No tolerance here is a fixed number: every one is a
multiple of a standard error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

__all__ = ["Comparison", "StreamStats", "holm", "z_critical"]


@dataclass
class StreamStats:
    """Running count / sum / sum of squares of a vector of statistics (shape ``shape``).

    Uses float64 and a per-chunk shift (the first chunk's mean) to limit cancellation.
    """

    shape: tuple[int, ...]
    n: int = 0
    shift: np.ndarray | None = None
    s1: np.ndarray = field(init=False)
    s2: np.ndarray = field(init=False)
    s3: np.ndarray = field(init=False)
    mx: np.ndarray = field(init=False)
    mn: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.s1 = np.zeros(self.shape)
        self.s2 = np.zeros(self.shape)
        self.s3 = np.zeros(self.shape)
        self.mx = np.full(self.shape, -np.inf)
        self.mn = np.full(self.shape, np.inf)

    def update(self, x: Any) -> None:
        """Add samples ``x`` of shape ``(k, *shape)`` (k replicas)."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[1:] != tuple(self.shape):
            raise ValueError(f"expected samples of shape (k, {self.shape}), got {x.shape}")
        if self.shift is None:
            self.shift = x.mean(axis=0)
        d = x - self.shift
        self.n += x.shape[0]
        self.s1 += d.sum(axis=0)
        self.s2 += (d * d).sum(axis=0)
        self.s3 += (d * d * d).sum(axis=0)
        self.mx = np.maximum(self.mx, x.max(axis=0))
        self.mn = np.minimum(self.mn, x.min(axis=0))

    def merge(self, other: "StreamStats") -> None:
        if other.n == 0:
            return
        if self.shift is None:
            self.shift = other.shift.copy()
        delta = other.shift - self.shift  # re-centre other's sums on our shift
        s1o = other.s1 + other.n * delta
        s2o = other.s2 + 2 * delta * other.s1 + other.n * delta * delta
        s3o = other.s3 + 3 * delta * other.s2 + 3 * delta**2 * other.s1 + other.n * delta**3
        self.n += other.n
        self.s1 += s1o
        self.s2 += s2o
        self.s3 += s3o
        self.mx = np.maximum(self.mx, other.mx)
        self.mn = np.minimum(self.mn, other.mn)

    @property
    def mean(self) -> np.ndarray:
        return self.shift + self.s1 / self.n

    @property
    def var(self) -> np.ndarray:
        if self.n < 2:
            return np.full(self.shape, np.nan)
        m = self.s1 / self.n
        return np.maximum(self.s2 / self.n - m * m, 0.0) * self.n / (self.n - 1)

    @property
    def sem(self) -> np.ndarray:
        return np.sqrt(self.var / self.n)

    @property
    def skewness(self) -> np.ndarray:
        """Sample skewness g1 = m3 / m2^(3/2) (biased moments; 0 where the spread is 0)."""
        m = self.s1 / self.n
        m2 = np.maximum(self.s2 / self.n - m * m, 0.0)
        m3 = self.s3 / self.n - 3 * m * self.s2 / self.n + 2 * m**3
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(m2 > 0, m3 / m2**1.5, 0.0)

    def max_share(self) -> np.ndarray:
        """Largest single replica's share of the sum of squared deviations,
        max_i (x_i - mean)^2 / sum_i (x_i - mean)^2 (Lindeberg's condition: no single term
        may dominate the variance).  For n Gaussian replicas it is about 2 ln(n) / n."""
        dev = np.maximum((self.mx - self.mean) ** 2, (self.mn - self.mean) ** 2)
        tot = self.var * (self.n - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, dev / tot, 0.0)

    def normal_ok(self) -> np.ndarray:
        """Cochran's rule for the normal approximation of a mean: n >= 25 g1^2.

        Where it fails, the sample mean of a skewed (heavy-tailed) quantity is not yet
        approximately normal and its standard error is unreliable: a z-test there would
        be anti-conservative, so callers report the value as *unresolved* instead.
        """
        return self.n >= 25 * self.skewness**2

    def lindeberg_ok(self, factor: float = 4.0) -> np.ndarray:
        """No replica dominates: ``max_share <= factor * 2 ln(n) / n`` (``factor`` times the
        Gaussian value).  Heavy right tails -- a product of random factors, say -- put
        most of the variance in a few replicas; their sample mean is biased low and its
        standard error too small, which sample skewness alone can miss."""
        return self.max_share() <= factor * 2 * np.log(max(self.n, 2)) / self.n

    def state(self) -> dict[str, Any]:
        return {"n": self.n, "shift": None if self.shift is None else self.shift.tolist(),
                "s1": self.s1.tolist(), "s2": self.s2.tolist(), "s3": self.s3.tolist(),
                "mx": self.mx.tolist(), "mn": self.mn.tolist(), "shape": list(self.shape)}

    @classmethod
    def from_state(cls, st: dict[str, Any]) -> "StreamStats":
        out = cls(tuple(st["shape"]))
        out.n = int(st["n"])
        out.shift = None if st["shift"] is None else np.asarray(st["shift"], dtype=np.float64)
        out.s1 = np.asarray(st["s1"], dtype=np.float64)
        out.s2 = np.asarray(st["s2"], dtype=np.float64)
        out.s3 = np.asarray(st.get("s3", np.zeros(out.shape)), dtype=np.float64)
        out.mx = np.asarray(st.get("mx", np.full(out.shape, -np.inf)), dtype=np.float64)
        out.mn = np.asarray(st.get("mn", np.full(out.shape, np.inf)), dtype=np.float64)
        return out


def z_critical(alpha: float) -> float:
    """Two-sided standard-normal critical value for level ``alpha``."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(1 - alpha / 2)


def _p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass
class Comparison:
    """An estimate with its standard error against an exact prediction.

    ``kind``: "equal" (two-sided test of estimate == predicted) or "upper" (one-sided:
    the prediction is an upper bound, fails only if the estimate exceeds it
    significantly).
    """

    name: str
    estimate: float
    sem: float
    predicted: float
    kind: str = "equal"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def z(self) -> float:
        if self.sem == 0:
            return 0.0 if self.estimate == self.predicted else math.copysign(math.inf, self.estimate - self.predicted)
        return (self.estimate - self.predicted) / self.sem

    @property
    def p(self) -> float:
        if self.kind == "equal":
            return _p_two_sided(self.z)
        if self.kind == "upper":  # H0: estimate <= predicted; reject if z large
            return 0.5 * math.erfc(self.z / math.sqrt(2))
        raise ValueError(f"unknown comparison kind {self.kind!r}")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "estimate": self.estimate, "sem": self.sem,
                "predicted": self.predicted, "z": self.z, "p": self.p, **self.meta}


def holm(comparisons: Sequence[Comparison], alpha: float = 0.01) -> list[bool]:
    """Holm step-down: which comparisons are *rejected* (failures) at family-wise ``alpha``.

    A comparison whose p-value is not a finite number (a NaN estimate or standard error)
    decides nothing and is rejected: it can never pass, nor hide the others' failures.
    """
    m = len(comparisons)
    ps = [comparisons[i].p for i in range(m)]
    bad = [not math.isfinite(p) for p in ps]
    order = sorted((i for i in range(m) if not bad[i]), key=lambda i: ps[i])
    rejected = list(bad)
    for rank, i in enumerate(order):
        if ps[i] <= alpha / (m - rank):
            rejected[i] = True
        else:
            break
    return rejected
