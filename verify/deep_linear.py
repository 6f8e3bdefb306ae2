"""Exact engine: the mini-batch gradient's variance in the two-layer linear network.

Model (paper 001, Section 3.2).  Inputs ``x ~ N(0, I_p)``; student ``W_2 W_1`` with
``W_1`` (p1 x p), ``W_2`` (p2 x p1); teacher product ``T = W_2^* W_1^*`` (p2 x p).
Online SGD: at step t, b fresh i.i.d. inputs ``x_{t,1..b}``; with the sample second
moment ``Xhat_t = (1/b) sum_i x_{t,i} x_{t,i}^T`` (**mean** over the batch) and
``Delta_t = W_{t,2} W_{t,1} - T``, the batch gradients of the mean loss are

    g_{t,1} = W_{t,2}^T Delta_t Xhat_t ,     g_{t,2} = Delta_t Xhat_t W_{t,1}^T ,

and ``W_{t+1,k} = W_{t,k} - alpha_t g_{t,k}``.  ``var(M) = E||vec M||^2 - ||E vec M||^2``.

Method (exact).  Every entry of ``g_{t,k}`` is a polynomial with rational coefficients
in the entries of the independent matrices ``Xhat_0, ..., Xhat_t`` (the initial and
teacher weights and the step sizes are rational numbers).  We expand
``||g_{t,k}||^2`` and ``g_{t,k}`` in those entries (SymPy sparse polynomial rings over
QQ) and replace every monomial by its exact expectation.  The moments of ``Xhat`` are
read off its moment generating function: ``b Xhat`` is Wishart(I_p, b), so

    log E exp(tr(Theta Xhat)) = -(b/2) log det(I - 2 Theta / b)
                              = sum_{k>=1} (2^{k-1}/k) u^{k-1} tr(Theta^k),   u = 1/b,

(the Gaussian integral ``E exp(x^T A x) = det(I - 2A)^{-1/2}``, summed over b independent
inputs).  Exponentiating this series (truncated at the needed degree) gives every mixed
moment of the entries of ``Xhat`` as an exact polynomial in ``u``.  The result is
``var(g_{t,k} | F_0) = sum_j beta_j u^j`` with exact rational ``beta_j``.  The moment
table is checked independently against Isserlis/Wick pairings (see the tests and
:func:`isserlis_moment`).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import combinations_with_replacement
from math import factorial
from typing import Sequence

from sympy.polys.domains import QQ
from sympy.polys.rings import ring

from verify.variance_engine import as_fraction, eval_poly, poly_degree

__all__ = [
    "DeepLinearCase",
    "b0_printed",
    "b0_derivative",
    "decreasing_for_all_b",
    "decreasing_on_reals",
    "isserlis_moment",
    "layer1_factor_moments",
    "variance_polynomial",
    "wishart_moment",
]


def _check_matrix(M, name: str) -> list[list[Fraction]]:
    if not isinstance(M, (list, tuple)) or not M or not all(isinstance(r, (list, tuple)) for r in M):
        raise ValueError(f"{name} must be a non-empty list of rows")
    q = len(M[0])
    if q == 0 or any(len(r) != q for r in M):
        raise ValueError(f"{name} must be rectangular with non-empty rows")
    return [[as_fraction(v, f"{name} entry") for v in r] for r in M]


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
        self.alphas = [as_fraction(a, "alpha") for a in alphas[:t]]
        if any(a <= 0 for a in self.alphas):
            raise ValueError("step sizes must be positive")
        self.t, self.layer = t, layer
        self.T = _mm(self.W2s, self.W1s)


def _mm(A, B):
    return [[sum((a * b for a, b in zip(r, c)), 0 * r[0] * c[0]) for c in zip(*B)] for r in A]


def _tr(A):
    return [list(r) for r in zip(*A)]


def _sub(A, B, s=1):
    return [[a - s * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


# ---------------------------------------------------------------- Wishart moments
@lru_cache(maxsize=None)
def _moment_table(p: int, D: int) -> dict[tuple[int, ...], tuple[Fraction, ...]]:
    """All moments of the entries ``Xhat_{ac}`` (a <= c) up to total degree D.

    Key: exponent tuple over the pairs (a, c), a <= c, in lexicographic order.
    Value: coefficients (in ``u = 1/b``) of ``E[prod Xhat_{ac}^{k_ac}]``.
    """
    pairs = [(a, c) for a in range(p) for c in range(a, p)]
    names = [f"th{a}{c}" for a, c in pairs] + ["u"]
    R, *gens = ring(",".join(names), QQ)
    th, u = gens[:-1], gens[-1]
    idx = {pc: i for i, pc in enumerate(pairs)}
    # Theta symmetric with tr(Theta Xhat) = sum_{a<=c} th_ac Xhat_ac
    Theta = [[th[idx[(min(a, c), max(a, c))]] * (QQ(1) if a == c else QQ(1, 2)) for c in range(p)]
             for a in range(p)]
    npair = len(pairs)

    def trunc(P):
        return R({m: v for m, v in P.items() if sum(m[:npair]) <= D})

    K = R(0)
    Pk = [[R(1) if a == c else R(0) for c in range(p)] for a in range(p)]
    for k in range(1, D + 1):
        Pk = [[trunc(sum((Pk[a][e] * Theta[e][c] for e in range(p)), R(0))) for c in range(p)]
              for a in range(p)]
        trk = sum((Pk[a][a] for a in range(p)), R(0))
        K += QQ(2 ** (k - 1), k) * u ** (k - 1) * trk
    # exp(K) = sum_j K^j / j!, truncated at theta-degree D
    M = R(1)
    term = R(1)
    for j in range(1, D + 1):
        term = trunc(term * K) * QQ(1, j)
        M += term
    table: dict[tuple[int, ...], list[Fraction]] = {}
    for mono, coeff in M.items():
        ex, ue = mono[:npair], mono[npair]
        scale = 1
        for e in ex:
            scale *= factorial(e)
        lst = table.setdefault(ex, [])
        while len(lst) <= ue:
            lst.append(Fraction(0))
        lst[ue] += Fraction(int(coeff.numerator), int(coeff.denominator)) * scale
    return {k: tuple(v) for k, v in table.items()}


def wishart_moment(p: int, exps: dict[tuple[int, int], int]) -> list[Fraction]:
    """``E[prod_{a<=c} Xhat_{ac}^{e_ac}]`` as coefficients in ``u = 1/b`` (from the MGF)."""
    pairs = [(a, c) for a in range(p) for c in range(a, p)]
    key = tuple(int(exps.get(pc, 0)) for pc in pairs)
    D = sum(key)
    return list(_moment_table(p, max(D, 1)).get(key, (Fraction(0),)))


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
def _expect(P, nvars_per_block: int, nblocks: int, p: int) -> list[Fraction]:
    """Exact expectation of a polynomial in the Xhat entries (blocks = time steps)."""
    maxdeg = [0] * nblocks
    for mono in P.itermonoms():
        for s in range(nblocks):
            maxdeg[s] = max(maxdeg[s], sum(mono[s * nvars_per_block:(s + 1) * nvars_per_block]))
    tables = [_moment_table(p, max(d, 1)) for d in maxdeg]
    out: list[Fraction] = []
    cache: dict = {}
    for mono, coeff in P.items():
        c = Fraction(int(coeff.numerator), int(coeff.denominator))
        poly = [Fraction(1)]
        for s in range(nblocks):
            key = mono[s * nvars_per_block:(s + 1) * nvars_per_block]
            if any(key):
                mom = tables[s].get(key)
                if mom is None:
                    poly = [Fraction(0)]
                    break
                ck = (tuple(poly), key, s) if False else None
                new = [Fraction(0)] * (len(poly) + len(mom) - 1)
                for i, a in enumerate(poly):
                    if a:
                        for j, m in enumerate(mom):
                            if m:
                                new[i + j] += a * m
                poly = new
        while len(out) < len(poly):
            out.append(Fraction(0))
        for i, a in enumerate(poly):
            out[i] += c * a
    return out


def trajectory(case: DeepLinearCase):
    """Forward pass: polynomials for ``W_{t,1}, W_{t,2}`` and the gradients at step t."""
    p, t = case.p, case.t
    pairs = [(a, c) for a in range(p) for c in range(a, p)]
    names = [f"x{s}_{a}{c}" for s in range(t + 1) for a, c in pairs]
    R, *gens = ring(",".join(names), QQ)
    nv = len(pairs)
    Xh = []
    for s in range(t + 1):
        g = gens[s * nv:(s + 1) * nv]
        idx = {pc: i for i, pc in enumerate(pairs)}
        Xh.append([[g[idx[(min(a, c), max(a, c))]] for c in range(p)] for a in range(p)])

    def conv(M):
        return [[R(QQ(v.numerator, v.denominator)) for v in r] for r in M]

    W1, W2, T = conv(case.W1), conv(case.W2), conv(case.T)

    def grads(W1, W2, X):
        Delta = _sub(_mm(W2, W1), T)
        DX = _mm(Delta, X)
        return _mm(_tr(W2), DX), _mm(DX, _tr(W1))

    for s in range(t):
        g1, g2 = grads(W1, W2, Xh[s])
        a = QQ(case.alphas[s].numerator, case.alphas[s].denominator)
        W1, W2 = _sub(W1, g1, a), _sub(W2, g2, a)
    g1, g2 = grads(W1, W2, Xh[t])
    G = _mm(_tr(W2), _sub(_mm(W2, W1), T))  # W2^T Delta at step t (layer-1 factor, no Xhat_t)
    return R, (g1 if case.layer == 1 else g2), nv, G


def variance_polynomial(case: DeepLinearCase) -> list[Fraction]:
    """Exact ``[beta_0, beta_1, ..., beta_r]`` with ``var(g_{t,layer} | F_0) = sum beta_k b^{-k}``.

    ``beta_0`` is returned (not dropped) so that Theorem 4's "no constant term" is checked.
    """
    R, g, nv, _ = trajectory(case)
    nb = case.t + 1
    sq = R(0)
    mean_sq = Fraction(0) * 0
    mean_poly: list[Fraction] = []
    for row in g:
        for e in row:
            sq += e * e
            m = _expect(e, nv, nb, case.p)
            # ||E g||^2 : square each entry's mean polynomial
            sqm = [Fraction(0)] * (2 * len(m) - 1) if m else []
            for i, a in enumerate(m):
                for j, bb in enumerate(m):
                    sqm[i + j] += a * bb
            mean_poly = [x + y for x, y in _pad(mean_poly, sqm)]
    e2 = _expect(sq, nv, nb, case.p)
    out = [x - y for x, y in _pad(e2, mean_poly)] or [Fraction(0)]
    d = poly_degree(out)
    return out[: max(d, 0) + 1]


def layer1_factor_moments(case: DeepLinearCase) -> tuple[list[Fraction], list[Fraction]]:
    """``(E||G_t||^2, ||E G_t||^2)`` in powers of u, with ``G_t = W_{t,2}^T Delta_t`` (so g_{t,1} = G_t Xhat_t)."""
    R, _, nv, G = trajectory(case)
    nb = case.t + 1
    sq = R(0)
    msq: list[Fraction] = []
    for row in G:
        for e in row:
            sq += e * e
            m = _expect(e, nv, nb, case.p)
            sqm = [Fraction(0)] * (2 * len(m) - 1) if m else []
            for i, a in enumerate(m):
                for j, bb in enumerate(m):
                    sqm[i + j] += a * bb
            msq = [x + y for x, y in _pad(msq, sqm)]
    return _expect(sq, nv, nb, case.p), msq


def _pad(a, b):
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else Fraction(0), b[i] if i < len(b) else Fraction(0)) for i in range(n)]


# ---------------------------------------------------------------- Theorem 5
def _real_roots(coeffs_high_first: list[Fraction]) -> list[float]:
    import sympy as sp

    x = sp.Symbol("x")
    P = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in coeffs_high_first], x)
    if P.degree() <= 0:
        return []
    return [float(r) for r in sp.real_roots(P)]


def b0_printed(beta: Sequence[Fraction]) -> float | None:
    """Largest real root of the printed equation ``beta_1 b^{r-1} + ... + beta_r = 0`` (None if none)."""
    r = poly_degree(beta)
    if r < 1:
        return None
    roots = _real_roots([beta[k] for k in range(1, r + 1)])
    return max(roots) if roots else None


def b0_derivative(beta: Sequence[Fraction]) -> float | None:
    """Largest real root of ``beta_1 b^{r-1} + 2 beta_2 b^{r-2} + ... + r beta_r`` (the proof's polynomial):
    ``d/db var = -b^{-r-1} (that polynomial)``."""
    r = poly_degree(beta)
    if r < 1:
        return None
    roots = _real_roots([k * beta[k] for k in range(1, r + 1)])
    return max(roots) if roots else None


def _deriv_numerator(beta: Sequence[Fraction]):
    """``P(b) = sum_k k beta_k b^{r-k}``: ``d/db sum_k beta_k b^{-k} = -b^{-r-1} P(b)``."""
    import sympy as sp

    x = sp.Symbol("b")
    r = poly_degree(beta)
    return sp.Poly([sp.Rational(k * beta[k].numerator, beta[k].denominator) for k in range(1, r + 1)], x)


def _sign_change_roots(P) -> list:
    """Exact real roots of odd multiplicity of a SymPy Poly (where P changes sign), sorted."""
    import sympy as sp

    out = []
    _, factors = sp.sqf_list(P)
    for f, mult in factors:
        if mult % 2 == 1 and f.degree() > 0:
            out.extend(sp.real_roots(f))
    return sorted(out)


def decreasing_on_reals(beta: Sequence[Fraction], lower=1) -> bool:
    """Exact: ``v(b) = sum beta_k b^{-k}`` is non-increasing on every real ``b >= lower``.

    Equivalent to ``P(b) = sum k beta_k b^{r-k} >= 0`` on ``[lower, inf)``: decided from
    the sign of P at ``lower`` and the odd-multiplicity real roots above it (sympy
    ``real_roots``: exact isolation, no floating point).
    """
    import sympy as sp

    if poly_degree(beta) < 1:
        return True
    P = _deriv_numerator(beta)
    lower = sp.nsimplify(lower) if not isinstance(lower, sp.Basic) else lower
    roots = [r for r in _sign_change_roots(P) if r > lower]
    if P.degree() == 0:
        return bool(P.LC() >= 0)
    if roots:
        return False
    # no sign change above lower: sign is that at infinity (leading coefficient)
    return bool(P.LC() > 0) and bool(P.eval(lower) >= 0 or lower in roots)


def decreasing_for_all_b(beta: Sequence[Fraction]) -> bool:
    """Exact: ``v(1) >= v(2) >= v(3) >= ...`` for every integer ``b >= 1``.

    Beyond the largest sign-changing real root of P (see :func:`decreasing_on_reals`) the
    sign of ``v'`` is fixed by the leading coefficient; integers below it are compared
    one by one in exact arithmetic.
    """
    import math

    r = poly_degree(beta)
    if r < 1:
        return True
    P = _deriv_numerator(beta)
    if P.LC() < 0:
        return False
    roots = _sign_change_roots(P)
    top = max(1, math.ceil(float(max(roots))) + 1) if roots else 1
    vals = [eval_poly(beta, Fraction(1, b)) for b in range(1, top + 2)]
    return all(a >= c for a, c in zip(vals, vals[1:]))
