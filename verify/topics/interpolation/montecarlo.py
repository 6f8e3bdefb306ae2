r"""Paper 000's empirical claims by Monte-Carlo (update (4), sampling with replacement).

Three experiments, all compared with exact predictions by z-tests (Holm-controlled
by the runner):

1. **second moments** — on random interpolating least-squares problems
   (``||x_i||^2 <= beta = 1``), the Monte-Carlo mean of ``||w_t - w*||^2`` against the
   exact second-moment recursion (two-sided), and Theorem 2's bound
   ``g(m, eta)^t ||w_0 - w*||^2`` above it (one-sided); Theorem 1's bound with step 1/β.
2. **tight instance** (Theorem 3, as corrected) — orthogonal features with
   ``||x_i||^2 = beta``: the Monte-Carlo mean loss equals ``lambda_1 g(m, eta)^t ||w_0 - w*||^2``
   (two-sided).

Each comparison names the claim it tests (``claim``): the recursion comparisons feed
``interpolation.eq5.second_moment`` (see :data:`CLAIM_RECURSION`), the bounds feed
``interpolation.theorem2.bound`` and ``interpolation.theorem1``, the tight instance
``interpolation.theorem3`` (its correction: ``about="corrected"``).
3. **iterations to reach epsilon versus m** with ``eta*(m)``: on a synthetic spectrum and
   on scikit-learn's digits with a Gaussian kernel (``beta = K(x, x) = 1``), the exact
   ``t(m)`` and the Monte-Carlo loss curve against the exact curve, with the predicted
   speed-up ``s(m)`` and ``m*`` beside the measured ``t(1)/t(m)``.
"""

from __future__ import annotations

import numpy as np

from verify.generated import interpolation as G
from verify.harness.sgd import lsq_sgd_moments
from verify.harness.stats import Planner
from verify.topics.interpolation.engine import random_instance, second_moment_curve, spectrum

__all__ = ["CLAIM_RECURSION", "digits_kernel_features", "run"]

#: the claim a comparison with the exact second-moment recursion tests.  The recursion
#: (derivations.interpolation.derive.second_moment_step) is not printed; its mini-batch term is
#: (5)'s E[H_m^2] (E[H_m S H_m] for the loss), so those comparisons feed eq. (5)'s claim.
CLAIM_RECURSION = "interpolation.eq5.second_moment"


def digits_kernel_features(n: int, sigma: float = 1.5, seed: int = 0):
    """Rows φ_i of K^{1/2} for a Gaussian kernel on ``n`` scikit-learn digits (pixels / 16).

    ``K_ij = exp(-||x_i - x_j||^2 / (2 sigma^2))``, so ``||φ_i||^2 = K_ii = 1 = beta`` and
    ``H = Φ^T Φ / n`` has the eigenvalues of ``K / n`` (kernel SGD in coordinates).
    Labels ``y_i = ±1`` (digit < 5); the interpolant is ``w* = K^{-1/2} y``.
    """
    from verify.core.datasets import digits

    images, target = digits()
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(target), size=n, replace=False)
    Z = images[pick] / 16.0
    sq = np.sum(Z**2, 1)
    K = np.exp(-(sq[:, None] + sq[None, :] - 2 * Z @ Z.T) / (2 * sigma**2))
    w, V = np.linalg.eigh(K)
    w = np.clip(w, 0, None)
    Phi = (V * np.sqrt(w)) @ V.T
    y = np.where(target[pick] < 5, 1.0, -1.0)
    wstar = V @ ((V.T @ y) / np.sqrt(np.maximum(w, 1e-300)))
    return Phi, y, wstar


def _checkpoints(T: int, k: int) -> np.ndarray:
    return np.unique(np.linspace(0, T, k + 1).round().astype(int))


