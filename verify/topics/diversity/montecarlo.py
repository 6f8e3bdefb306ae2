r"""Monte-Carlo experiments for paper 002 (gradient diversity).

(a) Lemma 1 on least squares: one mini-batch step (SUM of ``B`` with-replacement
    per-sample gradients, step ``gamma``) from a fixed ``w``, replicated; the mean of
    ``||w+ - w*||^2`` is z-tested against the exact value (equality without projection,
    one-sided bound with projection onto a ball containing ``w*``).
(b) Section 6.1's data replication on scikit-learn's digits (n = 1797, 64 features,
    10 classes): ``r``-replication keeps ``n`` fixed by repeating a random ``1/r`` of the
    data ``r`` times (a new subset per replica).  Multinomial logistic regression and a
    64-32-10 tanh MLP are trained with mean-gradient SGD (learning rate ``eta`` per batch,
    i.e. ``gamma = eta / B`` in the paper's sum convention) at a small and a large batch
    size, ``eta`` tuned on a grid per batch size (lowest mean final loss), in lockstep
    replicas.  Reported: ``B_S`` along training (exact per-sample gradients, closed form),
    and the average over checkpoints (equal numbers of samples processed) of the loss
    ratio large/small, per replica; the question is whether the ratio grows with ``r``.
(d) The public two-batch estimator against exact moments on a torch MLP (digits).
(c) Diversity-inducing mechanisms at the logistic-regression iterates: exact ``B_S``,
    ``B^drop``, ``B^sgld``, ``B^quant`` (closed forms from the generated checkers) along
    training, and a Monte-Carlo z-test of the numerator and denominator of eq. (6) at one
    iterate for each mechanism.

All tensors are float64 on ``cfg.device``; seeds derive from ``cfg.seed``.  ``cfg.replicas``
(``R``) sets the replication experiment's replicas per learning rate (capped at 64); (a)
then uses ``R * 2^15`` one-step replicas and (c) ``16 R`` mechanism draws.  Defaults: quick
4 / 2^17 / 32, full 16 / 2^20 / 512.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch

from verify.generated import diversity as gen
from verify.harness import HarnessConfig
from verify.harness.stats import Comparison, StreamStats

__all__ = ["BatchedModel", "load_digits_tensors", "replicate_indices", "run", "torch_generator"]

DT = torch.float64
SGLD_V = 1e-4  # SGLD per-coordinate noise variance used in (c)


def torch_generator(device: str, seed: int) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(int(seed))


# ------------------------------------------------------------------ (a) Lemma 1
def lemma1_experiment(cfg: HarnessConfig, replicas: int, progress, sample_seed: int | None = None,
                      moments: dict | None = None) -> list[Comparison]:
    """Lemma 1 by Monte-Carlo; ``sample_seed`` (default ``cfg.seed + 2``) seeds the batches
    (the problem is drawn from ``cfg.seed + 1`` either way); ``moments``, if given, receives
    each comparison's per-replica (skewness, kurtosis)."""
    dev = cfg.device
    g0 = torch_generator("cpu", cfg.seed + 1)
    n, d = 10, 4
    X = torch.randn(n, d, generator=g0, dtype=DT)
    y = torch.randn(n, generator=g0, dtype=DT)
    ws = torch.linalg.lstsq(X, y.unsqueeze(1)).solution.squeeze(1)
    w = ws + 0.7 * torch.randn(d, generator=g0, dtype=DT)
    g = (X @ w - y).unsqueeze(1) * X  # per-sample gradients of (x^T w - y)^2/2
    M2 = float((g * g).sum(1).mean())
    G = float((g.mean(0) ** 2).sum())
    dist2 = float(((w - ws) ** 2).sum())
    inner = float(g.mean(0) @ (w - ws))
    rad = 1.02 * float(torch.linalg.norm(ws))  # ball containing w*; w may lie outside
    gamma = 0.05
    g, w, ws = g.to(dev), w.to(dev), ws.to(dev)
    rng = torch_generator(dev, cfg.seed + 2 if sample_seed is None else sample_seed)
    out = []
    chunk = 1 << 15
    for B in (1, 4, 16):
        st, stp = StreamStats(()), StreamStats(())
        done = 0
        while done < replicas:
            k = min(chunk, replicas - done)
            idx = torch.randint(0, n, (k, B), generator=rng, device=dev)
            wp = w - gamma * g[idx].sum(1)
            st.update((((wp - ws) ** 2).sum(1)).cpu().numpy())
            nr = torch.linalg.norm(wp, dim=1, keepdim=True)
            wpp = torch.where(nr > rad, wp * rad / nr, wp)
            stp.update((((wpp - ws) ** 2).sum(1)).cpu().numpy())
            done += k
        pred = float(gen.lemma1_expected_distance(dist2, inner, gamma, B, M2, G))
        meta = {"claim": "diversity.lemma1", "B": B, "replicas": replicas,
                "B_S": float(gen.batch_size_bound_from_moments(M2, G)), "gamma": gamma, "n": n, "d": d}
        if moments is not None:
            moments[f"lemma1_equality_B{B}"] = (float(st.skewness), float(st.kurtosis))
            moments[f"lemma1_projected_B{B}"] = (float(stp.skewness), float(stp.kurtosis))
        out.append(Comparison(f"lemma1_equality_B{B}", float(st.mean), float(st.sem), pred, "equal", meta))
        out.append(Comparison(f"lemma1_projected_B{B}", float(stp.mean), float(stp.sem), pred, "upper",
                              {**meta, "radius": rad}))
        progress(f"lemma1 B={B}", 0.05)
    return out


