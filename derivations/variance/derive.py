"""Paper 001: the mini-batch gradient's variance as a polynomial in 1/b.

Pure SymPy derivations (no file I/O).  Scaling conventions (the paper's): every loss
and gradient is a **mean** -- ``L = (1/n) sum_i L_i`` and ``g = (1/b) sum_{i in B} grad L_i``
for linear regression; ``Xhat = (1/b) sum_i x_i x_i^T`` for the online Gaussian network.

Linear regression (Section 3.1).  A batch B is a uniform b-subset of [n] (without
replacement).  :func:`inclusion_probabilities` derives ``P(i in B)`` and
``P(i, j in B)`` from binomial counting; :func:`lemma1` expands ``E||A g||^2`` with
them and compares ``var(A g)`` with the printed ``c_b (1/n sum ||v_i||^2 - ||vbar||^2)``;
:func:`pairwise_identity` derives the identity behind Lemma 2's last term.

Two-layer linear network (Section 3.2).  :func:`xhat_second_moment` derives
``E[Xhat_ac Xhat_de]`` from Isserlis' theorem; :func:`t0_variances` derives the t = 0
variances for symbolic weight matrices; :func:`scalar_t1_variance` the whole
polynomial in 1/b of the scalar network at t = 1 with symbolic weights and step size.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from derivations.export import Export, Guard

__all__ = [
    "P_",
    "Q_",
    "b",
    "d_",
    "dp_",
    "n",
    "t_",
    "u",
    "bookkeeping_step",
    "c_b_monotone",
    "gradient_step_identity",
    "induction_step",
    "lemma1_derived",
    "mgf_scaling",
    "pairwise_identity_general",
    "recursion_coefficient",
    "t0_general",
    "c_b",
    "c_b_exact",
    "c_in_u",
    "exports",
    "inclusion_probabilities",
    "lemma1",
    "pairwise_identity",
    "scalar_t1_variance",
    "scalar_chi2_moment",
    "t0_variances",
    "theorem3_degrees",
    "update_degrees",
    "xhat_second_moment",
]

n = sp.Symbol("n", integer=True, positive=True)
b = sp.Symbol("b", integer=True, positive=True)
u = sp.Symbol("u", positive=True)  # u = 1/b
p = sp.Symbol("p", integer=True, positive=True)

def inclusion_probabilities() -> tuple[sp.Expr, sp.Expr]:
    """``P(i in B) = C(n-1, b-1)/C(n, b)`` and ``P(i, j in B) = C(n-2, b-2)/C(n, b)`` (i != j), simplified."""
    p1 = sp.combsimp(sp.binomial(n - 1, b - 1) / sp.binomial(n, b))
    p2 = sp.combsimp(sp.binomial(n - 2, b - 2) / sp.binomial(n, b))
    return sp.factor(p1), sp.factor(p2)


Q_, P_ = sp.symbols("Q P", real=True)


@lru_cache(maxsize=None)
def lemma1_derived() -> sp.Expr:
    """Derive ``var(A g | F_t)`` for a uniform b-subset from the inclusion probabilities.

    With ``v_i = A grad L_i``, ``Q = sum_i ||v_i||^2`` and ``P = ||sum_i v_i||^2``:
    ``E||A g||^2 = b^{-2} (pi_1 Q + pi_2 (P - Q))`` (since ``sum_{i != j} v_i.v_j = P - Q``)
    and ``||E A g||^2 = P / n^2`` (``E A g = (pi_1 / b) sum_i v_i = (1/n) sum_i v_i``).
    """
    p1, p2 = inclusion_probabilities()
    second = (p1 * Q_ + p2 * (P_ - Q_)) / b**2
    return sp.factor(sp.simplify(second - P_ / n**2))


@lru_cache(maxsize=None)
def c_b_derived() -> sp.Expr:
    """``c_b``: the derived variance of Lemma 1 divided by ``Q/n - P/n^2`` (must be free of Q, P)."""
    c = sp.factor(sp.simplify(lemma1_derived() / (Q_ / n - P_ / n**2)))
    if c.free_symbols - {n, b}:
        raise RuntimeError(f"var(A g) is not a multiple of Q/n - P/n^2: {c}")
    return c


c_b = c_b_derived()
"""``c_b`` as derived from the inclusion probabilities (Lemma 1); the printed one is in ``printed``."""

_c_b_fn = sp.lambdify((n, b), c_b, modules=[{}])


def c_b_exact(nv, bv):
    """``c_b`` evaluated exactly: with Fraction / int arguments the result is a Fraction
    (the derived expression, lambdified; no arithmetic typed here)."""
    from fractions import Fraction

    return Fraction(_c_b_fn(Fraction(nv), Fraction(bv)))


@lru_cache(maxsize=None)
def c_in_u() -> tuple[sp.Expr, sp.Expr]:
    """``c_b = c0(n) + c1(n) u`` with ``u = 1/b``: ``(c0, c1)``, derived (c_b is affine in 1/b)."""
    P = sp.Poly(sp.simplify(c_b.subs(b, 1 / u)), u)
    if P.degree() != 1:
        raise RuntimeError("c_b is not affine in 1/b")
    return sp.factor(P.coeff_monomial(1)), sp.factor(P.coeff_monomial(u))


def lemma1() -> dict[str, sp.Expr]:
    """The derived variance, ``c_b`` and the second moment (see :func:`lemma1_derived`).

    ``Q_over_n_minus_P``: the factor ``Q/n - P/n^2`` that the derived variance is ``c_b`` times.
    """
    p1, p2 = inclusion_probabilities()
    return {"derived": lemma1_derived(), "c_b": c_b, "spread": Q_ / n - P_ / n**2, "Q": Q_, "P": P_,
            "second_moment": sp.simplify((p1 * Q_ + p2 * (P_ - Q_)) / b**2),
            "first_moment_factor": sp.simplify(p1 / b)}


def pairwise_identity(n_val: int, dim: int) -> sp.Expr:
    """``sum_{k,l} ||v_k - v_l||^2 - 2 (n sum_i ||v_i||^2 - ||sum_i v_i||^2)`` for symbolic vectors.

    Expanded; zero means the identity holds (so ``(1/n) sum ||v_i||^2 - ||vbar||^2
    = (1/(2 n^2)) sum_{k,l} ||v_k - v_l||^2``, i.e. half the printed double sum).
    """
    V = [[sp.Symbol(f"v{i}_{a}", real=True) for a in range(dim)] for i in range(n_val)]

    def nsq(x):
        return sum(xa**2 for xa in x)

    lhs = sum(nsq([a - c for a, c in zip(V[k], V[l])]) for k in range(n_val) for l in range(n_val))
    S = [sum(V[i][a] for i in range(n_val)) for a in range(dim)]
    rhs = 2 * (n_val * sum(nsq(v) for v in V) - nsq(S))
    return sp.expand(lhs - rhs)


def _sum(e, *lims):
    """``sum`` over the limits (innermost first) by linearity, pulling out factors free of the index."""
    from sympy.concrete.summations import Sum

    for lim in lims:
        out = 0
        for term in sp.Add.make_args(sp.expand(e)):
            dep, indep = [], []
            for f in sp.Mul.make_args(term):
                (dep if lim[0] in f.free_symbols else indep).append(f)
            out += sp.Mul(*indep) * Sum(sp.Mul(*dep), lim).doit()
        e = out
    return e


def _canon_sums(e, idx):
    """Rename every single-index Sum's dummy to ``idx`` (so equal sums compare equal)."""
    from sympy.concrete.summations import Sum

    return e.replace(lambda x: isinstance(x, Sum) and len(x.limits) == 1,
                     lambda x: Sum(x.function.subs(x.limits[0][0], idx), (idx,) + tuple(x.limits[0][1:])))


