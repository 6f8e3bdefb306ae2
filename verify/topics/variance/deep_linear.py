"""Exact engine: the mini-batch gradient's variance in the two-layer linear network.

Model (paper 001, Section 3.2).  Inputs ``x ~ N(0, I_p)``; student ``W_2 W_1`` with
``W_1`` (p1 x p), ``W_2`` (p2 x p1); teacher product ``T = W_2^* W_1^*`` (p2 x p).
Online SGD: at step t, b fresh i.i.d. inputs ``x_{t,1..b}``; with the sample second
moment ``Xhat_t = (1/b) sum_i x_{t,i} x_{t,i}^T`` (**mean** over the batch) and
``Delta_t = W_{t,2} W_{t,1} - T``, the batch gradients of the mean loss are

    g_{t,1} = W_{t,2}^T Delta_t Xhat_t ,     g_{t,2} = Delta_t Xhat_t W_{t,1}^T ,

and ``W_{t+1,k} = W_{t,k} - alpha_t g_{t,k}``.  ``var(M) = E||vec M||^2 - ||E vec M||^2``.

Method (exact).  Every entry of ``W_{t,k}`` and ``g_{t,k}`` is a polynomial with rational
coefficients in the entries of the independent matrices ``Xhat_0, ..., Xhat_t`` (one
*block* of p(p+1)/2 variables per step; the initial and teacher weights and the step sizes
are rational numbers).  The forward pass is carried out in FLINT's sparse multivariate
polynomials over Q (python-flint ``fmpq_mpoly``).  Expectations are then taken block by
block (the blocks are independent): a polynomial is grouped by its exponents in one block,
and every block monomial is replaced by its exact moment, a polynomial in ``u = 1/b``.
For the variance the last block is integrated *before* squaring: ``g_t`` is linear in
``Xhat_t``, ``g = sum_j c_j X_j``, so ``E_t[g^2] = sum_{j,l} c_j c_l E[X_j X_l]`` with the
``c_j`` free of ``Xhat_t`` -- the square is never expanded in the last block.

That is :func:`variance_polynomial_expanded` (kept as a check).  :func:`variance_polynomial` splits
the trajectory at a step k (see "the split engine" below): from step t back to k it works with
polynomials in the *weights* (one fresh block integrated per step), from 0 to k with polynomials in
the inputs, and composes the two; this reaches the scalar network at t = 5 and p = 3 at t = 2
(dims (3,1,1)), where the expanded engine runs out of memory.  At the split k = t it can instead
integrate the last forward block as a bilinear form (see "the bilinear last block"), which never
forms the square of the composed gradient: for dims (3,3,3) at t = 2 the largest polynomial has
about 2.5e5 terms instead of a bound of 1.24e8, at the price of many polynomial products.

The moments of ``Xhat`` are read off its moment generating function: ``b Xhat`` is
Wishart(I_p, b), so

    log E exp(tr(Theta Xhat)) = -(b/2) log det(I - 2 Theta / b)
                              = sum_{k>=1} (2^{k-1}/k) u^{k-1} tr(Theta^k),

(the Gaussian integral ``E exp(x^T A x) = det(I - 2A)^{-1/2}``, summed over b independent
inputs).  Exponentiating this series (truncated at the needed degree) gives every mixed
moment of the entries of ``Xhat`` as an exact polynomial in ``u``.  The moment table is
checked against Isserlis/Wick pairings (:func:`isserlis_moment`) and the whole engine
against the independent SymPy implementation in :mod:`verify.topics.variance.deep_linear_reference`.

Besides the variance, :func:`term_expectation` returns ``E[M | F_0]`` for any matrix ``M``
built from the step-t quantities (the multiplicative terms of Theorem 3), optionally with
the initial weights scaled by a symbol ``s`` so that the degree of each coefficient in the
initial weights can be read off.
"""

from __future__ import annotations

import os as _os
import sys as _sys
import time as _time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import factorial, gcd

import flint

from verify.topics.variance.engine import as_fraction, eval_poly, poly_degree

__all__ = [
    "DeepLinearCase",
    "Trajectory",
    "b0_derivative",
    "decreasing_for_all_b",
    "decreasing_on_reals",
    "degrees",
    "estimated_terms",
    "expect",
    "isserlis_moment",
    "largest_real_root",
    "matmul",
    "matsub",
    "moment_table",
    "RealRoot",
    "real_roots",
    "index_pairs",
    "trace",
    "transpose",
    "layer1_factor_moments",
    "term_expectation",
    "trajectory",
    "u_coefficients",
    "variance_polynomial",
    "variance_polynomial_expanded",
    "wishart_moment",
]


def _check_matrix(M, name: str) -> list[list[Fraction]]:
    if not isinstance(M, (list, tuple)) or not M or not all(isinstance(r, (list, tuple)) for r in M):
        raise ValueError(f"{name} must be a non-empty list of rows")
    q = len(M[0])
    if q == 0 or any(len(r) != q for r in M):
        raise ValueError(f"{name} must be rectangular with non-empty rows")
    return [[_as_exact(v, f"{name} entry") for v in r] for r in M]


def _as_exact(v, what: str) -> Fraction:
    """``as_fraction``, but a ``Decimal`` is taken exactly (``Decimal("0.1")`` is 1/10)."""
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise ValueError(f"{what} must be finite, got {v!r}")
        return Fraction(v)
    return as_fraction(v, what)


class DeepLinearCase:
    """Validated exact inputs: ``W1`` (p1 x p), ``W2`` (p2 x p1), teacher ``W1s`` (h x p),
    ``W2s`` (p2 x h), step sizes ``alphas`` (at least t of them), ``t >= 0``, ``layer`` in {1, 2}."""

    def __init__(self, W1, W2, W1s, W2s, alphas, t: int, layer: int = 1):
        self.W1 = _check_matrix(W1, "W1")
        self.W2 = _check_matrix(W2, "W2")
        self.W1s = _check_matrix(W1s, "W1_teacher")
        self.W2s = _check_matrix(W2s, "W2_teacher")
        self.p1, self.p = len(self.W1), len(self.W1[0])
        self.p2 = len(self.W2)
        if len(self.W2[0]) != self.p1:
            raise ValueError(f"W2 must be p2 x p1 = ? x {self.p1}, got {len(self.W2)} x {len(self.W2[0])}")
        if len(self.W1s[0]) != self.p:
            raise ValueError(f"W1_teacher must have p = {self.p} columns, got {len(self.W1s[0])}")
        if len(self.W2s) != self.p2 or len(self.W2s[0]) != len(self.W1s):
            raise ValueError(
                f"W2_teacher must be {self.p2} x {len(self.W1s)} (p2 x teacher hidden), "
                f"got {len(self.W2s)} x {len(self.W2s[0])}")
        if isinstance(t, bool) or not isinstance(t, int) or t < 0:
            raise ValueError(f"t must be a non-negative integer, got {t!r}")
        if layer not in (1, 2) or isinstance(layer, bool):
            raise ValueError(f"layer must be 1 or 2, got {layer!r}")
        if not isinstance(alphas, (list, tuple)) or len(alphas) < t:
            raise ValueError(f"need at least t = {t} step sizes alpha_0..alpha_(t-1)")
        self.alphas = [_as_exact(a, "alpha") for a in alphas[:t]]
        if any(a <= 0 for a in self.alphas):
            raise ValueError("step sizes must be positive")
        self.t, self.layer = t, layer
        self.T = matmul(self.W2s, self.W1s)


def matmul(A, B):
    return [[sum((a * b for a, b in zip(r, c)), 0 * r[0] * c[0]) for c in zip(*B)] for r in A]


def transpose(A):
    return [list(r) for r in zip(*A)]


