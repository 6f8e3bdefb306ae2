"""Timing of the exact deep-linear engine: t = 0, 1 (and 2 for p = 1) at each dims, and the
largest t reached for the scalar network within a budget (default 60 s).

Run: ``python benchmarks/bench_deep_linear.py [--budget 60] [--max-dim 3]``.
Weights: entries k/4 from a seeded generator; alpha_t = 1/10.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import time
from fractions import Fraction as F

from verify.deep_linear import DeepLinearCase, variance_polynomial


def _M(r, c, rng):
    return [[F(rng.randint(-4, 4), 4) for _ in range(c)] for _ in range(r)]


def _case(p, p1, p2, t, seed=0):
    rng = random.Random(seed)
    return DeepLinearCase(_M(p1, p, rng), _M(p2, p1, rng), _M(p1, p, rng), _M(p2, p1, rng), [F(1, 10)] * t, t, 1)


def _run(args, q):
    t0 = time.perf_counter()
    beta = variance_polynomial(_case(*args))
    q.put((time.perf_counter() - t0, len(beta) - 1))


def timed(args, limit):
    q = mp.Queue()
    pr = mp.Process(target=_run, args=(args, q))
    pr.start()
    pr.join(limit)
    if pr.is_alive():
        pr.terminate()
        pr.join()
        return None
    return q.get()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--max-dim", type=int, default=3)
    a = ap.parse_args()
    print("p p1 p2 t  seconds  degree")
    for p in range(1, a.max_dim + 1):
        for p1 in range(1, a.max_dim + 1):
            for p2 in range(1, a.max_dim + 1):
                for t in (0, 1, 2):
                    if t == 2 and p > 1:
                        continue
                    r = timed((p, p1, p2, t), a.budget)
                    print(p, p1, p2, t, "timeout" if r is None else f"{r[0]:8.3f}  {r[1]}", flush=True)
    t = 0
    while True:
        r = timed((1, 1, 1, t), a.budget)
        if r is None:
            print(f"scalar network: t = {t} did not finish in {a.budget:.0f} s; largest t reached = {t - 1}")
            break
        print(f"scalar network t = {t}: {r[0]:.3f} s, degree {r[1]}", flush=True)
        t += 1


if __name__ == "__main__":
    main()
