r"""Claims of paper 004 (Luo & Wang, "How many factors influence minima in SGD?").

Each check derives the result from the model's definitions (``derivations.stationary.derive``),
evaluates the statement **as printed**, and returns the evidence.  Numeric tolerances
are stated next to each comparison with the reason for their size.

Scaling: the risk is a mean over examples, sigma^2 is the covariance of ONE per-example
gradient, a mini-batch gradient is the mean of m per-example gradients (with
replacement), SGD is theta <- theta - delta * g_hat.
"""

from __future__ import annotations

from contextlib import nullcontext
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache, wraps

import numpy as np
import sympy as sp

from derivations.stationary import derive as D
from verify.topics.stationary import engine as N
from verify.core.claims import Claim, Erratum, Evidence, Outcome

PAPER = "004_8f90174d47f4361b"
EPS64 = float(np.finfo(np.float64).eps)

__all__ = ["CLAIMS", "TABLE1", "diabetes_problem"]


def _one_blas_thread(fn):
    """Run ``fn`` with one BLAS thread: the small (100 x 100) solves here are slower with
    two threads on a shared machine.  Falls back to no limit without threadpoolctl."""

    @wraps(fn)
    def inner(*a, **k):
        try:
            from threadpoolctl import threadpool_limits

            ctx = threadpool_limits(1)
        except ImportError:  # pragma: no cover
            ctx = nullcontext()
        with ctx:
            return fn(*a, **k)

    return inner


def _zero(M) -> bool:
    if isinstance(M, sp.MatrixBase):
        return all(sp.simplify(sp.expand(e)) == 0 for e in M)
    return sp.simplify(sp.expand(M)) == 0