# ------------------------------------------------------------ data and models (b, c)
def load_digits_tensors(device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's digits: features scaled to [0, 1] plus a constant column; labels 0..9."""
    from verify.core.datasets import digits

    images, target = digits()
    X = torch.tensor(images / 16.0, dtype=DT, device=device)
    X = torch.cat([X, torch.ones(X.shape[0], 1, dtype=DT, device=device)], 1)
    return X, torch.tensor(target, dtype=torch.long, device=device)


def replicate_indices(n: int, r: int, R: int, gen_: torch.Generator, device: str) -> torch.Tensor:
    """``(R, n)`` indices: per replica a random subset of size ``ceil(n/r)`` repeated to length n."""
    m = math.ceil(n / r)
    out = []
    for _ in range(R):
        sub = torch.randperm(n, generator=gen_, device=device)[:m]
        out.append(sub.repeat(r)[:n])
    return torch.stack(out)


class BatchedModel:
    """Batched-replica models with closed-form per-sample gradient statistics.

    Parameters have a leading replica axis ``R``.  ``kind`` is ``"logreg"`` (W: (R, p, 10))
    or ``"mlp"`` (W1: (R, p, h), W2: (R, h + 1, 10), tanh hidden layer with bias)."""

    def __init__(self, kind: str, R: int, p: int, gen_: torch.Generator, device: str, hidden: int = 32):
        self.kind = kind
        if kind == "logreg":
            self.params = [torch.zeros(R, p, 10, dtype=DT, device=device)]
        else:
            W1 = torch.randn(R, p, hidden, generator=gen_, device=device, dtype=DT) / math.sqrt(p)
            W2 = torch.randn(R, hidden + 1, 10, generator=gen_, device=device, dtype=DT) / math.sqrt(hidden)
            self.params = [W1, W2]

    def _forward(self, Xb):
        if self.kind == "logreg":
            return Xb @ self.params[0], None
        h = torch.tanh(Xb @ self.params[0])
        h1 = torch.cat([h, torch.ones_like(h[..., :1])], -1)
        return h1 @ self.params[1], h1

    def loss_and_grads(self, Xb, yb):
        """Mean cross-entropy per replica (R,) and mean gradients (closed form)."""
        logits, h1 = self._forward(Xb)
        P = torch.softmax(logits, -1)
        Y = torch.nn.functional.one_hot(yb, 10).to(DT)
        loss = -(Y * torch.log_softmax(logits, -1)).sum(-1).mean(-1)
        E = (P - Y) / Xb.shape[1]
        if self.kind == "logreg":
            return loss, [Xb.transpose(1, 2) @ E]
        gW2 = h1.transpose(1, 2) @ E
        dH = (E @ self.params[1][:, :-1, :].transpose(1, 2)) * (1 - h1[..., :-1] ** 2)
        return loss, [Xb.transpose(1, 2) @ dH, gW2]

    def per_sample_stats(self, Xb, yb):
        """Per replica: S = sum_i ||g_i||^2, T = ||sum_i g_i||^2 (per-sample CE losses)."""
        logits, h1 = self._forward(Xb)
        P = torch.softmax(logits, -1)
        Y = torch.nn.functional.one_hot(yb, 10).to(DT)
        e = P - Y  # (R, n, 10)
        if self.kind == "logreg":
            S = ((e * e).sum(-1) * (Xb * Xb).sum(-1)).sum(-1)
            T = ((Xb.transpose(1, 2) @ e) ** 2).sum((1, 2))
            return S, T
        dH = (e @ self.params[1][:, :-1, :].transpose(1, 2)) * (1 - h1[..., :-1] ** 2)
        S = ((e * e).sum(-1) * (h1 * h1).sum(-1) + (dH * dH).sum(-1) * (Xb * Xb).sum(-1)).sum(-1)
        T = ((h1.transpose(1, 2) @ e) ** 2).sum((1, 2)) + ((Xb.transpose(1, 2) @ dH) ** 2).sum((1, 2))
        return S, T

    def per_sample_grads(self, Xb, yb):
        """Flattened per-sample gradients (R, n, P) for the logistic model (used in (c))."""
        assert self.kind == "logreg"
        logits, _ = self._forward(Xb)
        e = torch.softmax(logits, -1) - torch.nn.functional.one_hot(yb, 10).to(DT)
        return (Xb.unsqueeze(-1) * e.unsqueeze(-2)).flatten(2)


def train(kind: str, X, y, idx, B: int, etas: torch.Tensor, samples: int, eval_every: int,
          gen_: torch.Generator, device: str, track_bs: bool = False) -> dict[str, Any]:
    """Lockstep SGD for ``len(etas)`` learning rates x ``idx.shape[0]`` replicas.

    Each replica (dataset ``X[idx[r]]``) is run once per learning rate; the replica axis
    is ``L * R`` (learning-rate major).  Returns full-data losses at every ``eval_every``
    samples processed, shape (checkpoints, L, R), and (optionally) S, T along training."""
    L, R = len(etas), idx.shape[0]
    n = idx.shape[1]
    Xr = X[idx].repeat(L, 1, 1)  # (L R, n, p)
    yr = y[idx].repeat(L, 1)
    lr = etas.repeat_interleave(R).to(device).view(-1, 1, 1)
    model = BatchedModel(kind, L * R, X.shape[1], gen_, device)
    steps = samples // B
    losses, S_tr, T_tr, seen = [], [], [], []
    ar = torch.arange(L * R, device=device).unsqueeze(1)
    for t in range(steps + 1):
        if (t * B) % eval_every == 0:
            with torch.no_grad():
                full, _ = model.loss_and_grads(Xr, yr)
                losses.append(full.view(L, R).cpu())
                seen.append(t * B)
                if track_bs:
                    S, T = model.per_sample_stats(Xr, yr)
                    S_tr.append(S.view(L, R).cpu())
                    T_tr.append(T.view(L, R).cpu())
        if t == steps:
            break
        bi = torch.randint(0, n, (L * R, B), generator=gen_, device=device)
        with torch.no_grad():
            _, grads = model.loss_and_grads(Xr[ar, bi], yr[ar, bi])
            for prm, gg in zip(model.params, grads):
                prm -= lr * gg
    out = {"loss": torch.stack(losses), "seen": seen, "model": model, "Xr": Xr, "yr": yr}
    if track_bs:
        out["S"], out["T"] = torch.stack(S_tr), torch.stack(T_tr)
    return out


def replication_experiment(cfg: HarnessConfig, progress) -> tuple[list[Comparison], dict[str, Any], dict]:
    dev = cfg.device
    X, y = load_digits_tensors(dev)
    n = X.shape[0]
    quick = cfg.quick
    R = replication_replicas(cfg)
    rs = (1, 4, 16) if quick else (1, 2, 4, 8, 16, 32)
    models = ("logreg", "mlp")
    b_small, b_large = 16, 512
    epochs = 4 if quick else 20
    eval_every = 2 * b_large if quick else b_large
    samples = epochs * n
    samples -= samples % (2 * b_large)
    etas = torch.tensor([0.3, 1.0, 3.0, 10.0] if quick else [0.1, 0.3, 1.0, 3.0, 10.0, 30.0], dtype=DT)
    comps: list[Comparison] = []
    data: dict[str, Any] = {"rs": list(rs), "b_small": b_small, "b_large": b_large, "epochs": epochs,
                            "replicas": R, "etas": etas.tolist(), "models": {}}
    frac = 0.1
    keep = {}
    for kind in models:
        md: dict[str, Any] = {}
        for r in rs:
            gsub = torch_generator(dev, cfg.seed + 1000 * r + (0 if kind == "logreg" else 7))
            idx = replicate_indices(n, r, R, gsub, dev)
            res = {}
            for B in (b_small, b_large):
                res[B] = train(kind, X, y, idx, B, etas, samples, eval_every, torch_generator(dev, cfg.seed + 31 * r + B),
                               dev, track_bs=(B == b_small))
            best = {}
            for B in (b_small, b_large):
                fin = res[B]["loss"][-1].mean(1)  # (L,)
                fin = torch.where(torch.isfinite(fin), fin, torch.full_like(fin, float("inf")))
                best[B] = int(torch.argmin(fin))
            Ls = res[b_small]["loss"][1:, best[b_small], :]  # (checkpoints, R), skip t = 0
            Ll = res[b_large]["loss"][1:, best[b_large], :]
            ratio = (Ll / Ls).mean(0).numpy()  # per-replica average ratio over checkpoints
            logratio = torch.log(Ll / Ls).mean(0).numpy()
            S = res[b_small]["S"][:, best[b_small], :]
            T = res[b_small]["T"][:, best[b_small], :]
            bs_curve = gen.batch_size_bound_from_sums(n, S.numpy(), (T - S).numpy())  # (checkpoints, R)
            md[str(r)] = {
                "eta_small": float(etas[best[b_small]]), "eta_large": float(etas[best[b_large]]),
                "ratio_per_replica": ratio.tolist(), "ratio_mean": float(ratio.mean()),
                "ratio_sem": float(ratio.std(ddof=1) / math.sqrt(R)),
                "log_ratio_mean": float(logratio.mean()),
                "log_ratio_sem": float(logratio.std(ddof=1) / math.sqrt(R)),
                "seen": res[b_small]["seen"],
                "bs_mean": bs_curve.mean(1).tolist(), "bs_sem": (bs_curve.std(1, ddof=1) / math.sqrt(R)).tolist(),
                "log_bs_mean": np.log(bs_curve).mean(1).tolist(),
                "log_bs_sem": (np.log(bs_curve).std(1, ddof=1) / math.sqrt(R)).tolist(),
                "loss_small_mean": Ls.mean(1).tolist(), "loss_large_mean": Ll.mean(1).tolist(),
            }
            if kind == "logreg" and r == 1:
                Sn, Tn_ = S.numpy(), T.numpy()
                Cn = Tn_ - Sn
                P = X.shape[1] * 10
                data["dim_curves"] = {
                    "seen": res[b_small]["seen"], "p_drop": 0.5, "sgld_variance": SGLD_V,
                    "none": gen.batch_size_bound_from_sums(n, Sn, Cn).mean(1).tolist(),
                    "drop": gen.dropout_batch_size_bound(n, Sn, Cn, 0.5).mean(1).tolist(),
                    "sgld": gen.sgld_batch_size_bound(n, Sn, Cn, P, SGLD_V).mean(1).tolist(),
                }
                keep = {"model": res[b_small]["model"], "Xr": res[b_small]["Xr"], "yr": res[b_small]["yr"],
                        "best": best[b_small], "R": R}
            frac += 0.6 / (len(models) * len(rs))
            progress(f"replication {kind} r={r}: ratio {ratio.mean():.3f}", frac)
        # trend: ratio at the largest r minus ratio at r = 1 (independent replica sets)
        a, b = md[str(rs[0])], md[str(rs[-1])]
        diff = b["ratio_mean"] - a["ratio_mean"]
        sem = math.hypot(a["ratio_sem"], b["ratio_sem"])
        # one-sided: the paper's trend (ratio grows with r) is contradicted only if diff < 0
        # a Welch t statistic of two samples of R replicas, reported as the normal deviate of the same
        # one-sided p-value (so the runner's z-test equals a t-test; exact for Gaussian replicas)
        from scipy import stats as _st

        t_stat = -diff / sem if sem > 0 else 0.0
        va, vb = a["ratio_sem"] ** 2, b["ratio_sem"] ** 2
        nu = (va + vb) ** 2 / ((va**2 + vb**2) / (R - 1)) if (va + vb) > 0 else float(R - 1)
        z_eq = float(_st.norm.isf(_st.t.sf(t_stat, nu)))
        comps.append(Comparison(f"replication_{kind}_ratio_trend", z_eq, 1.0, 0.0, "upper",
                                {"claim": "diversity.replication",
                                 "note": "estimate = the normal deviate of the Welch t-test's one-sided p of "
                                         "-(ratio(r_max) - ratio(1)) (sem 1); rejected iff the ratio "
                                         "significantly DEcreases with r", "z_increase": diff / sem if sem else 0.0,
                                 "t": t_stat, "welch_dof": nu, "difference": -diff, "difference_sem": sem,
                                 "r_max": rs[-1]}))
        md["trend"] = {"diff": diff, "sem": sem, "z": diff / sem if sem else 0.0,
                       "resolved": abs(diff) > 2 * sem}
        data["models"][kind] = md
    return comps, data, keep


# ---------------------------------------------------------------- (c) mechanisms
def mechanisms_experiment(cfg: HarnessConfig, keep: dict, progress) -> tuple[list[Comparison], dict]:
    dev = cfg.device
    model, Xr, yr = keep["model"], keep["Xr"], keep["yr"]
    R = keep["R"]
    j = keep["best"] * R  # first replica of the tuned learning rate
    W = model.params[0][j:j + 1]
    X1, y1 = Xr[j:j + 1], yr[j:j + 1]
    sub = BatchedModel("logreg", 1, X1.shape[2], None, dev)
    sub.params = [W.clone()]
    g = sub.per_sample_grads(X1, y1)[0]  # (n, P) at the trained iterate
    n, P = g.shape
    S = float((g * g).sum())
    T = float((g.sum(0) ** 2).sum())
    C = T - S
    l2 = torch.linalg.norm(g, dim=1)
    Sq = float((l2 * g.abs().sum(1)).sum())
    p_drop = 0.5
    v = SGLD_V
    exact = {
        "none": float(gen.batch_size_bound_from_sums(n, S, C)),
        "drop": float(gen.dropout_batch_size_bound(n, S, C, p_drop)),
        "sgld": float(gen.sgld_batch_size_bound(n, S, C, P, v)),
        "quant": float(gen.quant_batch_size_bound(n, Sq, C)),
    }
    num_exact = {"drop": float(gen.dropout_numerator(S, p_drop)), "sgld": float(gen.sgld_numerator(n, S, P, v)),
                 "quant": Sq}
    den_exact = {"drop": float(gen.dropout_denominator(S, C, p_drop)),
                 "sgld": float(gen.sgld_denominator(n, S, C, P, v)), "quant": float(gen.quant_denominator(Sq, C))}
    reps = mechanism_replicas(cfg)
    rng = torch_generator(dev, cfg.seed + 77)
    comps = []
    mc = {}
    for mech in ("drop", "sgld", "quant"):
        st = StreamStats((2,))
        chunk = 8
        done = 0
        while done < reps:
            k = min(chunk, reps - done)
            gg = g.unsqueeze(0).expand(k, n, P)
            if mech == "drop":
                gd = gg * (torch.rand(k, n, P, generator=rng, device=dev, dtype=DT) >= p_drop)
            elif mech == "sgld":
                gd = gg + math.sqrt(v) * torch.randn(k, n, P, generator=rng, device=dev, dtype=DT)
            else:
                prob = gg.abs() / l2.view(1, n, 1).clamp_min(1e-300)
                eta = torch.rand(k, n, P, generator=rng, device=dev, dtype=DT) < prob
                gd = l2.view(1, n, 1) * torch.sign(gg) * eta
            num = (gd * gd).sum((1, 2))
            den = (gd.sum(1) ** 2).sum(1)
            st.update(torch.stack([num, den], 1).cpu().numpy())
            done += k
        m, se = st.mean, st.sem
        meta = {"claim": f"diversity.theorem9_{mech}", "mechanism": mech, "replicas": reps, "n": n, "P": P}
        comps.append(Comparison(f"dim_{mech}_numerator", float(m[0]), float(se[0]), num_exact[mech], "equal", meta))
        comps.append(Comparison(f"dim_{mech}_denominator", float(m[1]), float(se[1]), den_exact[mech], "equal", meta))
        mc[mech] = {"B_mc": float(gen.batch_size_bound_from_sums(n, float(m[0]), float(m[1] - m[0]))),
                    "B_exact": exact[mech]}
        progress(f"mechanism {mech}", 0.9)
    return comps, {"exact_at_trained_w": exact, "mc": mc, "p_drop": p_drop, "sgld_variance": v,
                   "theorem9_holds": all(exact[m] >= exact["none"] for m in ("drop", "sgld", "quant"))
                   if exact["none"] <= n else None}


def mechanism_replicas(cfg: HarnessConfig) -> int:
    """Replicas of the mechanisms experiment: ``16 * --replicas``, default 64 quick (the least
    power of two above the 50 a sample standard error needs for a Gaussian statistic), 512 full."""
    return 16 * cfg.replicas if cfg.replicas else (64 if cfg.quick else 512)


def estimator_pairs(cfg: HarnessConfig) -> int:
    return 16 * (cfg.replicas or (8 if cfg.quick else 64))


def replication_replicas(cfg: HarnessConfig) -> int:
    return min(default_replicas(cfg), 64)


def estimator_experiment(cfg: HarnessConfig, progress) -> tuple[list[Comparison], dict]:
    """(d) The public two-batch estimator against exact per-sample moments on the digits MLP
    (torch.nn, float64) at its random initial point: z-tests of the unbiased ``M2_hat`` and
    ``G_hat`` and the ratio estimate's z-score (delta-method s.e., reported, not tested: the
    ratio of means is only consistent)."""
    from verify.topics.diversity.estimator import batch_size_bound

    torch.manual_seed(cfg.seed + 99)
    X, y = load_digits_tensors("cpu")
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 32), torch.nn.Tanh(), torch.nn.Linear(32, 10)).double()
    loss_fn = torch.nn.functional.cross_entropy
    exact = batch_size_bound(net, loss_fn, X, y, method="exact")
    pairs = estimator_pairs(cfg)
    out, rows = [], {}
    for b in (1, 32):
        est = batch_size_bound(net, loss_fn, X, y, method="two_batch", batch_size=b, pairs=pairs, seed=cfg.seed + b)
        # M2_hat and G_hat are unbiased by Lemma 1's second moment (diagonal and cross terms)
        meta = {"claim": "diversity.lemma1", "batch_size": b, "pairs": pairs,
                "backward_passes": est.backward_passes}
        out.append(Comparison(f"estimator_two_batch_b{b}_M2", est.M2, est.sem_M2, exact.M2, "equal", meta))
        out.append(Comparison(f"estimator_two_batch_b{b}_G", est.G, est.sem_G, exact.G, "equal", meta))
        finite = math.isfinite(est.B_S) and est.sem_B_S > 0
        rows[str(b)] = {"B_S": est.B_S if math.isfinite(est.B_S) else None,
                        "sem": est.sem_B_S if math.isfinite(est.sem_B_S) else None,
                        "z_ratio": (est.B_S - exact.B_S) / est.sem_B_S if finite else None,
                        "G_hat_mean_positive": est.G > 0}
    progress("estimator", 0.97)
    return out, {"exact_B_S": exact.B_S, "two_batch": rows, "pairs": pairs}