@lru_cache(maxsize=None)
def pairwise_identity_general() -> dict[str, sp.Expr]:
    """In general n: ``sum_{k,l} (v_k - v_l)^2 = 2 (n sum_i v_i^2 - (sum_i v_i)^2)`` (one coordinate;
    a squared norm is a sum over coordinates), so ``Q/n - P/n^2 = (1/(2 n^2)) sum_{k,l} ||v_k - v_l||^2``.

    Returns the expanded double sum, ``2 (n Q - P)`` and their difference (zero: the identity).
    """
    k, l, i = sp.symbols("k l i", integer=True, positive=True)
    v = sp.IndexedBase("v", real=True)
    lhs = _canon_sums(_sum((v[k] - v[l]) ** 2, (l, 1, n), (k, 1, n)), i)
    from sympy.concrete.summations import Sum

    Q, S = Sum(v[i] ** 2, (i, 1, n)), Sum(v[i], (i, 1, n))
    rhs = 2 * (n * Q - S**2)
    return {"double_sum": lhs, "two_nQ_minus_P": rhs, "difference": sp.expand(lhs - rhs),
            "Q": Q, "P": S**2}


def gradient_step_identity() -> sp.Expr:
    """``grad L_i(w - alpha g) - (grad L_i(w) - alpha x_i x_i^T g)`` for symbolic p-vectors (general p),
    with ``grad L_i(w) = x_i (x_i^T w - y_i)``: zero, so ``sum_i A_i grad L_i(w_{t+1}) =
    sum_i A_i grad L_i(w_t) - alpha A g_t`` with ``A = sum_i A_i x_i x_i^T``."""
    p = sp.Symbol("p", integer=True, positive=True)
    x, w, g = sp.MatrixSymbol("x", p, 1), sp.MatrixSymbol("w", p, 1), sp.MatrixSymbol("g", p, 1)
    y, al = sp.symbols("y alpha", real=True)
    grad = lambda ww: x * (x.T * ww - y * sp.Identity(1))  # noqa: E731
    return sp.expand((grad(w - al * g) - (grad(w) - al * x * x.T * g)).doit())


@lru_cache(maxsize=None)
def recursion_coefficient() -> sp.Expr:
    """The coefficient ``kappa`` in ``E||sum_i A_i grad L_i(w_{t+1})||^2 = E||sum_i B_i grad L_i(w_t)||^2
    + kappa sum_{k,l} E||A grad L_k(w_t) - A grad L_l(w_t)||^2`` (B_i = A_i - (alpha/n) A), derived:
    ``E_B||v - alpha A g||^2 = ||v - alpha A E g||^2 + alpha^2 var(A g | F_t)`` (definition of var),
    ``E g = (pi_1/b) sum grad L_i = grad L`` (:func:`lemma1`), Lemma 1 and :func:`pairwise_identity_general`."""
    al = sp.Symbol("alpha", positive=True)
    pw = pairwise_identity_general()
    # var(Ag) = c_b * spread, spread = (Q/n - P/n^2) = double_sum / (2 n^2) (coordinate-wise identity)
    if pw["difference"] != 0:
        raise RuntimeError("pairwise identity failed")
    DS = sp.Symbol("DS")  # the double sum sum_{k,l} ||v_k - v_l||^2 = 2 (n Q - P)
    P_of_DS = sp.solve(sp.Eq(DS, pw["two_nQ_minus_P"].subs({pw["Q"]: Q_, pw["P"]: P_})), P_)[0]
    spread_in_double_sum = sp.simplify((Q_ / n - P_ / n**2).subs(P_, P_of_DS) / DS)
    return sp.factor(al**2 * c_b * spread_in_double_sum)


def induction_step() -> dict[str, sp.Expr]:
    """The induction of Theorem 1 in general t and degree.

    Hypothesis: for every family F of matrices, ``f_t(F; c) = E||sum_i F_i grad L_i(w_t)||^2``
    is a polynomial in ``c`` whose coefficients ``a_k(F)`` (free of b) are >= 0 and whose degree is
    <= t.  The recursion gives, for the coefficient of ``c^k`` at t + 1,
    ``a_k(B) + (kappa / c) S_{k-1}`` with ``S_{k-1} = sum_{k,l} a_{k-1}(B^{kl}) >= 0`` (B^{kl}_k = A,
    B^{kl}_l = -A).  Returned: that coefficient for symbolic k, nonnegative function symbols, and
    the degree recurrence ``D_{t+1} = D_t + 1`` solved with ``D_0 = 0``.
    """
    k = sp.Symbol("k", integer=True, nonnegative=True)
    a = sp.Function("a", nonnegative=True)
    S = sp.Function("S", nonnegative=True)
    cc = sp.Symbol("c", nonnegative=True)
    kappa_over_c = sp.simplify(recursion_coefficient() / c_b)
    coeff = a(k) + kappa_over_c * S(k - 1)
    Dt = sp.Function("D")
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    deg = sp.rsolve(Dt(tt + 1) - Dt(tt) - 1, Dt(tt), {Dt(0): 0})
    # a polynomial sum_k a_k c^k with a_k >= 0 is non-decreasing on c >= 0: each term of its derivative
    k1 = sp.Symbol("k", integer=True, positive=True)  # the c^0 term differentiates to 0
    dterm = k1 * a(k1) * cc ** (k1 - 1)
    return {"coefficient": coeff, "kappa_over_c": kappa_over_c, "degree": deg, "derivative_term": dterm}