def _rel(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def _random_spd(rng, p, lo=0.05, hi=5.0):
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    lam = np.exp(rng.uniform(np.log(lo), np.log(hi), p))
    return (Q * lam) @ Q.T


def _random_psd(rng, p, rank=None):
    B = rng.standard_normal((p, rank or p))
    return B @ B.T / p


@cache
def diabetes_problem() -> N.LeastSquares:
    """scikit-learn's diabetes regression, features and target standardised (mean 0,
    variance 1, divisor n); no intercept is needed after centring."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    return N.least_squares_problem(X, y)


# --- Result 3.2, eq. (11): the stationary covariance ----------------------------------
def check_eq11() -> Outcome:
    ev = []
    # 1. generator of (10) on v v^T, generic symmetric 3x3 H and generic 3x3 sigma
    H3 = D.sym_matrix("H", 3)
    B3 = D.sym_matrix("B", 3, symmetric=False)
    G3 = D.sym_matrix("Gamma", 3)
    drift = D.ito_second_moment_drift(H3, B3)
    ok1 = _zero(drift - (B3 * B3.T - H3 * G3 - G3 * H3))
    ev.append(Evidence("proof", "generator of dV = -HV dt - sigma dB applied to v v^T gives "
                       "d/dt E[VV^T] = sigma sigma^T - H Gamma - Gamma H (generic 3x3); "
                       "stationary <=> Gamma H + H Gamma = sigma^2 (a linear Lyapunov equation)",
                       ok1, {"p": 3}))
    # 2. exact vec/Kronecker solution, generic symmetric 2x2, and the solvability determinant
    H2, S2, G2 = D._lyapunov_2x2_generic()
    ok2 = _zero(G2 * H2 + H2 * G2 - S2)
    K = sp.kronecker_product(sp.eye(2), H2) + sp.kronecker_product(H2.T, sp.eye(2))
    detK = sp.factor(K.det())
    ok2b = _zero(detK - 4 * H2.trace() ** 2 * H2.det())
    ev.append(Evidence("proof", "(I(x)H + H^T(x)I) vec Gamma = vec sigma^2 solved exactly for generic "
                       "symmetric 2x2 H, sigma^2; det = 4 tr(H)^2 det(H) != 0 for H positive definite "
                       "(unique solution)", ok2 and ok2b, {"det": str(detK), "Gamma_00": str(G2[0, 0])}))
    # 3. eigenbasis entry from the integral of the OU solution
    g = D.lyapunov_eigen_entry()
    ok3 = _zero(D.lam_i * g + g * D.lam_j - D.s_ij)
    ev.append(Evidence("proof", "Gamma = int_0^oo e^{-Hu} sigma^2 e^{-Hu} du gives Gamma_ij = "
                       "s_ij/(lam_i+lam_j) in H's eigenbasis, which satisfies the equation",
                       ok3, {"Gamma_ij": str(g)}))
    # 4. exact rational 4x4 case vs scipy (Bartels-Stewart)
    Hq = sp.Matrix([[4, 1, 0, 1], [1, 3, 1, 0], [0, 1, 2, 1], [1, 0, 1, 5]])
    Bq = sp.Matrix([[1, 2, 0, 1], [0, 1, 1, 0], [1, 0, 2, 1], [0, 1, 0, 1]])
    Sq = Bq * Bq.T
    Gq = D.lyapunov_vec_solve(Hq, Sq)
    exact_ok = _zero(Gq * Hq + Hq * Gq - Sq) and all(e.is_rational for e in Gq)
    Gnum = N.lyapunov_continuous(np.array(Hq, dtype=float), np.array(Sq, dtype=float))
    Gex = np.array(Gq.evalf(30), dtype=float)
    err = _rel(Gnum, Gex)
    lam = np.linalg.eigvalsh(np.array(Hq, dtype=float))
    kappa = lam.max() / lam.min()  # condition of the Lyapunov operator (symmetric H)
    tol = 100 * 16 * EPS64 * kappa  # backward-stable solve: error <= c p^2 eps kappa, c = 100
    ev.append(Evidence("numeric", "rational 4x4 case: exact vec solution vs scipy "
                       "solve_continuous_lyapunov; tolerance 100*p^2*eps*cond (float64 solve)",
                       exact_ok and err <= tol, {"rel_error": err, "tolerance": tol, "cond": kappa}))
    # 5. large random case: scipy vs eigenbasis closed form, with residuals
    rng = np.random.default_rng(11)
    p = 60
    H = _random_spd(rng, p, 0.01, 10.0)
    S = _random_psd(rng, p, rank=p // 2)
    Ga, Gb = N.lyapunov_continuous(H, S), N.lyapunov_eigen(H, S)
    res = float(np.linalg.norm(Ga @ H + H @ Ga - S) / (2 * np.linalg.norm(H) * np.linalg.norm(Ga)
                                                         + np.linalg.norm(S)))
    kap = float(np.linalg.cond(H))
    err = _rel(Ga, Gb)
    tol_res, tol_err = 100 * p * EPS64, 100 * p * EPS64 * kap
    ev.append(Evidence("numeric", f"random {p}x{p} (H eigenvalues in [0.01, 10], sigma^2 rank {p // 2}): "
                       "scipy vs eigenbasis formula; relative residual <= 100 p eps, "
                       "difference <= 100 p eps cond(H)",
                       res <= tol_res and err <= tol_err,
                       {"residual": res, "tol_residual": tol_res, "rel_diff": err, "tol_diff": tol_err,
                        "seed": 11}))
    printed = all(e.passed for e in ev)
    return Outcome(printed, ev)


def check_saddle() -> Outcome:
    lneg = sp.Symbol("lneg", negative=True)
    sp_ = sp.Symbol("s_pos", positive=True)
    gneg = D.transient_cov_entry(lneg, lneg).subs(D.s_ij, sp_)
    lim_neg = sp.limit(gneg, D.t, sp.oo)
    gpos = D.transient_cov_entry(D.lam, D.lam).subs(D.s_ij, sp_)
    lim_pos = sp.limit(gpos, D.t, sp.oo)
    ode_ok = _zero(sp.diff(gneg, D.t) - (sp_ - 2 * lneg * gneg)) and _zero(gneg.subs(D.t, 0))
    printed = lim_neg == sp.oo and ode_ok
    ev = [Evidence("proof", "Var of V along an eigen-direction with eigenvalue lam < 0 (saddle), "
                   "sigma^2 > 0 there: Gamma(t) = s (1 - e^{-2 lam t})/(2 lam) solves the moment ODE "
                   "with Gamma(0)=0 and tends to +oo; for lam > 0 the limit is s/(2 lam)",
                   printed and _zero(lim_pos - sp_ / (2 * D.lam)),
                   {"Gamma_t": str(gneg), "limit_saddle": str(lim_neg), "limit_min": str(lim_pos)})]
    return Outcome(printed, ev)


# --- (12) and (13) at stationarity -----------------------------------------------------
def check_eq12() -> Outcome:
    ev = []
    coeffs, f, x, G = D.expected_f_expansion(2, 4)
    hess = sp.hessian(f, x)
    ok_series = (coeffs[1] == 0 and coeffs[3] == 0
                 and _zero(coeffs[2] - sp.Rational(1, 2) * (hess * G).trace()))
    ev.append(Evidence("proof", "generic quartic f, V ~ N(0, Gamma): E f(x + eps V) = f(x) + "
                       "eps^2/2 tr(Hess f Gamma) + O(eps^4) (odd orders vanish); eps^2 = delta/m",
                       ok_series, {"eps4_coefficient_nonzero": coeffs[4] != 0}))
    derived = D.eq12_expr()
    printed_expr = D.delta / (4 * D.m) * D.tr_sigma2
    ok_sym = _zero(derived - printed_expr)
    ev.append(Evidence("proof", "exact Lyapunov solution (generic 2x2) in (delta/2m) tr(H Gamma) "
                       "gives delta/(4m) tr sigma^2 (trace of the Lyapunov equation)",
                       ok_sym, {"derived": str(derived), "printed": str(printed_expr)}))
    rng = np.random.default_rng(12)
    errs = []
    for p in (3, 17, 40):
        H, S = _random_spd(rng, p), _random_psd(rng, p)
        Gm = N.lyapunov_continuous(H, S)
        lhs = 0.05 / (2 * 8) * np.trace(H @ Gm)
        errs.append(abs(lhs / N.eq12_prediction(S, 0.05, 8) - 1))
    tol = 1e-10  # float64 Lyapunov solves of well-conditioned (cond <= 100) matrices
    ev.append(Evidence("numeric", "random H, sigma^2 (p = 3, 17, 40): (delta/2m) tr(H Gamma) vs "
                       "delta/(4m) tr sigma^2; relative tolerance 1e-10", max(errs) <= tol,
                       {"max_rel_error": max(errs), "tolerance": tol, "seed": 12}))
    return Outcome(ok_series and ok_sym and max(errs) <= tol, ev)


def check_eq13() -> Outcome:
    ev = []
    coeffs, f, x, G = D.expected_grad_sq_expansion(2, 3)
    hess = sp.hessian(f, x)
    grad = sp.Matrix([sp.diff(f, xi) for xi in x])
    third = sum(grad[k] * sum(sp.diff(f, x[k], x[i], x[j]) * G[i, j] for i in range(2) for j in range(2))
                for k in range(2))
    ok_series = (coeffs[1] == 0 and coeffs[3] == 0
                 and _zero(coeffs[2] - (hess * hess * G).trace() - third))
    ev.append(Evidence("proof", "generic cubic f: E|grad f(x+eps V)|^2 = |grad f|^2 + eps^2 "
                       "[tr(H^2 Gamma) + grad f . D^3f[Gamma]] + O(eps^4); at the minimum X(oo) "
                       "grad f = 0 so the eps^2 term is tr(H^2 Gamma)", ok_series, {}))
    derived = D.eq13_expr()
    printed_expr = D.delta / (2 * D.m) * D.tr_sigma2_H
    ok_sym = _zero(derived - printed_expr)
    ev.append(Evidence("proof", "tr(H^2 Gamma) = tr(sigma^2 H)/2 (H times the Lyapunov equation, "
                       "trace), so the correction is delta/(2m) tr(sigma^2 H)", ok_sym,
                       {"derived": str(derived), "printed": str(printed_expr)}))
    rng = np.random.default_rng(13)
    errs = []
    for p in (3, 17, 40):
        H, S = _random_spd(rng, p), _random_psd(rng, p)
        Gm = N.lyapunov_continuous(H, S)
        lhs = 0.05 / 8 * np.trace(H @ H @ Gm)
        errs.append(abs(lhs / N.eq13_prediction(H, S, 0.05, 8) - 1))
    tol = 1e-10
    ev.append(Evidence("numeric", "random H, sigma^2: (delta/m) tr(H^2 Gamma) vs delta/(2m) tr(sigma^2 H); "
                       "relative tolerance 1e-10", max(errs) <= tol,
                       {"max_rel_error": max(errs), "tolerance": tol, "seed": 13}))
    return Outcome(ok_series and ok_sym and max(errs) <= tol, ev)


def check_finite_t() -> Outcome:
    """(12)/(13) read literally at finite t, for a quadratic f (exact: the SDE is linear)."""
    l1, l2 = sp.symbols("lambda1 lambda2", positive=True)
    s1, s2 = sp.symbols("s1 s2", positive=True)
    r = sp.Symbol("r", positive=True)  # r = delta/m
    lams, ss = (l1, l2), (s1, s2)
    gam = [D.transient_cov_entry(li, li).subs(D.s_ij, si) for li, si in zip(lams, ss)]
    ode_ok = all(_zero(sp.diff(g, D.t) - (si - 2 * li * g)) and _zero(g.subs(D.t, 0))
                 for g, li, si in zip(gam, lams, ss))
    # exact excesses of a quadratic f along the linear SDE: X^m_delta(t) = X(t) + sqrt(r) V(t)
    excess_f = r / 2 * sum(li * g for li, g in zip(lams, gam))
    excess_g = r * sum(li**2 * g for li, g in zip(lams, gam))
    printed_f = r / 4 * (s1 + s2)  # delta/(4m) tr sigma^2(X(oo)), eigenbasis of H
    printed_g = r / 2 * (l1 * s1 + l2 * s2)
    # o(delta/m) means (excess - printed)/r -> 0 as r -> 0; the ratio is r-free here
    gap_f = sp.simplify((excess_f - printed_f) / r)
    gap_g = sp.simplify((excess_g - printed_g) / r)
    at0 = (gap_f.subs(D.t, 0), gap_g.subs(D.t, 0))
    printed_holds = _zero(gap_f) and _zero(gap_g)
    lim_f = sp.limit(gap_f, D.t, sp.oo)
    lim_g = sp.limit(gap_g, D.t, sp.oo)
    corrected = ode_ok and _zero(lim_f) and _zero(lim_g)
    ev = [
        Evidence("proof", "quadratic f, H = diag(lambda1, lambda2), sigma^2 = diag(s1, s2): "
                 "E f(X^m_delta(t)) - f(X(t)) = (delta/2m) tr(H Gamma(t)) exactly with Gamma(0) = 0; "
                 "minus the printed delta/(4m) tr sigma^2, divided by delta/m, does not vanish "
                 "(it is independent of delta/m, so the gap is not o(delta/m))",
                 not printed_holds, {"gap_f_over_r": str(gap_f), "gap_grad_over_r": str(gap_g),
                                     "gap_at_t0": [str(a) for a in at0]}),
        Evidence("proof", "corrected: correction (delta/2m) tr(H Gamma(t)) and (delta/m) tr(H^2 Gamma(t)) "
                 "with dGamma/dt = sigma^2 - H Gamma - Gamma H, Gamma(0) = 0; the gaps tend to 0 as "
                 "t -> oo, recovering (12) and (13)", corrected,
                 {"limit_gap_f": str(lim_f), "limit_gap_grad": str(lim_g)}),
    ]
    return Outcome(printed_holds, ev, corrected)


# --- Section 2: Jastrzebski et al.'s special case --------------------------------------
def check_eq5_cov() -> Outcome:
    l = sp.symbols("l0:3", positive=True)
    Lam = sp.diag(*l)
    # (5): dz = -Lam z dt + sqrt(delta/m) Lam^{1/2} dW -> Lyapunov with sigma^2 = (delta/m) Lam
    G = D.lyapunov_vec_solve(Lam, D.delta / D.m * Lam)
    ok = _zero(G - D.delta / (2 * D.m) * sp.eye(3))
    return Outcome(ok, [Evidence("proof", "Lyapunov equation of (5) as printed (3 modes): "
                                 "Lam Gamma + Gamma Lam = (delta/m) Lam gives Gamma = delta/(2m) I",
                                 ok, {"Gamma": str(G)})])


def check_eq5() -> Outcome:
    drift1, Lam, z = D.jastrzebski_drift(sp.Integer(1))
    drift_half, _, _ = D.jastrzebski_drift(sp.Rational(1, 2))
    printed = _zero(drift1 - (-Lam * z))
    corrected_drift = _zero(drift_half - (-Lam * z))
    # Hessians of the two loss models: only the 1/2 version has Hessian H
    th = sp.Matrix(sp.symbols("a0:2", real=True))
    Hs = D.sym_matrix("H", 2)
    hess1 = sp.hessian((th.T * Hs * th)[0, 0], list(th))
    hess_half = sp.hessian((th.T * Hs * th)[0, 0] / 2, list(th))
    # noise: V^T C V with C = H = V Lam V^T gives Lam, i.e. Lam^{1/2} dW in z
    phi = sp.Symbol("phi", real=True)
    V = sp.Matrix([[sp.cos(phi), -sp.sin(phi)], [sp.sin(phi), sp.cos(phi)]])
    noise_ok = _zero(sp.simplify(V.T * (V * Lam * V.T) * V) - Lam)
    corrected = corrected_drift and _zero(hess_half - Hs) and noise_ok
    ev = [
        Evidence("proof", "with the printed model L = (theta-theta*)^T H (theta-theta*) the drift of "
                 "z = V^T(theta-theta*) under (4) is -2 Lam z, not -Lam z as in (5); its Hessian is 2H, "
                 "contradicting 'H is the Hessian'", not printed,
                 {"drift": str(drift1), "hessian": str(hess1)}),
        Evidence("proof", "with L = (1/2)(theta-theta*)^T H (theta-theta*) (Hessian H) the drift is -Lam z "
                 "and the noise V^T C V = Lam (C = H), i.e. (5)", corrected, {"drift": str(drift_half)}),
    ]
    return Outcome(printed, ev, corrected)


def check_eq6() -> Outcome:
    l = sp.symbols("l0:3", positive=True)
    Lam = sp.diag(*l)
    zs = list(sp.symbols("zz0:3", real=True))
    zv = sp.Matrix(zs)
    cov5 = D.lyapunov_vec_solve(Lam, D.delta / D.m * Lam)  # covariance of (5), delta/(2m) I
    EL_printed_model = D.gaussian_expectation((zv.T * Lam * zv)[0, 0], zs, cov5)
    printed_first = sp.Rational(1, 2) * sum(li * cov5[i, i] for i, li in enumerate(l))
    printed_value = D.delta / (4 * D.m) * sum(l)
    # as printed: L = z^T Lam z (the stated model) and cov from (5)
    first_eq = _zero(EL_printed_model - printed_first)
    final_eq = _zero(printed_first - printed_value)
    printed = first_eq and final_eq
    # corrected: L = z^T Lam z / 2, (5), cov delta/(2m) I
    EL_half = D.gaussian_expectation((zv.T * Lam * zv)[0, 0] / 2, zs, cov5)
    phi = sp.Symbol("phi", real=True)
    V = sp.Matrix([[sp.cos(phi), -sp.sin(phi)], [sp.sin(phi), sp.cos(phi)]])
    trace_ok = _zero(sp.simplify((V * sp.diag(l[0], l[1]) * V.T).trace()) - (l[0] + l[1]))
    corrected = _zero(EL_half - printed_value) and trace_ok
    # consistent printed model: drift -2 Lam z -> covariance delta/(4m) I, E L = delta/(4m) Tr H
    cov_cons = D.lyapunov_vec_solve(2 * Lam, D.delta / D.m * Lam)
    EL_cons = D.gaussian_expectation((zv.T * Lam * zv)[0, 0], zs, cov_cons)
    ev = [
        Evidence("proof", "with the stated model L = z^T Lam z and cov(z) = delta/(2m) I from (5): "
                 "E L = sum lam_i E z_i^2 = delta/(2m) Tr H; the printed first equality "
                 "E L = (1/2) sum lam_i E z_i^2 fails", not first_eq,
                 {"E_L_stated_model": str(sp.factor(EL_printed_model)), "printed_half_sum": str(printed_first)}),
        Evidence("proof", "with L = (1/2) z^T Lam z: E L = delta/(4m) Tr Lam = delta/(4m) Tr H "
                 "(Tr Lam = Tr H by similarity); every equality of (6) holds", corrected,
                 {"E_L_half_model": str(sp.factor(EL_half))}),
        Evidence("proof", "note: with the stated model and its own drift -2 Lam z, cov(z) = delta/(4m) I "
                 "and E L = delta/(4m) Tr H again: the two factor-2 slips cancel in the final value",
                 _zero(EL_cons - printed_value), {"cov": str(cov_cons[0, 0]), "E_L": str(sp.factor(EL_cons))}),
    ]
    return Outcome(printed, ev, corrected)


def check_eq6_from_eq12() -> Outcome:
    recovered = D.eq12_expr().subs(D.tr_sigma2, D.tr_H)
    printed6 = D.delta / (4 * D.m) * D.tr_H
    ok = _zero(recovered - printed6)
    rng = np.random.default_rng(6)
    H = _random_spd(rng, 12)
    num = abs(N.eq12_prediction(H, 0.1, 4) / (0.1 / 16 * np.trace(H)) - 1)
    return Outcome(ok and num <= 1e-14, [
        Evidence("proof", "(12) with sigma^2 = H (Assumption 2) is delta/(4m) Tr H = (6)", ok,
                 {"recovered": str(recovered)}),
        Evidence("numeric", "random 12x12 H: eq12_prediction(H) vs delta/(4m) Tr H, rel. tol 1e-14 "
                 "(one trace and one division)", num <= 1e-14, {"rel_error": num, "seed": 6}),
    ])


def check_gradient_mean() -> Outcome:
    n = 3
    th = sp.Symbol("theta", real=True)
    ls = [sp.Function(f"l{j}")(th) for j in range(n)]
    L = sum(ls) / n  # L(theta) = (1/n) sum_j l(theta, x_j), as printed
    g = sp.diff(L, th)
    grad_sum = sum(sp.diff(lj, th) for lj in ls)
    printed = _zero(g - grad_sum)  # "the gradient is based on the sum over all loss values"
    # g^(m) = (1/m) sum_{j in B} dl_j is unbiased for the MEAN gradient (with replacement)
    import itertools

    gs = [sp.diff(lj, th) for lj in ls]
    mb = [sum(gs[i] for i in b) / 2 for b in itertools.product(range(n), repeat=2)]
    E_gm = sum(mb) / len(mb)
    corrected = _zero(E_gm - g) and not _zero(E_gm - grad_sum)
    return Outcome(printed, [
        Evidence("proof", "L = (1/n) sum_j l_j gives g = dL/dtheta = (1/n) sum_j dl_j, not the sum "
                 "(they differ by the factor n = 3)", not printed, {"g": str(g)}),
        Evidence("exhaustive", "all 9 ordered mini-batches of size 2 (n = 3, with replacement): "
                 "E g^(m) = (1/n) sum_j dl_j, the mean gradient -- consistent only with the mean reading",
                 corrected, {"E_gm": str(sp.simplify(E_gm))}),
    ], corrected)


def check_eq2_cov() -> Outcome:
    gs = list(sp.symbols("g0:4", real=True))
    n = len(gs)
    ok_with = True
    fpc = {}
    for m_ in (1, 2, 3):
        var, C = D.minibatch_cov_exhaustive(gs, m_, replace=True)
        ok_with &= _zero(var - C / m_)
        var_wo, C = D.minibatch_cov_exhaustive(gs, m_, replace=False)
        fpc[m_] = str(sp.factor(sp.simplify(var_wo / (C / m_))))
    fpc_ok = all(sp.simplify(sp.sympify(fpc[k]) - sp.Rational(n - k, n - 1)) == 0 for k in fpc)
    return Outcome(ok_with, [
        Evidence("exhaustive", "n = 4 symbolic per-example gradients, every ordered batch of size "
                 "m = 1, 2, 3 drawn with replacement: Var(g^(m)) = C/m exactly (C: population "
                 "covariance, divisor n); vector case by polarisation", ok_with, {}),
        Evidence("exhaustive", "without replacement the factor is (n-m)/(n-1) (finite-population "
                 "correction): the printed C/m is the m << n approximation", fpc_ok,
                 {"factor_without_replacement": fpc}),
    ])


def check_eq4() -> Outcome:
    # one Euler-Maruyama step of (4) over dt = delta vs one step of (3): mean and covariance
    R = D.sym_matrix("R", 2, symmetric=False)
    g = sp.Matrix(sp.symbols("g0:2", real=True))
    th = sp.Matrix(sp.symbols("th0:2", real=True))
    dt = D.delta
    mean_sde = th - g * dt
    cov_sde = (sp.sqrt(D.delta / D.m) * R) * (sp.sqrt(D.delta / D.m) * R).T * dt
    mean_sgd = th - D.delta * g
    cov_sgd = (D.delta / sp.sqrt(D.m)) ** 2 * (R * R.T)  # (delta/sqrt m) eps, cov eps = C = R R^T
    ok = _zero(mean_sde - mean_sgd) and _zero(cov_sde - cov_sgd)
    # (9) vs (8): same with sigma; and V = sqrt(m/delta)(X^m - X) gives (10) with unit noise
    sig = D.sym_matrix("sigma", 2, symmetric=False)
    covV = (sp.sqrt(D.m / D.delta) * sp.sqrt(D.delta / D.m) * sig)
    ok10 = _zero(covV - sig)
    return Outcome(ok and ok10, [
        Evidence("proof", "Euler-Maruyama step of (4) with dt = delta (t = k delta) has mean "
                 "theta - delta g and covariance (delta^2/m) R R^T = that of one step (3)", ok, {}),
        Evidence("proof", "rescaling V = sqrt(m/delta)(X^m_delta - X) turns the noise "
                 "sqrt(delta/m) sigma dB of (9) into sigma dB of (10)", ok10, {}),
    ])


# --- beyond the SDE: the discrete recursions --------------------------------------------
@cache
def _ls_small():
    X = sp.Matrix([[1, 0], [1, 1], [1, 2]])
    y = sp.Matrix([0, 2, 1])
    return X, y


@_one_blas_thread
def check_eq12_sgd() -> Outcome:
    ev = []
    exact_mode = D.discrete_excess_loss_mode()
    sde_mode = D.eq12_expr().subs(D.tr_sigma2, D.s)
    ser = sp.series(exact_mode, D.delta, 0, 3).removeO()
    lead_ok = _zero(sp.expand(ser).coeff(D.delta, 1) - sde_mode / D.delta)
    second = sp.factor(sp.expand(ser).coeff(D.delta, 2))
    little_o = sp.limit((exact_mode - sde_mode) / (D.delta / D.m), D.delta, 0) == 0
    ev.append(Evidence("proof", "discrete recursion theta' = (I - delta H) theta + (delta/sqrt m) eps: "
                       "exact stationary excess loss per mode delta s / (2m (2 - delta lam)) = "
                       "delta s/(4m) + delta^2 lam s/(8m) + O(delta^3); (exact - (12))/(delta/m) -> 0",
                       lead_ok and little_o,
                       {"exact_mode": str(exact_mode), "second_order_coefficient": str(second),
                        "relative_error_mode": str(D.sde_relative_error_mode())}))
    # numeric: scipy discrete Lyapunov vs the per-mode formula summed over H's eigenbasis
    rng = np.random.default_rng(21)
    H, S = _random_spd(rng, 25, 0.05, 4.0), _random_psd(rng, 25)
    lam, U = np.linalg.eigh(H)
    sdiag = np.diag(U.T @ S @ U)
    f = sp.lambdify((D.delta, D.m, D.s, D.lam), exact_mode, "numpy")
    errs = [abs(N.gaussian_discrete_loss(H, S, d, 4) / float(np.sum(f(d, 4, sdiag, lam))) - 1)
            for d in (0.01, 0.1, 0.4)]
    ev.append(Evidence("numeric", "random 25x25: scipy discrete Lyapunov loss vs sum of per-mode exact "
                       "losses; rel. tol 1e-10 (float64, cond <= 100)", max(errs) <= 1e-10,
                       {"max_rel_error": max(errs), "seed": 21}))
    # exhaustive: least-squares second-moment map, every mini-batch with replacement
    X, y = _ls_small()
    ok_ex = True
    for m_ in (1, 2, 3):
        E2, e = D.ls_one_step_exhaustive(X, y, m_)
        F = D.ls_one_step_formula(X, y, e * e.T, e, m_)
        ok_ex &= _zero(E2 - F)
    ev.append(Evidence("exhaustive", "least squares n = 3, p = 2 (rational data, non-interpolating): the "
                       "one-step E[e'e'^T | e] over all n^m batches (m = 1, 2, 3) equals "
                       "A P A + (delta^2/m)[M(P) - HPH + Sigma_r - L(mu) - L(mu)^T] identically in e, delta",
                       ok_ex, {}))
    # interpolating minimum: y = X theta0 exactly, so r = 0, Sigma_r = 0 and P = 0 is the fixed point
    yi = X * sp.Matrix([1, 2])
    E2, e = D.ls_one_step_exhaustive(X, yi, 2)
    zero_P = D.ls_one_step_formula(X, yi, sp.zeros(2, 2), sp.zeros(2, 1), 2)
    ok_int = _zero(E2 - D.ls_one_step_formula(X, yi, e * e.T, e, 2)) and _zero(zero_P)
    ev.append(Evidence("exhaustive", "interpolating least squares (y = X theta exactly, r = 0): the same identity "
                       "holds and P = 0 is a fixed point: the exact stationary loss is 0 = (12) (sigma^2(theta*) "
                       "= 0); only the transient and the stability limit remain", ok_int, {}))
    # numpy implementation vs the symbolic formula at exact rational points
    prob = N.least_squares_problem(np.array(X, dtype=float), np.array(y, dtype=float).ravel())
    P = sp.Matrix([[sp.Rational(3, 7), sp.Rational(1, 5)], [sp.Rational(1, 5), sp.Rational(2, 3)]])
    mu = sp.Matrix([sp.Rational(1, 3), -sp.Rational(1, 4)])
    Fq = D.ls_one_step_formula(X, y, P, mu, 3).subs(D.delta, sp.Rational(1, 10))
    Fn = N.ls_one_step(prob, 0.1, 3, np.array(P, dtype=float), np.array(mu, dtype=float).ravel())
    err_num = _rel(Fn, np.array(Fq.evalf(30), dtype=float))
    ev.append(Evidence("numeric", "numpy ls_one_step vs the exact rational formula (delta = 1/10, m = 3); "
                       "rel. tol 1e-13 (a few float64 products)", err_num <= 1e-13, {"rel_error": err_num}))
    # the real data set: diabetes, O(delta) approach of the exact value to (12)
    prob = diabetes_problem()
    rel = {}
    for d in (1e-4, 1e-3, 1e-2):
        ex = N.ls_stationary_loss(prob, d, 1)
        rel[d] = ex / N.eq12_prediction(prob.sigma2, d, 1) - 1
    slope_ok = rel[1e-4] < 1e-3 and 5 < rel[1e-3] / rel[1e-4] < 20 and 5 < rel[1e-2] / rel[1e-3] < 20
    ev.append(Evidence("numeric", "diabetes least squares (m = 1): exact stationary loss / (12) - 1 is "
                       "positive and shrinks linearly in delta (x10 per decade), i.e. (12) + O(delta)",
                       slope_ok, {"relative_excess": {str(k): v for k, v in rel.items()}}))
    gauss = N.sde_breakdown_delta(prob.H, prob.sigma2, 1)
    lam = np.linalg.eigvalsh(prob.H)
    thresholds = {m_: _ls_breakdown(m_) for m_ in (1, 4, 32)}
    limits = {m_: N.ls_stability_limit(prob, m_) for m_ in (1, 4, 32)}
    bracket_ok = 0.2 / lam.max() <= gauss <= 0.2 / lam.min()
    order_ok = thresholds[1] < thresholds[4] < thresholds[32] <= gauss
    ev.append(Evidence("numeric", "step size where (12) under-predicts the exact stationary loss by 10%: "
                       "Gaussian noise (any m) lies between the one-mode values 0.2/lam_max and "
                       "0.2/lam_min; the theta-dependent least-squares noise is larger in PSD order "
                       "(M(P) - HPH is a covariance), so its threshold is smaller, increasing in m",
                       bracket_ok and order_ok,
                       {"delta_10pct_least_squares": {str(k): v for k, v in thresholds.items()},
                        "delta_10pct_gaussian": gauss, "one_mode_bounds": [0.2 / lam.max(), 0.2 / lam.min()],
                        "stability_limit_least_squares": {str(k): v for k, v in limits.items()},
                        "stability_limit_gaussian": 2 / lam.max()}))
    printed = all(e.passed for e in ev)
    return Outcome(printed, ev)


@cache
def _ls_breakdown(m_: int, rel: float = 0.1) -> float:
    from scipy.optimize import brentq

    prob = diabetes_problem()
    hi = N.ls_stability_limit(prob, m_) * (1 - 1e-6)
    g = lambda d: 1 - N.eq12_prediction(prob.sigma2, d, m_) / N.ls_stationary_loss(prob, d, m_) - rel
    return float(brentq(g, 1e-6, hi, xtol=1e-10))


@_one_blas_thread
def check_lrbs() -> Outcome:
    r = sp.Symbol("r", positive=True)  # delta/m
    eq12_at = D.eq12_expr().subs(D.delta, r * D.m)
    first_order = D.m not in sp.simplify(eq12_at).free_symbols
    exact_at = D.discrete_excess_loss_mode().subs(D.delta, r * D.m)
    dm = sp.simplify(sp.diff(exact_at, D.m))
    dm_lead = sp.limit(dm / r**2, r, 0)
    prob = diabetes_problem()
    r0 = 1e-3
    sde = N.eq12_prediction(prob.sigma2, r0, 1)
    dev = {m_: N.ls_stationary_loss(prob, r0 * m_, m_) / sde - 1 for m_ in (1, 2, 4, 8)}
    # at fixed r the deviation is c_r r + c_delta delta + O(delta^2): its increments over
    # delta = r, 2r, 4r, 8r must double (the O(delta^2) remainder at delta = 0.008 is
    # ~ delta lam_max / 2 ~ 2% of the linear term, so within 10%)
    inc = [dev[2] - dev[1], dev[4] - dev[2], dev[8] - dev[4]]
    ratios = [inc[1] / inc[0], inc[2] / inc[1]]
    intercept = 2 * dev[1] - dev[2]  # extrapolated deviation at delta -> 0, fixed r: the O(delta/m) part
    num_ok = all(d > 0 for d in inc) and all(1.8 < q < 2.2 for q in ratios)
    big = {}
    for a, b in [((0.02, 1), (0.08, 4)), ((0.02, 1), (0.32, 16))]:
        la, lb = N.ls_stationary_loss(prob, *a), N.ls_stationary_loss(prob, *b)
        big[f"{a} vs {b}"] = {"loss_a": la, "loss_b": lb, "ratio": lb / la}
    return Outcome(first_order and num_ok, [
        Evidence("proof", "(12) depends on (delta, m) only through r = delta/m; the exact discrete "
                 "loss at fixed r still depends on m: d/dm = r^2 lam s / (8 (...)) + ..., so LR/BS "
                 "determines the stationary loss to first order only", first_order and dm_lead != 0,
                 {"d_exact_dm_over_r2_at_r0": str(dm_lead)}),
        Evidence("numeric", "diabetes least squares, exact stationary losses at fixed delta/m = 1e-3, "
                 "m = 1, 2, 4, 8: the relative deviation from (12) grows linearly in delta (its increments "
                 "double), so pairs sharing delta/m differ at order delta; the delta -> 0 intercept is the "
                 "O(delta/m) correction of the theta-dependent noise", num_ok,
                 {"relative_deviation": {str(k): v for k, v in dev.items()}, "increment_ratios": ratios,
                  "intercept_O_delta_over_m": intercept,
                  "same_ratio_pairs": big}),
    ])


# --- Table 1 --------------------------------------------------------------------------
# (label as printed, BS/LR, BS, LR, tr H, tr sigma^2, Magnitude Difference), as printed
TABLE1 = [
    ("1", "1250", 100, "0.08", 22398330, 9528207, "2.4"),
    ("2", "500", 100, "0.2", 44428697, 5501901, "8.1"),
    ("4", "200", 100, "0.5", 45588319, 4575870, "9.9"),
    ("4", "2500", 200, "0.08", 31897024, 10304980, "3.1"),
    ("5", "1000", 200, "0.2", 33932327, 4084640, "8.3"),
    ("6", "400", 200, "0.5", 41058846, 3486877, "11.8"),
    ("7", "6250", 500, "0.08", 63343355, 9530501, "6.6"),
    ("8", "2500", 500, "0.2", 35252033, 4261116, "8.3"),
    ("9", "1000", 500, "0.5", 54212278, 5380719, "10.1"),
]
_ROUNDINGS = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}


def _round1(q: Fraction, mode) -> Decimal:
    return (Decimal(q.numerator) / Decimal(q.denominator)).quantize(Decimal("0.1"), rounding=mode)


def table_row_facts(k: int) -> dict:
    label, bslr, bs, lr, trh, trs, md = TABLE1[k]
    ratio = Fraction(trh, trs)
    return {
        "position": k + 1, "label": label, "label_ok": label == str(k + 1),
        "bs_over_lr": str(Fraction(bs) / Fraction(lr)), "bs_over_lr_ok": Fraction(bs) / Fraction(lr) == Fraction(bslr),
        "ratio": float(ratio), "md_printed": md,
        "md_by_rounding": {k_: str(_round1(ratio, v)) for k_, v in _ROUNDINGS.items()},
        "md_ok": str(_round1(ratio, ROUND_HALF_UP)) == md,
        "md_within_half_unit": abs(ratio - Fraction(md)) <= Fraction(1, 20),
    }


def _rule_column(mode) -> bool:
    return all(str(_round1(Fraction(r[4], r[5]), mode)) == r[6] for r in TABLE1)


def _check_row(k: int):
    def check() -> Outcome:
        f = table_row_facts(k)
        printed = f["label_ok"] and f["bs_over_lr_ok"] and f["md_ok"]
        ev = [Evidence("exhaustive", f"row {k + 1}: exact rational BS/LR and Tr(H)/tr(sigma^2) from the "
                       "printed entries; Magnitude Difference rounded to one decimal (half-up); label "
                       "equals the row position", printed, f)]
        if k == 2:
            rules = {name: _rule_column(mode) for name, mode in _ROUNDINGS.items()}
            ev.append(Evidence("exhaustive", "no rounding rule (half-up, half-even, truncation) reproduces "
                               "the whole printed column", not any(rules.values()), rules))
            corrected = (str(_round1(Fraction(TABLE1[k][4], TABLE1[k][5]), ROUND_HALF_UP)) == "10.0"
                         and f["bs_over_lr_ok"] and [r[0] for r in TABLE1].count("4") == 2)
            ev.append(Evidence("exhaustive", "corrected row: label 3 (the printed '4' duplicates row 4), "
                               "Magnitude Difference 10.0 (= 9.963 rounded)", corrected, {}))
            return Outcome(printed, ev, corrected)
        return Outcome(printed, ev)

    return check


def check_magnitudes() -> Outcome:
    # Section 5.3: "In all cases, we notice that tr[sigma^2(X(oo))] is magnitudes smaller than Tr(H)"
    ratios = [Fraction(r[4], r[5]) for r in TABLE1]
    orders = [float(np.log10(float(q))) for q in ratios]
    printed = all(q >= 10 for q in ratios)  # at least one order of magnitude, in all cases
    corrected = all(1 < q < 12 for q in ratios) and min(ratios) > 2
    return Outcome(printed, [
        Evidence("exhaustive", "exact ratios Tr(H)/tr(sigma^2) of all nine rows: 'magnitudes smaller' (at least "
                 "one order of magnitude, i.e. ratio >= 10) holds in only some rows", not printed,
                 {"ratios": [float(q) for q in ratios], "log10_ratios": orders,
                  "rows_with_ratio_at_least_10": [i + 1 for i, q in enumerate(ratios) if q >= 10]}),
        Evidence("exhaustive", "corrected: in all rows tr(sigma^2) is smaller than Tr(H) by a factor between 2 and "
                 "12 (less than one order of magnitude in most rows)", corrected,
                 {"min": float(min(ratios)), "max": float(max(ratios))}),
    ], corrected)


def check_label_446() -> Outcome:
    # Section 3: "(12) and (13) correspond to Equations (4.45) and (4.49) in Wang (2019) ...
    # we will refer to them as Equations [8](4.45) and [8](4.46)"
    correspond = {"(12)": "4.45", "(13)": "4.49"}
    referred = {"(12)": "4.45", "(13)": "4.46"}
    printed = correspond == referred
    corrected_map = {**referred, "(13)": "4.49"}
    corrected = corrected_map == correspond
    return Outcome(printed, [
        Evidence("exhaustive", "the two printed equation maps for (12), (13) compared entry by entry",
                 not printed, {"correspond": correspond, "referred_as": referred}),
        Evidence("exhaustive", "corrected: with (13) referred to as (4.49) the two maps agree", corrected,
                 {"corrected": corrected_map}),
    ], corrected=corrected)


# --- the registry --------------------------------------------------------------------------
_A_RES = ("f has L-Lipschitz gradient", "X(t) -> X(oo) = minimiser with Hf(X(oo)) positive definite",
          "sigma^2(X(oo)) positive definite", "delta -> 0, m -> oo")

CLAIMS: list[Claim] = [
    Claim("stationary.eq11", PAPER, "Result 3.2, eq. (11)",
          r"$\Gamma(\infty)\,\mathbb H f(X(\infty)) + \mathbb H f(X(\infty))\,\Gamma(\infty) = \sigma^2(X(\infty))$"
          r" for the stationary covariance of (10)", _A_RES, check_eq11,
          title="stationary covariance of the OU process (10) solves a Lyapunov equation"),
    Claim("stationary.saddle", PAPER, "Result 3.2 (last sentence)",
          r"If $\check\theta$ is a saddle point, $V(t)$ diverges and has no limiting distribution",
          ("sigma^2 positive definite", "H has a negative eigenvalue"), check_saddle,
          title="saddle points: the covariance of V(t) diverges"),
    Claim("stationary.eq12", PAPER, "Result 3.2, eq. (12), t -> oo",
          r"$E[f(X^m_\delta(t))] = f(X(t)) + \frac{\delta}{4m}\operatorname{tr}[\sigma^2(X(\infty))] + o(\delta/m)$"
          " (read at stationarity, t -> oo)", _A_RES, check_eq12,
          title="stationary excess loss delta/(4m) tr sigma^2"),
    Claim("stationary.eq13", PAPER, "Result 3.2, eq. (13), t -> oo",
          r"$E|\nabla f(X^m_\delta(t))|^2 = |\nabla f(X(t))|^2 + \frac{\delta}{2m}\operatorname{tr}"
          r"[\sigma^2(X(\infty))\mathbb H f(X(\infty))] + o(\delta/m)$ (at stationarity)", _A_RES, check_eq13,
          title="stationary excess squared gradient norm delta/(2m) tr(sigma^2 H)"),
    Claim("stationary.eq12_13.finite_t", PAPER, "Result 3.2, eqs. (12)-(13) at finite t",
          r"(12) and (13) with $f(X(t))$, $|\nabla f(X(t))|^2$ at finite $t$ and the correction evaluated at "
          r"$X(\infty)$", _A_RES, check_finite_t,
          erratum=Erratum(
              printed=r"E f(X^m_δ(t)) = f(X(t)) + δ/(4m) tr σ²(X(∞)) + o(δ/m) (and (13) likewise) for t in [0, T]",
              corrected=r"E f(X^m_δ(t)) = f(X(t)) + δ/(2m) tr[Hf(X(t)) Γ(t)] + o(δ/m) with "
                        r"dΓ/dt = σ²(X(t)) − HΓ − ΓH, Γ(0) = 0 (and (13) with (δ/m) tr(H²Γ(t)) at a minimum); "
                        r"(12)-(13) are the t → ∞ limits",
              explanation="Read literally at finite t the corrections are wrong by a term of order δ/m: at t = 0 "
                          "V(0) = 0 so E f = f(x0) exactly, while (12) adds δ/(4m) tr σ². For a quadratic f "
                          "the gap (δ/4m) Σ s_ii e^{-2 λ_i t} is exact; it vanishes only as t → ∞."),
          title="(12)-(13) hold only at stationarity, not at finite t"),
    Claim("stationary.eq2_cov", PAPER, "Section 2, eqs. (2)-(3)",
          r"$g^{(m)}$ has covariance $\Sigma(\theta) = \frac1m C(\theta)$ (approximately, m < n)",
          ("indices drawn uniformly from {1..n}",), check_eq2_cov,
          title="mini-batch gradient covariance C/m"),
    Claim("stationary.sec2_gradient_sum", PAPER, "Section 2, paragraph before (1)",
          r"$L = \frac1n\sum_j l(\theta, x_j)$, $g = \partial L/\partial\theta$; "
          r"'The gradient is based on the sum over all loss values for all training examples.'",
          ("L is the average loss",), check_gradient_mean,
          erratum=Erratum(
              printed="g = ∂L/∂θ is based on the sum over all loss values",
              corrected="g = ∂L/∂θ = (1/n) Σ_j ∇l(θ, x_j), the mean of per-example gradients "
                        "(the quantity g^(m) estimates without bias)",
              explanation="With L the average loss, its gradient is the average, not the sum: the sum is n "
                          "times larger and would multiply the noise covariance by n². The mini-batch gradient "
                          "g^(m) = (1/m) Σ_B ∇l is unbiased for the mean only."),
          title="sum-vs-mean: the full gradient is a mean"),
    Claim("stationary.eq4", PAPER, "Section 2, eq. (4); Section 3, eqs. (8)-(10)",
          r"$d\theta = -g(\theta)dt + \sqrt{\delta/m}\,R(\theta)\,dW(t)$ models (3)",
          ("time t = k delta", "R R^T = C"), check_eq4,
          title="the SDE (4) matches one SGD step's first two moments"),
    Claim("stationary.eq5_cov", PAPER, "Section 2, after (5)",
          r"The stationary distribution of (5) has $\operatorname{cov}(z) = \frac{\delta}{2m}I$",
          ("Lambda positive diagonal",), check_eq5_cov,
          title="stationary covariance of Jastrzębski's OU process (5)"),
    Claim("stationary.eq5", PAPER, "Section 2, eq. (5)",
          r"From (4) and $L(\theta) \approx (\theta-\theta_*)^T H (\theta-\theta_*)$: "
          r"$dz = -\Lambda z\,dt + \sqrt{\delta/m}\,\Lambda^{1/2}dW$",
          ("Assumption 1 (quadratic bowl)", "Assumption 2 (C = H)"), check_eq5,
          erratum=Erratum(
              printed=r"L(θ) ≈ (θ − θ*)ᵀ H (θ − θ*) gives dz = −Λz dt + √(δ/m) Λ^{1/2} dW",
              corrected=r"L(θ) ≈ ½ (θ − θ*)ᵀ H (θ − θ*) (H the Hessian) gives (5); the printed model gives "
                        r"drift −2Λz",
              explanation="The gradient of (θ−θ*)ᵀH(θ−θ*) is 2H(θ−θ*) and its Hessian is 2H, so the stated "
                          "quadratic model contradicts both (5) and 'H is the Hessian'; the factor ½ is missing."),
          title="Jastrzębski's OU process needs L ≈ ½ (θ−θ*)ᵀH(θ−θ*)"),
    Claim("stationary.eq6", PAPER, "Section 2, eq. (6) (Jastrzębski et al. eq. 9)",
          r"$E(L) = \frac12\sum_i\lambda_i E(z_i^2) = \frac{\delta}{4m}\operatorname{Tr}\Lambda = "
          r"\frac{\delta}{4m}\operatorname{Tr}H$ with $L \approx (\theta-\theta_*)^TH(\theta-\theta_*)$",
          ("Assumption 1", "Assumption 2 (C = H)", "stationary distribution of (5)"), check_eq6,
          erratum=Erratum(
              printed=r"with L ≈ (θ−θ*)ᵀH(θ−θ*) = zᵀΛz: E L = ½ Σ λ_i E z_i² = δ/(4m) Tr Λ",
              corrected=r"with L ≈ ½ zᵀΛz: E L = ½ Σ λ_i E z_i² = δ/(4m) Tr Λ = δ/(4m) Tr H",
              explanation="Under the stated model E L = Σ λ_i E z_i² = δ/(2m) Tr H with cov(z) from (5); the ½ "
                          "of the first equality belongs to the model L = ½ zᵀΛz. (With the stated model and "
                          "its own drift −2Λz the two slips cancel and δ/(4m) Tr H is recovered.)"),
          title="Jastrzębski's expected loss (6): constants"),
    Claim("stationary.eq6_from_eq12", PAPER, "Section 3, after (13)",
          r"Under Assumption 2, $\sigma^2(X(\infty)) = \mathbb H f(X(\infty))$, so (6) can be recovered from (12)",
          ("Assumption 2",), check_eq6_from_eq12, title="(6) is (12) with sigma^2 = H"),
    Claim("stationary.eq12_sgd", PAPER, "Result 3.1-3.2 applied to the SGD iterates (8)",
          r"$E[f(x^m_\delta)] = f^* + \frac{\delta}{4m}\operatorname{tr}\sigma^2 + o(\delta/m)$ "
          "at stationarity for the discrete SGD iterates", _A_RES, check_eq12_sgd,
          title="(12) for the discrete iterates: exact value and O(delta) correction"),
    Claim("stationary.lrbs", PAPER, "Abstract, Sections 1 and 5.1",
          r"The stationary loss is governed by the ratio LR/BS $=\delta/m$ (with tr $\sigma^2$)",
          _A_RES, check_lrbs, title="the LR/BS ratio: first order only"),
    Claim("stationary.eq13_label", PAPER, "Section 3, after (13)",
          r"(12), (13) correspond to (4.45), (4.49) of Wang (2019); 'we will refer to them as [8](4.45) and "
          r"[8](4.46)'", (), check_label_446,
          erratum=Erratum(printed="(13) is referred to as [8](4.46)",
                          corrected="(13) is Wang (2019)'s (4.49), so [8](4.49)",
                          explanation="The same sentence maps (13) to (4.49) and then names it (4.46)."),
          title="equation label of (13)"),
]

CLAIMS.append(Claim(
    "stationary.sec53_magnitudes", PAPER, "Section 5.3, last paragraph but one",
    r"In all cases, $tr[\sigma^2(X(\infty))]$ is magnitudes smaller than $\operatorname{Tr}(H)$",
    ("Table 1 as printed",), check_magnitudes,
    erratum=Erratum(
        printed="In all cases tr[σ²(X(∞))] is magnitudes smaller than Tr(H)",
        corrected="In all cases tr[σ²(X(∞))] is smaller than Tr(H) by a factor 2.4–11.8 (Table 1): "
                  "at least one order of magnitude only in rows 6 and 9",
        explanation="Table 1's own ratios are 2.35, 8.08, 9.96, 3.10, 8.31, 11.78, 6.65, 8.27, 10.08: "
                    "log10 between 0.37 and 1.07, so 'magnitudes' (orders of magnitude) overstates the gap."),
    title="Section 5.3: 'magnitudes smaller'"))

for _k in range(len(TABLE1)):
    _f = table_row_facts(_k)
    _r = TABLE1[_k]
    CLAIMS.append(Claim(
        f"stationary.table1.row{_k + 1}", PAPER, f"Table 1, row {_k + 1} (printed label {_r[0]})",
        f"Experiment {_r[0]}: BS/LR = {_r[1]}, BS = {_r[2]}, LR = {_r[3]}, tr(H) = {_r[4]:,}, "
        f"tr[sigma^2] = {_r[5]:,}, Magnitude Difference = {_r[6]} (= Tr(H)/tr[sigma^2])",
        ("Magnitude Difference = Tr(H)/tr[sigma^2(X(oo))] (caption)",), _check_row(_k),
        erratum=None if _k != 2 else Erratum(
            printed="Experiment 4 (third row): Magnitude Difference 9.9",
            corrected="Experiment 3: Magnitude Difference 10.0 (45,588,319 / 4,575,870 = 9.963)",
            explanation="The third row repeats the label 4 of the fourth row, and its Magnitude Difference "
                        "9.9 is not 9.963 rounded to one decimal; the other eight rows match rounding "
                        "half-up, truncation matches only this row. (If the column were a mean of per-run "
                        "ratios it need not equal the ratio of mean traces; the caption defines the ratio.)"),
        title=f"Table 1 row {_k + 1}: Magnitude Difference = Tr(H)/tr(sigma^2)"))
