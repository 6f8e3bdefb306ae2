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

Runs are on the CPU, quick size, one torch thread.  ``--log FILE.jsonl`` appends one line per
seed as soon as it is decided and skips the (topic, seed) pairs already in the file, so a long
calibration survives interruption and several processes can share the work (``--first-seed``
for disjoint seed ranges, or different ``--topics``, each with its own log); ``--summarize``
pools any number of such logs without running anything (a ``.gz`` log is read and appended
gzipped: ``benchmarks/calibration/`` holds the logs behind the README's figures, so a later run
resumes them).  The full calibration (200 seeds of
every topic):

    python benchmarks/false_alarm.py --topics interpolation,variance,diversity,volterra,stationary,meansquare \\
        --seeds 200 --log results/false_alarm.jsonl --json results/false_alarm.json
    python benchmarks/false_alarm.py --summarize results/false_alarm*.jsonl --json results/false_alarm.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = ("interpolation", "variance", "diversity", "volterra", "stationary", "meansquare")


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


def _read_logs(paths) -> dict[str, dict[int, dict]]:
    """(topic -> seed -> run) from JSONL logs; a torn last line (a kill mid-write) is skipped."""
    import json

    runs: dict[str, dict[int, dict]] = {}
    for p in paths:
        path = Path(p)
        if not path.exists():
            continue
        if path.suffix == ".gz":  # committed calibration logs are gzipped
            import gzip

            text = gzip.open(path, "rt", encoding="utf-8").read()
        else:
            text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            runs.setdefault(r["topic"], {})[int(r["seed"])] = r
    return runs


def report(topic: str, runs: list[dict], alpha: float, specific: bool) -> dict:
    res = {p: summarize(runs, p, alpha) for p in ("none", "scale1.1", *(
        ("step", "noise") if specific and topic == "interpolation" and all("step" in r for r in runs) else ()))}
    res["seconds_per_seed"] = sum(r["seconds"] for r in runs) / len(runs)
    res["seed_range"] = [min(r["seed"] for r in runs), max(r["seed"] for r in runs)]
    n = res["none"]
    print(f"{topic}: false alarms {n['seeds_not_passed']}/{n['seeds']} = {n['rate']:.1%} "
          f"(95% CI {n['ci95'][0]:.1%} .. {n['ci95'][1]:.1%}; upper <= 3 alpha: {n['ci_upper_le_3alpha']}); "
          f"power vs 10 % plant {res['scale1.1']['seeds_not_passed']}/{n['seeds']} (95% CI "
          f"{res['scale1.1']['ci95'][0]:.1%} .. {res['scale1.1']['ci95'][1]:.1%}); tested share "
          f"{n['tested_share'][0]:.1%} .. {n['tested_share'][1]:.1%}; {res['seconds_per_seed']:.1f} s per seed",
          flush=True)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/false_alarm.py", description=__doc__.splitlines()[0])
    ap.add_argument("--topics", default=",".join(TOPICS))
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--specific", action="store_true", help="paper 000's step / noise plants as well")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--log", default=None, help="JSONL file: one line per decided seed; seeds in it are skipped")
    ap.add_argument("--summarize", nargs="+", default=None, metavar="LOG",
                    help="pool these JSONL logs and report (runs nothing)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    topics = [t for t in a.topics.split(",") if t]
    if a.seeds < 1 or not 0 < a.alpha < 1 or any(t not in TOPICS for t in topics):
        print(f"false_alarm: error: need --seeds >= 1, 0 < --alpha < 1, topics among {', '.join(TOPICS)}",
              file=sys.stderr)
        return 2
    out: dict = {"config": vars(a), "results": {}}

    def save() -> None:
        if a.json:
            from verify.core.results import provenance, write_json

            write_json(a.json, {**out, "provenance": provenance()})

    if a.summarize:
        missing = [p for p in a.summarize if not Path(p).is_file()]
        if missing:
            print(f"false_alarm: error: no such log {missing[0]!r}", file=sys.stderr)
            return 2
        for topic, by_seed in sorted(_read_logs(a.summarize).items()):
            out["results"][topic] = report(topic, [by_seed[k] for k in sorted(by_seed)], a.alpha, a.specific)
        save()
        return 0
    import json

    import torch

    torch.set_num_threads(a.threads)
    done = _read_logs([a.log]) if a.log else {}
    for topic in topics:
        runs = []
        for i in range(a.seeds):
            seed = a.first_seed + i
            if seed in done.get(topic, {}):
                runs.append(done[topic][seed])
                continue
            r = {"topic": topic, **one_seed(topic, seed, a.alpha, a.specific)}
            runs.append(r)
            if a.log:
                import gzip

                with (gzip.open(a.log, "at", encoding="utf-8") if a.log.endswith(".gz")
                      else open(a.log, "a", encoding="utf-8")) as f:
                    f.write(json.dumps(r) + "\n")
            print(f"  [{topic}] seed {r['seed']}: {'passed' if r['none']['passed'] else 'NOT passed'} "
                  f"({r['none']['tested']}/{r['none']['planned']} tested); planted 1.1: "
                  f"{'missed' if r['scale1.1']['passed'] else 'detected'}; {r['seconds']:.0f} s", flush=True)
        out["results"][topic] = report(topic, runs, a.alpha, a.specific)
        save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
