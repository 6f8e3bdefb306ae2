r"""Paper 002 (Yin et al., *Gradient Diversity*): derivations in SymPy.

Model (Section 3 of the paper).  Data ``S = {z_1..z_n}``, per-sample losses ``f_i(w)``,
empirical risk ``F(w) = (1/n) sum_i f_i(w)`` (a **mean**).  Mini-batch SGD, eq. (2),
takes a **sum** of ``B`` per-sample gradients, indices drawn uniformly *with
replacement*::

    w_{(k+1)B} = w_{kB} - gamma * sum_{l=1..B} grad f_{s_l}(w_{kB})

(the paper subsumes the usual ``1/B`` into ``gamma``).  Per point ``w`` write
``g_i = grad f_i(w)`` and

* ``S = sum_i ||g_i||^2``, ``C = sum_{i != j} <g_i, g_j>`` (ordered pairs),
  ``T = ||sum_i g_i||^2 = S + C``;
* ``M^2 = S / n`` (mean squared per-sample gradient norm), ``G = ||grad F||^2 = T / n^2``;
* ``Delta_S = S / T`` (Definition 4), ``B_S = n Delta_S`` (Definition 5).

Every result below is *derived* from these definitions (expectations by linearity
or by exact enumeration of the sampling distribution); the printed formulas that
the checks compare against live in :mod:`derivations.diversity.printed`, never here.

Scaling trap: ``B_S`` is invariant under ``f_i -> c f_i`` (it is a ratio of two
quadratics), but ``M^2`` and ``G`` are not.  ``G`` uses the **mean** gradient
``grad F``; ``M^2`` the **mean** of squared norms.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import sympy as sp

from derivations.export import Export, Guard

__all__ = [
    "SYM",
    "gram_symbols",
    "moments_from_gram",
    "minibatch_second_moment_enumerated",
    "minibatch_second_moment_general",
    "lemma1_expected_distance",
    "glm_gradient",
    "pair_bound_certificate",
    "edge_count_identity",
    "linear_recursion_solution",
    "theorem_bounds",
    "theorem_update_counts",
    "theorem8_construction",
    "lemma2_convex_weights",
    "theorem8_J_identity",
    "dropout_moments_enumerated",
    "quantizer_moments_enumerated",
    "sgld_moments",
    "dim_batch_size_bounds",
    "dim_lemma1_bound",
    "noise_scale_relation",
    "stability_moments_given_I",
    "telescoping_sum",
    "exports",
]

# ---------------------------------------------------------------------------------
# symbols (assumptions drive the generated guards)
# ---------------------------------------------------------------------------------
n = sp.Symbol("n", integer=True, positive=True)
B = sp.Symbol("B", integer=True, positive=True)
d = sp.Symbol("d", integer=True, positive=True)
rho = sp.Symbol("rho", integer=True, nonnegative=True)
gamma = sp.Symbol("gamma", positive=True)
lam = sp.Symbol("lam", positive=True)
mu = sp.Symbol("mu", positive=True)
beta = sp.Symbol("beta", positive=True)
eps = sp.Symbol("eps", positive=True)
delta = sp.Symbol("delta", nonnegative=True)
M2 = sp.Symbol("M2", positive=True)
G = sp.Symbol("G", positive=True)
D0 = sp.Symbol("D0", positive=True)
F0 = sp.Symbol("F0", positive=True)  # F(w_0) - F^*
Tn = sp.Symbol("T", positive=True)  # number of gradient updates
S = sp.Symbol("S", positive=True)  # sum_i ||g_i||^2
C = sp.Symbol("C", real=True)  # sum_{i != j} <g_i, g_j>
Ssum = sp.Symbol("Tsum", positive=True)  # ||sum_i g_i||^2 = S + C
Sq = sp.Symbol("Sq", positive=True)  # sum_i ||g_i||_2 ||g_i||_1
p = sp.Symbol("p", positive=True)  # dropout probability
v = sp.Symbol("v", nonnegative=True)  # SGLD noise variance per coordinate
dist2 = sp.Symbol("dist2", nonnegative=True)  # ||w - w*||^2
inner = sp.Symbol("inner", real=True)  # <grad F(w), w - w*>
minrow2 = sp.Symbol("minrow2", nonnegative=True)  # min_i ||x_i||^2
smax2 = sp.Symbol("smax2", positive=True)  # sigma_max(X)^2
l2 = sp.Symbol("l2", nonnegative=True)  # ||v||_2
l1 = sp.Symbol("l1", nonnegative=True)  # ||v||_1
BS = sp.Symbol("B_S", positive=True)
Q = sp.Symbol("Q", nonnegative=True)  # E||(1/B) sum_l g_{s_l}||^2 (mean of B gradients)
Gest = sp.Symbol("G_est", real=True)  # an estimate of G (a single <g_A, g_A'> may be negative)
Bbar = sp.Symbol("Bbar", positive=True)  # differential batch-size bound

SYM = {k: v_ for k, v_ in globals().items() if isinstance(v_, sp.Symbol)}


# ---------------------------------------------------------------------------------
# Definitions 4-5 and the identity B_S = M^2 / G  (Appendix B.1)
# ---------------------------------------------------------------------------------
def gram_symbols(nn: int) -> sp.Matrix:
    """Symmetric symbolic Gram matrix ``K[i, j] = <g_i, g_j>`` for ``nn`` data points."""
    K = sp.zeros(nn, nn)
    for i in range(nn):
        for j in range(i, nn):
            K[i, j] = K[j, i] = sp.Symbol(f"K_{i}{j}", real=True)
    return K


def moments_from_gram(K: sp.Matrix) -> dict[str, sp.Expr]:
    """From a Gram matrix: ``S``, ``C`` (ordered pairs), ``T = ||sum g||^2``, ``M2``, ``G``,
    ``Delta`` (Definition 4, first form) and ``B_S = n Delta`` (Definition 5)."""
    nn = K.shape[0]
    S_ = sum(K[i, i] for i in range(nn))
    C_ = sum(K[i, j] for i in range(nn) for j in range(nn) if i != j)
    T_ = sum(K[i, j] for i in range(nn) for j in range(nn))  # ||sum_i g_i||^2 expanded
    M2_ = S_ / nn
    G_ = T_ / nn**2  # ||(1/n) sum g_i||^2
    Delta = S_ / T_
    return {"S": S_, "C": C_, "T": T_, "M2": M2_, "G": G_, "Delta": Delta, "B_S": nn * Delta}


def definitions_general() -> dict[str, sp.Expr]:
    """Definitions 4-5 for symbolic ``n``, in terms of ``S = sum_i ||g_i||^2`` and
    ``Tsum = ||sum_i g_i||^2``:

    * ``C``: the ``n^2`` ordered index pairs split into ``i = j`` (the terms of ``S``) and
      ``i != j`` (the terms of ``C``), and ``||sum_i g_i||^2 = sum_{i,j} <g_i, g_j>`` by
      bilinearity, so ``C = Tsum - S``;
    * ``M2 = S / n`` (definition), ``G = ||(1/n) sum_i g_i||^2 = Tsum / n^2`` (homogeneity
      of the squared norm);
    * ``Delta = S / Tsum`` (Definition 4), ``B_S = n Delta`` (Definition 5)."""
    return {"C": Ssum - S, "M2": S / n, "G": Ssum / n**2, "Delta": S / Ssum, "B_S": n * S / Ssum}


# ---------------------------------------------------------------------------------
# Lemma 1: the second moment of a sum of B with-replacement draws
# ---------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def minibatch_second_moment_enumerated(nn: int, BB: int) -> tuple[sp.Expr, sp.Expr]:
    """``E||sum_{l=1..B} g_{s_l}||^2`` by exact enumeration of all ``n^B`` index tuples
    (each of probability ``n^-B``), over a symbolic Gram matrix; returned together with
    ``B M^2 + B(B-1) G`` built from the same Gram matrix.  Both expanded."""
    K = gram_symbols(nn)
    total = sp.Integer(0)
    for tup in itertools.product(range(nn), repeat=BB):
        total += sum(K[a, b] for a in tup for b in tup)
    E = sp.expand(total / sp.Integer(nn) ** BB)
    m = moments_from_gram(K)
    return E, sp.expand(BB * m["M2"] + BB * (BB - 1) * m["G"])


def minibatch_second_moment_general() -> sp.Expr:
    """``E||sum_l g_{s_l}||^2`` for symbolic ``B``: ``B`` diagonal terms ``E||g_s||^2 = M2``
    and ``B(B-1)`` off-diagonal terms ``<E g_s, E g_s'> = ||grad F||^2 = G`` (independent
    draws)."""
    return B * M2 + B * (B - 1) * G


def minibatch_second_moment_by_positions() -> tuple[sp.Expr, dict[str, sp.Expr]]:
    """``E||sum_{l=1..B} g_{s_l}||^2`` for symbolic ``B`` and ``n``, derived by expanding the
    square over the ``B^2`` ordered position pairs ``(l, m)`` (bilinearity):

    * ``l = m`` (``B`` pairs, counted by :class:`sympy.Sum`): ``E||g_s||^2 = sum_a (1/n) K_aa``;
    * ``l != m`` (``B^2 - B`` pairs): ``s_l, s_m`` independent uniform, so
      ``E<g_{s_l}, g_{s_m}> = sum_{a,b} (1/n^2) K_ab``.

    The per-pair expectations are sums over the sampling law with the abstract Gram entries
    ``K[a, b]`` (an :class:`sympy.IndexedBase`) for symbolic ``n``; returned with the
    definitions ``M2 = (1/n) sum_a K_aa`` and ``G = ||(1/n) sum g||^2 = (1/n^2) sum_{a,b} K_ab``
    (both as :class:`sympy.Sum` objects), so that a check can confirm ``E = B M2 + B(B-1) G``."""
    a_, b_, l_, m_ = sp.symbols("a b l m", integer=True, positive=True)
    K = sp.IndexedBase("K")
    diag_pairs = sp.Sum(1, (l_, 1, B)).doit()
    all_pairs = sp.Sum(1, (l_, 1, B), (m_, 1, B)).doit()
    E_diag = sp.Sum(K[a_, a_] / n, (a_, 1, n))  # E||g_s||^2 under the uniform law on [n]
    E_off = sp.Sum(K[a_, b_] / n**2, (a_, 1, n), (b_, 1, n))  # product law on [n]^2
    E = diag_pairs * E_diag + (all_pairs - diag_pairs) * E_off
    M2_def = sp.Sum(K[a_, a_], (a_, 1, n)) / n
    G_def = sp.Sum(K[a_, b_], (a_, 1, n), (b_, 1, n)) / n**2
    return E, {"M2": M2_def, "G": G_def}


def second_moment_from_batch_mean() -> sp.Expr:
    """Solve ``Q = E||(1/B) sum_l g_{s_l}||^2 = (B M2 + B(B-1) G)/B^2`` (Lemma 1's second
    moment, divided by ``B^2`` for the mean) for ``M2``, with ``G`` written as ``G_est``."""
    sol = sp.solve(sp.Eq(Q, minibatch_second_moment_general().subs(G, Gest) / B**2), M2)
    if len(sol) != 1:
        raise ValueError(f"expected one solution for M2, got {sol}")
    return sp.expand(sol[0])


def dim_sum_moments() -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """``(sum_i E||g_i^DIM||^2, E||sum_i g_i^DIM||^2)`` (numerator and denominator of eq. (6))
    per mechanism, from the per-coordinate moments (dropout, quantiser) and :func:`sgld_moments`."""
    dm = dropout_coordinate_moments()
    sg = sgld_moments()
    return {"drop": (dm["second"] * S, dm["second"] * S + dm["mean"] ** 2 * C),
            "sgld": (sg["sum_S"], sg["sum_T"].subs(Ssum, S + C)),
            "quant": (Sq, Sq + C)}


def lemma1_expected_distance() -> sp.Expr:
    """``E[||w_{(k+1)B} - w*||^2 | w_{kB}]`` without projection, expanded from eq. (2):
    ``||w - w*||^2 - 2 gamma sum_l E<w - w*, g_{s_l}> + gamma^2 E||sum_l g_{s_l}||^2``
    with ``E g_s = grad F`` (so each cross term is ``inner``)."""
    return dist2 - 2 * gamma * B * inner + gamma**2 * minibatch_second_moment_general()


# ---------------------------------------------------------------------------------
# Theorem 1 (generalised linear losses) and Theorem 2 (sparse conflicts)
# ---------------------------------------------------------------------------------
def glm_gradient(dd: int) -> tuple[sp.Matrix, sp.Matrix, sp.Expr]:
    """Gradient of ``f(w) = l(x^T w)`` with an undefined scalar ``l``: returns
    ``(grad, x, l'(x^T w))`` so that a check can confirm ``grad == l'(x^T w) x``."""
    w = sp.Matrix(sp.symbols(f"w0:{dd}", real=True))
    x = sp.Matrix(sp.symbols(f"x0:{dd}", real=True))
    ell = sp.Function("ell")
    u = (x.T * w)[0]
    f = ell(u)
    grad = sp.Matrix([sp.diff(f, wi) for wi in w])
    lp = sp.diff(ell(sp.Symbol("u")), sp.Symbol("u")).subs(sp.Symbol("u"), u)
    return grad, x, lp


def pair_bound_certificate(dd: int) -> sp.Expr:
    """``(||a||^2 + ||b||^2)/2 - <a, b> - ||a - b||^2 / 2`` for symbolic ``a, b`` in R^dd;
    identically zero, which certifies ``<a, b> <= (||a||^2 + ||b||^2)/2``."""
    a = sp.Matrix(sp.symbols(f"a0:{dd}", real=True))
    b = sp.Matrix(sp.symbols(f"b0:{dd}", real=True))
    return sp.expand((a.dot(a) + b.dot(b)) / 2 - a.dot(b) - (a - b).dot(a - b) / 2)


def edge_count_identity(edges: list[tuple[int, int]], nn: int) -> sp.Expr:
    """For an undirected edge list: ``sum over ordered edges (i,j) of (q_i + q_j)/2`` minus
    ``sum_i deg(i) q_i`` with symbolic ``q_i = ||g_i||^2`` (zero: the counting step of
    Appendix A.3)."""
    q = sp.symbols(f"q0:{nn}", nonnegative=True)
    ordered = [(i, j) for i, j in edges] + [(j, i) for i, j in edges]
    lhs = sum((q[i] + q[j]) / 2 for i, j in ordered)
    deg = [sum(1 for e in edges if k in e) for k in range(nn)]
    return sp.expand(lhs - sum(deg[k] * q[k] for k in range(nn)))


# ---------------------------------------------------------------------------------
# Theorems 4-7 and Table 1: recursions -> bounds -> update counts
# ---------------------------------------------------------------------------------
def linear_recursion_solution() -> tuple[sp.Expr, sp.Expr]:
    """Solve ``e_{k+1} = a e_k + c`` (``e_0`` given) with :func:`sympy.rsolve`; return the
    closed form and its ``K -> infinity`` upper envelope ``a^K e_0 + c / (1 - a)`` (valid
    for ``0 <= a < 1``, ``c >= 0``)."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    a, c, e0 = sp.symbols("a c e0", real=True)
    e = sp.Function("e")
    sol = sp.rsolve(e(k + 1) - a * e(k) - c, e(k), {e(0): e0})
    return sp.simplify(sol), a**k * e0 + c / (1 - a)


def capped_second_moment() -> tuple[sp.Expr, sp.Expr]:
    """``E||sum_l g_{s_l}||^2 = B M2 + B(B-1) G`` (Lemma 1) and its cap ``B (1+delta) M2``, valid
    when ``B <= delta B_S + 1`` (``B_S = M2/G``, so ``(B-1) G <= delta M2``) and ``M2(w) <= M2``.
    Returned with the slack ``cap - moment = B (delta M2 - (B-1) G)`` that a check shows is ``>= 0``."""
    cap = B * (1 + delta) * M2
    return cap, sp.expand(cap - minibatch_second_moment_general())


def one_step_bounds() -> dict[str, sp.Expr]:
    """The one-iteration inequalities of Appendix B, derived (each right-hand side is an upper bound):

    * ``lemma1``: Lemma 1's exact expectation with the second moment capped (:func:`capped_second_moment`):
      ``E||w+ - w*||^2 <= dist2 - 2 gamma B inner + gamma^2 B (1+delta) M2``;
    * ``strongly_convex`` (16): ``inner >= lam dist2`` substituted (the coefficient of ``inner`` is
      ``-2 gamma B < 0``);
    * ``convex`` (17): ``lemma1`` solved for ``inner`` with ``next = E||w+ - w*||^2`` (symbol ``Dn``);
    * ``descent`` (20): ``E F(w+) <= F - gamma <grad F, B grad F> + beta gamma^2/2 E||sum g||^2``
      (Definition 1 with ``w+ - w = -gamma sum g``, ``E g_s = grad F``), i.e. ``F - gamma B G + ...``;
    * ``smooth`` (18): ``descent`` with the moment capped, solved for ``gamma B G``;
    * ``pl`` (21): ``descent`` capped, ``G >= 2 mu (F - F*)`` (coefficient ``-gamma B < 0``), in
      ``Fgap = F - F*``."""
    cap, _ = capped_second_moment()
    lem = dist2 - 2 * gamma * B * inner + gamma**2 * cap
    Dn, Fv, Fn, Fgap = sp.symbols("Dn F Fn Fgap", real=True)
    descent = Fv - gamma * B * G + beta * gamma**2 / 2 * minibatch_second_moment_general()
    descent_cap = Fv - gamma * B * G + beta * gamma**2 / 2 * cap
    inner_sol = sp.solve(sp.Eq(Dn, lem), inner)[0]
    G_sol = sp.solve(sp.Eq(Fn, descent_cap), G)[0]
    pl = sp.expand((descent_cap - Fv).subs(G, 2 * mu * Fgap) + Fgap)
    return {"lemma1": sp.expand(lem), "strongly_convex": sp.expand(lem.subs(inner, lam * dist2)),
            "convex": sp.expand(inner_sol), "descent": sp.expand(descent), "smooth": sp.expand(G_sol * gamma * B),
            "pl": pl, "Dn": Dn, "F": Fv, "Fn": Fn, "Fgap": Fgap}


def theorem_bounds(step: dict[str, sp.Expr] | None = None) -> dict[str, sp.Expr]:
    """The bounds after ``T`` gradient updates (``K = T/B`` iterations) that the proofs of
    Theorems 4-7 derive (B.3-B.6), built from :func:`one_step_bounds`:

    * strongly convex / PL: the one-step bound is affine, ``e+ <= a e + c``; unrolled
      (:func:`linear_recursion_solution`, ``0 <= a < 1``) to ``a^K e0 + c/(1-a)``, then
      ``a^K <= exp(-(1-a) K)`` (``1 - x <= e^{-x}``);
    * convex: (17) summed over ``k < K`` telescopes (``sum (D_k - D_{k+1}) = D_0 - D_K <= D_0``),
      divided by ``K`` (Jensen and convexity, ``F(w) - F* <= inner``);
    * smooth: (18) summed telescopes to ``F_0 - F_K <= F(w_0) - F*``; the minimum is at most the
      mean, divided by ``gamma B``.

    ``step`` optionally substitutes a step-size per class (keys as below)."""
    out = dict(_theorem_bounds_general())
    if step:
        out = {k: sp.simplify(v_.subs(gamma, step[k])) for k, v_ in out.items()}
    return out


@lru_cache(maxsize=None)
def _theorem_bounds_general() -> dict[str, sp.Expr]:
    """:func:`theorem_bounds` before any step-size is substituted (computed once; SymPy
    expressions are immutable, the dict is copied by every caller that changes it)."""
    ob = one_step_bounds()
    kk = sp.Symbol("k", integer=True, nonnegative=True)
    K = Tn / B
    out = {}
    for key, var, e0 in (("strongly_convex", dist2, D0), ("pl", ob["Fgap"], F0)):
        poly = sp.Poly(ob[key], var)
        a, c = poly.coeff_monomial(var), poly.coeff_monomial(1)
        out[key] = sp.exp(-(1 - a) * K) * e0 + c / (1 - a)
    Dk = sp.Function("Dk")
    conv = ob["convex"].subs({dist2: Dk(kk), ob["Dn"]: Dk(kk + 1)})
    summed = sp.Sum(conv, (kk, 0, K - 1)).doit()
    summed = sp.expand(summed).subs({Dk(0): D0, Dk(K): 0})  # D_K >= 0 dropped, D_0 = ||w0 - w*||^2
    out["convex"] = summed / K
    Fk = sp.Function("Fk")
    sm = ob["smooth"].subs({ob["F"]: Fk(kk), ob["Fn"]: Fk(kk + 1)})
    ssum = sp.expand(sp.Sum(sm, (kk, 0, K - 1)).doit()).subs({Fk(0): F0, Fk(K): 0})  # F_0 - F* ; F_K - F* >= 0
    out["smooth"] = ssum / (K * gamma * B)
    return {k: sp.simplify(out[k]) for k in ("strongly_convex", "convex", "smooth", "pl")}


#: the step-sizes chosen in Theorems 4-7 (serial choice); Table 1 divides them by 1+delta.
def serial_steps() -> dict[str, sp.Expr]:
    return {
        "strongly_convex": eps * lam / M2,
        "convex": eps / M2,
        "smooth": eps / (beta * M2),
        "pl": 2 * eps * mu / (M2 * beta),
    }


def theorem_update_counts(scale: sp.Expr = sp.Integer(1), target: sp.Expr | None = None
                          ) -> dict[str, sp.Expr]:
    """Smallest ``T`` at which the derived bound (with step ``serial_step / scale``) is at most
    ``target``.  For each class the bound is ``(decaying part) + (noise part)``; the noise part
    is constant in ``T``, so ``T`` solves ``decaying part = target - noise part``
    (:func:`sympy.solve`).  Theorems 4-7 use ``scale = 1``, ``target = (1 + delta/2) eps``;
    Table 1's mini-batch column uses ``scale = 1 + delta``, ``target = eps``."""
    if target is None:
        target = (1 + delta / 2) * eps
    steps = {k: v_ / scale for k, v_ in serial_steps().items()}
    bounds = theorem_bounds(steps)
    out = {}
    for k, bnd in bounds.items():
        noise = sp.simplify(sp.limit(bnd, Tn, sp.oo))
        decay = sp.simplify(bnd - noise)
        sol = sp.solve(sp.Eq(decay, sp.simplify(target - noise)), Tn)
        if len(sol) != 1:
            raise ValueError(f"{k}: expected one solution for T, got {sol}")
        out[k] = sp.factor(sp.logcombine(sp.expand_log(sol[0], force=True), force=True))
    return out


# ---------------------------------------------------------------------------------
# Theorem 8's construction, Lemma 2, and the telescoping identity for J(alpha)
# ---------------------------------------------------------------------------------
def theorem8_construction(nn: int, dd: int, xs: list[list[sp.Expr]]) -> dict[str, sp.Expr]:
    """``f_i(w) = lam/2 ||w - x_i||^2`` with concrete points ``xs`` (unit norm, summing to 0):
    returns gradients' ``M2(w)``, ``G(w)`` and ``grad F`` for a symbolic ``w``."""
    w = sp.Matrix(sp.symbols(f"w0:{dd}", real=True))
    X = [sp.Matrix(x) for x in xs]
    grads = [sp.Matrix([sp.diff(lam / 2 * (w - x).dot(w - x), wi) for wi in w]) for x in X]
    M2w = sp.expand(sum(g.dot(g) for g in grads) / nn)
    gF = sum(grads, sp.zeros(dd, 1)) / nn
    return {"w": w, "M2": M2w, "G": sp.expand(gF.dot(gF)), "gradF": sp.simplify(gF)}


def lemma2_convex_weights(BB: int) -> tuple[sp.Expr, list[sp.Expr]]:
    """One un-projected step on the Theorem 8 construction from ``w`` with batch indices
    ``s_1..s_B``: ``w+ = w - gamma sum_l lam (w - x_{s_l})``.  Returns the coefficient of
    ``w`` and of each ``x_{s_l}``; the step is a convex combination iff all are ``>= 0``
    (they sum to 1)."""
    wv, *xs = sp.symbols(f"w x1:{BB + 1}", real=True)
    wplus = wv - gamma * sum(lam * (wv - x) for x in xs)
    wplus = sp.expand(wplus)
    return wplus.coeff(wv), [wplus.coeff(x) for x in xs]


def _sum_termwise(expr: sp.Expr, limits: tuple) -> sp.Expr:
    """``Sum(expr, limits)`` distributed over the terms of ``expr`` (linearity), each term's
    factors free of the summation index pulled out by :meth:`sympy.Sum.doit`."""
    out = sp.Integer(0)
    for t in sp.Add.make_args(sp.expand(expr)):
        const, rest = t.as_independent(limits[0], as_Add=False)
        out += const * sp.Sum(rest, limits).doit()
    return sp.expand(out)


def theorem8_M2_general() -> sp.Expr:
    """``M2(w)`` on Theorem 8's construction for symbolic ``n`` (and any dimension), in terms
    of ``r2 = ||w||^2``: ``||grad f_i||^2 = lam^2 ||w - x_i||^2 = lam^2 (r2 - 2 p_i + 1)`` with
    ``p_i = <w, x_i>``, ``||x_i|| = 1``; ``sum_i p_i = <w, sum_i x_i> = 0``.  Summed with
    :class:`sympy.Sum` (linearity) and ``sum_i p_i = 0`` substituted."""
    i_ = sp.Symbol("i", integer=True, positive=True)
    pp = sp.IndexedBase("p")
    r2 = sp.Symbol("r2", nonnegative=True)
    M2w = _sum_termwise(lam**2 * (r2 - 2 * pp[i_] + 1), (i_, 1, n)) / n
    M2w = sp.expand(M2w).subs(sp.Sum(pp[i_], (i_, 1, n)), 0)
    return sp.simplify(M2w)


def lemma2_step_general() -> tuple[sp.Expr, sp.Expr]:
    """One un-projected step on Theorem 8's construction for symbolic ``B``:
    ``w+ = w - gamma sum_{l=1..B} lam (w - x_{s_l}) = c_w w + gamma lam sum_l x_{s_l}``.
    Returns ``(c_w, weight of each x_{s_l})`` read off the expanded :class:`sympy.Sum`."""
    l_ = sp.Symbol("l", integer=True, positive=True)
    wv = sp.Symbol("w", real=True)
    xs = sp.IndexedBase("x")
    step = _sum_termwise(lam * (wv - xs[l_]), (l_, 1, B))
    wplus = sp.expand(wv - gamma * step)
    sum_x = sp.Sum(xs[l_], (l_, 1, B))
    return sp.expand(wplus.coeff(wv)), sp.expand(wplus.coeff(sum_x))


def theorem8_J_identity(K: int) -> sp.Expr:
    """``J(alpha) - (1 - prod_k (1 - alpha_k))`` for symbolic ``alpha_1..alpha_K`` (zero)."""
    al = sp.symbols(f"alpha1:{K + 1}", real=True)
    J = al[-1] + sum(sp.prod([1 - al[i] for i in range(k + 1, K)]) * al[k] for k in range(K - 1))
    return sp.expand(J - (1 - sp.prod([1 - a for a in al])))


# ---------------------------------------------------------------------------------
# Section 4.4 / Appendix D: diversity-inducing mechanisms, exact moments
# ---------------------------------------------------------------------------------
def dropout_coordinate_moments() -> dict[str, sp.Expr]:
    """One coordinate of a dropout mask: ``m = 0`` w.p. ``p``, ``1`` w.p. ``1 - p`` (two-point
    law, no rescaling).  ``E m``, ``E m^2``.  By linearity over coordinates (any ``d``):
    ``E||D g||^2 = E m^2 ||g||^2`` and, for independent masks, ``E<D g, D' h> = (E m)^2 <g, h>``."""
    law = {0: p, 1: 1 - p}
    return {"mean": sp.expand(sum(pr * m for m, pr in law.items())),
            "second": sp.expand(sum(pr * m**2 for m, pr in law.items()))}


def quantizer_coordinate_moments() -> dict[str, sp.Expr]:
    """One coordinate of the stochastic sign quantiser: ``Q_l = N s eta``, ``eta = 1`` w.p.
    ``a / N`` (``a = |v_l|``, ``N = ||v||_2``, ``s = sign(v_l)``, ``s^2 = 1``).  ``E Q_l`` and
    ``E Q_l^2`` over the two-point law of ``eta``; summing over coordinates (any ``d``):
    ``E Q(v) = v`` and ``E||Q(v)||^2 = N sum_l |v_l| = ||v||_2 ||v||_1``."""
    a_, N_ = sp.symbols("a N", positive=True)
    s_ = sp.Symbol("s", real=True)
    law = {0: 1 - a_ / N_, 1: a_ / N_}
    mean = sp.expand(sum(pr * N_ * s_ * e for e, pr in law.items()))
    second = sp.expand(sum(pr * (N_ * s_ * e) ** 2 for e, pr in law.items())).subs(s_**2, 1)
    return {"a": a_, "N": N_, "s": s_, "mean": mean, "v_l": s_ * a_, "second": second}


def dropout_moments_enumerated(dd: int) -> dict[str, sp.Expr]:
    """Exact ``E||D g||^2`` and ``E<D g, D' h>`` (independent masks ``D, D'``, each diagonal
    entry 0 w.p. ``p``) by enumerating all ``2^dd`` masks with their probabilities."""
    g = sp.symbols(f"g0:{dd}", real=True)
    h = sp.symbols(f"h0:{dd}", real=True)
    E2 = sp.Integer(0)
    Em = [sp.Integer(0)] * dd  # E[D g] coordinates
    for mask in itertools.product((0, 1), repeat=dd):
        pr = sp.prod([(1 - p) if m else p for m in mask])
        E2 += pr * sum(m * gi**2 for m, gi in zip(mask, g))
        Em = [e + pr * m * gi for e, m, gi in zip(Em, mask, g)]
    Emh = [sp.expand(e.subs(dict(zip(g, h)))) for e in Em]
    cross = sp.expand(sum(a * b for a, b in zip(Em, Emh)))  # independence: <E Dg, E D'h>
    return {"second": sp.factor(sp.expand(E2)), "cross": sp.factor(cross),
            "norm2": sum(gi**2 for gi in g), "inner": sum(a * b for a, b in zip(g, h))}


def quantizer_moments_enumerated(signs: tuple[int, ...]) -> dict[str, sp.Expr]:
    """Exact ``E Q(v)`` and ``E||Q(v)||^2`` for ``[Q(v)]_l = ||v|| sign(v_l) eta_l``,
    ``eta_l ~ Bernoulli(|v_l| / ||v||)`` independent, by enumerating all ``2^d`` outcomes of
    ``eta``.  ``v_l = signs[l] * a_l`` with symbolic ``a_l > 0``."""
    dd = len(signs)
    a = sp.symbols(f"a0:{dd}", positive=True)
    vv = [s * ai for s, ai in zip(signs, a)]
    nrm = sp.sqrt(sum(ai**2 for ai in a))
    mean = [sp.Integer(0)] * dd
    second = sp.Integer(0)
    for eta in itertools.product((0, 1), repeat=dd):
        pr = sp.prod([(ai / nrm) if e else (1 - ai / nrm) for e, ai in zip(eta, a)])
        q = [nrm * sp.sign(vl) * e for vl, e in zip(vv, eta)]
        mean = [m + pr * ql for m, ql in zip(mean, q)]
        second += pr * sum(ql**2 for ql in q)
    return {"mean": [sp.simplify(m) for m in mean], "v": vv, "second": sp.simplify(second),
            "l2": nrm, "l1": sum(a)}


def sgld_moments() -> dict[str, sp.Expr]:
    """``xi ~ N(0, v I_d)`` (``v`` = per-coordinate *variance*).  ``E||g + xi||^2`` and
    ``E||sum_i (g_i + xi_i)||^2`` by linearity with ``E xi = 0``, ``E||xi||^2 = d v``,
    independent ``xi_i``: numerator gains ``n * d v``, ``||sum xi_i||^2`` has mean ``n d v``."""
    x = sp.Symbol("x", real=True)
    vp = sp.Symbol("v_pos", positive=True)  # integrate for v > 0; v = 0 is the limit
    Exi2 = d * sp.integrate(x**2 * sp.exp(-x**2 / (2 * vp)) / sp.sqrt(2 * sp.pi * vp),
                            (x, -sp.oo, sp.oo)).subs(vp, v)
    return {"num_per_point": Exi2, "sum_S": S + n * Exi2, "sum_T": Ssum + n * Exi2}


def dim_batch_size_bounds() -> dict[str, sp.Expr]:
    """``B^DIM = n sum_i E||g_i^DIM||^2 / E||sum_i g_i^DIM||^2`` (eq. (6)) for the three
    mechanisms, in terms of ``S``, ``C`` (so ``||sum g||^2 = S + C``) and, for quantisation,
    ``Sq = sum_i ||g_i||_2 ||g_i||_1``.  Built from :func:`dropout_moments_enumerated`
    Built from :func:`dropout_coordinate_moments` (any ``d``), :func:`sgld_moments` and
    :func:`quantizer_coordinate_moments` (unbiased; second moment ``||v||_2 ||v||_1``, so the
    cross terms stay ``<g_j, g_k>`` by independence)."""
    dm = dropout_coordinate_moments()
    f2 = dm["second"]  # E||D g||^2 / ||g||^2
    fx = dm["mean"] ** 2  # E<D g, D' h> / <g, h>
    sg = sgld_moments()
    return {
        "none": n * S / (S + C),
        "drop": sp.simplify(n * f2 * S / (f2 * S + fx * C)),
        "sgld": sp.simplify(n * sg["sum_S"] / sg["sum_T"].subs(Ssum, S + C)),
        "quant": n * Sq / (Sq + C),
    }


def dim_lemma1_bound() -> dict[str, sp.Expr]:
    """With a mechanism, one SGD step averages over the data index *and* the mechanism, so the
    Lemma-1 computation gives ``B M2_D + B(B-1) G_D`` with ``M2_D = (1/n) sum E||g_i^D||^2``
    and ``G_D = ||(1/n) sum E g_i^D||^2``; the bound that enters is ``M2_D / G_D``.  With
    ``V = sum_i E||g_i^D - E g_i^D||^2 >= 0`` one has ``E||sum g^D||^2 = ||sum E g^D||^2 + V``,
    so ``B^DIM`` of eq. (6) equals ``n sum E||g^D||^2 / (||sum E g^D||^2 + V) <= M2_D/G_D``."""
    SD, TD, V = sp.symbols("S_D T_D V", positive=True)  # sum E||g^D||^2, ||sum E g^D||^2
    return {"eq6": n * SD / (TD + V), "effective": (SD / n) / (TD / n**2)}


# ---------------------------------------------------------------------------------
# The bridge to practice: McCandlish et al.'s simple noise scale
# ---------------------------------------------------------------------------------
def noise_scale_relation(K: sp.Matrix) -> dict[str, sp.Expr]:
    """``B_simple = tr(Sigma) / |G|^2`` with ``G = grad F`` and ``Sigma`` the per-sample
    gradient covariance.  Under the paper's uniform sampling ``Sigma = (1/n) sum (g_i - G)
    (g_i - G)^T`` (population normalisation), so ``tr Sigma = M2 - ||G||^2`` from the Gram
    matrix; returns ``B_S - B_simple`` (derived = 1) and the unbiased-normalisation variant."""
    m = moments_from_gram(K)
    trSigma = sp.expand(m["M2"] - m["G"])  # (1/n) sum ||g_i||^2 - ||mean||^2
    nn = K.shape[0]
    Bsimple = trSigma / m["G"]
    return {"B_S_minus_Bsimple": sp.simplify(m["B_S"] - Bsimple),
            "Bsimple_unbiased_over_Bsimple": sp.simplify((sp.Integer(nn) / (nn - 1) * trSigma / m["G"]) / Bsimple)}


# ---------------------------------------------------------------------------------
# exports for the code generator (scalar, elementwise)
# ---------------------------------------------------------------------------------
def exports() -> list[Export]:
    counts_serial = theorem_update_counts()
    counts_table = theorem_update_counts(scale=1 + delta, target=eps)
    bounds = theorem_bounds()
    dim = dim_batch_size_bounds()
    dsm = dim_sum_moments()
    steps = serial_steps()
    pos_G = (Guard(S + C > 0, "S + C > 0 (the summed gradient is non-zero)"),)
    rate_guards = {
        "strongly_convex": (Guard(2 * gamma * lam * B <= 1, "B <= 1/(2 gamma lam)"),),
        "pl": (Guard(2 * gamma * mu * B <= 1, "B <= 1/(2 gamma mu)"),),
        "convex": (), "smooth": (),
    }
    args_of = {
        "strongly_convex": (Tn, gamma, lam, B, D0, M2, delta),
        "convex": (Tn, gamma, D0, M2, delta),
        "smooth": (Tn, gamma, beta, F0, M2, delta),
        "pl": (Tn, gamma, beta, mu, B, F0, M2, delta),
    }
    cargs = {
        "strongly_convex": (M2, lam, eps, D0, delta),
        "convex": (M2, eps, D0, delta),
        "smooth": (M2, beta, eps, F0, delta),
        "pl": (M2, beta, mu, eps, F0, delta),
    }
    eps_guard = {
        "strongly_convex": (Guard(2 * D0 > eps, "eps < 2 D0 (else no update is needed)"),),
        "pl": (Guard(2 * F0 > eps, "eps < 2 (F(w0) - F*) (else no update is needed)"),),
        "convex": (), "smooth": (),
    }
    out = [
        Export("batch_size_bound_from_moments", (M2, G), M2 / G,
               "B_S(w) = M^2(w) / G(w) (Appendix B.1); M2 = mean squared per-sample gradient "
               "norm, G = squared norm of the MEAN gradient."),
        Export("batch_size_bound_from_sums", (n, S, C), dim["none"],
               "B_S(w) = n S / (S + C) (Definitions 4-5), S = sum_i ||g_i||^2, C = sum over "
               "ordered pairs i != j of <g_i, g_j>.", pos_G),
        Export("minibatch_second_moment", (B, M2, G), minibatch_second_moment_general(),
               "E||sum_{l=1..B} g_{s_l}||^2 = B M2 + B(B-1) G for B indices drawn uniformly "
               "with replacement (SUM of B per-sample gradients, as in eq. (2))."),
        Export("second_moment_from_batch_mean", (B, Q, Gest), second_moment_from_batch_mean(),
               "M2 from Q = E||(1/B) sum_{l<=B} g_{s_l}||^2 (MEAN of B with-replacement gradients) and "
               "G_est (an estimate of G = ||grad F||^2): Lemma 1's second moment solved for M2; linear, "
               "so unbiased Q and G_est give an unbiased M2."),
        Export("dropout_numerator", (S, p), dsm["drop"][0],
               "sum_i E||D_i g_i||^2 = (1-p) S (dropout, no rescaling).", (Guard(p < 1, "p < 1"),)),
        Export("dropout_denominator", (S, C, p), dsm["drop"][1],
               "E||sum_i D_i g_i||^2 = (1-p) S + (1-p)^2 C (independent masks).", (Guard(p < 1, "p < 1"),)),
        Export("sgld_numerator", (n, S, d, v), dsm["sgld"][0],
               "sum_i E||g_i + xi_i||^2 = S + n d v (v = per-coordinate VARIANCE)."),
        Export("sgld_denominator", (n, S, C, d, v), dsm["sgld"][1],
               "E||sum_i (g_i + xi_i)||^2 = S + C + n d v."),
        Export("quant_denominator", (Sq, C), dsm["quant"][1],
               "E||sum_i Q(g_i)||^2 = Sq + C (Sq = sum_i ||g_i||_2 ||g_i||_1 = sum_i E||Q(g_i)||^2)."),
        Export("lemma1_expected_distance", (dist2, inner, gamma, B, M2, G), lemma1_expected_distance(),
               "E[||w_{(k+1)B} - w*||^2 | w_kB] for un-projected mini-batch SGD (eq. (15)): dist2 = "
               "||w - w*||^2, inner = <grad F(w), w - w*>, step gamma on the SUM of B gradients."),
        Export("noise_scale_from_batch_size_bound", (BS,), BS - 1,
               "McCandlish et al.'s B_simple = tr(Sigma)/|G|^2 with Sigma the per-sample covariance "
               "normalised by 1/n: B_simple = B_S - 1 (derived in derivations.diversity.derive)."),
        Export("dropout_batch_size_bound", (n, S, C, p), dim["drop"],
               "B^drop (eq. (22)) from S, C and dropout probability p (each coordinate zeroed "
               "w.p. p, no 1/(1-p) rescaling).",
               pos_G + (Guard(p < 1, "p < 1"),)),
        Export("sgld_batch_size_bound", (n, S, C, d, v), dim["sgld"],
               "B^sgld with xi ~ N(0, v I_d): v is the per-coordinate VARIANCE.", pos_G),
        Export("quantizer_second_moment", (l2, l1), l2 * l1,
               "E||Q(v)||^2 = ||v||_2 ||v||_1 for the stochastic sign quantiser of Section 4.4."),
        Export("quant_batch_size_bound", (n, Sq, C), dim["quant"],
               "B^quant (eq. (24)), Sq = sum_i ||g_i||_2 ||g_i||_1.",
               (Guard(Sq + C > 0, "Sq + C > 0"),)),
    ]
    for k in ("strongly_convex", "convex", "smooth", "pl"):
        out.append(Export(f"bound_{k}", args_of[k], bounds[k],
                          f"Derived bound after T gradient updates ({k}; Appendix B), step gamma on "
                          "the SUM of B gradients; delta from B <= delta B_S + 1.", rate_guards[k]))
        out.append(Export(f"updates_{k}_theorem", cargs[k], counts_serial[k],
                          f"Updates T at which the {k} bound with the serial step "
                          f"{sp.sstr(steps[k])} reaches (1 + delta/2) eps (Theorems 4-7).",
                          eps_guard[k]))
        out.append(Export(f"updates_{k}_table1", cargs[k], counts_table[k],
                          f"Updates T at which the {k} bound with step {sp.sstr(steps[k])}/(1+delta) "
                          "reaches eps (Table 1, mini-batch column; delta = 0 gives the serial column).",
                          eps_guard[k]))
    return out


def theorem8_exact_recursion() -> dict[str, sp.Expr]:
    """On Theorem 8's construction (``f_i = lam/2 ||w - x_i||^2``, ``||x_i|| = 1``,
    ``sum x_i = 0``, so ``w* = 0``) Lemma 1's equality with ``M2(w) = lam^2 (1 + r2)``,
    ``G(w) = lam^2 r2``, ``<grad F, w> = lam r2`` (``r2 = ||w||^2``) gives the exact one-step
    map of ``E||w||^2``; the conditional mean is ``E[w+ | w] = (1 - gamma lam B) w``."""
    r2 = sp.Symbol("r2", nonnegative=True)
    e = lemma1_expected_distance().subs({dist2: r2, inner: lam * r2,
                                         M2: lam**2 * (1 + r2), G: lam**2 * r2})
    return {"r2": r2, "next": sp.factor_terms(sp.expand(e)), "mean_factor": 1 - gamma * lam * B}


@lru_cache(maxsize=None)
def lemma3_enumerated(nn: int) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Appendix E.4 (Lemma 3): with ``d_k = grad f_k(w) - grad f_k(w~)`` (Gram matrix ``K``),
    ``I`` uniform on ``[n]`` and, given ``I``, two positions with indices ``s, s'`` i.i.d.
    uniform on ``[n] minus {I}``: ``E<d_s, d_s'>`` by exact enumeration over ``I, s, s'``.
    Returned with ``Mbar2 = (1/n) sum K_kk`` and ``Gbar = (1/n^2) sum K_ab``."""
    K = gram_symbols(nn)
    tot = sp.Integer(0)
    for I in range(nn):
        others = [k for k in range(nn) if k != I]
        tot += sum(K[a, b] for a in others for b in others) / sp.Integer(nn - 1) ** 2
    m = moments_from_gram(K)
    return sp.expand(tot / nn), m["M2"], m["G"]


def lemma3_general() -> dict[str, sp.Expr]:
    """Appendix E.4 for symbolic ``n``: the law ``P3`` of ``(s, s')`` (``I`` uniform on ``[n]``;
    given ``I``, ``s, s'`` i.i.d. uniform on ``[n] minus {I}``) puts
    ``p3(u, u) = (1/n) * #{I != u} / (n-1)^2`` on the diagonal and
    ``p3(u, v) = (1/n) * #{I not in {u, v}} / (n-1)^2`` off it (``#`` = ``n - 1``, ``n - 2``).
    ``E<d_s, d_s'> = p3(u,u) S + p3(u,v) (Tsum - S)`` with ``S = sum K_uu``, ``Tsum = sum K_uv``;
    returned with ``Mbar2 = S/n``, ``Gbar = Tsum/n^2`` (the P1, P2 expectations of (49)-(50))."""
    I_ = sp.Symbol("I", integer=True, positive=True)
    count_diag = sp.Sum(1, (I_, 1, n)).doit() - 1  # I ranges over [n] minus {u}
    count_off = sp.Sum(1, (I_, 1, n)).doit() - 2  # I ranges over [n] minus {u, v}
    p_diag = count_diag / (n * (n - 1) ** 2)
    p_off = count_off / (n * (n - 1) ** 2)
    E = p_diag * S + p_off * (Ssum - S)
    return {"E": E, "p_diag": p_diag, "p_off": p_off, "Mbar2": S / n, "Gbar": Ssum / n**2,
            "total_mass": sp.simplify(n * p_diag + n * (n - 1) * p_off)}


def noise_scale_general() -> dict[str, sp.Expr]:
    """McCandlish's ``B_simple = tr(Sigma)/|grad F|^2`` for symbolic ``n``, with
    ``Sigma = (1/n) sum_i (g_i - gbar)(g_i - gbar)^T``: expanding
    ``sum_i ||g_i - gbar||^2 = S - 2 <sum_i g_i, gbar> + n ||gbar||^2`` (bilinearity) with
    ``gbar = u/n``, ``||u||^2 = Tsum`` gives ``tr Sigma = (S - Tsum/n)/n``.  Returns
    ``B_S - B_simple`` (derived: 1) and the unbiased ``1/(n-1)`` variant's ratio."""
    u2 = Ssum
    sum_sq_dev = S - 2 * u2 / n + n * u2 / n**2
    trSigma = sum_sq_dev / n
    Gm = u2 / n**2
    Bsimple = trSigma / Gm
    return {"trSigma": sp.simplify(trSigma), "B_simple": sp.simplify(Bsimple),
            "B_S_minus_Bsimple": sp.simplify(n * S / Ssum - Bsimple),
            "unbiased_over_population": sp.simplify((sum_sq_dev / (n - 1) / Gm) / Bsimple)}


def replication_diversity() -> dict[str, sp.Expr]:
    """Section 6.1's ``r``-replication: a subset of ``m`` points repeated ``r`` times (``n = r m``).
    With the subset's ``S_m = sum ||g||^2`` and ``T_m = ||sum g||^2``: the replicated set has
    ``S = r S_m`` and ``||sum g||^2 = ||r sum_sub g||^2 = r^2 T_m`` (homogeneity), so
    ``Delta_S = S_m / (r T_m)`` and ``B_S = n Delta_S = m S_m / T_m`` (the subset's ``B_S``)."""
    m_, r_ = sp.symbols("m r", integer=True, positive=True)
    Sm, Tm = sp.symbols("S_m T_m", positive=True)
    S_rep, T_rep = r_ * Sm, r_**2 * Tm
    return {"m": m_, "r": r_, "S_m": Sm, "T_m": Tm, "Delta_rep": S_rep / T_rep, "Delta_sub": Sm / Tm,
            "B_S_rep": sp.simplify(r_ * m_ * S_rep / T_rep), "B_S_sub": m_ * Sm / Tm}


def stability_moments_given_I(diffs_by_I: list[list[list]]) -> dict[str, object]:
    """Appendix E.2 without holding ``w~_kB`` fixed while averaging over ``I``.

    ``diffs_by_I[l][u]`` is the vector ``grad f_u(w_kB) - grad f_u(w~_kB^{(l)})`` (``f_u`` of the
    sample ``S``) where ``w~_kB^{(l)}`` is the iterate of the run on ``S^{(l)}`` (the point at
    position ``l`` replaced) after the same index sequence ``A_kB``: it depends on ``l``.
    ``I`` is independent of the index sequence, so given ``A_kB`` and ``H_{k+1} = h`` it is still
    uniform on ``[n]`` (the law of ``H`` given ``I`` is Bin(B, 1/n) for every ``I``); given ``I = l``
    the positions that do not hit ``I`` carry i.i.d. uniform indices on ``[n] minus {l}``.
    Returns, per ``l``, the leave-one-out moments ``sq[l] = (1/(n-1)) sum_{u != l} ||d_u||^2`` and
    ``cross[l] = ||(1/(n-1)) sum_{u != l} d_u||^2`` (the exact conditional expectations of
    ``||d_s||^2`` and of ``<d_s, d_s'>`` for two such positions), the full-sample ``Mbar2[l]``,
    ``Gbar[l]`` at the pair ``(w_kB, w~_kB^{(l)})``, and the true expectations over ``I``:
    ``E_sq = mean_l sq[l]``, ``E_cross = mean_l cross[l]``.  Exact (SymPy rationals)."""
    nn = len(diffs_by_I)
    out: dict[str, object] = {"sq": [], "cross": [], "Mbar2": [], "Gbar": []}
    for l_, dl in enumerate(diffs_by_I):
        dl = [[sp.nsimplify(c) for c in v] for v in dl]
        dim = len(dl[0])
        others = [u for u in range(nn) if u != l_]
        sq = sum(sum(c * c for c in dl[u]) for u in others) / sp.Integer(nn - 1)
        mean_o = [sum(dl[u][k] for u in others) / sp.Integer(nn - 1) for k in range(dim)]
        mean_a = [sum(dl[u][k] for u in range(nn)) / sp.Integer(nn) for k in range(dim)]
        out["sq"].append(sq)
        out["cross"].append(sum(c * c for c in mean_o))
        out["Mbar2"].append(sum(sum(c * c for c in v) for v in dl) / sp.Integer(nn))
        out["Gbar"].append(sum(c * c for c in mean_a))
    out["E_sq"] = sum(out["sq"]) / sp.Integer(nn)
    out["E_cross"] = sum(out["cross"]) / sp.Integer(nn)
    return out


def telescoping_sum(K_: sp.Symbol) -> sp.Expr:
    """``sum_{k=1}^{K} (Q(k+1) - Q(k))`` for an undefined function ``Q``, summed by SymPy
    (``Q(K+1) - Q(1)``): the telescoping behind C.1's identity for ``J`` and its rolled-out recursion."""
    k_ = sp.Symbol("k", integer=True, positive=True)
    Q = sp.Function("Q")
    return sp.Sum(Q(k_ + 1) - Q(k_), (k_, 1, K_)).doit()
