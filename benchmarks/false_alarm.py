"""Family-wise false-alarm rate and power of the harness's Monte-Carlo decision (paper 000).

For each of ``--seeds`` seeds this runs every Monte-Carlo comparison of the quick
harness for paper 000 (:mod:`verify.topics.interpolation.montecarlo`: second moments
against the exact recursion and Theorem 1/2 bounds, the tight instance of Theorem 3,
iterations-vs-m on a synthetic spectrum and on the digits kernel), decides with Holm's
step-down at family-wise level ``--alpha`` exactly as ``batchproof harness`` does, and
counts the seeds on which anything was rejected.

* **false alarms** (nothing planted): every prediction is exact, so a rejection is a
  false alarm; the family-wise rate must be at most ``alpha``.  Reported with a
  Clopper-Pearson 95 % interval and the one-sided binomial p-value of ``rate <= alpha``.
* **power**: the same runs with a planted 10 % error — ``step``: the simulation's step
  size is ``1.1 η`` while every prediction uses ``η``; ``noise``: the exact recursion's
  with-replacement noise constant ``1/m`` becomes ``1.1/m`` (a mutant of
  :func:`verify.topics.interpolation.engine.second_moment_curve`).  Power = fraction of seeds
  that reject.

Default size = the quick run's own (``interpolation.run`` with R = 2000 replicas; n = 64
synthetic, n = 128 digits): about 40 s per seed with one thread on this 2-core CPU.
Comparisons that the experiment reports as *unresolved* (heavy tails) are not tested,
exactly as in ``batchproof harness``; their mean count per seed is reported.
``--first-seed`` lets several processes cover disjoint seed ranges.

    python benchmarks/false_alarm.py --seeds 200 --plant none,step,noise --json results/false_alarm.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    from scipy.stats import beta

    a = 1 - level
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def binom_upper_p(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Bin(n, p): the p-value of H0 'rate <= p' against 'rate > p'."""
    from scipy.stats import binom

    return float(binom.sf(k - 1, n, p))


def mutant_second_moment_curve(X, eta, m, e0, T, stop_loss_below=None):
    """Planted error: the exact recursion with its ``1/m`` noise constant times 1.1."""
    from verify.topics.interpolation.engine import second_moment_curve

    return second_moment_curve(X, eta, m, e0, T, stop_loss_below, noise_factor=1.1)


def one_run(seed: int, R: int, alpha: float, plant: str):
    """The quick harness's comparisons for one seed (``interpolation.run`` itself, with the
    planted error patched in); returns Holm's decision, z-scores and the unresolved count."""
    import verify.topics.interpolation.montecarlo as I
    from verify.harness import HarnessConfig
    from verify.harness.sgd import lsq_sgd_moments
    from verify.harness.stats import Comparison, holm
    from verify.topics.interpolation.engine import second_moment_curve

    I.lsq_sgd_moments = lsq_sgd_moments
    I.second_moment_curve = second_moment_curve
    if plant == "step":
        def planted(X, e0, eta, *a, **k):
            return lsq_sgd_moments(X, e0, 1.1 * eta, *a, **k)
        I.lsq_sgd_moments = planted
    elif plant == "noise":
        I.second_moment_curve = mutant_second_moment_curve
    elif plant != "none":
        raise ValueError(plant)
    try:
        cfg = HarnessConfig(device="cpu", quick=True, seed=seed, alpha=alpha, replicas=R)
        rep = I.run(cfg, lambda *a: None)
    finally:
        I.lsq_sgd_moments = lsq_sgd_moments
        I.second_moment_curve = second_moment_curve
    comps = rep["comparisons"]
    cs = [Comparison(**{k: c[k] for k in ("name", "estimate", "sem", "predicted", "kind")}) for c in comps]
    rej = holm(cs, alpha)
    return {"seed": seed, "n": len(cs), "rejected": [c.name for c, r in zip(cs, rej) if r],
            "unresolved": len(rep["unresolved"]),
            "min_p": min(c.p for c in cs),
            "z_equal": [c.z for c in cs if c.kind == "equal"],
            "p_all": [c.p for c in cs]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/false_alarm.py", description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--replicas", type=int, default=2000)
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--plant", default="none,step,noise", help="comma list of none, step, noise")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    if a.seeds < 1 or a.replicas < 8 or not 0 < a.alpha < 1:
        print("false_alarm: error: need --seeds >= 1, --replicas >= 8, 0 < --alpha < 1", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(a.threads)
    out: dict = {"config": vars(a), "results": {}}
    for plant in a.plant.split(","):
        t0 = time.perf_counter()
        runs = []
        for i in range(a.seeds):
            runs.append(one_run(a.first_seed + i, a.replicas, a.alpha, plant))
            if (i + 1) % 10 == 0:
                k = sum(bool(r["rejected"]) for r in runs)
                print(f"  [{plant}] {i + 1}/{a.seeds} seeds, {k} with a rejection, "
                      f"{time.perf_counter() - t0:.0f} s", flush=True)
        k = sum(bool(r["rejected"]) for r in runs)
        lo, hi = clopper_pearson(k, len(runs))
        z = np.concatenate([r["z_equal"] for r in runs])
        p = np.concatenate([r["p_all"] for r in runs])
        res = {"seeds": len(runs), "seeds_with_rejection": k, "rate": k / len(runs), "ci95": [lo, hi],
               "comparisons_per_seed": sorted({r["n"] for r in runs}),
               "unresolved_per_seed_mean": float(np.mean([r["unresolved"] for r in runs])),
               "seconds": time.perf_counter() - t0,
               "z_equal_mean": float(z.mean()), "z_equal_sd": float(z.std(ddof=1)),
               "marginal_p_below_alpha": float(np.mean(p <= a.alpha)),
               "rejected_examples": [r["rejected"][:3] for r in runs if r["rejected"]][:5]}
        if plant == "none":
            res["p_value_rate_le_alpha"] = binom_upper_p(k, len(runs), a.alpha)
            print(f"false alarms: {k}/{len(runs)} seeds = {k / len(runs):.3%} "
                  f"(95% CI {lo:.3%} .. {hi:.3%}; nominal family-wise alpha {a.alpha:.0%}; "
                  f"P(>= {k} | rate = alpha) = {res['p_value_rate_le_alpha']:.3f}); "
                  f"z of 'equal' comparisons: mean {res['z_equal_mean']:+.3f}, sd {res['z_equal_sd']:.3f}; "
                  f"{res['seconds']:.0f} s", flush=True)
        else:
            print(f"power against planted '{plant}' (10 %): {k}/{len(runs)} seeds = {k / len(runs):.1%} "
                  f"(95% CI {lo:.1%} .. {hi:.1%}); {res['seconds']:.0f} s", flush=True)
        out["results"][plant] = res
        if a.json:
            from verify.core.results import provenance, write_json

            write_json(a.json, {**out, "provenance": provenance()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