def _second_moments(cfg, pl, progress, report, second_moment_curve):
    settings = [dict(n=24, d=6, m=1, frac=0.5, seed=1), dict(n=24, d=6, m=4, frac=0.9, seed=2),
                dict(n=40, d=10, m=8, frac=0.7, seed=3)]
    T = 30
    out = []
    for k, s in enumerate(settings):
        X = random_instance(s["n"], s["d"], 1.0, s["seed"])
        lam = spectrum(X)
        l1, ln = float(lam[0]), float(lam[-1])
        eta = s["frac"] * float(G.eta_1(s["m"], 1.0, l1))
        e0 = np.ones(s["d"])
        times = _checkpoints(T, 6)
        dist, _ = lsq_sgd_moments(X, e0, eta, s["m"], times, pl.replicas, pl.seed(cfg.seed + 1000 * k), cfg.device,
                                  progress=lambda f: progress(f"second moments {k + 1}/3", (k + f) / 3 * 0.3))
        exact, _ = second_moment_curve(X, eta, s["m"], e0, T)
        gmax = max(float(G.g(l1, s["m"], eta, 1.0)), float(G.g(ln, s["m"], eta, 1.0)))
        bound = gmax ** times * float(e0 @ e0)
        for j, t in enumerate(times):
            if t == 0:
                continue
            meta = dict(experiment="second_moments", setting=k, t=int(t), m=s["m"], eta=eta)
            # the trace of the recursion is E||e_(t+1)||^2 = tr(Sigma_t E[(I - eta H_m)^2]): it
            # tests (5)'s E[H_m^2] (the recursion is not itself printed)
            pl.compare(f"E||w_t-w*||^2 = exact recursion [setting {k}, t={t}]",
                     dist, j, exact[t], "equal", {**meta, "claim": CLAIM_RECURSION})
            pl.compare(f"Theorem 2 bound g^t||e0||^2 above E||w_t-w*||^2 [setting {k}, t={t}]",
                     dist, j, bound[j], "upper", {**meta, "claim": "interpolation.theorem2.bound"})
        out.append(dict(setting=s, eta=eta, lam1=l1, lamn=ln, g=gmax, times=times.tolist(),
                        mc_mean=dist.mean.tolist(), mc_sem=dist.sem.tolist(),
                        exact=exact[times].tolist(), bound=bound.tolist()))
    # Theorem 1: SGD (1) with step 1/β on ℓ_i = (w^T x_i − y_i)^2, β = 2 max ||x_i||^2
    X = random_instance(16, 4, 1.0, 11)
    bsm = 2 * float(np.max(np.sum(X**2, 1)))
    alpha = 2 * float(spectrum(X)[-1])
    times = _checkpoints(40, 4)
    dist, _ = lsq_sgd_moments(X, np.ones(4), 2.0 / bsm, 1, times, pl.replicas, pl.seed(cfg.seed + 5000), cfg.device)
    for j, t in enumerate(times[1:], start=1):
        pl.compare(f"Theorem 1 bound (1-α/β)^t||e0||^2 above E||w_t-w*||^2 [t={t}]",
                 dist, j, (1 - alpha / bsm) ** t * 4.0, "upper",
                 dict(experiment="theorem1", t=int(t), claim="interpolation.theorem1"))
    report["second_moments"] = out


def _tight(cfg, pl, progress, report):
    # orthogonal features on the sphere ||x||^2 = beta: X = sqrt(beta) I_n (n = d)
    out = []
    for k, (nn, beta, m, frac) in enumerate([(8, 1.0, 1, 0.8), (8, 2.0, 3, 0.5), (16, 1.0, 4, 1.0)]):
        X = np.sqrt(beta) * np.eye(nn)
        lam = beta / nn
        eta = frac * float(G.eta_star(m, beta, lam, lam))
        g = float(G.g(lam, m, eta, beta))
        e0 = np.linspace(1, 2, nn)
        times = _checkpoints(20, 4)
        dist, loss = lsq_sgd_moments(X, e0, eta, m, times, pl.replicas, pl.seed(cfg.seed + 7000 + k), cfg.device,
                                     progress=lambda f: progress("tight instance", 0.3 + (k + f) / 3 * 0.1))
        pred = g ** times * float(e0 @ e0)
        for j, t in enumerate(times[1:], start=1):
            pl.compare(f"Theorem 3: E L(w_t) = λ1 g^t ||e0||^2 [case {k}, t={t}]",
                     loss, j, lam * pred[j], "equal",
                     dict(experiment="tight", case=k, t=int(t), claim="interpolation.theorem3",
                          about="corrected"))
        out.append(dict(n=nn, beta=beta, m=m, eta=eta, g=g, times=times.tolist(),
                        mc_mean=dist.mean.tolist(), mc_sem=dist.sem.tolist(), predicted=pred.tolist()))
    report["tight"] = out


def _first_below(curve: np.ndarray, level: float) -> int | None:
    hit = np.nonzero(curve <= level)[0]
    return int(hit[0]) if len(hit) else None