def matsub(A, B, s=1):
    return [[a - s * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


# ---------------------------------------------------------------- Wishart moments
_TABLES: dict[int, tuple[int, dict]] = {}


def index_pairs(p: int) -> list[tuple[int, int]]:
    return [(a, c) for a in range(p) for c in range(a, p)]


def _form_moments(forms: Sequence, D: int) -> dict[tuple[int, ...], dict[int, flint.fmpq]]:
    """Joint moments of the linear forms ``l_i = tr(A_i Xhat)`` (``A_i`` symmetric rational p x p)
    up to total degree D: ``{exponents a: {k: coefficient of u^k in E[prod l_i^a_i]}}``.

    From the cumulant series ``K(phi) = log E exp(sum phi_i l_i) = sum_j (2^{j-1}/j) u^{j-1} tr(Theta^j)``,
    ``Theta = sum phi_i A_i``: ``K_j`` (the part of degree j in phi) is homogeneous, and the parts of
    ``M = exp(K)`` follow from ``deg(M) = deg(K) M`` (Euler's operator):
    ``M_n = (1/n) sum_{j=1..n} j K_j M_{n-j}`` -- no truncation, no wasted high-degree products.
    The moment of exponent ``a`` is ``a! [phi^a] M``.
    """
    r = len(forms)
    p = len(forms[0])
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"phi{i}" for i in range(r)) + ("u",), "degrevlex")
    gens = ctx.gens()
    phi, u = gens[:-1], gens[-1]
    zero, one = ctx.from_dict({}), ctx.constant(1)

    def q(v):
        v = as_fraction(v)
        return flint.fmpq(v.numerator, v.denominator)

    Theta = [[sum((q(A[a][c]) * phi[i] for i, A in enumerate(forms) if A[a][c] != 0), zero)
              for c in range(p)] for a in range(p)]
    K = [zero]
    Pk = [[one if a == c else zero for c in range(p)] for a in range(p)]
    for j in range(1, D + 1):
        Pk = [[sum((Pk[a][e] * Theta[e][c] for e in range(p)), zero) for c in range(p)] for a in range(p)]
        K.append(flint.fmpq(2 ** (j - 1), j) * u ** (j - 1) * sum((Pk[a][a] for a in range(p)), zero))
    jK = [j * Kj for j, Kj in enumerate(K)]
    M = [one]
    for n in range(1, D + 1):
        M.append(sum((jK[j] * M[n - j] for j in range(1, n + 1) if jK[j] != 0), zero) * flint.fmpq(1, n))
    table: dict[tuple[int, ...], dict[int, flint.fmpq]] = {}
    for Mn in M:
        for mono, coeff in zip(Mn.monoms(), Mn.coeffs()):
            ex, ue = tuple(mono[:r]), mono[r]
            scale = 1
            for e in ex:
                scale *= factorial(e)
            table.setdefault(ex, {})[ue] = coeff * scale
    return table


def _pair_forms(p: int) -> list:
    """``Xhat_{ac} = tr(A Xhat)`` for the pairs a <= c: ``A = E_aa`` or ``(E_ac + E_ca) / 2``."""
    out = []
    for a, c in index_pairs(p):
        A = [[Fraction(0)] * p for _ in range(p)]
        if a == c:
            A[a][a] = Fraction(1)
        else:
            A[a][c] = A[c][a] = Fraction(1, 2)
        out.append(A)
    return out


def moment_table(p: int, D: int) -> dict[tuple[int, ...], dict[int, flint.fmpq]]:
    """All moments of the entries ``Xhat_{ac}`` (a <= c) up to total degree (at least) D.

    Key: exponent tuple over the pairs (a, c), a <= c, in lexicographic order.
    Value: ``{k: coefficient of u^k}`` of ``E[prod Xhat_{ac}^{e_ac}]`` (zero moments absent).
    The largest table computed for each p is kept and serves every smaller D.
    For p = 1 the closed form ``E[Xhat^n] = prod_{j<n} (1 + 2 j u)`` (chi-square moments) is used.
    """
    have = _TABLES.get(p)
    if have is not None and have[0] >= D:
        return have[1]
    if p == 1:
        table = _scalar_moments(D)
    else:
        table = _form_moments(_pair_forms(p), D)
    _TABLES[p] = (D, table)
    return table


def _scalar_moments(D: int, scale: Fraction = Fraction(1)) -> dict[tuple[int, ...], dict[int, flint.fmpq]]:
    """``E[(c Xhat)^n] = c^n prod_{j<n} (1 + 2 j u)`` for p = 1, n <= D."""
    table: dict[tuple[int, ...], dict[int, flint.fmpq]] = {}
    if scale == 0:
        return {(0,): {0: flint.fmpq(1)}}
    c = flint.fmpq(scale.numerator, scale.denominator)
    poly = flint.fmpq_poly([1])
    cn = flint.fmpq(1)
    for n in range(D + 1):
        if n:
            poly = poly * flint.fmpq_poly([1, 2 * (n - 1)])
            cn = cn * c
        table[(n,)] = {k: poly[k] * cn for k in range(poly.degree() + 1) if poly[k] != 0}
    return table


def _frac(c) -> Fraction:
    return Fraction(int(c.p), int(c.q))


def wishart_moment(p: int, exps: dict[tuple[int, int], int]) -> list[Fraction]:
    """``E[prod_{a<=c} Xhat_{ac}^{e_ac}]`` as coefficients in ``u = 1/b`` (from the MGF)."""
    key = tuple(int(exps.get(pc, 0)) for pc in index_pairs(p))
    mom = moment_table(p, max(sum(key), 1)).get(key)
    if not mom:
        return [Fraction(0)]
    return [_frac(mom.get(k, flint.fmpq(0))) for k in range(max(mom) + 1)]


def isserlis_moment(p: int, factors: Sequence[tuple[int, int]], b: int) -> Fraction:
    """Independent check: ``E[prod_j Xhat_{a_j c_j}]`` at an integer b by Isserlis/Wick.

    ``Xhat = (1/b) sum_i x_i x_i^T``; expand over sample indices (i_1..i_k) in [b]^k,
    group them by the set partition they induce (count = falling factorial of b) and
    evaluate each block's Gaussian moment by summing over perfect pairings of its
    coordinates (Isserlis).  Exponential in k: use for small k only.
    """
    k = len(factors)

    def pairings(items):
        if not items:
            yield []
            return
        a = items[0]
        for i in range(1, len(items)):
            for rest in pairings(items[1:i] + items[i + 1:]):
                yield [(a, items[i])] + rest

    def gauss(coords):
        if len(coords) % 2:
            return 0
        return sum(all(x == y for x, y in pr) for pr in pairings(list(coords)))

    def set_partitions(lst):
        if not lst:
            yield []
            return
        first, rest = lst[0], lst[1:]
        for part in set_partitions(rest):
            for i in range(len(part)):
                yield part[:i] + [[first] + part[i]] + part[i + 1:]
            yield [[first]] + part

    total = Fraction(0)
    for part in set_partitions(list(range(k))):
        m = len(part)
        if m > b:
            continue
        count = 1
        for j in range(m):
            count *= b - j
        val = 1
        for block in part:
            coords = [c for j in block for c in factors[j]]
            val *= gauss(coords)
            if val == 0:
                break
        total += count * val
    return total / Fraction(b) ** k


# ---------------------------------------------------------------- the engine
@dataclass
class Trajectory:
    """Step-t quantities as FLINT polynomials in the blocks ``Xhat_0..Xhat_t`` (then ``u``, then ``s``).

    ``W1, W2`` are ``W_{t,1}, W_{t,2}``; ``g1, g2`` the batch gradients at step t; ``W1s, W2s, T``
    the teacher matrices and their product (constants).  With ``scale=True`` the initial
    weights are ``s W_{0,k}`` for a variable ``s`` (teacher unscaled), so that the degree of a
    coefficient in the initial weights is its degree in ``s``.
    """

    case: DeepLinearCase
    ctx: object
    nv: int
    nblocks: int
    u_index: int
    s_index: int | None
    W1: list
    W2: list
    g1: list
    g2: list
    W1s: list
    W2s: list
    T: list

    @property
    def zero(self):
        return self.ctx.from_dict({})

    def block(self, s: int) -> range:
        return range(s * self.nv, (s + 1) * self.nv)


def trace(A):
    return sum((A[i][i] for i in range(len(A))), 0 * A[0][0])


def trajectory(case: DeepLinearCase, scale: bool = False) -> Trajectory:
    """Forward pass of online SGD in exact polynomial arithmetic (see the module docstring)."""
    p, t = case.p, case.t
    pairs = index_pairs(p)
    nv = len(pairs)
    names = tuple(f"x{s}_{a}{c}" for s in range(t + 1) for a, c in pairs) + ("u",) + (("s",) if scale else ())
    ctx = flint.fmpq_mpoly_ctx.get(names, "degrevlex")
    gens = ctx.gens()
    idx = {pc: i for i, pc in enumerate(pairs)}
    Xh = [[[gens[s * nv + idx[(min(a, c), max(a, c))]] for c in range(p)] for a in range(p)] for s in range(t + 1)]

    def conv(M, factor=None):
        out = [[ctx.constant(flint.fmpq(v.numerator, v.denominator)) for v in r] for r in M]
        return out if factor is None else [[factor * v for v in r] for r in out]

    sv = gens[-1] if scale else None
    W1, W2 = conv(case.W1, sv), conv(case.W2, sv)
    W1s, W2s, T = conv(case.W1s), conv(case.W2s), conv(case.T)

    def grads(W1, W2, X):
        DX = matmul(matsub(matmul(W2, W1), T), X)
        return matmul(transpose(W2), DX), matmul(DX, transpose(W1))

    for s in range(t):
        g1, g2 = grads(W1, W2, Xh[s])
        a = flint.fmpq(case.alphas[s].numerator, case.alphas[s].denominator)
        W1, W2 = matsub(W1, g1, a), matsub(W2, g2, a)
    g1, g2 = grads(W1, W2, Xh[t])
    return Trajectory(case, ctx, nv, t + 1, (t + 1) * nv, (t + 1) * nv + 1 if scale else None,
                      W1, W2, g1, g2, W1s, W2s, T)