def c_b_monotone() -> dict[str, sp.Expr]:
    """``d c_b / d b`` for real b and its sign for ``n = 1 + m``, m >= 1 (n >= 2); ``c_b`` at b = n.

    With ``c_b >= 0`` on ``1 <= b <= n`` (numerator n - b >= 0) and decreasing, a polynomial in c_b
    with coefficients >= 0 is non-increasing in b."""
    m = sp.Symbol("m", positive=True)
    br = sp.Symbol("b", positive=True)
    cr = c_b.subs(b, br)
    d = sp.factor(sp.diff(cr, br))
    return {"derivative": d, "sign": sp.sign(d.subs(n, 1 + m)), "at_b_equals_n": sp.simplify(c_b.subs(b, n)),
            "numerator": sp.fraction(sp.factor(c_b))[0]}


def _delta(i, j):
    if isinstance(i, int) and isinstance(j, int):
        return sp.Integer(1) if i == j else sp.Integer(0)
    return sp.KroneckerDelta(i, j)


def gaussian_fourth(a, c, d, e):
    """Isserlis: ``E[x_a x_c x_d x_e]`` for ``x ~ N(0, I)``."""
    return _delta(a, c) * _delta(d, e) + _delta(a, d) * _delta(c, e) + _delta(a, e) * _delta(c, d)


def xhat_second_moment(a, c, d, e) -> sp.Expr:
    """``E[Xhat_ac Xhat_de]`` with ``Xhat = (1/b) sum_i x_i x_i^T``, as a polynomial in ``u = 1/b``.

    ``b^{-2} sum_{i,j}``: the b diagonal terms give the Gaussian fourth moment, the
    ``b(b-1)`` off-diagonal terms ``delta_ac delta_de``.
    """
    bb = 1 / u
    return sp.expand((bb * gaussian_fourth(a, c, d, e) + bb * (bb - 1) * _delta(a, c) * _delta(d, e)) / bb**2)


def _mat(name, r, c):
    return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}{i}{j}", real=True))


@lru_cache(maxsize=None)
def t0_variances(pp: int, p1: int, p2: int) -> dict[str, sp.Expr]:
    """Derive ``var(g_{0,k} | F_0)``, k = 1, 2, for symbolic W1 (p1 x pp), W2 (p2 x p1), T (p2 x pp).

    ``g_1 = W2^T Delta Xhat``, ``g_2 = Delta Xhat W1^T`` with ``Delta = W2 W1 - T``.  Each
    entry is linear in Xhat, so ``E||g||^2`` needs only :func:`xhat_second_moment`.
    Returns the derived variances, ``closed_g1`` (the general-p form of :func:`t0_general` times
    ``||W2^T Delta||^2``) and the candidate ``u (||Delta W1^T||^2 + ||W1||^2 ||Delta||^2)`` (layer 2,
    verified here only at the given dims).
    """
    W1, W2, T = _mat("a", p1, pp), _mat("c", p2, p1), _mat("t", p2, pp)
    Delta = W2 * W1 - T
    Xs = sp.Matrix(pp, pp, lambda i, j: sp.Symbol(f"X{min(i, j)}{max(i, j)}", real=True))
    out = {}
    for k, (G, g) in enumerate([(W2.T * Delta, W2.T * Delta * Xs), (Delta * W1.T, Delta * Xs * W1.T)], 1):
        second = 0
        for entry in g:
            poly = sp.Poly(sp.expand(entry**2), *sorted(Xs.free_symbols, key=str))
            for mono, coeff in poly.terms():
                idx = [s for s, m in zip(sorted(Xs.free_symbols, key=str), mono) for _ in range(m)]
                (a1, c1), (a2, c2) = [(int(str(s)[1]), int(str(s)[2])) for s in idx]
                second += coeff * xhat_second_moment(a1, c1, a2, c2)
        mean_sq = sum(x**2 for x in G)  # E Xhat = I
        out[f"var_g{k}"] = sp.expand(second - mean_sq)
    fro = lambda M: sum(x**2 for x in M)  # noqa: E731
    vf = t0_general()["variance_factor"]
    out["closed_g1"] = sp.expand(vf.subs(t0_general()["p"], pp) * fro(W2.T * Delta))
    out["closed_g2"] = sp.expand(u * (fro(Delta * W1.T) + fro(W1) * fro(Delta)))
    out["G_sq"] = sp.expand(fro(W2.T * Delta))
    return out


def _contract(expr, lims):
    """``sum`` of ``expr`` over ``lims`` (index, lo, hi) with Kronecker deltas contracted by hand:
    a delta ``KD(i, j)`` with i summed replaces i by j (all delta indices share the range
    ``0..p-1``); a summed index absent from a term gives the factor ``hi - lo + 1``; the remaining
    indices stay in one ``Sum``."""
    from sympy.concrete.summations import Sum

    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        factors = list(sp.Mul.make_args(term))
        pending = []
        for i, lo, hi in lims:
            kd = next((f for f in factors if isinstance(f, sp.KroneckerDelta) and i in f.args), None)
            if kd is None:
                pending.append((i, lo, hi))
                continue
            j = kd.args[1] if kd.args[0] == i else kd.args[0]
            factors.remove(kd)
            factors = [f.subs(i, j) for f in factors]
        term = sp.Mul(*factors)
        keep = []
        for i, lo, hi in pending:
            if i in term.free_symbols:
                keep.append((i, lo, hi))
            else:
                term = term * (hi - lo + 1)
        if keep:
            idx = {i for i, _, _ in keep}
            dep = sp.Mul(*[f for f in sp.Mul.make_args(term) if f.free_symbols & idx])
            indep = sp.Mul(*[f for f in sp.Mul.make_args(term) if not f.free_symbols & idx])
            term = indep * Sum(dep, *keep)
        out += term
    return out