def _plan(cfg: HarnessConfig, progress) -> list[dict[str, Any]]:
    """Every comparison of the run with its status, fixed before the main run.

    * Lemma 1: a pilot of fixed size (:data:`~verify.harness.stats.PILOT_REPLICAS`, an
      independent seed stream) gives each statistic's skewness and kurtosis;
    * the mechanisms' numerator / denominator and the two-batch estimator's M2 / G: each
      replica's statistic is a sum over n x P (resp. b) per-sample terms -- not measured, taken
      as Gaussian (g1 = 0, kappa = 3): tested iff their replica count is at least the 50 a
      sample standard error needs;
    * the replication trend: a Welch t-test (exact for Gaussian replicas at any R >= 2),
      reported as the normal deviate of its p-value with standard error 1 (exact SE)."""
    from verify.harness.stats import PILOT_REPLICAS, PILOT_SEED_OFFSET, plan_entry

    mom: dict = {}
    lemma1_experiment(cfg, PILOT_REPLICAS, lambda m, f: progress("pilot: " + m, 0.0),
                      sample_seed=cfg.seed + 2 + PILOT_SEED_OFFSET, moments=mom)
    reps_a = lemma1_replicas(cfg)
    plan = [plan_entry(n, "diversity.lemma1", reps_a, g1, ka,
                       moments=f"pilot of {PILOT_REPLICAS} replicas (seed stream offset {PILOT_SEED_OFFSET})")
            for n, (g1, ka) in mom.items()]
    R = replication_replicas(cfg)
    plan += [{**plan_entry(f"replication_{k}_ratio_trend", "diversity.replication", R, 0.0, 3.0, se="exact",
                           moments="Welch t-test converted to its normal deviate (exact for Gaussian replicas)"),
              "needed_replicas": 2, "status": "tested" if R >= 2 else "not tested"}
             for k in ("logreg", "mlp")]
    reps = mechanism_replicas(cfg)
    for mech in ("drop", "sgld", "quant"):
        for part in ("numerator", "denominator"):
            plan.append(plan_entry(f"dim_{mech}_{part}", f"diversity.theorem9_{mech}", reps, 0.0, 3.0,
                                   moments="assumed Gaussian (a sum over n x P per-sample terms; not measured)"))
    pairs = estimator_pairs(cfg)
    for b in (1, 32):
        for q in ("M2", "G"):
            plan.append(plan_entry(f"estimator_two_batch_b{b}_{q}", "diversity.lemma1", pairs, 0.0, 3.0,
                                   moments="assumed Gaussian (an average over per-sample terms; not measured)"))
    return plan


