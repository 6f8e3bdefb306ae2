"""Would a skewness-corrected statistic calibrate the Monte-Carlo?  (An offline study of the topics
whose plan comes from :class:`verify.harness.stats.Planner`: meansquare, interpolation, volterra,
stationary; the harness's decision is unchanged.)

The harness tests each planned value with z = (mean - exact) / s.e. and Holm's step-down over the
topic's comparisons (about 20), so a rejection needs |z| above about 3.5.  The plan admits a value
when Cochran's rule R >= 25 g1^2 holds (g1: one replica's skewness): the mean's skewness is then at
most 0.2, which keeps a 95 % interval honest, but the first Edgeworth term of the studentized mean
grows like (2 z^2 + 1) phi(z) at the critical value -- at z = 3.5 a mean skewness of 0.2 can make a
one-sided tail several times its nominal size.  Hall's (1992) transformation removes that term:
with theta = (mean - exact) / sd and g1 the sample skewness,

    T = sqrt(R) * (theta + g1 theta^2 / 3 + g1^2 theta^3 / 27 + g1 / (6 R)),

monotone in theta and N(0, 1) up to O(1/R).

Usage (per seed one JSON line with every tested comparison's mean, s.e., exact value, main-run
skewness and replicas; resumable by appending):

    python benchmarks/skewness_study.py --topic meansquare --first-seed 201 --seeds 200 --log results/skew.jsonl
    python benchmarks/skewness_study.py --analyze results/skew.jsonl

``--analyze`` counts, for the plain z and for Hall's T, the seeds where Holm (family-wise
alpha = 0.01) rejects something (false alarms) and the seeds where it rejects something against
every exact value x 1.1 (power).  Only two-sided ("equal") comparisons are recorded, and Holm runs
over those alone: a topic's one-sided comparisons are left out of both columns alike.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def collect(topic: str, first: int, count: int, log: Path) -> None:
    import numpy as np
    import torch

    from verify.core import topics as T
    from verify.harness import HarnessConfig
    from verify.harness import stats as S

    MC = T.part(topic, "montecarlo")

    torch.set_num_threads(1)
    done = {json.loads(line)["seed"] for line in log.open()} if log.exists() else set()
    rows: list[dict] = []
    orig = S.Planner.compare

    def compare(self, name, stats, j, predicted, kind, meta):
        if not self.pilot and self.plan[name]["status"] == "tested" and kind == "equal":
            rows.append({"name": name, "est": float(np.asarray(stats.mean)[j]), "sem": float(np.asarray(stats.sem)[j]),
                         "pred": float(predicted), "g1": float(np.asarray(stats.skewness)[j]), "n": int(stats.n)})
        return orig(self, name, stats, j, predicted, kind, meta)

    S.Planner.compare = compare
    try:
        with log.open("a") as out:
            for seed in range(first, first + count):
                if seed in done:
                    continue
                rows.clear()
                MC.run(HarnessConfig(device="cpu", quick=True, seed=seed, alpha=0.01), lambda *a: None)
                out.write(json.dumps({"seed": seed, "rows": rows}) + "\n")
                out.flush()
    finally:
        S.Planner.compare = orig


def statistic(r: dict, hall: bool, plant: float = 1.0) -> float:
    pred = plant * r["pred"]
    if not hall:
        return (r["est"] - pred) / r["sem"]
    n, g = r["n"], r["g1"]
    th = (r["est"] - pred) / (r["sem"] * math.sqrt(n))
    return math.sqrt(n) * (th + g * th * th / 3 + g * g * th**3 / 27 + g / (6 * n))


def analyze(log: Path, alpha: float = 0.01) -> None:
    import gzip

    from scipy.stats import beta

    with (gzip.open(log, "rt") if log.suffix == ".gz" else log.open()) as f:
        seeds = [json.loads(line) for line in f]

    from verify.harness.stats import Comparison, holm

    def rejects(rows, hall, plant=1.0):  # the harness's Holm on z (or T) = (estimate - 0) / 1
        return any(holm([Comparison(r["name"], statistic(r, hall, plant), 1.0, 0.0) for r in rows], alpha))

    for hall in (False, True):
        alarms = [s for s in seeds if rejects(s["rows"], hall)]
        power = sum(rejects(s["rows"], hall, 1.1) for s in seeds)
        n, k = len(seeds), len(alarms)
        hi = beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
        print(f"{'Hall T ' if hall else 'plain z'}: false alarms {k}/{n} = {100 * k / n:.1f}% "
              f"(95% upper {100 * hi:.1f}%), power vs x1.1 {power}/{n}")
        for s in alarms:
            worst = max(s["rows"], key=lambda r: abs(statistic(r, hall)))
            print(f"    seed {s['seed']}: {worst['name']} ({statistic(worst, hall):+.2f}, g1 = {worst['g1']:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topic", default="meansquare")
    ap.add_argument("--first-seed", type=int, default=201)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--log", type=Path, default=Path("results/skew.jsonl"))
    ap.add_argument("--analyze", type=Path, help="analyze this log (runs nothing)")
    a = ap.parse_args()
    if a.analyze:
        analyze(a.analyze)
    else:
        a.log.parent.mkdir(parents=True, exist_ok=True)
        collect(a.topic, a.first_seed, a.seeds, a.log)


if __name__ == "__main__":
    main()