@lru_cache(maxsize=None)
def t0_general() -> dict[str, sp.Expr]:
    """``E||G Xhat||_F^2`` for a fixed q x p matrix G in general p (symbolic), as a multiple of
    ``||G||^2``, and the Gaussian fact ``E tr(x x^T A x x^T)`` in general p.

    Indices are symbols summed over ``0..p-1`` (rows of G over ``0..q-1``);
    ``E[Xhat_ac Xhat_de]`` is :func:`xhat_second_moment` with Kronecker deltas.  At t = 0,
    ``g_{0,1} = G Xhat_0`` with ``G = W2^T Delta`` fixed; at step t, ``g_{t,1} = G_t Xhat_t`` with
    ``Xhat_t`` independent of ``G_t``, so ``E||g_{t,1}||^2 = E[E_t||G_t Xhat_t||^2]`` and
    ``E g_{t,1} = E G_t`` (``E Xhat = I``).
    """
    from sympy.concrete.summations import Sum

    p = sp.Symbol("p", integer=True, positive=True)
    q = sp.Symbol("q", integer=True, positive=True)
    r, a, c, e = sp.symbols("r a c e", integer=True, nonnegative=True)
    G = sp.IndexedBase("G", real=True)
    G_sq = sp.Symbol("G_sq", nonnegative=True)
    # ||G Xhat||^2 = sum_{r,c} (sum_a G_ra Xhat_ac)^2 = sum_{r,c,a,e} G_ra G_re Xhat_ac Xhat_ec
    e2 = _contract(G[r, a] * G[r, e] * xhat_second_moment(a, c, e, c),
                   [(c, 0, p - 1), (e, 0, p - 1), (a, 0, p - 1), (r, 0, q - 1)])
    norm = Sum(G[r, a] ** 2, (a, 0, p - 1), (r, 0, q - 1))
    e2 = sp.expand(e2.subs(norm, G_sq))
    factor = sp.simplify(e2 / G_sq)
    if factor.free_symbols - {p, u}:
        raise RuntimeError(f"E||G Xhat||^2 is not a multiple of ||G||^2: {e2}")
    d = sp.Symbol("d", integer=True, nonnegative=True)
    A = sp.IndexedBase("A", real=True)
    trA = sp.Symbol("trA")
    gauss = _contract(A[c, d] * gaussian_fourth(a, c, d, a), [(c, 0, p - 1), (d, 0, p - 1), (a, 0, p - 1)])
    gauss = sp.expand(gauss.replace(lambda x: isinstance(x, Sum) and x.function.func == sp.Indexed
                                    and x.function.base == A and x.function.indices[0] == x.function.indices[1],
                                    lambda x: trA))
    return {"second_moment_factor": sp.expand(factor), "variance_factor": sp.expand(factor - 1),
            "p": p, "gaussian_trace": sp.collect(gauss, trA), "trA": trA, "G_sq": G_sq}


def mgf_scaling() -> dict[str, sp.Expr]:
    """The cumulant generating function of ``Xhat`` (``b Xhat`` Wishart(I, b)) as ``kappa(u Theta)/u``.

    Per eigenvalue theta of Theta: ``-(b/2) log(1 - 2 theta/b) = kappa(u theta)/u`` with
    ``kappa(z) = -(1/2) log(1 - 2 z)`` free of u and ``kappa(0) = 0``.  So the theta-degree-k part
    of ``K^m / m!`` carries ``u^{k-m}`` (``m <= k``), and a moment of degree ``k >= 1`` is a
    polynomial in u of degree <= k - 1; at ``u = 0``, ``K = tr Theta``: ``Xhat = I`` a.s.
    Returns the residual of the scaling identity, ``kappa(0)`` and ``K`` at ``u = 0`` to first order.
    """
    th, z = sp.symbols("theta z")
    bb = 1 / u
    K = -(bb / 2) * sp.log(1 - 2 * th / bb)
    kappa = -sp.log(1 - 2 * z) / 2
    k_at_0 = sp.limit(K, u, 0)
    return {"residual": sp.simplify(K - kappa.subs(z, u * th) / u), "kappa_at_0": kappa.subs(z, 0),
            "K_at_u0": k_at_0, "theta": th}


def bookkeeping_step() -> dict[str, sp.Expr]:
    """One step of :func:`update_degrees` with symbolic degrees (general t, by induction).

    ``W_{t,1}, W_{t,2}`` have degree ``D >= 0`` in an earlier block s < t (``w`` in the initial
    weights) and 0 in block t; ``Xhat_t`` degree 1 in block t only.  Products add, sums take the max:
    the step returns the degrees of ``g_t`` and ``W_{t+1}`` in block s, in block t and in the weights.
    """
    Dg, w = sp.symbols("D w", nonnegative=True)
    wpos = sp.Symbol("w", positive=True)

    def step(W, X):  # W: degree of W_{t,k} (both k), X: degree of Xhat_t, teacher: 0
        Delta = sp.Max(W + W, 0)
        g = W + Delta + X  # g_1 = W2^T Delta X (g_2 = Delta X W1^T: the same sum)
        return g, sp.Max(W, g)

    g_s, W_s = step(Dg, 0)      # an earlier block
    g_t, W_t = step(0, 1)       # block t (W_t free of it)
    g_w, W_w = step(wpos, 0)    # the initial weights (degree >= 1 from t = 0 on)
    return {"g_block_s": sp.simplify(g_s), "W_block_s": sp.simplify(W_s), "g_block_t": g_t, "W_block_t": W_t,
            "g_weights": sp.simplify(g_w), "W_weights": sp.simplify(W_w), "D": Dg, "w": wpos}


def scalar_chi2_moment(k: int) -> sp.Expr:
    """``E[s^k]`` for ``s = (1/b) chi^2_b``: coefficient of ``theta^k`` times ``k!`` in
    ``exp(sum_j (2^{j-1}/j) u^{j-1} theta^j)`` (the log-MGF of ``s``); the series obeys
    ``(1 - 2 u theta) M' = M``, i.e. ``E[s^{k+1}] = (1 + 2 k u) E[s^k]``."""
    out = sp.Integer(1)
    for j in range(k):
        out *= 1 + 2 * j * u
    return sp.expand(out)


w1, w2, v, alpha = sp.symbols("w1 w2 v alpha", real=True)


@lru_cache(maxsize=None)
def scalar_t1_variance(layer: int = 1) -> sp.Expr:
    """``var(g_{1,layer} | F_0)`` of the scalar network (p = p1 = p2 = 1) as a polynomial in u.

    Student ``w2 w1``, teacher product ``v``, step ``alpha``; ``s_0, s_1`` independent
    copies of ``(1/b) chi^2_b``.  Derived by expanding in ``s_0, s_1`` and replacing
    ``s^k`` with :func:`scalar_chi2_moment`.
    """
    s0, s1 = sp.symbols("s0 s1", positive=True)
    d0 = w2 * w1 - v
    W1 = w1 - alpha * w2 * d0 * s0
    W2 = w2 - alpha * d0 * s0 * w1
    d1 = W2 * W1 - v
    g = (W2 * d1 * s1) if layer == 1 else (d1 * s1 * W1)

    def E(expr):
        P = sp.Poly(sp.expand(expr), s0, s1)
        return sp.expand(sum(c * scalar_chi2_moment(i) * scalar_chi2_moment(j) for (i, j), c in P.terms()))

    return sp.collect(sp.expand(E(g**2) - E(g) ** 2), u)


