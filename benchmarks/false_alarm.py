"""Family-wise false alarms and power of the harness's Monte-Carlo decision, every topic.

For each topic and each of ``--seeds`` seeds this runs the topic's quick harness experiment
(``verify.topics.<topic>.montecarlo.run``, its own plan, pilot and replicas) once and decides it
with :func:`verify.harness.decide` exactly as ``batchproof harness`` does -- twice:

* **false alarm** (nothing planted): every prediction is exact, so a run that does not pass
  (a rejection, or fewer than 90 % of the plan tested) is a false alarm; the family-wise rate
  must be at most ``alpha``.  Clopper-Pearson 95 % interval; the issue's bar is an upper
  bound of at most ``3 alpha``.
* **power** (generic plant): the same replicas decided with every exact prediction multiplied
  by 1.1 (``HarnessConfig.plant_scale``): a 10 % error in the topic's exact prediction; power
  = the share of seeds whose run does not pass.
* ``--specific``: paper 000's own plants as well (separate runs): ``step`` simulates
  ``1.1 eta`` while the predictions use ``eta``; ``noise`` multiplies the exact recursion's
  with-replacement noise constant ``1/m`` by 1.1.

Runs are on the CPU, quick size, one torch thread; ``--first-seed`` lets several processes
cover disjoint seed ranges.  The full calibration (200 seeds of every topic):

    python benchmarks/false_alarm.py --topics interpolation,variance,diversity,volterra,stationary \\
        --seeds 200 --json results/false_alarm.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = ("interpolation", "variance", "diversity", "volterra", "stationary")


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


def _run(topic: str, cfg, specific: str = "none") -> dict:
    """One raw report of ``topic`` (paper 000's specific plants patched in when asked)."""
    from verify.core import topics as T

    mod = T.part(topic, "montecarlo")
    if specific == "none":
        return mod.run(cfg, lambda *a: None)
    import verify.topics.interpolation.montecarlo as I
    from verify.harness.sgd import lsq_sgd_moments
    from verify.topics.interpolation.engine import second_moment_curve

    if specific == "step":
        I.lsq_sgd_moments = lambda X, e0, eta, *a, **k: lsq_sgd_moments(X, e0, 1.1 * eta, *a, **k)
    elif specific == "noise":
        I.second_moment_curve = lambda X, eta, m, e0, T, stop_loss_below=None: second_moment_curve(
            X, eta, m, e0, T, stop_loss_below, noise_factor=1.1)
    else:
        raise ValueError(specific)
    try:
        return I.run(cfg, lambda *a: None)
    finally:
        I.lsq_sgd_moments, I.second_moment_curve = lsq_sgd_moments, second_moment_curve


def one_seed(topic: str, seed: int, alpha: float, specific: bool) -> dict:
    from dataclasses import replace

    from verify.harness import HarnessConfig, decide

    cfg = HarnessConfig(device="cpu", quick=True, seed=seed, alpha=alpha)
    t0 = time.perf_counter()
    raw = _run(topic, cfg)
    wall = time.perf_counter() - t0
    out = {"seed": seed, "seconds": wall}
    for plant, c in (("none", cfg), ("scale1.1", replace(cfg, plant_scale=1.1))):
        d = decide(topic, raw, c)
        out[plant] = {"passed": d["decision"]["passed"], "n_rejected": d["decision"]["n_rejected"],
                      "tested": d["decision"]["n_planned_tested"], "planned": d["decision"]["n_planned"],
                      "problems": d["decision"]["problems"],
                      "rejected": [r["name"] for r in d["comparisons"] if r["rejected"]][:3],
                      "z": [r["z"] for r in d["comparisons"] if r["kind"] == "equal"]}
    if specific and topic == "interpolation":
        for sp in ("step", "noise"):
            d = decide(topic, _run(topic, cfg, sp), cfg)
            out[sp] = {"passed": d["decision"]["passed"], "n_rejected": d["decision"]["n_rejected"]}
    return out


def summarize(runs: list[dict], plant: str, alpha: float) -> dict:
    import numpy as np

    k = sum(not r[plant]["passed"] for r in runs)
    lo, hi = clopper_pearson(k, len(runs))
    res = {"seeds": len(runs), "seeds_not_passed": k, "rate": k / len(runs), "ci95": [lo, hi]}
    if plant == "none":
        z = np.concatenate([r["none"]["z"] for r in runs]) if runs else np.array([])
        res.update(p_value_rate_le_alpha=binom_upper_p(k, len(runs), alpha),
                   ci_upper_le_3alpha=hi <= 3 * alpha,
                   tested_share=[min(r["none"]["tested"] / r["none"]["planned"] for r in runs),
                                 max(r["none"]["tested"] / r["none"]["planned"] for r in runs)],
                   z_equal_mean=float(z.mean()) if z.size else None,
                   z_equal_sd=float(z.std(ddof=1)) if z.size > 1 else None,
                   failures=[(r["seed"], r["none"]["rejected"], r["none"]["problems"]) for r in runs
                             if not r["none"]["passed"]][:5])
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/false_alarm.py", description=__doc__.splitlines()[0])
    ap.add_argument("--topics", default=",".join(TOPICS))
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--specific", action="store_true", help="paper 000's step / noise plants as well")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    topics = [t for t in a.topics.split(",") if t]
    if a.seeds < 1 or not 0 < a.alpha < 1 or any(t not in TOPICS for t in topics):
        print(f"false_alarm: error: need --seeds >= 1, 0 < --alpha < 1, topics among {', '.join(TOPICS)}",
              file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(a.threads)
    out: dict = {"config": vars(a), "results": {}}
    for topic in topics:
        runs = []
        for i in range(a.seeds):
            runs.append(one_seed(topic, a.first_seed + i, a.alpha, a.specific))
            r = runs[-1]
            print(f"  [{topic}] seed {r['seed']}: {'passed' if r['none']['passed'] else 'NOT passed'} "
                  f"({r['none']['tested']}/{r['none']['planned']} tested); planted 1.1: "
                  f"{'missed' if r['scale1.1']['passed'] else 'detected'}; {r['seconds']:.0f} s", flush=True)
        res = {p: summarize(runs, p, a.alpha) for p in ("none", "scale1.1", *(
            ("step", "noise") if a.specific and topic == "interpolation" else ()))}
        res["seconds_per_seed"] = sum(r["seconds"] for r in runs) / len(runs)
        n = res["none"]
        print(f"{topic}: false alarms {n['seeds_not_passed']}/{n['seeds']} = {n['rate']:.1%} "
              f"(95% CI {n['ci95'][0]:.1%} .. {n['ci95'][1]:.1%}); power vs 10 % plant "
              f"{res['scale1.1']['seeds_not_passed']}/{n['seeds']} (95% CI {res['scale1.1']['ci95'][0]:.1%} .. "
              f"{res['scale1.1']['ci95'][1]:.1%}); {res['seconds_per_seed']:.0f} s per seed", flush=True)
        out["results"][topic] = res
        if a.json:
            from verify.core.results import provenance, write_json

            write_json(a.json, {**out, "provenance": provenance()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