def lemma1_replicas(cfg: HarnessConfig) -> int:
    return cfg.replicas * (1 << 15) if cfg.replicas else (1 << 17 if cfg.quick else 1 << 20)


def run(cfg: HarnessConfig, progress: Callable[[str, float], None]) -> dict[str, Any]:
    import time

    from verify.harness.stats import require_testable

    torch.set_default_dtype(torch.float64)
    t0 = time.perf_counter()
    plan = _plan(cfg, progress)
    require_testable(plan, cfg.replicas or 0, "diversity")
    status = {p["name"]: p for p in plan}
    reps_a = lemma1_replicas(cfg)
    comps = lemma1_experiment(cfg, reps_a, progress)
    t1 = time.perf_counter()
    c2, rep, keep = replication_experiment(cfg, progress)
    comps += c2
    t2 = time.perf_counter()
    c3, mech = mechanisms_experiment(cfg, keep, progress)
    comps += c3
    c4, est = estimator_experiment(cfg, progress)
    comps += c4
    t3 = time.perf_counter()
    progress("done", 1.0)
    tested = [c.to_json() for c in comps if status[c.name]["status"] == "tested"]
    unresolved = [{**c.to_json(), "reason": status[c.name]["reason"]} for c in comps
                  if status[c.name]["status"] != "tested"]
    return {"comparisons": tested, "unresolved": unresolved, "plan": plan, "replication": rep,
            "mechanisms": mech, "estimator": est, "lemma1_replicas": reps_a,
            "seconds": {"lemma1": t1 - t0, "replication": t2 - t1, "mechanisms": t3 - t2}}


def default_replicas(cfg) -> int:
    """What ``--replicas`` stands for when not given: 4 quick, 16 full (the unit the experiments
    scale: mechanisms 16x, estimator pairs 16x, replication as is, at most 64)."""
    return int(cfg.replicas or (4 if cfg.quick else 16))
