"""Harness for paper 003 (topic ``volterra``): SGD and batched SGD+M on least squares vs the
exact finite-n expectation and the Volterra prediction.

Scaling: the loss is a SUM, ``L(x) = 1/2 ||A x - b||^2``; SGD samples one row uniformly with
replacement per step, ``t = k/n`` passes; SGD+M uses Bernoulli(``zeta``) batches and
``y_k = Delta y_{k-1} + gamma sum_{i in B_k} grad f_i``.  Replicas run in lockstep as one
``(R, d)`` float64 tensor on ``cfg.device``; per-replica losses at the checkpoints are reduced
with :class:`verify.harness.stats.StreamStats` (no trajectory of ``x`` is stored).

Decisions: z-tests of Monte-Carlo means against the *exact finite-n* expectation (computed by
the moment recursion, in torch on the same device); the Volterra (n -> infinity) prediction is
compared deterministically to that exact expectation and reported as the finite-n error.

Every comparison names the claim it tests: the SGD loss curves test the expectation on which
``volterra.volterra_equation`` is decided (exact E L(x_{nt}) vs the Volterra solution), the
threshold runs ``volterra.threshold``, the concentration runs ``volterra.volterra_equation``
(L(x_{nt}) itself, not only its mean, approaches psi_t), and the SGD+M curves the expectation on
which ``volterra.sgdm_volterra`` is decided.
"""

from __future__ import annotations

import time

import numpy as np

from verify.topics.volterra import engine as E
from verify.harness.stats import StreamStats

#: quick R = 10,000 (not 2,000): the plan's pilot at seed 2 gives the digits loss curve kurtosis up to
#: ~1,200 (needs up to 2.9e4 replicas); 2,000 replicas tested 43 of 48 values (< 90 %), 10,000 test 46
SIZES = {
    True: {"sgd": (200, 100), "digits": (300, 60), "conc": (100, 200, 400), "sgdm": (200, 50),
           "R": 10000, "passes": 3, "sgdm_iters": 40, "thr": (100, 50)},
    False: {"sgd": (1000, 500), "digits": (1797, 400), "conc": (250, 500, 1000, 2000, 4000), "sgdm": (1000, 250),
            "R": 20000, "passes": 4, "sgdm_iters": 80, "thr": (400, 200)},
}


def _torch():
    import torch

    return torch


def exact_sgd_torch(A, b, x0, delta, gamma, steps, every, device):
    """Exact E L(x_k) of single-sample SGD: ``E.sgd_exact_expected_loss``'s recursion
    (``E.sgd_moment_step``) run on torch tensors on the replicas' device."""
    torch = _torch()
    A_ = torch.as_tensor(A, dtype=torch.float64, device=device)
    n, d = A_.shape
    H = A_.T @ A_
    xt_np = np.linalg.solve(A.T @ A + delta * np.eye(d), A.T @ b) if delta > 0 else np.linalg.lstsq(A, b, rcond=None)[0]
    xt = torch.as_tensor(xt_np, dtype=torch.float64, device=device)
    b_ = torch.as_tensor(b, dtype=torch.float64, device=device)
    rho = b_ - A_ @ xt
    Gm = -A_ * rho[:, None] + (delta / n) * xt[None, :]
    e0 = torch.as_tensor(x0, dtype=torch.float64, device=device) - xt
    m, M = e0.clone(), torch.outer(e0, e0)
    Lt = float(rho @ rho) / 2
    out = []
    for k in range(steps + 1):
        if k % every == 0:
            out.append(Lt - delta * float(xt @ m) + 0.5 * float(torch.sum(H * M)))
        if k == steps:
            break
        M, m = E.sgd_moment_step(A_, Gm, H, M, m, gamma, delta)
    return np.array(out)


