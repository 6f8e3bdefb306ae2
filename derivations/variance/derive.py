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
    "b",
    "n",
    "u",
    "c_b",
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

c_b = (n - b) / (b * (n - 1))
"""The paper's ``c_b = (n - b) / (b (n - 1))`` (Lemma 1)."""


def inclusion_probabilities() -> tuple[sp.Expr, sp.Expr]:
    """``P(i in B) = C(n-1, b-1)/C(n, b)`` and ``P(i, j in B) = C(n-2, b-2)/C(n, b)`` (i != j), simplified."""
    p1 = sp.combsimp(sp.binomial(n - 1, b - 1) / sp.binomial(n, b))
    p2 = sp.combsimp(sp.binomial(n - 2, b - 2) / sp.binomial(n, b))
    return sp.factor(p1), sp.factor(p2)


def lemma1() -> dict[str, sp.Expr]:
    """Derive ``var(A g | F_t)`` for a uniform b-subset.

    With ``v_i = A grad L_i``, ``Q = sum_i ||v_i||^2`` and ``P = ||sum_i v_i||^2``:
    ``E||A g||^2 = b^{-2} (pi_1 Q + pi_2 (P - Q))`` (since ``sum_{i != j} v_i.v_j = P - Q``)
    and ``||E A g||^2 = P / n^2``.  Returns the derived variance, the printed one
    ``c_b (Q/n - P/n^2)`` and their simplified difference.
    """
    Q, P = sp.symbols("Q P", real=True)
    p1, p2 = inclusion_probabilities()
    second = (p1 * Q + p2 * (P - Q)) / b**2
    derived = sp.simplify(second - P / n**2)
    printed = c_b * (Q / n - P / n**2)
    return {"derived": derived, "printed": printed, "difference": sp.simplify(derived - printed),
            "second_moment": sp.simplify(second)}


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


def _delta(i, j):
    return sp.Integer(1) if i == j else sp.Integer(0)


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
    Returns the derived variances and the candidate closed forms
    ``(p+1) u ||W2^T Delta||^2`` and ``u (||Delta W1^T||^2 + ||W1||^2 ||Delta||^2)``.
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
    out["closed_g1"] = sp.expand((pp + 1) * u * fro(W2.T * Delta))
    out["closed_g2"] = sp.expand(u * (fro(Delta * W1.T) + fro(W1) * fro(Delta)))
    out["printed_g1"] = sp.expand(u * ((pp + 2) * fro(W2.T * Delta) - fro(W2.T * Delta)))
    return out


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
    ``d 3^{t+1} + d' 3^t = 3^t (3 d + d')`` in the initial weights.
    """
    D = sp.Function("D")
    j = sp.Symbol("j", integer=True)
    DW = sp.rsolve(D(j + 1) - 3 * D(j), D(j), {D(1): 1})  # degree of W_t in block t - j
    Dw = sp.rsolve(D(j + 1) - 3 * D(j), D(j), {D(0): 1})  # degree of W_t in the weights, j = t
    for row in update_degrees(6):  # the closed forms must reproduce the step-by-step count
        t = row["t"]
        ok = row["g"][t] == 1 and row["W"][-1] == Dw.subs(j, t) and row["g"][-1] == 3 * Dw.subs(j, t)
        ok &= all(row["W"][t - jj] == DW.subs(j, jj) and row["g"][t - jj] == 3 * DW.subs(j, jj)
                  for jj in range(1, t + 1))
        if not ok:
            raise RuntimeError(f"degree recurrence does not match the update's bookkeeping at t = {t}")
    k_j = d_ * 3 * DW.subs(j, j_) + dp_ * DW.subs(j, j_)
    derived = sp.simplify(sp.summation(k_j - 1, (j_, 1, t_)) + d_ - 1)
    derived_d0 = sp.simplify(sp.summation(k_j.subs(d_, 0) - 1, (j_, 1, t_)))
    printed = sp.Rational(1, 2) * (3 ** (t_ + 1) - 1) * d_ + sp.Rational(1, 2) * (3**t_ - 1) * dp_
    return {
        "W_block_degree": DW.subs(j, j_), "W_weight_degree": Dw.subs(j, t_),
        "q_derived": derived, "q_derived_d0": derived_d0, "q_printed": printed,
        "slack": sp.simplify(printed - derived), "slack_d0": sp.simplify(printed.subs(d_, 0) - derived_d0),
        "coef_degree_derived": sp.expand(d_ * 3 * Dw.subs(j, t_) + dp_ * Dw.subs(j, t_)),
        "coef_degree_printed": 3**t_ * (3 * d_ + dp_),
        "var_degree": sp.simplify(derived.subs({d_: 2, dp_: 0})),
    }


def exports() -> list[Export]:
    bb = sp.Symbol("b", positive=True)  # real b for the closed forms (integer b is a special case)
    nn = sp.Symbol("n", integer=True, positive=True)
    bi = sp.Symbol("b", integer=True, positive=True)
    ms, sm = sp.symbols("mean_sq sq_mean", nonnegative=True)
    G, DW, W1sq, Dsq = sp.symbols("G_sq DW_sq W1_sq Delta_sq", nonnegative=True)
    pp = sp.Symbol("p", integer=True, positive=True)
    cb = (nn - bi) / (bi * (nn - 1))
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
               "Lemma 1's c_b = (n - b)/(b (n - 1)): batch of b distinct indices out of n.",
               (g_n_int, g_b_int, Guard(sp.Ge(nn, 2), "n >= 2"), Guard(sp.Le(bi, nn), "b <= n"))),
        Export("lemma1_variance", (nn, bi, ms, sm), cb * (ms - sm),
               "var(A g | F_t) = c_b (mean_sq - sq_mean), mean_sq = (1/n) sum ||A grad L_i||^2, "
               "sq_mean = ||A grad L||^2 (mean scaling).",
               (g_n_int, g_b_int, Guard(sp.Ge(nn, 2), "n >= 2"), Guard(sp.Le(bi, nn), "b <= n"),
                Guard(sp.Ge(ms, sm), "mean_sq >= sq_mean"))),
        Export("var_g1_t0", (pp, bb, G), (pp + 1) * G / bb,
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