def _iterations(name, X, e0, beta, eps, ms, T_max, cfg, pl, progress, p0, p1, second_moment_curve):
    lam = spectrum(X)
    l1, ln = float(lam[0]), float(max(lam[-1], 1e-300))
    rows = []
    for k, m in enumerate(ms):
        eta = float(G.eta_star(m, beta, l1, ln))
        level = eps * float(np.mean((X @ e0) ** 2))
        _, exact = second_moment_curve(X, eta, m, e0, T_max, stop_loss_below=level)
        t_exact = _first_below(exact, level)
        T = min(T_max, int(1.25 * t_exact) + 2 if t_exact is not None else T_max)
        _, exact = second_moment_curve(X, eta, m, e0, T)
        times = np.arange(T + 1)
        _, loss = lsq_sgd_moments(X, e0, eta, m, times, pl.replicas, pl.seed(cfg.seed + 9000 + 31 * k), cfg.device,
                                  progress=lambda f: progress(f"{name}: m = {m}", p0 + (k + f) / len(ms) * (p1 - p0)))
        t_mc = _first_below(loss.mean, level)
        if t_exact is not None:
            for t in sorted({max(1, t_exact // 2), t_exact}):
                pl.compare(f"{name}: E L(w_t) = exact [m={m}, t={t}]", loss, t, exact[t],
                         "equal", dict(experiment="iterations", dataset=name, m=m, t=int(t),
                                       claim=CLAIM_RECURSION))
        rows.append(dict(m=m, eta=eta, t_exact=t_exact, t_mc=t_mc,
                         s_pred=float(G.s(m, beta, l1, ln)), g_star=float(G.g_star(m, beta, l1, ln)),
                         curve_t=times.tolist(), curve_mc=loss.mean.tolist(), curve_sem=loss.sem.tolist(),
                         curve_exact=exact[: T + 1].tolist()))
    t1 = rows[0]["t_exact"]
    for r in rows:
        r["speedup_exact"] = (t1 / r["t_exact"]) if (t1 and r["t_exact"]) else None
        r["speedup_mc"] = (rows[0]["t_mc"] / r["t_mc"]) if (rows[0]["t_mc"] and r["t_mc"]) else None
    return dict(dataset=name, n=int(X.shape[0]), d=int(X.shape[1]), beta=beta, lam1=l1, lamn=ln,
                trace=float(np.sum(lam)), m_star=float(G.m_star(beta, l1, ln)) if l1 > ln else None,
                s_limit=float(G.s_limit(beta, l1, ln)), eps=eps, rows=rows)


def _memo(fn):
    """``second_moment_curve`` computed once per run for the pilot and the main pass."""
    cache: dict = {}

    def f(X, eta, m, e0, T, **kw):
        key = (X.tobytes(), X.shape, float(eta), int(m), np.asarray(e0).tobytes(), int(T), tuple(sorted(kw.items())))
        if key not in cache:
            cache[key] = fn(X, eta, m, e0, T, **kw)
        return cache[key]
    return f


def run(cfg, progress):
    """Two passes (:class:`verify.harness.stats.Planner`): a pilot of fixed size from an
    independent seed stream fixes which values are tested (the replicas the normal
    approximation of each needs, from the pilot's skewness and kurtosis), then the main run."""
    quick = cfg.quick
    R = default_replicas(cfg)
    pl = Planner(R)
    smc = _memo(second_moment_curve)
    report: dict = {"replicas": R, "sampling": "with replacement", "update": "eq. (4), mean gradient"}
    for phase in ("pilot", "main"):
        if phase == "main":
            pl.start_main("interpolation")
        prog = (lambda msg, f: progress(f"pilot: {msg}", 0.1 * f)) if pl.pilot else \
            (lambda msg, f: progress(msg, 0.1 + 0.9 * f))
        _body(cfg, pl, prog, report, smc)
    report["plan"] = pl.plan_list()
    report["pilot_replicas"] = pl.P
    report["comparisons"] = pl.comps
    report["unresolved"] = pl.unresolved
    return report


def _body(cfg, pl, progress, report, smc):
    quick = cfg.quick
    _second_moments(cfg, pl, progress, report, smc)
    _tight(cfg, pl, progress, report)
    # synthetic spectrum: n = d, eigenvalues decaying, rows rescaled to ||x_i||^2 = 1
    n_syn = 64 if quick else 256
    rng = np.random.default_rng(cfg.seed % 2**32)
    Qm, _ = np.linalg.qr(rng.standard_normal((n_syn, n_syn)))
    X = Qm * (1.0 / np.arange(1, n_syn + 1)) ** 0.6
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    e0 = X.T @ rng.standard_normal(n_syn) / np.sqrt(n_syn)
    ms = [1, 2, 4, 8, 16, 32, 64] if quick else [1, 2, 4, 8, 16, 32, 64, 128, 256]
    syn = _iterations("synthetic", X, e0, 1.0, 1e-2, ms, 4000, cfg, pl, progress, 0.4, 0.65, smc)
    n_dig = 128 if quick else 512
    Phi, y, wstar = digits_kernel_features(n_dig, seed=cfg.seed % 2**32)
    dig = _iterations("digits (Gaussian kernel, sigma = 1.5)", Phi, -wstar, 1.0, 0.05, ms, 4000, cfg,
                      pl, progress, 0.65, 1.0, smc)
    report["iterations"] = [syn, dig]


def default_replicas(cfg) -> int:
    """Replicas per setting: ``--replicas``, else 5,000 quick (at 2,000 the plan sat at the 90 %
    bar: calibration seeds 7 and 9 tested 71 and 68 of 80; the pilot's needs put 95 % under
    5,000) and 20,000 full."""
    return int(cfg.replicas or (5000 if cfg.quick else 20000))
