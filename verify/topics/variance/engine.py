"""Exact engine for mini-batch SGD on linear regression (paper 001, Section 3.1).

Model (as in the paper).  Data ``(x_i, y_i)``, ``i = 1..n``, ``x_i`` in R^p;
``L_i(w) = (w^T x_i - y_i)^2 / 2`` and the full loss is the **mean**
``L(w) = (1/n) sum_i L_i(w)``, so ``grad L = (1/n) sum_i grad L_i`` (mean scaling).
A mini-batch ``B_t`` is a uniformly random subset of ``[n]`` of size ``b`` (without
replacement, fresh at each step); the stochastic gradient is the **mean**
``g_t = (1/b) sum_{i in B_t} grad L_i(w_t)`` and ``w_{t+1} = w_t - alpha_t g_t``.

What the engine computes.  Write ``H = (1/n) X^T X``, ``h = (1/n) X^T y`` and
``c = c_b = (n-b)/(b(n-1))``.  Conditionally on ``w_t`` the batch gradient has mean
``H w_t - h`` and (Lemma 1, generalised from norms to outer products by the same
inclusion-probability computation) second moment
``E[g g^T | w] = (1-c) vbar vbar^T + c (1/n) sum_i v_i v_i^T`` with
``v_i = x_i (x_i^T w - y_i)`` and ``vbar = H w - h``.  Hence the mean
``m_t = E[w_t | F_0]`` follows full-batch gradient descent (no ``b``) and the second
moment ``S_t = E[w_t w_t^T | F_0]`` obeys a linear recursion whose coefficients are
affine in ``c``.  ``S_t`` is therefore a polynomial in ``c`` of degree ``<= t`` with
exact rational matrix coefficients, and every quantity of Section 3.1 (any
``E||sum_i A_i grad L_i(w_t)||^2``, ``var(B g_t | F_0)``, ``var(B grad L(w_t) | F_0)``)
is an exact polynomial in ``c`` and therefore, since ``c`` is affine in ``u = 1/b``
(:func:`c_in_u`), an exact polynomial in ``1/b`` of the same degree.

All arithmetic is in :class:`fractions.Fraction`; floats given as data are converted
exactly (their binary value).  Polynomials are lists of coefficients, index ``k``
being the coefficient of ``c^k`` (or of ``u^k = b^{-k}`` after :func:`c_poly_to_inv_b`).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

__all__ = [
    "LinRegData",
    "LinRegMoments",
    "as_fraction",
    "c_b",
    "c_in_u",
    "c_poly_to_inv_b",
    "eval_poly",
    "poly_degree",
    "simulate_moments",
]

from derivations.variance import derive as dv

Mat = list[list[Fraction]]
Vec = list[Fraction]


def as_fraction(x, what: str = "value") -> Fraction:
    """Exact rational from int / Fraction / Decimal (exactly) / float (its binary value) / numpy
    scalar / string like ``"3/7"`` or ``"0.1"``."""
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a number, got {x!r}")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, Decimal):  # a decimal is read as the decimal it is (0.1 -> 1/10)
        if not x.is_finite():
            raise ValueError(f"{what} must be finite, got {x!r}")
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{what} must be a rational number like '3/7', got {x!r}") from None
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {x!r}") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return Fraction(f)


def c_b(n: int, b: int) -> Fraction:
    """Lemma 1's ``c_b`` for ``1 <= b <= n``, ``n >= 2``, exactly: the expression derived in
    :func:`derivations.variance.derive.c_b_derived` (from the inclusion probabilities)."""
    if not (isinstance(n, int) and isinstance(b, int)) or n < 2 or not 1 <= b <= n:
        raise ValueError(f"c_b needs integers n >= 2 and 1 <= b <= n, got n={n!r}, b={b!r}")
    return dv.c_b_exact(n, b)


@lru_cache(maxsize=None)
def _c_in_u_fns():
    import sympy as sp

    c0, c1 = dv.c_in_u()
    return sp.lambdify(dv.n, c0, modules=[{}]), sp.lambdify(dv.n, c1, modules=[{}])


def c_in_u(n: int) -> tuple[Fraction, Fraction]:
    """``(c0, c1)`` with ``c_b = c0 + c1 / b`` (derived: :func:`derivations.variance.derive.c_in_u`)."""
    f0, f1 = _c_in_u_fns()
    return Fraction(f0(Fraction(n))), Fraction(f1(Fraction(n)))


def eval_poly(coeffs: Sequence, x):
    """Horner evaluation of ``sum_k coeffs[k] x^k`` (exact for Fractions)."""
    acc = 0
    for a in reversed(list(coeffs)):
        acc = acc * x + a
    return acc


def poly_degree(coeffs: Sequence) -> int:
    """Degree (``-1`` for the zero polynomial)."""
    d = len(coeffs) - 1
    while d >= 0 and coeffs[d] == 0:
        d -= 1
    return d


def c_poly_to_inv_b(coeffs: Sequence[Fraction], n: int) -> list[Fraction]:
    """Rewrite ``sum_k a_k c^k`` as ``sum_k beta_k u^k`` with ``u = 1/b``.

    Uses ``c = c0 + c1 u`` (:func:`c_in_u`, exact for every b).
    """
    lin = list(c_in_u(n))  # c as a polynomial in u
    out = [Fraction(0)]
    power = [Fraction(1)]
    for a in coeffs:
        out = _padd(out, [a * q for q in power])
        power = _pmul(power, lin)
    d = poly_degree(out)
    return out[: d + 1] if d >= 0 else [Fraction(0)]


def _padd(p: Sequence, q: Sequence) -> list:
    n = max(len(p), len(q))
    return [(p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0) for i in range(n)]


def _pmul(p: Sequence, q: Sequence) -> list:
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, bq in enumerate(q):
                out[i + j] += a * bq
    return out


def _over(rows) -> tuple[int, list[list[int]]]:
    """``(L, N)`` with ``rows = N / L`` entrywise: ``L`` the least common denominator, ``N``
    integers (exact rational arithmetic then needs one gcd per result entry, not per product)."""
    L = math.lcm(*(a.denominator for r in rows for a in r)) if rows and rows[0] else 1
    return L, [[a.numerator * (L // a.denominator) for a in r] for r in rows]


def _matmul(A: Mat, B: Mat) -> Mat:
    La, Ai = _over(A)
    Lb, Bi = _over(B)
    den = La * Lb
    Bt = list(zip(*Bi))
    return [[Fraction(sum(map(operator.mul, row, col)), den) for col in Bt] for row in Ai]


def _matvec(A: Mat, v: Vec) -> Vec:
    La, Ai = _over(A)
    Lv, (vi,) = _over([v])
    den = La * Lv
    return [Fraction(sum(map(operator.mul, row, vi)), den) for row in Ai]


def _outer(u: Vec, v: Vec) -> Mat:
    return [[a * b for b in v] for a in u]


def _madd(A: Mat, B: Mat, s=1) -> Mat:
    return [[a + s * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def _mscale(A: Mat, s) -> Mat:
    return [[s * a for a in r] for r in A]


def _transpose(A: Mat) -> Mat:
    return [list(r) for r in zip(*A)]


def _zeros(p: int, q: int | None = None) -> Mat:
    return [[Fraction(0)] * (p if q is None else q) for _ in range(p)]


def _trace(A: Mat) -> Fraction:
    return sum((A[i][i] for i in range(len(A))), Fraction(0))


def _dot(u: Vec, v: Vec) -> Fraction:
    Lu, (ui,) = _over([u])
    Lv, (vi,) = _over([v])
    return Fraction(sum(map(operator.mul, ui, vi)), Lu * Lv)


@dataclass(frozen=True)
class LinRegData:
    """Exact rational data: ``X`` (n x p), ``y`` (n)."""

    X: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...]

    @classmethod
    def from_arrays(cls, X: Iterable[Iterable], y: Iterable) -> "LinRegData":
        rows = tuple(tuple(as_fraction(v, "X entry") for v in r) for r in X)
        ys = tuple(as_fraction(v, "y entry") for v in y)
        if len(rows) < 2:
            raise ValueError(f"need n >= 2 samples, got {len(rows)}")
        p = len(rows[0])
        if p < 1 or any(len(r) != p for r in rows):
            raise ValueError("X must be a non-empty rectangular n x p array")
        if len(ys) != len(rows):
            raise ValueError(f"y has {len(ys)} entries but X has {len(rows)} rows")
        return cls(rows, ys)

    @property
    def n(self) -> int:
        return len(self.X)

    @property
    def p(self) -> int:
        return len(self.X[0])

    @cached_property
    def H(self) -> Mat:
        n, p = self.n, self.p
        return [[sum((x[a] * x[c] for x in self.X), Fraction(0)) / n for c in range(p)] for a in range(p)]

    @cached_property
    def h(self) -> Vec:
        n, p = self.n, self.p
        return [sum((x[a] * yy for x, yy in zip(self.X, self.y)), Fraction(0)) / n for a in range(p)]

    def grad_i(self, w: Vec, i: int) -> Vec:
        """Per-sample gradient ``x_i (x_i^T w - y_i)``."""
        x = self.X[i]
        r = _dot(list(x), w) - self.y[i]
        return [xa * r for xa in x]

    @cached_property
    def _int_form(self):
        """``(D, Xi, yi)`` with ``X = Xi / D``, ``y = yi / D`` integer object arrays (exact)."""
        import math

        import numpy as np

        D = 1
        for v in (*(a for r in self.X for a in r), *self.y):
            D = D * v.denominator // math.gcd(D, v.denominator)
        Xi = np.array([[int(a * D) for a in r] for r in self.X], dtype=object)
        yi = np.array([int(a * D) for a in self.y], dtype=object)
        return D, Xi, yi

    @staticmethod
    def _isum(subscripts: str, *arrays):
        """Exact ``np.einsum(subscripts, *arrays)`` of integer arrays, summed over the samples: in
        int64 when every partial product and the sum provably fit (the samples times the product
        of the factors' largest magnitudes below 2**62), else in Python integers.  An object array."""
        import numpy as np

        n = arrays[0].shape[0]
        bound = n
        for A in arrays:
            bound *= max(1, max((abs(int(v)) for v in A.flat), default=0))
        if bound < 2**62:
            return np.einsum(subscripts, *(A.astype(np.int64) for A in arrays)).astype(object)
        return np.einsum(subscripts, *(A.astype(object) for A in arrays))

    @cached_property
    def _K_int(self) -> tuple[int, dict]:
        """Linear map S -> (1/n) sum_i (x_i^T S x_i) x_i x_i^T on symmetric p x p matrices, from the
        exact fourth-moment tensor ``(1/n) sum_i x_ia x_ic x_id x_ie``: ``(den, {(a, c): integer
        weights over the (d <= e) pairs})``, entry (a, c) of ``fourth(S)`` is ``sum_w w S_de / den``."""
        D, Xi, _ = self._int_form
        n, p = self.n, self.p
        T4 = self._isum("ia,ic,id,ie->acde", Xi, Xi, Xi, Xi)
        rows = {(a, c): [int(T4[a, c, d, e]) * (1 if d == e else 2) for d in range(p) for e in range(d, p)]
                for a in range(p) for c in range(a, p)}
        return n * D**4, rows

    @cached_property
    def _Ky(self):
        """``(1/n) sum_i y_i x_i x_i^T (x_i)_d`` as [a][c][d] and ``(1/n) sum_i y_i^2 x_i x_i^T``."""
        D, Xi, yi = self._int_form
        n, p = self.n, self.p
        T3 = self._isum("ia,ic,id,i->acd", Xi, Xi, Xi, yi)
        T2 = self._isum("ia,ic,i,i->ac", Xi, Xi, yi, yi)
        lin = [[[Fraction(int(T3[a, c, d]), n * D**4) for d in range(p)] for c in range(p)]
               for a in range(p)]
        const = [[Fraction(int(T2[a, c]), n * D**4) for c in range(p)] for a in range(p)]
        return lin, const

    def fourth(self, S: Mat, m: Vec | None = None, with_const: bool = False) -> Mat:
        """``(1/n) sum_i x_i x_i^T (x_i^T S x_i - 2 y_i x_i^T m + [y_i^2])`` for symmetric S."""
        p = self.p
        out = _zeros(p)
        LS, Si = _over(S)
        den = self._K_int[0] * LS
        flat = [Si[d][e] for d in range(p) for e in range(d, p)]
        for (a, c), w in self._K_int[1].items():
            out[a][c] = out[c][a] = Fraction(sum(map(operator.mul, w, flat)), den)
        if m is not None:
            lin, const = self._Ky
            for a in range(p):
                for c in range(p):
                    out[a][c] -= 2 * _dot(lin[a][c], m)
                    if with_const:
                        out[a][c] += const[a][c]
        return out


class LinRegMoments:
    """Exact ``m_t = E[w_t | F_0]`` and ``S_t = E[w_t w_t^T | F_0]`` as polynomials in ``c = c_b``.

    ``S[t][k]`` is the (p x p) coefficient of ``c^k`` in ``S_t``; ``m[t]`` has no ``c``.
    ``alphas[t]`` is the step size used from ``w_t`` to ``w_{t+1}``.
    """

    def __init__(self, data: LinRegData, w0: Sequence, alphas: Sequence, t_max: int):
        if not isinstance(t_max, int) or t_max < 0:
            raise ValueError(f"t_max must be a non-negative integer, got {t_max!r}")
        if len(alphas) < t_max:
            raise ValueError(f"need {t_max} step sizes, got {len(alphas)}")
        self.data = data
        self.alphas = [as_fraction(a, "step size") for a in alphas[:t_max]]
        if any(a <= 0 for a in self.alphas):
            raise ValueError("step sizes must be positive")
        w0 = [as_fraction(v, "w0 entry") for v in w0]
        if len(w0) != data.p:
            raise ValueError(f"w0 has {len(w0)} entries, data has p = {data.p}")
        self.t_max = t_max
        self.m: list[Vec] = [w0]
        self.S: list[list[Mat]] = [[_outer(w0, w0)]]
        for t in range(t_max):
            self._step(self.alphas[t])

    def _step(self, al: Fraction) -> None:
        d = self.data
        H, h = d.H, d.h
        m, S = self.m[-1], self.S[-1]
        p = d.p
        # mean: full-batch gradient descent
        Hm_h = [a - b for a, b in zip(_matvec(H, m), h)]
        self.m.append([a - al * g for a, g in zip(m, Hm_h)])
        # E[vbar vbar^T] = H S H - H m h^T - h m^T H + h h^T ; E[(1/n) sum v_i v_i^T] = fourth(S, m, const)
        Hm = _matvec(H, m)
        cross = _madd(_outer(Hm, h), _outer(h, Hm))
        hh = _outer(h, h)
        mh = _outer(m, h)
        new: list[Mat] = [_zeros(p) for _ in range(len(S) + 1)]
        for k, Sk in enumerate(S):
            const = k == 0
            SH = _matmul(Sk, H)
            # deterministic part: S - al (S H + H S) + al (m h^T + h m^T) [k=0 only]
            A = _madd(Sk, _madd(SH, _transpose(SH)), -al)
            if const:
                A = _madd(A, _madd(mh, _transpose(mh)), al)
            HSH = _matmul(H, SH)
            vv = HSH if not const else _madd(_madd(HSH, cross, -1), hh)
            four = d.fourth(Sk, m if const else None, with_const=const)
            # al^2 [(1-c) vv + c four]: c^k -> c^k and c^{k+1}
            new[k] = _madd(new[k], _madd(A, vv, al * al))
            new[k + 1] = _madd(new[k + 1], _madd(four, vv, -1), al * al)
        self.S.append(new)

    # ---- quantities (all polynomials in c, lists of Fractions) ----
    def cov_w(self, t: int) -> list[Mat]:
        """``Cov(w_t | F_0)`` as a polynomial in c (matrix coefficients)."""
        S = [list(map(list, M)) for M in self.S[t]]
        S[0] = _madd(S[0], _outer(self.m[t], self.m[t]), -1)
        return S

    def linear_combination_sq(self, t: int, A_list: Sequence[Mat]) -> list[Fraction]:
        """``E||sum_i A_i grad L_i(w_t)||^2 | F_0]`` (Theorem 1's quantity), polynomial in c.

        ``A_i`` are q x p matrices; with ``M = sum_i A_i x_i x_i^T``, ``r = sum_i A_i x_i y_i``
        the quantity is ``tr(M S_t M^T) - 2 r^T M m_t + ||r||^2``.
        """
        d = self.data
        if len(A_list) != d.n:
            raise ValueError(f"need n = {d.n} matrices A_i, got {len(A_list)}")
        A_list = [[[as_fraction(v, "A entry") for v in row] for row in A] for A in A_list]
        q = len(A_list[0])
        if any(len(A) != q or any(len(row) != d.p for row in A) for A in A_list):
            raise ValueError(f"every A_i must be q x p = {q} x {d.p}")
        # M and r in integers over one common denominator (x = Xi / D, y = yi / D, A = Ai / DA)
        import numpy as np

        D, Xi, yi = d._int_form
        DA = math.lcm(*(v.denominator for A in A_list for row in A for v in row))
        Ai = np.array([[[v.numerator * (DA // v.denominator) for v in row] for row in A] for A in A_list], dtype=object)
        Mi = LinRegData._isum("iqa,ia,ic->qc", Ai, Xi, Xi)
        ri = LinRegData._isum("iqa,ia,i->q", Ai, Xi, yi)
        den = DA * D * D
        M = [[Fraction(int(Mi[a, c]), den) for c in range(d.p)] for a in range(q)]
        r = [Fraction(int(ri[a]), den) for a in range(q)]
        out = []
        Mt = _transpose(M)
        for k, Sk in enumerate(self.S[t]):
            v = _trace(_matmul(_matmul(M, Sk), Mt))
            if k == 0:
                v += -2 * _dot(r, _matvec(M, self.m[t])) + _dot(r, r)
            out.append(v)
        return out

    def cov_full_grad(self, t: int) -> list[Mat]:
        """``Cov(grad L(w_t) | F_0) = H Cov(w_t) H`` as a polynomial in c."""
        H = self.data.H
        return [_matmul(_matmul(H, C), H) for C in self.cov_w(t)]

    def cov_batch_grad(self, t: int) -> list[Mat]:
        """``Cov(g_t | F_0) = H Cov(w_t) H + c E[(1/n) sum_i (v_i - vbar)(v_i - vbar)^T]``."""
        d = self.data
        out = self.cov_full_grad(t) + [_zeros(d.p)]
        H, h, m = d.H, d.h, self.m[t]
        Hm = _matvec(H, m)
        for k, Sk in enumerate(self.S[t]):
            HSH = _matmul(_matmul(H, Sk), H)
            if k == 0:
                HSH = _madd(_madd(HSH, _madd(_outer(Hm, h), _outer(h, Hm)), -1), _outer(h, h))
            four = d.fourth(Sk, m if k == 0 else None, with_const=k == 0)
            out[k + 1] = _madd(out[k + 1], _madd(four, HSH, -1))
        return out

    @staticmethod
    def weighted(cov: list[Mat], B: Mat | None = None) -> list[Fraction]:
        """``var(B Z) = tr(B Cov(Z) B^T)`` (``B = I`` when None) for a polynomial covariance."""
        if B is None:
            return [_trace(C) for C in cov]
        B = [[as_fraction(v, "B entry") for v in r] for r in B]
        Bt = _transpose(B)
        return [_trace(_matmul(_matmul(B, C), Bt)) for C in cov]

    def var_batch_grad(self, t: int) -> list[Fraction]:
        return self.weighted(self.cov_batch_grad(t))

    def var_full_grad(self, t: int) -> list[Fraction]:
        return self.weighted(self.cov_full_grad(t))


def simulate_moments(data: LinRegData, w0, alphas, t: int, b: int):
    """Brute force: enumerate every sequence of batches (C(n,b)^t paths) exactly.

    Returns ``(paths, probability)`` where ``paths`` is a list of ``w_t`` (and the
    batch sequence); used only as independent evidence for small n.
    """
    from itertools import combinations

    w0 = [as_fraction(v) for v in w0]
    alphas = [as_fraction(a) for a in alphas]
    batches = list(combinations(range(data.n), b))
    states = [(w0, ())]
    for s in range(t):
        nxt = []
        for w, hist in states:
            grads = [data.grad_i(w, i) for i in range(data.n)]
            for B in batches:
                g = [sum((grads[i][a] for i in B), Fraction(0)) / b for a in range(data.p)]
                nxt.append(([wa - alphas[s] * ga for wa, ga in zip(w, g)], hist + (B,)))
        states = nxt
    return states, Fraction(1, len(batches) ** t), batches