def update_degrees(T: int) -> list[dict[str, tuple[int, ...] | int]]:
    """Degree bookkeeping read off the update rule, steps ``t = 0..T``.

    A polynomial in the input blocks ``Xhat_0..Xhat_t`` and the initial weights is tracked by
    its degree in each block and in the initial weights (``W_{0,k}`` have degree 1 in the
    weights and 0 in every block; the teacher and the step sizes are constants).  Products
    add degrees, sums take the maximum (an upper bound, attained for generic weights).
    Applying ``Delta = W2 W1 - T``, ``g_1 = W2^T Delta Xhat_t``, ``g_2 = Delta Xhat_t W1^T``,
    ``W_{t+1,k} = W_{t,k} - alpha g_{t,k}`` gives, per step, the degrees of ``W_t`` and ``g_t``.
    """
    def add(*vs):
        return tuple(sum(c) for c in zip(*vs))

    def mx(*vs):
        return tuple(max(c) for c in zip(*vs))

    n = T + 1  # blocks 0..T, then the weight degree
    W1 = W2 = (0,) * n + (1,)
    const = (0,) * (n + 1)
    out = []
    for t in range(T + 1):
        X = tuple(1 if s == t else 0 for s in range(n)) + (0,)
        Delta = mx(add(W2, W1), const)
        g1, g2 = add(W2, Delta, X), add(Delta, X, W1)
        out.append({"t": t, "W": mx(W1, W2), "g": mx(g1, g2)})
        W1, W2 = mx(W1, g1), mx(W2, g2)
    return out


t_, d_, dp_ = sp.symbols("t d dprime", integer=True, nonnegative=True)
j_ = sp.Symbol("j", integer=True, positive=True)


@lru_cache(maxsize=None)
def theorem3_degrees() -> dict[str, sp.Expr]:
    """Degree of ``E[M | F_0]`` in ``1/b`` and of its coefficients in the initial weights.

    ``M`` is a multiplicative term with ``d`` factors ``g_{t,k}`` and ``d'`` factors ``W_{t,k}``
    (teacher factors are constants).  From :func:`update_degrees`: ``W_t`` has degree
    ``3^{j-1}`` in block ``t - j`` (j >= 1) and ``3^t`` in the initial weights; ``g_t`` has
    degree ``3^j`` in block ``t - j`` (j >= 0) and ``3^{t+1}`` in the weights -- the
    recurrences ``D_{t+1} = 3 D_t`` read off the update, solved by ``rsolve`` and compared with
    the bookkeeping.  So ``M`` has degree ``k_0 = d`` in block t and
    ``k_j = d 3^j + d' 3^{j-1}`` in block ``t - j``.  A moment of ``Xhat`` of degree ``k >= 1``
    is a polynomial in ``u = 1/b`` of degree ``k - 1`` (the log-MGF's degree-k part carries
    ``u^{k-1}``; a product of m cumulants of total degree k carries ``u^{k-m}``), so

        q <= sum_j (k_j - 1) = (3^{t+1} - 1) d / 2 + (3^t - 1) d' / 2 - (t + 1)     (d >= 1),

    one less ``-1`` when ``d = 0`` and ``d' >= 1`` (block t absent).  The coefficients have degree
    ``d 3^{t+1} + d' 3^t`` in the initial weights.  The recurrences come from
    :func:`bookkeeping_step` (one step with symbolic degrees, i.e. the induction step in general t),
    the moment degrees from :func:`mgf_scaling`.  ``var_degree``: d = 2, d' = 0 (``E||g_t||^2``);
    ``mean_sq_degree``: twice the d = 1 bound (``||E g_t||^2``).
    """
    D = sp.Function("D")
    j = sp.Symbol("j", integer=True)
    st = bookkeeping_step()  # one step in general: degree 3D in an earlier block, 1 in block t, 3w in the weights
    ratio_s = sp.simplify(st["W_block_s"] / st["D"])
    ratio_w = sp.simplify(st["W_weights"] / st["w"])
    if not (ratio_s.is_number and ratio_w.is_number and st["g_block_t"] == 1 and st["W_block_t"] == 1
            and sp.simplify(st["g_block_s"] - st["W_block_s"]) == 0
            and sp.simplify(st["g_weights"] - st["W_weights"]) == 0):
        raise RuntimeError(f"unexpected bookkeeping step: {st}")
    DW = sp.rsolve(D(j + 1) - ratio_s * D(j), D(j), {D(1): st["W_block_t"]})  # degree of W_t in block t - j
    Dw = sp.rsolve(D(j + 1) - ratio_w * D(j), D(j), {D(0): 1})  # degree of W_t in the weights, j = t
    for row in update_degrees(6):  # consistency with the step-by-step count (the general step is above)
        t = row["t"]
        ok = row["g"][t] == 1 and row["W"][-1] == Dw.subs(j, t) and row["g"][-1] == 3 * Dw.subs(j, t)
        ok &= all(row["W"][t - jj] == DW.subs(j, jj) and row["g"][t - jj] == 3 * DW.subs(j, jj)
                  for jj in range(1, t + 1))
        if not ok:
            raise RuntimeError(f"degree recurrence does not match the update's bookkeeping at t = {t}")
    k_j = d_ * ratio_s * DW.subs(j, j_) + dp_ * DW.subs(j, j_)
    derived = sp.simplify(sp.summation(k_j - 1, (j_, 1, t_)) + d_ - 1)
    derived_d0 = sp.simplify(sp.summation(k_j.subs(d_, 0) - 1, (j_, 1, t_)))
    return {
        "W_block_degree": DW.subs(j, j_), "W_weight_degree": Dw.subs(j, t_),
        "q_derived": derived, "q_derived_d0": derived_d0,
        "coef_degree_derived": sp.expand(d_ * ratio_w * Dw.subs(j, t_) + dp_ * Dw.subs(j, t_)),
        "var_degree": sp.simplify(derived.subs({d_: 2, dp_: 0})),
        "mean_sq_degree": sp.simplify(2 * derived.subs({d_: 1, dp_: 0})),
    }