def _mc_sgd(A, b, x0, delta, gamma, steps, every, R, seed, device, chunk=4000):
    """Monte-Carlo single-sample SGD; returns StreamStats of L at the checkpoints (shape (K,))."""
    torch = _torch()
    A_ = torch.as_tensor(A, dtype=torch.float64, device=device)
    b_ = torch.as_tensor(b, dtype=torch.float64, device=device)
    n, d = A_.shape
    K = steps // every + 1
    st = StreamStats((K,))
    gen = torch.Generator(device).manual_seed(seed)
    done = 0
    while done < R:
        r_ = min(chunk, R - done)
        X = torch.as_tensor(x0, dtype=torch.float64, device=device).expand(r_, d).clone()
        Ls = torch.empty((r_, K), dtype=torch.float64, device=device)
        for k in range(steps + 1):
            if k % every == 0:
                Ls[:, k // every] = 0.5 * ((X @ A_.T - b_) ** 2).sum(1)
            if k == steps:
                break
            i = torch.randint(0, n, (r_,), generator=gen, device=device)
            a = A_[i]
            res = (a * X).sum(1) - b_[i]
            X = X - gamma * (a * res[:, None] + (delta / n) * X)
        st.update(Ls.cpu().numpy())
        done += r_
    return st


def _mc_sgdm(A, b, x0, step, zeta, Delta, iters, R, seed, device, chunk=4000):
    torch = _torch()
    A_ = torch.as_tensor(A, dtype=torch.float64, device=device)
    b_ = torch.as_tensor(b, dtype=torch.float64, device=device)
    n, d = A_.shape
    st = StreamStats((iters + 1,))
    gen = torch.Generator(device).manual_seed(seed)
    done = 0
    while done < R:
        r_ = min(chunk, R - done)
        X = torch.as_tensor(x0, dtype=torch.float64, device=device).expand(r_, d).clone()
        Y = torch.zeros_like(X)
        Ls = torch.empty((r_, iters + 1), dtype=torch.float64, device=device)
        for k in range(iters + 1):
            res = X @ A_.T - b_
            Ls[:, k] = 0.5 * (res**2).sum(1)
            if k == iters:
                break
            P = (torch.rand((r_, n), generator=gen, device=device, dtype=torch.float64) < zeta).to(torch.float64)
            Y = Delta * Y + step * ((res * P) @ A_)
            X = X - Y
        st.update(Ls.cpu().numpy())
        done += r_
    return st


def _compare_curves(tag, st, exact, tgrid, pl, claim, meta=None):
    for j in range(1, len(exact)):
        pl.compare(f"{tag}: E L at t={tgrid[j]:.3g}", st, j, float(exact[j]), "equal",
                   {"t": float(tgrid[j]), "claim": claim, **(meta or {})})


def _problem(n, d, seed, kind):
    return E.make_problem(n, d, seed, kind=kind)


def _memo(cache: dict, fn, *args):
    """``fn(*args)`` once per run: the pilot and the main pass share the exact values."""
    def k(a):
        if isinstance(a, (int, float, str)):
            return a
        if isinstance(a, np.ndarray):
            return (a.shape, a.tobytes())
        return id(a)

    key = (fn.__name__, tuple(k(a) for a in args))
    if key not in cache:
        cache[key] = fn(*args)
    return cache[key]


def run(cfg, progress) -> dict:
    """Run every experiment.  On CPU, torch and BLAS are limited to one thread for the duration
    (on a shared 2-core machine oversubscribed threads were measured 40x slower); restored after."""
    torch = _torch()
    if not str(cfg.device).startswith("cpu"):
        return _run(cfg, progress)
    from threadpoolctl import threadpool_limits

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            return _run(cfg, progress)
    finally:
        torch.set_num_threads(old)


def _run(cfg, progress) -> dict:
    """Two passes (:class:`verify.harness.stats.Planner`): a pilot of fixed size from an
    independent seed stream fixes which comparisons are tested; then the main run."""
    from verify.harness.stats import Planner

    S = SIZES[bool(cfg.quick)]
    pl = Planner(default_replicas(cfg))
    cache: dict = {}
    _pass(cfg, pl, lambda m, f: progress("pilot: " + m, 0.1 * f), cache)
    pl.start_main("volterra")
    out = _pass(cfg, pl, lambda m, f: progress(m, 0.1 + 0.9 * f), cache)
    out["plan"] = pl.plan_list()
    out["pilot_replicas"] = pl.P
    out["comparisons"] = pl.comps
    out["unresolved"] = pl.unresolved + out["unresolved"]
    return out


def _pass(cfg, pl, progress, cache) -> dict:
    torch = _torch()
    torch.manual_seed(cfg.seed)
    dev = cfg.device
    S = SIZES[bool(cfg.quick)]
    R = pl.replicas
    out: dict = {"quick": bool(cfg.quick), "replicas": R, "experiments": {}}
    unresolved: list[dict] = []
    failures: list[dict] = []
    timings = {}

    # ---------------------------------------------------------------- 1 & 2: loss curves
    every_frac = 4
    for exp_i, (tag, kind) in enumerate((("gaussian", "gaussian"), ("digits", "digits"))):
        t0 = time.perf_counter()
        n, d = S["sgd"] if kind == "gaussian" else S["digits"]
        progress(f"{tag}: n={n}, d={d}", 0.05 + 0.2 * exp_i)
        A, b, x0 = _memo(cache, _problem, n, d, cfg.seed % 2**31 + exp_i, kind)
        delta = 0.1 if kind == "gaussian" else 0.05
        Sp = _memo(cache, E.spectral, A, b, x0, delta)
        gc = 2 / Sp.T2
        gamma = 0.5 * gc
        steps = S["passes"] * n
        every = n // every_frac
        tg = np.arange(steps // every + 1) * every / n
        exact = _memo(cache, exact_sgd_torch, A, b, x0, delta, gamma, steps, every, dev)
        psi = _memo(cache, E.volterra_ode, Sp, gamma, tg)
        st = _mc_sgd(A, b, x0, delta, gamma, steps, every, R, pl.seed(cfg.seed + 10 + exp_i), dev)
        _compare_curves(f"SGD {tag} (n={n}, d={d})", st, exact, tg, pl, "volterra.volterra_equation",
                        {"experiment": tag})
        gap = np.abs(exact - psi) / psi
        mc_vs_volterra_z = (st.mean - psi) / np.where(st.sem > 0, st.sem, np.inf)
        out["experiments"][tag] = {
            "n": n, "d": d, "delta": delta, "gamma": gamma, "gamma_threshold": gc, "t": tg.tolist(),
            "mc_mean": st.mean.tolist(), "mc_sem": st.sem.tolist(), "mc_sd": np.sqrt(st.var).tolist(),
            "exact": exact.tolist(), "volterra": psi.tolist(),
            "gradient_flow": E.gradient_flow_loss(Sp, gamma * tg).tolist(),
            "finite_n_rel_gap_exact_vs_volterra": gap.tolist(),
            "max_finite_n_rel_gap": float(gap.max()),
            "mc_vs_volterra_z": mc_vs_volterra_z.tolist(),
            "eigenvalues": Sp.lam.tolist(),
        }
        if np.max(np.abs(mc_vs_volterra_z[1:])) > 4:
            unresolved.append({"name": f"{tag}: MC mean vs Volterra psi_t", "claim": "volterra.volterra_equation",
                               "note": f"MC resolves the finite-n gap to the Volterra limit (max |z| = "
                                       f"{np.max(np.abs(mc_vs_volterra_z[1:])):.1f}); the z-tests use the exact "
                                       "finite-n value"})
        timings[tag] = time.perf_counter() - t0

    if pl.pilot:  # the threshold and concentration experiments make no comparisons
        return _sgdm(cfg, pl, progress, cache, S, dev, out, unresolved, failures, timings)
    # ---------------------------------------------------------------- 3: threshold
    t0 = time.perf_counter()
    progress("threshold", 0.5)
    n, d = S["thr"]
    A, b, x0 = E.make_problem(n, d, cfg.seed % 2**31 + 7)
    Sp = E.spectral(A, b, x0, 0.1)
    gc = 2 / Sp.T2
    thr = {"n": n, "d": d, "gamma_threshold": gc, "factors": [], "exact_final_over_start": [],
           "volterra_final": [], "exact_curves": [], "volterra_curves": [],
           "note": "the finite-n threshold of exact SGD need not equal the n -> infinity value; only "
                   "factors <= 0.8 (must converge) and >= 1.25 (must diverge) are decisions"}
    passes = 6
    for fac in (0.5, 0.8, 0.95, 1.05, 1.25, 1.5):
        ex = exact_sgd_torch(A, b, x0, 0.1, fac * gc, passes * n, n, dev)
        ps = E.volterra_ode(Sp, fac * gc, np.arange(passes + 1.0))
        thr["factors"].append(fac)
        thr["exact_final_over_start"].append(float(ex[-1] / ex[0]))
        thr["volterra_final"].append(float(ps[-1]))
        thr["exact_curves"].append(ex.tolist())
        thr["volterra_curves"].append(ps.tolist())
        grows = bool(ex[-1] > ex[-2] > ex[-3])
        if fac <= 0.8 and grows:
            failures.append({"claim": "volterra.threshold", "note": f"exact E L grows at {fac} x threshold"})
        if fac >= 1.25 and not grows:
            failures.append({"claim": "volterra.threshold", "note": f"exact E L does not grow at {fac} x threshold"})
    out["experiments"]["threshold"] = thr
    timings["threshold"] = time.perf_counter() - t0

    # ---------------------------------------------------------------- 4: concentration
    t0 = time.perf_counter()
    conc = {"n": [], "sd": [], "sd_se": [], "rel_gap_to_volterra": []}
    for j, n in enumerate(S["conc"]):
        progress(f"concentration n={n}", 0.6 + 0.05 * j)
        d = n // 2
        A, b, x0 = E.make_problem(n, d, cfg.seed % 2**31 + 100 + j)
        Sp = E.spectral(A, b, x0, 0.1)
        gamma = 0.5 * 2 / Sp.T2
        Rc = min(R, 1000)
        st = _mc_sgd(A, b, x0, 0.1, gamma, 2 * n, n, Rc, cfg.seed + 200 + j, dev)
        psi = E.volterra_ode(Sp, gamma, np.array([0.0, 1.0, 2.0]))
        sd = float(np.sqrt(st.var[-1]))
        conc["n"].append(n)
        conc["sd"].append(sd)
        conc["sd_se"].append(sd / np.sqrt(2 * (Rc - 1)))  # normal-theory SE of a standard deviation
        conc["rel_gap_to_volterra"].append(float(abs(st.mean[-1] - psi[-1]) / psi[-1]))
    slope = float(np.polyfit(np.log(conc["n"]), np.log(conc["sd"]), 1)[0])
    conc["log_log_slope_sd_vs_n"] = slope
    out["experiments"]["concentration"] = conc
    if not slope < 0:
        failures.append({"claim": "volterra.volterra_equation",
                         "note": f"concentration: replica spread of L(x_2n) does not shrink with n (slope {slope:.2f})"})
    timings["concentration"] = time.perf_counter() - t0

    return _sgdm(cfg, pl, progress, cache, S, dev, out, unresolved, failures, timings)


def _sgdm(cfg, pl, progress, cache, S, dev, out, unresolved, failures, timings):
    # ---------------------------------------------------------------- 5: SGD+M with batches
    t0 = time.perf_counter()
    n, d = S["sgdm"]
    A, b, x0 = _memo(cache, _problem, n, d, cfg.seed % 2**31 + 300, "gaussian")
    Sp0 = _memo(cache, E.spectral, A, b, x0, 0.0)
    its = S["sgdm_iters"]
    sg = {"settings": []}
    for j, (zeta, Dl, step) in enumerate(((0.1, 0.0, 2.0), (0.1, 0.6, 0.8), (0.5, 0.8, 0.2))):
        progress(f"SGD+M zeta={zeta} Delta={Dl}", 0.8 + 0.05 * j)
        ex = _memo(cache, E.sgdm_exact_expected_loss, A, b, x0, step, zeta, Dl, its)
        vol = _memo(cache, E.sgdm_volterra, Sp0.lam, Sp0.v0, Sp0.L_tilde, n, step, zeta, Dl, its)
        st = _mc_sgdm(A, b, x0, step, zeta, Dl, its, pl.replicas, pl.seed(cfg.seed + 400 + j), dev)
        every = max(1, its // 8)
        for k in range(every, its + 1, every):
            pl.compare(f"SGD+M zeta={zeta} Delta={Dl}: E L at k={k}", st, k, float(ex[k]), "equal",
                       {"experiment": "sgdm", "k": k, "claim": "volterra.sgdm_volterra"})
        sg["settings"].append({"zeta": zeta, "Delta": Dl, "gamma": step, "mc_mean": st.mean.tolist(),
                               "mc_sem": st.sem.tolist(), "exact": ex.tolist(), "volterra": vol.tolist(),
                               "max_rel_gap_exact_vs_volterra": float(np.max(np.abs(ex - vol) / vol))})
    out["experiments"]["sgdm"] = sg
    timings["sgdm"] = time.perf_counter() - t0

    out["unresolved"] = unresolved
    out["unresolved_failures"] = failures
    out["timings_s"] = timings
    progress("done", 1.0)
    return out


def default_replicas(cfg) -> int:
    """Replicas: ``--replicas``, else the size's ``R`` (:data:`SIZES`)."""
    return int(cfg.replicas or SIZES[bool(cfg.quick)]["R"])
