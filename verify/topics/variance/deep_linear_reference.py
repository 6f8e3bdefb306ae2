"""Reference engine (SymPy sparse polynomial rings) for the two-layer linear network's variance.

The first exact engine of this project, kept as an *independent* implementation that the
fast engine in :mod:`verify.topics.variance.deep_linear` (python-flint, conditional expectations block by
block) is tested against on small cases: a different polynomial library, a different
order of expectation (all blocks at once, after forming ``||g||^2`` in full), and a
moment table computed with SymPy instead of FLINT.  Exponential in t; use for t <= 2.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from math import factorial

from sympy.polys.domains import QQ
from sympy.polys.rings import ring

from verify.topics.variance.deep_linear import DeepLinearCase, matmul, matsub, transpose
from verify.topics.variance.engine import poly_degree

__all__ = ["moment_table_reference", "variance_polynomial_reference"]


@cache
def moment_table_reference(p: int, D: int) -> dict[tuple[int, ...], tuple[Fraction, ...]]:
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



def _expect(P, nvars_per_block: int, nblocks: int, p: int) -> list[Fraction]:
    """Exact expectation of a polynomial in the Xhat entries (blocks = time steps)."""
    maxdeg = [0] * nblocks
    for mono in P.itermonoms():
        for s in range(nblocks):
            maxdeg[s] = max(maxdeg[s], sum(mono[s * nvars_per_block:(s + 1) * nvars_per_block]))
    tables = [moment_table_reference(p, max(d, 1)) for d in maxdeg]
    out: list[Fraction] = []
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
        Delta = matsub(matmul(W2, W1), T)
        DX = matmul(Delta, X)
        return matmul(transpose(W2), DX), matmul(DX, transpose(W1))

    for s in range(t):
        g1, g2 = grads(W1, W2, Xh[s])
        a = QQ(case.alphas[s].numerator, case.alphas[s].denominator)
        W1, W2 = matsub(W1, g1, a), matsub(W2, g2, a)
    g1, g2 = grads(W1, W2, Xh[t])
    return R, (g1 if case.layer == 1 else g2), nv


def variance_polynomial_reference(case: DeepLinearCase) -> list[Fraction]:
    """Exact ``[beta_0, beta_1, ..., beta_r]`` with ``var(g_{t,layer} | F_0) = sum beta_k b^{-k}``.

    ``beta_0`` is returned (not dropped) so that Theorem 4's "no constant term" is checked.
    """
    R, g, nv = trajectory(case)
    nb = case.t + 1
    sq = R(0)
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


def _pad(a, b):
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else Fraction(0), b[i] if i < len(b) else Fraction(0)) for i in range(n)]