# ------------------------------------------------------------------ proof steps (issue 16)
def _flat_sum(e):
    """``Sum(Sum(f, l2), l1)`` -> ``(f, [l1, l2])``; limits ``(i, a, a)`` are substituted away."""
    from sympy.concrete.summations import Sum

    lims = []
    while isinstance(e, Sum):
        lims = list(e.limits) + lims
        e = e.function
    keep = []
    for i, lo, hi in lims:
        if lo == hi:
            e = e.subs(i, lo)
        else:
            keep.append((i, lo, hi))
    return e, keep


def _canon_index_term(f, lims):
    """Canonical key of ``sum_{lims} f`` (f a product): the least rendering over the renamings of
    the bound indices (so sums equal up to renaming their dummies get equal keys).

    Only renamings that list the indices in the order of a renaming-invariant signature (its
    limits and the factors it occurs in, with itself and the other bound indices blanked) are
    tried -- all orders within a tie.  Renaming f permutes the signatures with the indices, so the
    candidate set, and its least key, is the same for every renaming of f."""
    from itertools import permutations, product

    n = len(lims)
    idx = [lim[0] for lim in lims]
    names = [sp.Symbol(f"k{j}", integer=True) for j in range(n)]
    me, other = sp.Symbol("_self", integer=True), sp.Symbol("_other", integer=True)
    factors = sp.Mul.make_args(f)

    def signature(j):
        blank = {k: (me if k == idx[j] else other) for k in idx}
        return (str(lims[j][1]), str(lims[j][2]),
                tuple(sorted(sp.srepr(a.xreplace(blank)) for a in factors if idx[j] in a.free_symbols)))

    sigs = [signature(j) for j in range(n)]
    order = sorted(range(n), key=lambda j: sigs[j])
    groups: list[list[int]] = []
    for j in order:
        if groups and sigs[groups[-1][0]] == sigs[j]:
            groups[-1].append(j)
        else:
            groups.append([j])
    best = None
    for combo in product(*(permutations(g) for g in groups)):
        seq = [j for g in combo for j in g]  # slot s gets the name k_s
        sub = {idx[seq[s]]: names[s] for s in range(n)}
        key = (sp.srepr(f.xreplace(sub)),
               tuple(sorted((str(names[s]), str(lims[seq[s]][1]), str(lims[seq[s]][2])) for s in range(n))))
        best = key if best is None or key < best else best
    return best


def index_terms(e) -> dict:
    """``e`` (a scalar expression of matrix entries, Traces, 1 x 1 products and Sums -- or products
    of Sums -- with symbolic bounds) as ``{canonical index monomial: coefficient}``: Traces and matrix products are written
    as index sums, sums of sums split by linearity, factors free of the bound indices pulled out,
    a bound index that does not occur gives the factor (hi - lo + 1).  Two expressions with equal
    dicts are equal for every size (general p, general n)."""
    from collections import defaultdict

    from sympy.concrete.summations import Sum

    if isinstance(e, sp.MatrixExpr):
        e = e[0, 0]
    e = e.replace(lambda x: isinstance(x, sp.Trace), lambda x: x.rewrite(Sum))
    from sympy.matrices.expressions.matexpr import MatrixElement

    e = e.replace(lambda x: isinstance(x, MatrixElement) and not isinstance(x.parent, sp.MatrixSymbol),
                  lambda x: x.parent._entry(x.i, x.j))
    out = defaultdict(lambda: sp.Integer(0))
    for term in sp.Add.make_args(sp.expand(e)):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, Sum)]
        rest = sp.Mul(*[f for f in sp.Mul.make_args(term) if not isinstance(f, Sum)])
        if not sums:
            out[("1",)] += rest
            continue
        if len(sums) > 1:  # a product of sums is one sum over fresh, distinct indices
            fs, lims = [], []
            for s_ in sums:
                f_, ls_ = _flat_sum(s_)
                ren = {}
                for i, lo, hi in ls_:
                    ren[i] = sp.Symbol(f"_m{len(lims)}", integer=True)
                    lims.append((ren[i], lo, hi))
                fs.append(f_.xreplace(ren))
            f = sp.Mul(*fs)
        else:
            f, lims = _flat_sum(sums[0])
        for sub in sp.Add.make_args(sp.expand(f)):
            idx = {i for i, _, _ in lims}
            dep = sp.Mul(*[x for x in sp.Mul.make_args(sub) if x.free_symbols & idx])
            coef = rest * sp.Mul(*[x for x in sp.Mul.make_args(sub) if not x.free_symbols & idx])
            used = [lim for lim in lims if lim[0] in dep.free_symbols]
            for i, lo, hi in lims:
                if i not in dep.free_symbols:
                    coef *= hi - lo + 1
            out[_canon_index_term(dep, used)] += coef
    return {k: v for k, v in out.items() if sp.simplify(v) != 0}


def index_equal(a, c) -> bool:
    """Whether ``a`` and ``c`` are equal as index expressions in general dimensions (:func:`index_terms`)."""
    ta, tc = index_terms(a), index_terms(c)
    return set(ta) == set(tc) and all(sp.simplify(ta[k] - tc[k]) == 0 for k in ta)


def general_matrices():
    """Matrix symbols of general size p (q rows for A): ``A`` (q x p), ``M`` (p x p), vectors ``g, u, v`` (p x 1)."""
    pp, q = sp.Symbol("p", integer=True, positive=True), sp.Symbol("q", integer=True, positive=True)
    return {"p": pp, "A": sp.MatrixSymbol("A", q, pp), "g": sp.MatrixSymbol("g", pp, 1),
            "v": sp.MatrixSymbol("v", pp, 1), "u": sp.MatrixSymbol("u", pp, 1), "w": sp.MatrixSymbol("w", q, 1),
            "M1": sp.MatrixSymbol("M", pp, pp), "M2": sp.MatrixSymbol("N", pp, pp),
            "A0": sp.MatrixSymbol("A_0", pp, pp), "A1": sp.MatrixSymbol("A_1", pp, pp),
            "A2": sp.MatrixSymbol("A_2", pp, pp), "x": sp.MatrixSymbol("x", pp, 1), "y": sp.MatrixSymbol("y", pp, 1)}


def outer_moment_coefficients() -> tuple[sp.Expr, sp.Expr]:
    """``E[g g^T | F_t] = a1 sum_i v_i v_i^T + a2 vbar vbar^T`` (v_i = grad L_i, vbar = (1/n) sum v_i):
    from ``b^2 g g^T = sum_{i,j in B} v_i v_j^T``, ``P(i in B) = pi_1``, ``P(i, j in B) = pi_2`` and
    ``sum_{i != j} v_i v_j^T = n^2 vbar vbar^T - sum_i v_i v_i^T``.  Returns ``(a1, a2)``."""
    p1, p2 = inclusion_probabilities()
    return sp.factor((p1 - p2) / b**2), sp.factor(p2 * n**2 / b**2)