def _mom_poly(tr: Trajectory, key: tuple[int, ...], table: dict, cache: dict):
    """The moment ``E[prod Xhat^key]`` as a polynomial in ``u`` of ``tr``'s context (None when zero)."""
    if key not in cache:
        mom = table.get(key)
        if not mom:
            cache[key] = None
        else:
            nvars = tr.ctx.nvars()
            terms = {}
            for k, c in mom.items():
                e = [0] * nvars
                e[tr.u_index] = k
                terms[tuple(e)] = c
            cache[key] = tr.ctx.from_dict(terms)
    return cache[key]


def _expect_block(tr: Trajectory, P, s: int, cache: dict):
    """``E[P | all blocks but s]``: integrate block ``s`` out (exact moments, polynomial in u)."""
    groups = _block_coefficients(P, [tr.ctx.names()[i] for i in range(s * tr.nv, (s + 1) * tr.nv)])
    if not groups:
        return tr.zero
    table = moment_table(tr.case.p, max(1, max(sum(k) for k in groups)))
    parts = []
    for key, rest in groups.items():
        if not any(key):
            parts.append(rest)
            continue
        mp = _mom_poly(tr, key, table, cache)
        if mp is not None:
            parts.append(rest * mp)
    return _sum_balanced(parts, tr.zero)


def _block_coefficients(P, names: Sequence[str]) -> dict:
    """``P = sum_key prod_v v^key_v C_key`` over the variables ``names``: ``{key: C_key}`` (nonzero
    C_key, free of those variables).  Each coefficient is ``(1/k!) d^k P / dv^k`` at ``v = 0``, one
    variable after the other: whole-polynomial operations in FLINT rather than a pass over the
    terms in Python."""
    out = {(): P}
    for name in names:
        nxt = {}
        for key, Q in out.items():
            k, d = 0, Q
            while not d.is_zero():
                c = d.subs({name: 0})
                if not c.is_zero():
                    nxt[key + (k,)] = c
                d = d.derivative(name) * flint.fmpq(1, k + 1)
                k += 1
        out = nxt
    return out