def square_expansion() -> dict:
    """``||v - a w||^2 = ||v||^2 + c1 <v, w> + c2 ||w||^2`` in general dimension (index sums):
    returns ``c1, c2`` read off the expanded index form, and ``a``."""
    a = sp.Symbol("a")
    G = general_matrices()
    v, w = sp.MatrixSymbol("v", G["p"], 1), sp.MatrixSymbol("w", G["p"], 1)
    T = index_terms(((v - a * w).T * (v - a * w))[0, 0])
    keys = {k: next(iter(index_terms(e))) for k, e in (("vv", v.T * v), ("vw", v.T * w), ("ww", w.T * w))}
    return {"a": a, "c1": T.get(keys["vw"], 0), "c2": T.get(keys["ww"], 0), "c0": T.get(keys["vv"], 0),
            "extra": set(T) - set(keys.values())}


def _idx(m):
    return m[0, 0]


def pairwise_factor() -> sp.Expr:
    """``kappa`` with ``(1/n) sum_i ||v_i||^2 - ||vbar||^2 = kappa sum_{i != j} ||v_i - v_j||^2``, derived from
    :func:`pairwise_identity_general` (the diagonal terms i = j of the double sum vanish)."""
    pw = pairwise_identity_general()
    if pw["difference"] != 0:
        raise RuntimeError("pairwise identity failed")
    DS = sp.Symbol("DS")
    P_of_DS = sp.solve(sp.Eq(DS, pw["two_nQ_minus_P"].subs({pw["Q"]: Q_, pw["P"]: P_})), P_)[0]
    return sp.simplify((Q_ / n - P_ / n**2).subs(P_, P_of_DS) / DS)


def product_rule() -> dict:
    """``(f g)' = c1 f' g + c2 f g'`` from ``sp.diff``; and the sign of each term when f, g >= 0, f', g' <= 0."""
    x = sp.Symbol("x", real=True)
    f, g = sp.Function("f")(x), sp.Function("g")(x)
    d = sp.expand(sp.diff(f * g, x))
    c1 = d.coeff(sp.Derivative(f, x))
    c2 = d.coeff(sp.Derivative(g, x))
    F, G, Fp, Gp = sp.symbols("F G Fp Gp", nonnegative=True)  # f = F, g = G, f' = -Fp, g' = -Gp
    return {"c1": sp.simplify(c1 / g), "c2": sp.simplify(c2 / f), "x": x, "f": f, "g": g,
            "at_signs": lambda k1, k2: sp.expand(k1 * (-Fp) * G + k2 * F * (-Gp))}


def discrete_product_step() -> sp.Expr:
    """For sequences: ``f(b+1) g(b+1) - f(b) g(b) = f(b+1) (g(b+1) - g(b)) + g(b) (f(b+1) - f(b))``, with
    ``f, g >= 0`` non-increasing written as ``f(b+1) = F1 >= 0``, ``f(b) = F1 + dF`` (dF >= 0) etc.:
    the change, which is <= 0 (returned expanded; all symbols nonnegative, every term carries a minus)."""
    F1, G1, dF, dG = sp.symbols("F1 G1 dF dG", nonnegative=True)
    return sp.expand(F1 * G1 - (F1 + dF) * (G1 + dG))


# ------------------------------------------------------------------ Appendix B.2 (issue 16)
def b2_symbols() -> dict:
    """Matrix symbols of general size p for the proofs of Appendix B.2: vectors (p x 1) and p x p matrices,
    and two free entry indices ``i, j`` (a p x p identity is checked entrywise at a symbolic entry)."""
    pp = sp.Symbol("p", integer=True, positive=True)
    vec = {k: sp.MatrixSymbol(k, pp, 1) for k in ("a", "b", "c", "d", "e", "f", "x1", "x2", "x3", "x", "y",
                                                  "u", "v", "P")}
    mat = {k: sp.MatrixSymbol(k, pp, pp) for k in ("A", "A0", "A1", "A2", "A3", "Ad", "R", "M1", "M2")}
    i, j = sp.symbols("i j", integer=True)
    return {"p": pp, "i": i, "j": j, **vec, **mat}


def entry_equal(L, R) -> bool:
    """Two p x p (or p x 1, 1 x 1) matrix expressions equal at a symbolic entry, as index sums
    (:func:`index_terms`): equal in general p."""
    S = b2_symbols()
    i = S["i"]
    j = S["j"] if L.shape[1] != 1 else 0
    if L.shape == (1, 1):
        i = 0
    return index_equal(L[i, j], R[i, j])


def set_partitions(d: int):
    """All set partitions of ``range(d)`` (lists of blocks)."""
    if d == 0:
        yield []
        return
    for part in set_partitions(d - 1):
        for k in range(len(part)):
            yield part[:k] + [part[k] + [d - 1]] + part[k + 1:]
        yield part + [[d - 1]]


def falling_factorial_u(d: int, k: int) -> list:
    """``b^{-d} b(b-1)...(b-k+1)`` (the number of index tuples in [b]^d with a given pattern of k distinct
    values, over b^d) as coefficients of ``u^0, u^1, ...`` (u = 1/b): ``u^{d-k} prod_{j<k} (1 - j u)``,
    a polynomial in u whose coefficients are free of b (Stirling numbers of the first kind)."""
    if not 0 <= k <= d:
        raise ValueError("0 <= k <= d")
    P = sp.Poly(sp.expand(u ** (d - k) * sp.prod([1 - j * u for j in range(k)])), u)
    if P.free_symbols - {u}:
        raise RuntimeError("coefficients depend on b")
    return [P.coeff_monomial(u**m) for m in range(d)]