def _sum_balanced(parts: list, zero):
    """``sum(parts)`` pairwise (a running sum re-copies the growing total at every term)."""
    while len(parts) > 1:
        parts = [parts[i] + parts[i + 1] if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    return parts[0] if parts else zero


def expect(tr: Trajectory, P, blocks: Sequence[int] | None = None, cache: dict | None = None):
    """``E[P | F_0]`` (or over the given blocks only): a polynomial in ``u`` (and ``s``)."""
    cache = {} if cache is None else cache
    for s in (reversed(range(tr.nblocks)) if blocks is None else blocks):
        P = _expect_block(tr, P, s, cache)
    return P


def u_coefficients(tr: Trajectory, P) -> list[Fraction]:
    """Coefficients ``[c_0, ..., c_r]`` of a polynomial in ``u`` alone (ValueError if anything else is left)."""
    out: dict[int, Fraction] = {}
    for mono, c in P.to_dict().items():
        if any(e for i, e in enumerate(mono) if i != tr.u_index):
            raise ValueError("polynomial still depends on variables other than u")
        out[mono[tr.u_index]] = _frac(c)
    r = max(out) if out else 0
    return [out.get(k, Fraction(0)) for k in range(r + 1)]


def _linear_parts(tr: Trajectory, e):
    """``e = sum_j c_j X_{t,j}`` (g_t is linear and homogeneous in the last block): the ``c_j``."""
    last = tr.block(tr.nblocks - 1)
    gens = tr.ctx.gens()
    cs = [e.derivative(i) for i in last]
    if e - sum((c * gens[i] for c, i in zip(cs, last)), tr.zero) != 0:
        raise RuntimeError("internal error: a gradient entry is not linear homogeneous in the last input block")
    return cs


def _second_moment_last_block(tr: Trajectory, entries, cache: dict):
    """``sum_e E_t[e^2]`` with the last block integrated before squaring (see the module docstring)."""
    nv = tr.nv
    table = moment_table(tr.case.p, 2)
    keys = {}
    for j in range(nv):
        for m in range(j, nv):
            key = [0] * nv
            key[j] += 1
            key[m] += 1
            keys[(j, m)] = tuple(key)
    Q = tr.zero
    for e in entries:
        cs = _linear_parts(tr, e)
        for (j, m), key in keys.items():
            if cs[j] == 0 or cs[m] == 0:
                continue
            mp = _mom_poly(tr, key, table, cache)
            if mp is not None:
                Q += (1 if j == m else 2) * cs[j] * cs[m] * mp
    return Q


def variance_polynomial_expanded(case: DeepLinearCase) -> list[Fraction]:
    """The first FLINT engine (kept as a check of :func:`variance_polynomial`): the whole forward
    pass expanded in the input blocks ``Xhat_0..Xhat_t``, the last block integrated before
    squaring, then the blocks ``t-1, ..., 0`` one by one.  Its intermediate ``E_t ||g_t||^2`` has
    degree ``2 * 3^(t-s)`` in block s, all blocks at once: the scalar network at t = 4 (15 s) is
    its limit."""
    tr = trajectory(case)
    g = tr.g1 if case.layer == 1 else tr.g2
    entries = [e for row in g for e in row]
    cache: dict = {}
    Q = _second_moment_last_block(tr, entries, cache)
    Q = expect(tr, Q, blocks=range(tr.nblocks - 2, -1, -1), cache=cache)
    msq = tr.zero
    for e in entries:
        m = expect(tr, e, cache=cache)
        msq += m * m
    out = u_coefficients(tr, Q - msq)
    d = poly_degree(out)
    return out[: max(d, 0) + 1]


# ---------------------------------------------------------------- the split engine
# Notation: n_w = p1 p + p2 p1 weight entries, nv = p (p + 1) / 2 entries of one Xhat.
#
# Backward part (steps t, t-1, ..., k), polynomials in the *weights* W (and u):
#     h_t(W) = E_X ||g(W, X)||^2,      h_s(W) = E_X [ h_{s+1}(W - alpha_s g(W, X)) ],
# so that E[||g_t||^2 | W_s] = h_s(W_s); likewise m_{t,e}(W) = g_e(W, I) and
# m_{s,e}(W) = E_X m_{s+1,e}(W - alpha_s g(W, X)) give E[g_{t,e} | W_s].  Each step composes
# the polynomial with the update (FLINT ``compose``) and integrates the one fresh block X
# at once: the degree in W triples per step, but only n_w weight variables are ever present.
#
# Forward part (steps 0..k-1), polynomials in the *inputs*: W_k is a polynomial P_k in
# Xhat_0..Xhat_{k-1}; ``h_k(P_k)`` and ``m_{k,e}(P_k)`` are then integrated block by block
# (k-1 first).  Block 0 enters W_1 only through Y = Delta_0 Xhat_0 (Delta_0 = W_{0,2} W_{0,1} - T,
# a numeric p2 x p matrix), so it is represented by the p2 p entries of Y when that is fewer
# than nv, with the joint moments of these linear forms of Xhat_0 (:func:`_form_moments`).
#
# The split k trades the two blow-ups (degree 6 * 3^(t-s) in n_w variables against degree
# 2 * 3^(t-s) per block in nv variables): :func:`_plan` picks the k with the smallest size bound.
# k = t is the expanded engine's order of work; k = 0 evaluates h_0 at the numeric W_0.


LAST_RUN: dict = {}
"""Figures of the last :func:`variance_polynomial` call: ``split`` (k), ``bound`` (the size bound
of :func:`estimated_terms` at that split), ``max_terms`` (terms of the largest polynomial formed)."""


def _seen(P) -> None:
    n = len(P)
    if n > LAST_RUN.get("max_terms", 0):
        LAST_RUN["max_terms"] = n


def _log(msg: str) -> None:
    if _os.environ.get("BATCHPROOF_DL_VERBOSE"):
        print(f"[deep_linear] {msg}", file=_sys.stderr, flush=True)


def _q(v) -> flint.fmpq:
    return flint.fmpq(v.numerator, v.denominator)


def _grads(W1, W2, T, X):
    DX = matmul(matsub(matmul(W2, W1), T), X)
    return matmul(transpose(W2), DX), matmul(DX, transpose(W1))


def _sym(ctx_gens, p, offset):
    nv_idx = {pc: i for i, pc in enumerate(index_pairs(p))}
    return [[ctx_gens[offset + nv_idx[(min(a, c), max(a, c))]] for c in range(p)] for a in range(p)]


def _integrate(P, lo: int, hi: int, ui: int, moments: Callable[[int], dict], cache: dict,
               chi2_scale: Fraction | None = None):
    """``E`` over the variables ``lo..hi-1`` of P (one independent block), given the block's
    moment table ``moments(D)`` (exponent tuple -> {k: coefficient of u^k}); ``ui`` is u's index.

    ``chi2_scale = c``: the block is one variable distributed as ``c Xhat`` with p = 1
    (``E[(c Xhat)^n] = c^n prod_{j<n} (1 + 2 j u)``); then ``sum_n m_n P_n`` is summed by Horner's
    rule, ``acc <- P_n + c (1 + 2 n u) acc``, instead of multiplying every ``P_n`` by its moment."""
    ctx = P.context()
    if chi2_scale is not None and hi - lo == 1:
        return _integrate_chi2(P, lo, ui, chi2_scale)
    groups: dict[tuple, tuple[list, list]] = {}
    pad = (0,) * (hi - lo)
    for mono, c in zip(P.monoms(), P.coeffs()):
        key = mono[lo:hi]
        g = groups.get(key)
        if g is None:
            g = groups[key] = ([], [])
        g[0].append(mono[:lo] + pad + mono[hi:])
        g[1].append(c)
    if not groups:
        return ctx.from_dict({})
    D = max(1, max(sum(k) for k in groups))
    table = moments(D)
    out = ctx.from_dict({})
    nvars = ctx.nvars()
    for key, (monos, coeffs) in groups.items():
        rest = ctx.from_dict(dict(zip(monos, coeffs)))
        if not any(key):
            out += rest
            continue
        mp = cache.get(key, 0)
        if mp == 0:
            mom = table.get(key)
            if not mom:
                mp = None
            else:
                terms = {}
                for k, c in mom.items():
                    e = [0] * nvars
                    e[ui] = k
                    terms[tuple(e)] = c
                mp = ctx.from_dict(terms)
            cache[key] = mp
        if mp is not None:
            out += rest * mp
    return out


def _integrate_chi2(P, i: int, ui: int, c: Fraction):
    ctx = P.context()
    parts: dict[int, tuple[list, list]] = {}
    for mono, co in zip(P.monoms(), P.coeffs()):
        n = mono[i]
        g = parts.get(n)
        if g is None:
            g = parts[n] = ([], [])
        g[0].append(mono[:i] + (0,) + mono[i + 1:])
        g[1].append(co)
    return _horner_chi2({n: ctx.from_dict(dict(zip(*g))) for n, g in parts.items()}, ctx, ui, c)


def _horner_chi2(parts: dict, ctx, ui: int, c: Fraction):
    """``sum_n E[(c Xhat)^n] P_n`` for p = 1 (``parts = {n: P_n}``), by Horner's rule on the
    moment ratios ``E[Xhat^{n+1}] / E[Xhat^n] = 1 + 2 n u``."""
    if not parts:
        return ctx.from_dict({})
    e = [0] * ctx.nvars()
    e[ui] = 1
    u = ctx.from_dict({tuple(e): 1})
    cq = _q(c)
    acc = ctx.from_dict({})
    for n in range(max(parts), -1, -1):
        if acc != 0:
            acc = acc * (cq + (2 * n) * cq * u)
        P = parts.get(n)
        if P is not None:
            acc += P
    return acc


def _compose_integrate(h, sub, fctx, ui: int, lo: int, hi: int, fui: int, moments, cache: dict, chi2):
    """``E_block[h(sub)]`` for the block ``lo..hi-1`` of ``fctx``: h is cut into its slices
    ``h = sum_j u^j h_j`` (``h_j`` free of u); each slice is composed (u-free, so FLINT composes
    polynomials of the inputs only) and its block integrated at once, so the composed polynomial
    of all of h (degree 2 * 3^(t-s) in every forward block *and* the u-degree of h) is never formed."""
    slices: dict[int, tuple[list, list]] = {}
    for mono, c in zip(h.monoms(), h.coeffs()):
        j = mono[ui]
        g = slices.get(j)
        if g is None:
            g = slices[j] = ([], [])
        g[0].append(mono[:ui] + (0,) + mono[ui + 1:])
        g[1].append(c)
    ctx = h.context()
    if chi2 is not None and hi - lo == 1:
        # scalar block: collect the composed slices by their power of the block variable
        # (u^j shifts the slices apart: no two share a monomial) and sum once by Horner
        parts: dict[int, dict] = {}
        for n, j in enumerate(sorted(slices, reverse=True)):
            _t0 = _time.perf_counter()
            part = ctx.from_dict(dict(zip(*slices.pop(j)))).compose(*sub, ctx=fctx)
            _seen(part)
            nterms = len(part)
            for mono, c in zip(part.monoms(), part.coeffs()):
                d = parts.get(mono[lo])
                if d is None:
                    d = parts[mono[lo]] = {}
                d[mono[:lo] + (0,) + mono[lo + 1:fui] + (j,) + mono[fui + 1:]] = c
            del part
            if n % 10 == 0:
                _log(f"  slice u^{j}: composed {nterms} terms in {_time.perf_counter() - _t0:.2f} s")
        return _horner_chi2({n: fctx.from_dict(d) for n, d in parts.items()}, fctx, fui, chi2)
    e = [0] * fctx.nvars()
    e[fui] = 1
    u = fctx.from_dict({tuple(e): 1})
    out = fctx.from_dict({})
    for n, j in enumerate(sorted(slices, reverse=True)):
        _t0 = _time.perf_counter()
        part = ctx.from_dict(dict(zip(*slices.pop(j)))).compose(*sub, ctx=fctx)
        nterms = len(part)
        _seen(part)
        _t1 = _time.perf_counter()
        part = _integrate(part, lo, hi, fui, moments, cache, chi2)
        out += part * u ** j
        del part
        if n % 10 == 0:
            _log(f"  slice u^{j}: composed {nterms} terms in {_t1 - _t0:.2f} s, integrated in "
                 f"{_time.perf_counter() - _t1:.2f} s")
    return out


def _block0_forms(case: DeepLinearCase):
    """The linear forms of Xhat_0 that W_1 depends on: the entries of ``Y = Delta_0 Xhat_0``
    (``Y_ij = tr(A Xhat)`` with ``A = (e_j Delta_i^T + Delta_i e_j^T) / 2``), or None when the
    nv entries of Xhat_0 are fewer."""
    p, p2 = case.p, case.p2
    if p2 * p >= p * (p + 1) // 2:
        return None
    Delta = matsub(matmul(case.W2, case.W1), case.T)
    forms = []
    for i in range(p2):
        for j in range(p):
            A = [[Fraction(0)] * p for _ in range(p)]
            for c in range(p):
                A[j][c] += Delta[i][c] / 2
                A[c][j] += Delta[i][c] / 2
            forms.append(A)
    return forms


# ---------------------------------------------------------------- the bilinear last block
# At the split k = t (no backward step) the forward part composes h_t(W) = E_X ||g(W, X)||^2 with
# W_t = P_t(Xhat_0..Xhat_{t-1}) and integrates block t-1; the composed h_t(P_t) has degree 6 in
# block t-1 and 2 * 3^(t-s) in every older block s, all at once (for dims (3,3,3) at t = 2: a bound of
# 1.24e8 terms per u-slice).  The bilinear form never forms it.  g is linear in X:
#     g_e(W, X) = sum_v L_{e,v}(W) X_v,   so   h_t(W) = sum_{a,b} K_ab L_a(W) L_b(W),
# with L_a the distinct L_{e,v} up to a rational factor and K_ab = sum s_{e,v} s_{e,v'} E[X_v X_v']
# (a polynomial in u).  Each L_a(P_t) is grouped by its monomials m in block t-1:
#     L_a(P_t) = sum_m c_{a,m} Xhat_{t-1}^m     (c_{a,m} free of block t-1),
# and block t-1 is integrated as a bilinear form:
#     E_{t-1}[h_t(P_t)] = sum_a sum_m c_{a,m} D_{a,m},   D_{a,m} = sum_{m'} M(m + m') sum_b K_ab c_{b,m'},
# M(m) = E[Xhat_{t-1}^m]: products of polynomials in the older blocks only.  Of each product only the
# parts whose monomials can have a non-zero moment are formed: a moment of Xhat's entries vanishes
# unless every coordinate i appears an even number of times (x -> D x, D = diag(+-1), leaves the law
# unchanged), so c and D are split by the parity of each coordinate's count in every older block and
# only equal classes are multiplied (for p = 3 a quarter of the pairs).  Dropping the other parts is
# exact: their expectation is zero.


def _parity_classes(fctx, xblocks: Sequence[int], p: int) -> Callable[[tuple], tuple] | None:
    """Key of a monomial's parity class over the X-blocks starting at the offsets ``xblocks`` (for
    coordinate i of each block: the count of i in its off-diagonal entries, mod 2); None when no
    block has off-diagonal entries (then every class is the same)."""
    pairs = index_pairs(p)
    offd = [(j, a, c) for j, (a, c) in enumerate(pairs) if a != c]
    if not offd or not xblocks:
        return None

    def key(mono):
        out = 0
        for off in xblocks:
            for j, a, c in offd:
                if mono[off + j] & 1:
                    out ^= (1 << (off * p + a)) | (1 << (off * p + c))
        return out

    return key


def _split_classes(P, key) -> dict:
    if key is None:
        return {0: P}
    parts: dict = {}
    for mono, c in zip(P.monoms(), P.coeffs()):
        d = parts.get(key(mono))
        if d is None:
            d = parts[key(mono)] = {}
        d[mono] = c
    ctx = P.context()
    return {k: ctx.from_dict(d) for k, d in parts.items()}


def _upoly(fctx, fui: int, mom: dict):
    e = [0] * fctx.nvars()
    terms = {}
    for k, c in mom.items():
        e[fui] = k
        terms[tuple(e)] = c
    return fctx.from_dict(terms)


def _bilinear_last_block(case: DeepLinearCase, g_entries, xidx: Sequence[int], sub, fctx, fui: int,
                         lo: int, hi: int, moments: Callable[[int], dict], parity):
    """``E_{t-1}[h_t(P_t)]`` by the bilinear form above (see the comment block): ``g_entries`` are the
    entries of g(W, X) (X's variables at the indices ``xidx``), ``sub`` maps W to P_t, block t-1 is
    ``lo..hi-1`` of ``fctx`` with the moment table ``moments``; ``parity`` keys the older blocks'
    parity classes (or None)."""
    p = case.p
    nv = len(xidx)
    t2 = moment_table(p, 2)
    zero = fctx.from_dict({})
    # g_e = sum_v L_{e,v} X_v; the distinct L (up to a rational factor) and the kernel K_ab(u)
    keys: dict[str, int] = {}
    Ls: list = []
    parts_e = []
    for e in g_entries:
        row = []
        for v, i in enumerate(xidx):
            L = e.derivative(i)
            if L == 0:
                continue
            lead = L.coeffs()[0]
            Ln = L * (1 / lead)
            s = str(Ln)
            a = keys.get(s)
            if a is None:
                a = keys[s] = len(Ls)
                Ls.append(Ln)
            row.append((a, lead, v))
        lin = sum((lead * Ls[a] * e.context().gens()[xidx[v]] for a, lead, v in row), e.context().from_dict({}))
        if lin != e:
            raise RuntimeError("internal error: a gradient entry is not linear homogeneous in the last input block")
        parts_e.append(row)
    K: dict[tuple[int, int], object] = {}
    for row in parts_e:
        for a, sa, v in row:
            for b, sb, w in row:
                key = [0] * nv
                key[v] += 1
                key[w] += 1
                mom = t2.get(tuple(key))
                if not mom:
                    continue
                term = _upoly(fctx, fui, mom) * (sa * sb)
                K[(a, b)] = K.get((a, b), zero) + term
    K = {ab: k for ab, k in K.items() if k != 0}
    rows: dict[int, list] = defaultdict(list)
    for (a, b), k in K.items():
        rows[a].append((b, k))
    # c_{a,m}: L_a(P_t) grouped by its monomials in block t-1
    C: list[dict] = []
    block_names = [fctx.names()[i] for i in range(lo, hi)]
    for L in Ls:
        Lc = L.compose(*sub, ctx=fctx)
        _seen(Lc)
        C.append(_block_coefficients(Lc, block_names))
        del Lc
    D = max((2 * sum(m) for Ca in C for m in Ca), default=2)
    table = moments(max(D, 1))
    mcache: dict = {}
    # a block monomial m as one integer (digits base D + 1 > any exponent of m + m'), so that the
    # key of m + m' is a sum of two integers
    radix = max(D, 1) + 1
    code = lambda m: sum(e * radix**i for i, e in enumerate(m))  # noqa: E731

    def M(c: int):
        if c not in mcache:
            key = tuple((c // radix**i) % radix for i in range(hi - lo))
            mom = table.get(key)
            mcache[c] = _upoly(fctx, fui, mom) if mom else None
        return mcache[c]

    H = zero
    for a in sorted(rows):
        _t0 = _time.perf_counter()
        # F_{a,m'} = sum_b K_ab c_{b,m'}, then D_{a,m} = sum_{m'} M(m + m') F_{a,m'}
        Fa: dict[tuple, object] = {}
        for b, k in rows[a]:
            for m2, c in C[b].items():
                Fa[m2] = Fa.get(m2, zero) + k * c
        Fc = [(code(m2), f) for m2, f in Fa.items()]
        acc = zero
        for m, cam in C[a].items():
            cm = code(m)
            terms = []
            for c2, f in Fc:
                mp = M(cm + c2)
                if mp is not None:
                    terms.append(mp * f)
            Dm = _sum_balanced(terms, zero)
            if Dm == 0:
                continue
            cp = _split_classes(cam, parity)
            dp = _split_classes(Dm, parity)
            for cls, part in cp.items():
                other = dp.get(cls)
                if other is not None:
                    prod = part * other
                    _seen(prod)
                    acc += prod
        H += acc
        _seen(H)
        _log(f"bilinear block: L_{a} ({len(C[a])} slices) in {_time.perf_counter() - _t0:.2f} s, {len(H)} terms")
    return H


def _bilinear_bound(case: DeepLinearCase) -> int | None:
    """Size bound (terms) of the largest polynomial of the bilinear plan (split k = t), None for t = 0."""
    from math import comb

    t, p = case.t, case.p
    if t < 1:
        return None
    nv = p * (p + 1) // 2
    r0 = min(nv, case.p2 * p)
    r = [r0 if s == 0 else nv for s in range(t)]
    # L_a(P_t): degree 3^(t-s) in block s (s < t)
    worst = 1
    for s in range(t):
        worst *= comb(r[s] + 3 ** (t - s), r[s])
    # products: degree 2 * 3^(t-s) in the blocks s < t-1; u-degree 1 + (6 - 1)
    sizes = [comb(r[s] + 2 * 3 ** (t - s), r[s]) for s in range(t - 1)]
    return max(worst, _forward_worst(sizes, t - 1, 1 + 2 * 3 - 1, t))


def _forward_worst(sizes: list[int], top: int, u: int, t: int) -> int:
    """The largest term count of the forward integration (blocks ``top - 1, ..., 0`` in turn):
    the product of the sizes of the blocks still present times the u-degree + 1, the u-degree
    growing by ``2*3^(t-j+1) - 1`` as block ``j - 1`` is integrated."""
    worst = 0
    for j in range(top, -1, -1):
        n = 1
        for s in range(j):
            n *= sizes[s]
        worst = max(worst, n * (u + 1))
        if j:
            u += 2 * 3 ** (t - j + 1) - 1
    return worst


def _size_bounds(case: DeepLinearCase, k: int) -> int:
    """Upper bound on the number of terms of the largest polynomial formed with split k."""
    from math import comb

    t, p = case.t, case.p
    nv = p * (p + 1) // 2
    nw = case.p1 * p + case.p2 * case.p1
    r0 = min(nv, case.p2 * p)
    # u-degree of h_s: 1 + sum over the integrated blocks of (their X-degree - 1)
    udeg = {t: 1}
    for s in range(t - 1, -1, -1):
        udeg[s] = udeg[s + 1] + 6 * 3 ** (t - s - 1) - 1
    worst = 0
    for s in range(t - 1, k - 1, -1):  # backward step s: W-degree 6*3^(t-s), X-degree 6*3^(t-s-1)
        worst = max(worst, comb(nw + 6 * 3 ** (t - s), nw) * comb(nv + 6 * 3 ** (t - s - 1), nv) * (udeg[s + 1] + 1))
    if k == 0:
        return worst
    # forward: h_k(P_k) has degree 2*3^(t-s) in block s (s < k); blocks integrated k-1 first
    sizes = [comb((r0 if s == 0 else nv) + 2 * 3 ** (t - s), r0 if s == 0 else nv) for s in range(k)]
    return max(worst, _forward_worst(sizes, k, udeg[k], t))


def _plan(case: DeepLinearCase) -> tuple[int, int]:
    """``(k, bound)``: the split with the smallest size bound (ties: the larger k)."""
    best = None
    for k in range(case.t, -1, -1):
        b = _size_bounds(case, k)
        if best is None or b < best[1]:
            best = (k, b)
    return best


WORK_PER_TERM = 400
"""Term products of the bilinear block's multiplications that cost about as much time as one term of
the size bound of the split engine: measured on the same 2-core machine, the split engine spends about
2.4e-5 s per bound term (scalar t = 5: bound 1.8e7, 432 s of CPU) and the bilinear products about
6.7e-8 s per term product (dims (3,3,3) at t = 2, coefficients of 2 limbs), a ratio of about 360."""


def _bilinear_work(case: DeepLinearCase) -> int | None:
    """Upper bound on the term products of :func:`_bilinear_last_block`: (entries of g) x (terms of all
    c_{a,m}) x (terms of one D_{a,m}), divided by the number of parity classes when the older blocks
    have off-diagonal entries (only equal classes are multiplied)."""
    from math import comb

    t, p = case.t, case.p
    if t < 1:
        return None
    nv = p * (p + 1) // 2
    r0 = min(nv, case.p2 * p)
    r = [r0 if s == 0 else nv for s in range(t)]
    older = 1
    for s in range(t - 1):
        older *= comb(r[s] + 3 ** (t - s), r[s])
    c_terms = older * comb(r[t - 1] + 3, r[t - 1])
    d_terms = older * (1 + 2 * 3 - 1 + 1)
    entries = case.p1 * p if case.layer == 1 else case.p2 * case.p1
    classes = 1
    if p > 1 and any(s > 0 or r0 == nv for s in range(t - 1)):
        classes = 2 ** (p - 1)
    return entries * c_terms * d_terms // classes


def _bilinear_cost(case: DeepLinearCase) -> int | None:
    """The bilinear plan's cost in the units of the size bound: its size bound, or its term products
    divided by :data:`WORK_PER_TERM` when that is larger."""
    bb = _bilinear_bound(case)
    return None if bb is None else max(bb, _bilinear_work(case) // WORK_PER_TERM)


def _choose(case: DeepLinearCase) -> tuple[int, int, bool]:
    """``(k, cost, bilinear)``: :func:`_plan`'s split, or the bilinear last block at k = t when its cost
    (:func:`_bilinear_cost`) is smaller than that split's size bound."""
    k, b = _plan(case)
    bb = _bilinear_cost(case)
    if bb is not None and bb < b:
        return case.t, bb, True
    return k, b, False


def estimated_terms(case: DeepLinearCase) -> int:
    """Cost estimate of :func:`variance_polynomial` at its chosen plan (:func:`_choose`): for a split,
    an upper bound on the number of terms of the largest intermediate polynomial (monomial counts of
    the degrees reached, ``C(n + d, n)`` for d in n variables, times the u-degree + 1: realised
    polynomials are sparser); for the bilinear last block, :func:`_bilinear_cost` (its term products
    over :data:`WORK_PER_TERM`, or its size bound).  Measured on a 2-core machine shared with other
    jobs: scalar t = 4 (bound 2.2e5) in 4-5 s; scalar t = 5 (bound 1.8e7) in 432-452 s of CPU (1012 s
    wall at 44 % CPU, 2064 s at 20 %), 4.4-4.6 GiB peak; dims (3,1,1) at t = 2: bilinear (cost 2.1e5,
    largest polynomial below 1e5 terms) in 1.5 s of CPU (the split at k = 2, bound 2.5e6: 11 s).
    Refused: (3,3,3) at t = 2 (bilinear, cost 8.3e7; 1472 s of CPU, 0.65 GiB peak), scalar
    t = 6 (1.5e9), p = 3 at t = 3 (2.8e10)."""
    return _choose(case)[1]


LARGE_TERMS = 20_000_000
"""Above this estimate the CLI refuses a case unless asked: the engine would take hours or run out
of memory.  Below it: the scalar network at t = 5 (bound 1.8e7; 432 s of CPU, 4.4 GiB peak; its
printed-b0 root of degree 722 in 0.5 s)."""


def variance_polynomial(case: DeepLinearCase, split: int | None = None,
                        bilinear: bool | None = None) -> list[Fraction]:
    """Exact ``[beta_0, beta_1, ..., beta_r]`` with ``var(g_{t,layer} | F_0) = sum beta_k b^{-k}``.

    ``beta_0`` is returned (not dropped) so that Theorem 4's "no constant term" is checked.
    ``split`` forces the step k where the backward (weights) part meets the forward (inputs)
    part (default: :func:`_choose`); every k gives the same polynomial.  ``bilinear=True`` integrates
    the last forward block as a bilinear form (split k = t, t >= 1; see "the bilinear last block"),
    ``False`` never; None: :func:`_choose` decides when no split is given.
    """
    t, p, layer = case.t, case.p, case.layer
    if split is None and bilinear is None:
        k, _b, bilinear = _choose(case)
    elif bilinear:
        k = t if split is None else split
        if k != t or t < 1:
            raise ValueError(f"the bilinear last block needs split k = t >= 1, got k = {k}, t = {t}")
    else:
        bilinear = False
        k = _plan(case)[0] if split is None else split
    if not 0 <= k <= t:
        raise ValueError(f"split must be in 0..t = {t}, got {k}")
    LAST_RUN.clear()
    LAST_RUN.update(split=k, bound=_bilinear_bound(case) if bilinear else _size_bounds(case, k), max_terms=0,
                    bilinear=bilinear)
    nv = p * (p + 1) // 2
    nw1, nw2 = case.p1 * p, case.p2 * case.p1
    nw = nw1 + nw2
    # ---- backward part: ctx (W1 entries, W2 entries, X entries, u)
    names = (tuple(f"w1_{i}_{j}" for i in range(case.p1) for j in range(p))
             + tuple(f"w2_{i}_{j}" for i in range(case.p2) for j in range(case.p1))
             + tuple(f"z{a}{c}" for a, c in index_pairs(p)) + ("u",))
    ctx = flint.fmpq_mpoly_ctx.get(names, "degrevlex")
    G = ctx.gens()
    ui = nw + nv
    W1 = [[G[i * p + j] for j in range(p)] for i in range(case.p1)]
    W2 = [[G[nw1 + i * case.p1 + j] for j in range(case.p1)] for i in range(case.p2)]
    X = _sym(G, p, nw)
    T = [[ctx.constant(_q(v)) for v in r] for r in case.T]
    eye = [[ctx.constant(1 if a == c else 0) for c in range(p)] for a in range(p)]
    cache: dict = {}
    mom_X = lambda D: moment_table(p, D)
    chi2 = Fraction(1) if p == 1 else None
    g = _grads(W1, W2, T, X)[layer - 1]
    if bilinear:
        h = None
    else:
        h = _integrate(sum((e * e for r in g for e in r), ctx.from_dict({})), nw, nw + nv, ui, mom_X, cache)
    means = [e for r in _grads(W1, W2, T, eye)[layer - 1] for e in r]
    for s in range(t - 1, k - 1, -1):
        g1, g2 = _grads(W1, W2, T, X)
        a = _q(case.alphas[s])
        sub = ([e for r in matsub(W1, g1, a) for e in r] + [e for r in matsub(W2, g2, a) for e in r]
               + list(G[nw:]))
        _t0 = _time.perf_counter()
        hc = h.compose(*sub)
        _seen(hc)
        _log(f"backward step {s}: compose {len(h)} -> {len(hc)} terms in {_time.perf_counter() - _t0:.2f} s")
        _t0 = _time.perf_counter()
        h = _integrate(hc, nw, nw + nv, ui, mom_X, cache, chi2)
        del hc
        _log(f"backward step {s}: integrate -> {len(h)} terms in {_time.perf_counter() - _t0:.2f} s")
        means = [_integrate(m.compose(*sub), nw, nw + nv, ui, mom_X, cache, chi2) for m in means]
    # ---- forward part: ctx (block 0 [Y or Xhat_0], blocks 1..k-1, u)
    forms = _block0_forms(case) if k >= 1 else None
    r0 = len(forms) if forms is not None else nv
    fnames = (tuple(f"y{i}" for i in range(r0)) + tuple(f"x{s}_{a}{c}" for s in range(1, k) for a, c in index_pairs(p))
              + ("u",)) if k >= 1 else ("u",)
    fctx = flint.fmpq_mpoly_ctx.get(fnames, "degrevlex")
    FG = fctx.gens()
    fui = len(fnames) - 1
    F1 = [[fctx.constant(_q(v)) for v in r] for r in case.W1]
    F2 = [[fctx.constant(_q(v)) for v in r] for r in case.W2]
    FT = [[fctx.constant(_q(v)) for v in r] for r in case.T]
    for s in range(k):
        a = _q(case.alphas[s])
        if s == 0 and forms is not None:
            Y = [[FG[i * p + j] for j in range(p)] for i in range(case.p2)]
            g1, g2 = matmul(transpose(F2), Y), matmul(Y, transpose(F1))
        else:
            off = 0 if s == 0 else r0 + (s - 1) * nv
            g1, g2 = _grads(F1, F2, FT, _sym(FG, p, off))
        F1, F2 = matsub(F1, g1, a), matsub(F2, g2, a)
    zero = fctx.from_dict({})
    sub = [e for r in F1 for e in r] + [e for r in F2 for e in r] + [zero] * nv + [FG[-1]]
    def block(s):
        if s == 0:
            if forms is not None:
                return 0, r0, (lambda D, _f=forms: _form_moments(_f, D))
            return 0, r0, mom_X
        return r0 + (s - 1) * nv, r0 + s * nv, mom_X

    if k == 0:
        H = h.compose(*sub, ctx=fctx)
        Ms = [m.compose(*sub, ctx=fctx) for m in means]
        _seen(h)
    else:
        lo, hi, mom = block(k - 1)
        bc: dict = {}
        _t0 = _time.perf_counter()
        if bilinear:
            xblocks = [0 if s == 0 else r0 + (s - 1) * nv for s in range(k - 1) if s > 0 or forms is None]
            H = _bilinear_last_block(case, [e for r in g for e in r], range(nw, nw + nv), sub, fctx, fui,
                                     lo, hi, mom, _parity_classes(fctx, xblocks, p))
            _log(f"forward (split k = {k}, bilinear): block {k - 1} integrated -> {len(H)} terms "
                 f"in {_time.perf_counter() - _t0:.2f} s")
        else:
            H = _compose_integrate(h, sub, fctx, ui, lo, hi, fui, mom, bc, chi2)
            _log(f"forward (split k = {k}): compose and integrate block {k - 1}: {len(h)} -> {len(H)} terms "
                 f"in {_time.perf_counter() - _t0:.2f} s")
        Ms = [_compose_integrate(m, sub, fctx, ui, lo, hi, fui, mom, bc, chi2) for m in means]
    for s in range(k - 2, -1, -1):
        lo, hi, mom = block(s)
        bc = {}
        _t0 = _time.perf_counter()
        H = _integrate(H, lo, hi, fui, mom, bc, chi2)
        _seen(H)
        _log(f"forward block {s}: integrate -> {len(H)} terms in {_time.perf_counter() - _t0:.2f} s")
        Ms = [_integrate(m, lo, hi, fui, mom, bc, chi2) for m in Ms]
    V = H - sum((m * m for m in Ms), zero)
    out: dict[int, Fraction] = {}
    for mono, c in zip(V.monoms(), V.coeffs()):
        if any(mono[:fui]):
            raise RuntimeError("internal error: input variables left after integration")
        out[mono[fui]] = _frac(c)
    r = max(out) if out else 0
    beta = [out.get(j, Fraction(0)) for j in range(r + 1)]
    d = poly_degree(beta)
    return beta[: max(d, 0) + 1]


def layer1_factor_moments(case: DeepLinearCase) -> tuple[list[Fraction], list[Fraction]]:
    """``(E||G_t||^2, ||E G_t||^2)`` in powers of u, with ``G_t = W_{t,2}^T Delta_t`` (so g_{t,1} = G_t Xhat_t)."""
    tr = trajectory(case)
    G = matmul(transpose(tr.W2), matsub(matmul(tr.W2, tr.W1), tr.T))
    cache: dict = {}
    sq, msq = tr.zero, tr.zero
    for row in G:
        for e in row:
            sq += e * e
            m = expect(tr, e, cache=cache)
            msq += m * m
    return u_coefficients(tr, expect(tr, sq, cache=cache)), u_coefficients(tr, msq)


def term_expectation(case: DeepLinearCase, build: Callable[[Trajectory], list], scale: bool = False):
    """``E[M | F_0]`` for the matrix ``M = build(trajectory)`` (a list of rows of polynomials).

    Returns ``(trajectory, rows of expected polynomials in u [and s])``.  ``build`` receives
    the :class:`Trajectory` and composes ``g1, g2, W1, W2, W1s, W2s`` with :func:`matmul`,
    :func:`transpose`, :func:`trace` (the multiplicative terms of Theorem 3).
    """
    tr = trajectory(case, scale=scale)
    M = build(tr)
    cache: dict = {}
    return tr, [[expect(tr, e, cache=cache) for e in row] for row in M]


def degrees(tr: Trajectory, P) -> dict[int, int]:
    """``{k: degree in s of the coefficient of u^k}`` of a polynomial in ``u`` (and ``s``); -1 if no s."""
    out: dict[int, int] = {}
    for mono in P.to_dict().keys():
        if any(e for i, e in enumerate(mono) if i not in (tr.u_index, tr.s_index)):
            raise ValueError("polynomial still depends on input variables")
        k = mono[tr.u_index]
        out[k] = max(out.get(k, -1), mono[tr.s_index] if tr.s_index is not None else -1)
    return out


# ---------------------------------------------------------------- Theorem 5: exact real roots
# Real-root isolation in FLINT integer polynomials: square-free factorisation (fmpz_poly
# .factor_squarefree), then Descartes' rule of signs with bisection (Vincent-Collins-Akritas) on
# (0, 2^e) and (-2^e, 0), 2^e a strict bound on the absolute values of the roots (Fujiwara).  Every
# isolating interval is certified by a strict sign change of the factor at its rational endpoints
# (exact evaluation), and refined by bisection at rational points.  Degree 722 (the scalar network
# at t = 5) takes well under a second; SymPy's real_roots did not return in 6 minutes at degree 236.


def _exact(x) -> Fraction:
    """An exact rational from int / Fraction / fmpq / SymPy Rational (never through a float)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int) and not isinstance(x, bool):
        return Fraction(x)
    p, q = getattr(x, "p", None), getattr(x, "q", None)
    if p is not None and q is not None:
        return Fraction(int(p), int(q))
    raise TypeError(f"expected an exact rational number, got {type(x).__name__}")


def _primitive(coeffs) -> flint.fmpz_poly:
    P = flint.fmpz_poly(coeffs)
    c = P.content()
    return P if c == 1 or c == 0 else flint.fmpz_poly([a // c for a in P.coeffs()])


def _int_poly(coeffs_high_first) -> flint.fmpz_poly | None:
    """The primitive integer polynomial with these rational coefficients (highest power first);
    None for the zero polynomial."""
    cs = [_exact(c) for c in coeffs_high_first]
    while cs and cs[0] == 0:
        cs.pop(0)
    if not cs:
        return None
    den = 1
    for c in cs:
        den = den * c.denominator // gcd(den, c.denominator)
    P = _primitive([c.numerator * (den // c.denominator) for c in reversed(cs)])
    return P if cs[0] > 0 else -P


def _sign_variations(P) -> int:
    n, s = 0, 0
    for c in P.coeffs():
        if c != 0:
            sc = 1 if c > 0 else -1
            if s and sc != s:
                n += 1
            s = sc
    return n


_X_PLUS_1 = flint.fmpz_poly([1, 1])
_TWO_X_MINUS_1 = flint.fmpz_poly([-1, 2])
_HALF = flint.fmpq(1, 2)


def _isolate_unit(q, right_first: bool, limit: int | None) -> list[tuple[int, int, bool]]:
    """Roots in the open interval (0, 1) of the square-free integer polynomial q, by Descartes' rule
    with bisection: ``(c, k, False)`` is an interval ``(c/2^k, (c+1)/2^k)`` holding exactly one root,
    ``(c, k, True)`` the exact root ``c/2^k``.  Output in decreasing order when ``right_first`` (else
    increasing), stopping after ``limit`` roots."""
    out: list[tuple[int, int, bool]] = []
    stack: list[tuple] = [(q, 0, 0)]
    while stack:
        item = stack.pop()
        if item[0] is None:  # an exact root at a bisection point, kept in order
            out.append((item[1], item[2], True))
        else:
            q, c, k = item
            co = q.coeffs()
            n = len(co) - 1
            if n <= 0:
                continue
            # sign variations of (x+1)^n q(1/(x+1)): a bound on the roots in (0, 1), exact for 0 and 1
            v = _sign_variations(flint.fmpz_poly(co[::-1])(_X_PLUS_1))
            if v == 0:
                continue
            if v == 1:
                out.append((c, k, False))
            else:
                kids = []
                if q(_HALF) == 0:  # a root at the bisection point: recorded, divided out
                    q = q // _TWO_X_MINUS_1
                    co = q.coeffs()
                    n = len(co) - 1
                    kids.append((None, 2 * c + 1, k + 1))
                qL = _primitive([a << (n - i) for i, a in enumerate(co)])  # 2^n q(x/2)
                qR = qL(_X_PLUS_1)                                         # 2^n q((x+1)/2)
                kids = [(qL, 2 * c, k + 1)] + kids + [(qR, 2 * c + 1, k + 1)]
                stack.extend(kids if right_first else kids[::-1])
                continue
        if limit is not None and len(out) >= limit:
            break
    return out


def _root_bound_exponent(f) -> int:
    """e with every root z of f satisfying |z| < 2^e (Fujiwara: |z| <= 2 max_i |a_i/a_n|^(1/(n-i)))."""
    cs = f.coeffs()
    n = len(cs) - 1
    bn = int(abs(cs[n])).bit_length()
    m = 0
    for i in range(n):
        if cs[i] != 0:
            m = max(m, -(-(int(abs(cs[i])).bit_length() - bn + 1) // (n - i)))
    return m + 2


class RealRoot:
    """A real algebraic number: the only root of the square-free integer polynomial ``poly`` in the
    open interval ``(lo, hi)`` (rational endpoints where ``poly`` has opposite signs, checked
    exactly), or the rational root ``lo == hi``.  Compares exactly with rationals and with other
    roots; ``float()`` is correctly rounded (both ends of the enclosure round to it)."""

    __slots__ = ("_slo", "hi", "lo", "poly")

    def __init__(self, poly, lo: Fraction, hi: Fraction):
        self.poly, self.lo, self.hi = poly, Fraction(lo), Fraction(hi)
        if self.lo == self.hi:
            if self._sign(self.lo) != 0:
                raise RuntimeError("internal error: a claimed rational root is not a root")
            self._slo = 0
        else:
            self._slo = self._sign(self.lo)
            if not (self.lo < self.hi and self._slo * self._sign(self.hi) < 0):
                raise RuntimeError("internal error: an isolating interval without a sign change")

    def _sign(self, x: Fraction) -> int:
        v = self.poly(flint.fmpq(x.numerator, x.denominator))
        return (v > 0) - (v < 0)

    def cmp_rational(self, x) -> int:
        """Sign of ``root - x`` (exact; narrows the interval to one side of x)."""
        x = _exact(x)
        if self.lo == self.hi:
            return (self.lo > x) - (self.lo < x)
        if x <= self.lo:
            return 1
        if x >= self.hi:
            return -1
        s = self._sign(x)
        if s == 0:
            self.lo = self.hi = x
            self._slo = 0
            return 0
        if s == self._slo:
            self.lo = x
            return 1
        self.hi = x
        return -1

    def refine(self, width) -> RealRoot:
        """Bisect until ``hi - lo <= width``."""
        width = _exact(width)
        while self.hi - self.lo > width:
            self.cmp_rational((self.lo + self.hi) / 2)
        return self

    def _cmp(self, other) -> int:
        if not isinstance(other, RealRoot):
            return self.cmp_rational(other)
        if other.lo == other.hi:
            return self.cmp_rational(other.lo)
        if self.lo == self.hi:
            return -other.cmp_rational(self.lo)
        a, b = max(self.lo, other.lo), min(self.hi, other.hi)
        if a < b:
            # equal iff a common factor has its (single, simple) root in (a, b): a sign change there
            g = self.poly.gcd(other.poly)
            if g.degree() > 0:
                va = g(flint.fmpq(a.numerator, a.denominator))
                vb = g(flint.fmpq(b.numerator, b.denominator))
                if (va > 0) != (vb > 0):
                    return 0
        while not (self.hi <= other.lo or other.hi <= self.lo):
            w = self if self.hi - self.lo >= other.hi - other.lo else other
            w.cmp_rational((w.lo + w.hi) / 2)
            if self.lo == self.hi:
                return -other.cmp_rational(self.lo)
            if other.lo == other.hi:
                return self.cmp_rational(other.lo)
        return 1 if self.lo >= other.hi else -1

    def __lt__(self, o):
        return self._cmp(o) < 0

    def __le__(self, o):
        return self._cmp(o) <= 0

    def __gt__(self, o):
        return self._cmp(o) > 0

    def __ge__(self, o):
        return self._cmp(o) >= 0

    def __eq__(self, o):
        return isinstance(o, (RealRoot, int, Fraction)) and self._cmp(o) == 0

    __hash__ = None

    def _narrow(self, rel_bits: int) -> None:
        while self.lo != self.hi and (self.hi - self.lo) * 2 ** rel_bits > min(abs(self.lo), abs(self.hi)):
            self.cmp_rational((self.lo + self.hi) / 2)

    def __float__(self) -> float:
        self._narrow(60)
        for _ in range(200):  # until both ends round to the same double (a dyadic root may stop it)
            if self.lo == self.hi or float(self.lo) == float(self.hi):
                break
            self.cmp_rational((self.lo + self.hi) / 2)
        return float((self.lo + self.hi) / 2)

    def __ceil__(self) -> int:
        import math

        n = math.ceil(float(self))
        while self.cmp_rational(n) > 0:
            n += 1
        while self.cmp_rational(n - 1) <= 0:
            n -= 1
        return n

    def enclosure(self, digits: int = 20) -> tuple[str, str]:
        """Decimal strings ``(lo, hi)`` with ``digits`` significant digits, rounded outward, enclosing
        the root (equal when it is rational and representable)."""
        from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

        self._narrow(int(digits * 3.33) + 4)

        def dec(x: Fraction, rounding) -> str:  # one correctly rounded division of exact integers
            return str(Context(prec=digits, rounding=rounding).divide(Decimal(x.numerator), Decimal(x.denominator)))

        return dec(self.lo, ROUND_FLOOR), dec(self.hi, ROUND_CEILING)

    def __repr__(self) -> str:
        return f"RealRoot({float(self)!r}, in ({self.lo}, {self.hi}))"


def _isolate(f, largest_only: bool) -> list[RealRoot]:
    """Real roots of the square-free integer polynomial f, increasing (only the largest if asked)."""
    cs = f.coeffs()
    e = _root_bound_exponent(f)
    lim = 1 if largest_only else None
    scale = Fraction(2) ** e
    pos = _isolate_unit(_primitive([a << (e * i) for i, a in enumerate(cs)]), True, lim)
    found = [(Fraction(c, 2 ** k) * scale, Fraction(c + (not x), 2 ** k) * scale) for c, k, x in pos]
    if not (largest_only and found):
        if cs[0] == 0:
            found.append((Fraction(0), Fraction(0)))
        if not (largest_only and found):
            neg = _isolate_unit(_primitive([(-a if i % 2 else a) << (e * i) for i, a in enumerate(cs)]), False, lim)
            found += [(-Fraction(c + (not x), 2 ** k) * scale, -Fraction(c, 2 ** k) * scale) for c, k, x in neg]
    # an interval's endpoint may be a rational root (0 or a bisection point): the root inside is then
    # certified on f with those linear factors divided out (still a sign change: f is square-free)
    out = []
    for lo, hi in found:
        g = f
        if lo != hi:
            for x in (lo, hi):
                if f(flint.fmpq(x.numerator, x.denominator)) == 0:
                    g = g // flint.fmpz_poly([-x.numerator, x.denominator])
        out.append(RealRoot(g, lo, hi))
    return sorted(out)


def real_roots(coeffs_high_first: Sequence, odd_only: bool = False, largest_only: bool = False) -> list[RealRoot]:
    """The distinct real roots, increasing, of the polynomial with these exact rational coefficients
    (highest power first): of every multiplicity, or (``odd_only``) those of odd multiplicity, where
    the polynomial changes sign; only the largest with ``largest_only``."""
    P = _int_poly(coeffs_high_first)
    if P is None or P.degree() <= 0:
        return []
    _, factors = P.factor_squarefree()
    out: list[RealRoot] = []
    for f, m in factors:
        if f.degree() > 0 and (m % 2 == 1 or not odd_only):
            out.extend(_isolate(f, largest_only))
    out.sort()  # the factors are coprime: no two roots are equal, every comparison ends
    return out[-1:] if largest_only else out


def largest_real_root(coeffs_high_first: Sequence) -> RealRoot | None:
    """Largest real root (exact, a :class:`RealRoot`) of a polynomial given highest power first;
    None when it has none (or is constant)."""
    r = real_roots(coeffs_high_first, largest_only=True)
    return r[0] if r else None


def _deriv_numerator(beta: Sequence) -> list[Fraction]:
    """``P(b) = sum_k k beta_k b^{r-k}`` (highest power first, leading zeros dropped):
    ``d/db sum_k beta_k b^{-k} = -b^{-r-1} P(b)``."""
    r = poly_degree(beta)
    P = [k * _exact(beta[k]) for k in range(1, r + 1)]
    while P and P[0] == 0:
        P.pop(0)
    return P


def b0_derivative(beta: Sequence) -> float | None:
    """Largest real root of ``beta_1 b^{r-1} + 2 beta_2 b^{r-2} + ... + r beta_r`` (the proof's polynomial):
    ``d/db var = -b^{-r-1} (that polynomial)``."""
    if poly_degree(beta) < 1:
        return None
    root = largest_real_root(_deriv_numerator(beta))
    return None if root is None else float(root)


def _sign_change_roots(P: Sequence) -> list[RealRoot]:
    """Exact real roots of odd multiplicity (where P changes sign), increasing; P highest power first."""
    return real_roots(P, odd_only=True)


def decreasing_on_reals(beta: Sequence, lower=1) -> bool:
    """Exact: ``v(b) = sum beta_k b^{-k}`` is non-increasing on every real ``b >= lower``.

    Equivalent to ``P(b) = sum k beta_k b^{r-k} >= 0`` on ``[lower, inf)``: decided from the
    odd-multiplicity real roots above ``lower`` (exact isolation, no floating point) and the sign
    at infinity.  ``lower``: an exact rational or a :class:`RealRoot`.
    """
    if poly_degree(beta) < 1:
        return True
    P = _deriv_numerator(beta)
    if len(P) == 1:
        return P[0] >= 0
    if not isinstance(lower, RealRoot):
        lower = _exact(lower)
    top = real_roots(P, odd_only=True, largest_only=True)  # the largest sign change decides
    if top and top[0] > lower:
        return False
    # no sign change above lower: the sign on (lower, inf) is that at infinity (leading coefficient),
    # and P(lower) >= 0 follows by continuity (lower may be an algebraic number)
    return P[0] > 0


def decreasing_for_all_b(beta: Sequence) -> bool:
    """Exact: ``v(1) >= v(2) >= v(3) >= ...`` for every integer ``b >= 1``.

    Beyond the largest sign-changing real root of P (see :func:`decreasing_on_reals`) the
    sign of ``v'`` is fixed by the leading coefficient; integers below it are compared
    one by one in exact arithmetic.
    """
    import math

    if poly_degree(beta) < 1:
        return True
    P = _deriv_numerator(beta)
    if P[0] < 0:
        return False
    roots = real_roots(P, odd_only=True, largest_only=True)
    top = max(1, math.ceil(roots[0]) + 1) if roots else 1
    beta = [_exact(c) for c in beta]
    vals = [eval_poly(beta, Fraction(1, b)) for b in range(1, top + 2)]
    return all(a >= c for a, c in zip(vals, vals[1:]))