def theorem3_induction() -> dict:
    """The induction step of Theorem 3 in general t, d, d' (the repaired display).

    After Lemma 8 at t + 1 and Lemma 9, every term has g_t-degree ``d1`` and W_t-degree ``d1'`` with
    ``d1 + d1' <= D = 3d + d'`` (each W_{t+1} factor becomes W_t or -alpha g_t).  The induction
    hypothesis bounds its degree in 1/b by ``h(d1, d1') = (3^{t+1}-1) d1/2 + (3^t-1) d1'/2`` and its
    coefficient degree by ``3^t (3 d1 + d1')``.  With ``3^t = 1 + z`` (z >= 0 for t >= 0) and the slack
    ``s = D - d1 - d1' >= 0`` the maximum ``h(D, 0)`` minus ``h(d1, d1')`` and ``3^{t+1} D`` minus the
    coefficient degree are returned as expressions in nonnegative symbols, with ``q_next = d + h(D, 0)``.
    """
    z, s, d1p = sp.symbols("z s d1p", nonnegative=True)
    D = 3 * d_ + dp_
    h = lambda a, c: sp.Rational(1, 2) * (3 ** (t_ + 1) - 1) * a + sp.Rational(1, 2) * (3**t_ - 1) * c  # noqa: E731
    d1 = D - s - d1p
    q_slack = sp.expand(sp.expand(h(D, 0) - h(d1, d1p)).subs(3**t_, 1 + z))  # expand: 3^(t+1) -> 3 * 3^t
    deg_slack = sp.expand((3 ** (t_ + 1) * D - 3**t_ * (3 * d1 + d1p)).subs(3 ** (t_ + 1), 3 * 3**t_).subs(3**t_, 1 + z))
    return {"h_max": h(D, 0), "q_slack": q_slack, "deg_slack": deg_slack, "q_next": sp.expand(d_ + h(D, 0)),
            "deg_next": 3 ** (t_ + 1) * D, "z": z, "s": s, "d1p": d1p}


def theorem5_summands() -> dict:
    """Summands (index k, general r) of ``var = sum_k beta_k b^{-k}``: its derivative's, and those of
    ``f(b) = sum_k beta_k b^{r-k}`` and ``f'(b)`` (so ``var = f / b^r``)."""
    bb = sp.Symbol("b", positive=True)
    r, k = sp.symbols("r k", integer=True, positive=True)
    beta = sp.Symbol("beta_k", real=True)
    v = beta * bb ** (-k)
    f = beta * bb ** (r - k)
    return {"b": bb, "r": r, "k": k, "beta": beta, "var": v, "var_prime": sp.diff(v, bb), "f": f,
            "f_prime": sp.diff(f, bb)}


def exports() -> list[Export]:
    bb = sp.Symbol("b", positive=True)  # real b for the closed forms (integer b is a special case)
    nn = sp.Symbol("n", integer=True, positive=True)
    bi = sp.Symbol("b", integer=True, positive=True)
    ms, sm = sp.symbols("mean_sq sq_mean", nonnegative=True)
    G, DW, W1sq, Dsq = sp.symbols("G_sq DW_sq W1_sq Delta_sq", nonnegative=True)
    pp = sp.Symbol("p", integer=True, positive=True)
    cb = c_b.subs({n: nn, b: bi})  # derived in lemma1_derived / c_b_derived
    # Explicit guards on assumption-free twins of the symbols: SymPy evaluates ``b > 0`` to
    # True for a positive symbol, so the automatic guards alone would be vacuous.
    P = {name: sp.Symbol(name, real=True) for name in ("n", "b", "p", "G_sq", "DW_sq", "W1_sq", "Delta_sq")}
    g_b_int = Guard(sp.And(sp.Eq(P["b"], sp.floor(P["b"])), P["b"] >= 1), "b is an integer >= 1 (batch size)")
    g_n_int = Guard(sp.Eq(P["n"], sp.floor(P["n"])), "n is an integer")
    g_b_pos = Guard(P["b"] > 0, "b > 0 (batch size)")
    g_p = Guard(sp.And(sp.Eq(P["p"], sp.floor(P["p"])), P["p"] >= 1), "p is an integer >= 1")
    nonneg = lambda *ks: tuple(Guard(P[k] >= 0, f"{k} >= 0 (a squared norm)") for k in ks)  # noqa: E731
    t0 = t0_variances(1, 1, 1)  # used only to tie the scalar export to the derivation
    scalar0 = t0["var_g1"].subs({sp.Symbol("a00", real=True): w1, sp.Symbol("c00", real=True): w2,
                                 sp.Symbol("t00", real=True): v, u: 1 / bb})
    s1 = scalar_t1_variance(1).subs(u, 1 / bb)
    return [
        Export("c_b", (nn, bi), cb,
               "Lemma 1's c_b, derived from the inclusion probabilities: batch of b distinct indices out of n.",
               (g_n_int, g_b_int, Guard(sp.Ge(nn, 2), "n >= 2"), Guard(sp.Le(bi, nn), "b <= n"))),
        Export("lemma1_variance", (nn, bi, ms, sm), cb * (ms - sm),
               "var(A g | F_t) = c_b (mean_sq - sq_mean), mean_sq = (1/n) sum ||A grad L_i||^2, "
               "sq_mean = ||A grad L||^2 (mean scaling).",
               (g_n_int, g_b_int, Guard(sp.Ge(nn, 2), "n >= 2"), Guard(sp.Le(bi, nn), "b <= n"),
                Guard(sp.Ge(ms, sm), "mean_sq >= sq_mean"))),
        Export("var_g1_t0", (pp, bb, G),
               t0_general()["variance_factor"].subs({t0_general()["p"]: pp, u: 1 / bb}) * G,
               "Two-layer network, t = 0: var(g_{0,1} | F_0) = (p + 1) ||W2^T Delta||_F^2 / b, "
               "G_sq = ||W2^T (W2 W1 - W2* W1*)||_F^2, inputs N(0, I_p), batch mean.",
               (g_p, g_b_pos, *nonneg("G_sq"))),
        Export("var_g2_t0", (bb, DW, W1sq, Dsq), (DW + W1sq * Dsq) / bb,
               "Two-layer network, t = 0: var(g_{0,2} | F_0) = (||Delta W1^T||^2 + ||W1||^2 ||Delta||^2) / b "
               "(Frobenius norms).", (g_b_pos, *nonneg("DW_sq", "W1_sq", "Delta_sq"))),
        Export("scalar_var_g1_t0", (w1, w2, v, bb), sp.factor(scalar0),
               "Scalar network (p = p1 = p2 = 1), t = 0, layer 1: variance of the batch-mean gradient.",
               (g_b_pos,)),
        Export("scalar_var_g1_t1", (w1, w2, v, alpha, bb), s1,
               "Scalar network, t = 1, layer 1: var(g_{1,1} | F_0) as derived by scalar_t1_variance "
               "(a polynomial in 1/b of degree 6 with no constant term).",
               (g_b_pos, Guard(sp.Symbol("alpha", real=True) > 0, "alpha > 0 (step size)"))),
    ]
