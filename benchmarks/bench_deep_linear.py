"""Timing of the exact deep-linear engine, against the SymPy reference engine in the same run.

Prints, for every dims (p, p1, p2) with entries up to ``--max-dim`` and t = 0, 1, 2, the time of
:func:`verify.topics.variance.deep_linear.variance_polynomial` (python-flint, blockwise expectations) and of
:func:`verify.topics.variance.deep_linear_reference.variance_polynomial_reference` (SymPy rings, full
expansion), their ratio and the degree reached; then the largest t reached for the scalar
network within ``--budget`` seconds by each engine.  Every case runs in its own process
under a time limit (``--budget`` for the fast engine, ``--ref-budget`` for the reference).
The reference engine is run at t = 2 only for p = 1 and for (2, 1, 1).
At t = 2 with p = 3 only one network is attempted: the first p = 3 case that does not finish
stands for the others (their cost depends on p, not on p1, p2, which only size the matrices).

Run: ``python benchmarks/bench_deep_linear.py [--budget 60] [--ref-budget 20] [--max-dim 3]``.
Weights: entries k/4, k in -4..4 but not 0, from a seeded generator; alpha_t = 1/10; layer 1.

``--frontier`` runs only the frontier cases (the scalar network W1 = 1/2, W2 = 1/3, teacher 1,
alpha = 1/10 at t = 4 and t = 5; dims (3, 1, 1) and (3, 3, 3) at t = 2), each in its own process
under ``--frontier-budget`` seconds, and prints time, peak memory (``resource.getrusage`` of that
process), wall and CPU seconds, degree, the split k, whether the last forward block was integrated as a
bilinear form ("bil"), the cost estimate (``estimated_terms``) and the largest polynomial formed (terms), the CPU seconds of the exact real-root isolation, and b0 (the printed Theorem 5 root as a
certified 20-digit enclosure, and the root of the derivative's numerator, as ``batchproof deep-linear``).
Run it alone (it is memory-hungry), under a hard cap, e.g.
``prlimit --as=17179869184 -- python benchmarks/bench_deep_linear.py --frontier``.  ``--only LABEL`` runs one of
them (labels: ``scalar t=4``, ``scalar t=5``, ``(3,1,1) t=2``, ``(3,3,3) t=2``).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import random
import time
from fractions import Fraction as F

from verify.topics.variance.deep_linear import DeepLinearCase, variance_polynomial
from verify.topics.variance.deep_linear_reference import variance_polynomial_reference


def _M(r, c, rng):
    return [[F(rng.choice([-4, -3, -2, -1, 1, 2, 3, 4]), 4) for _ in range(c)] for _ in range(r)]


def _case(p, p1, p2, t, seed=0):
    rng = random.Random(seed)
    return DeepLinearCase(_M(p1, p, rng), _M(p2, p1, rng), _M(p1, p, rng), _M(p2, p1, rng), [F(1, 10)] * t, t, 1)


def _run(engine, args, q):
    fn = variance_polynomial if engine == "fast" else variance_polynomial_reference
    t0 = time.perf_counter()
    beta = fn(_case(*args))
    q.put((time.perf_counter() - t0, len(beta) - 1, beta))


def timed(engine, args, limit):
    """(seconds, degree, coefficients); None when the time limit is reached; or the string
    "failed (exit code N)" when the worker died without a result (e.g. FLINT out of memory)."""
    q = mp.Queue()
    pr = mp.Process(target=_run, args=(engine, args, q))
    pr.start()
    t_end = time.monotonic() + limit
    res = None
    while res is None and time.monotonic() < t_end:
        try:  # read before joining: a child with a large result blocks until its pipe is drained
            res = q.get(timeout=0.5)
        except queue.Empty:
            if not pr.is_alive() and q.empty():
                pr.join()
                return f"failed (exit code {pr.exitcode})"
    if pr.is_alive():
        pr.terminate()
    pr.join()
    return res


def _frontier_cases():
    eye = [[F(1) if i == j else F(0) for j in range(3)] for i in range(3)]
    rng = random.Random(0)
    out = []
    for t in (4, 5):
        out.append((f"scalar t={t}", DeepLinearCase([[F(1, 2)]], [[F(1, 3)]], [[F(1)]], [[F(1)]], [F(1, 10)] * t, t, 1)))
    out.append(("(3,1,1) t=2", DeepLinearCase(_M(1, 3, rng), _M(1, 1, rng), _M(1, 3, rng), _M(1, 1, rng), [F(1, 10)] * 2, 2, 1)))
    out.append(("(3,3,3) t=2", DeepLinearCase(_M(3, 3, rng), _M(3, 3, rng), eye, eye, [F(1, 10)] * 2, 2, 1)))
    return out


def _run_frontier(i, q):
    import resource

    from derivations.variance import printed as P
    from verify.topics.variance.deep_linear import LAST_RUN, b0_derivative, largest_real_root

    _label, case = _frontier_cases()[i]
    t0, c0 = time.perf_counter(), time.process_time()
    beta = variance_polynomial(case)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20  # KiB -> GiB
    c0 = time.process_time()
    b0 = largest_real_root(P.theorem5_b0_polynomial(beta))
    enc = None if b0 is None else b0.enclosure(20)
    b0d = b0_derivative(beta)
    droot = time.process_time() - c0
    q.put((dt, dc, len(beta) - 1, peak, dict(LAST_RUN), enc, b0d, droot))


def frontier(limit, only=None):
    from verify.topics.variance.deep_linear import estimated_terms

    print(f"{'case':<14} {'wall s':>8} {'CPU s':>8} {'peak GiB':>8} {'degree':>6} {'k':>2} {'bil':>3} {'bound':>9} {'terms':>9} "
          f"{'roots CPU s':>11} {'b0 (Thm 5), 20 digits, enclosure':>48} {'b0 (deriv)':>12}")
    for i, (label, case) in enumerate(_frontier_cases()):
        if only is not None and label != only:
            continue
        q = mp.Queue()
        pr = mp.Process(target=_run_frontier, args=(i, q))
        pr.start()
        t_end = time.monotonic() + limit
        res = None
        while res is None and time.monotonic() < t_end:
            try:
                res = q.get(timeout=0.5)
            except queue.Empty:
                if not pr.is_alive() and q.empty():
                    break
        if pr.is_alive():
            pr.terminate()
        pr.join()
        if res is None:
            why = f"> {limit:.0f} s" if pr.exitcode in (None, -15) else f"failed (exit code {pr.exitcode})"
            print(f"{label:<14} {why:>8}   (size bound {estimated_terms(case):.1e})", flush=True)
            continue
        dt, dc, deg, peak, run, enc, b0d, droot = res
        f = (lambda x: "none" if x is None else f"{x:.6g}")
        b0 = "none" if enc is None else f"[{enc[0]}, {enc[1]}]"
        print(f"{label:<14} {dt:8.1f} {dc:8.1f} {peak:8.2f} {deg:>6} {run['split']:>2} {'yes' if run.get('bilinear') else 'no':>3} {run['bound']:9.2e} "
              f"{run['max_terms']:9d} {droot:11.2f} {b0:>48} {f(b0d):>12}", flush=True)


def _ok(r):
    return isinstance(r, tuple)


def _fmt(r, limit):
    return f"> {limit:.0f}" if r is None else (r if isinstance(r, str) else f"{r[0]:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per case, fast engine")
    ap.add_argument("--ref-budget", type=float, default=20.0, help="seconds per case, reference engine")
    ap.add_argument("--max-dim", type=int, default=3)
    ap.add_argument("--frontier", action="store_true", help="only the frontier cases (see the module docstring)")
    ap.add_argument("--frontier-budget", type=float, default=600.0, help="seconds per frontier case")
    ap.add_argument("--only", default=None, help="with --frontier: only the case with this label, e.g. '(3,3,3) t=2'")
    a = ap.parse_args()
    if a.only is not None and a.only not in [lab for lab, _ in _frontier_cases()]:
        ap.error(f"--only: no frontier case {a.only!r}; labels: {', '.join(lab for lab, _ in _frontier_cases())}")
    if a.frontier:
        frontier(a.frontier_budget, a.only)
        return
    print(f"{'p':>2} {'p1':>2} {'p2':>2} {'t':>2} {'flint s':>9} {'sympy s':>9} {'ratio':>7} {'degree':>6}")
    skip_p3_t2 = False
    for p in range(1, a.max_dim + 1):
        for p1 in range(1, a.max_dim + 1):
            for p2 in range(1, a.max_dim + 1):
                for t in (0, 1, 2):
                    if t == 2 and p >= 3 and skip_p3_t2:
                        print(f"{p:>2} {p1:>2} {p2:>2} {t:>2} {'(as above)':>9}")
                        continue
                    r = timed("fast", (p, p1, p2, t), a.budget)
                    if not _ok(r) and t == 2 and p >= 3:
                        skip_p3_t2 = True
                    run_ref = t < 2 or p == 1 or (p, p1, p2) == (2, 1, 1)
                    ref = timed("ref", (p, p1, p2, t), a.ref_budget) if run_ref else None
                    if _ok(r) and _ok(ref) and ref[2] != r[2]:
                        raise SystemExit(f"engines disagree at {(p, p1, p2, t)}")
                    ratio = f"{ref[0] / r[0]:7.1f}" if (_ok(r) and _ok(ref)) else (
                        f"> {a.ref_budget / r[0]:.0f}" if _ok(r) and run_ref and ref is None else "")
                    print(f"{p:>2} {p1:>2} {p2:>2} {t:>2} {_fmt(r, a.budget):>9} "
                          f"{_fmt(ref, a.ref_budget) if run_ref else 'not run':>9} {ratio:>7} "
                          f"{r[1] if _ok(r) else '':>6}", flush=True)
    for engine, limit in (("fast", a.budget), ("ref", a.budget)):
        t = 0
        while True:
            r = timed(engine, (1, 1, 1, t), limit)
            if r is None or isinstance(r, str):
                why = f"did not finish in {limit:.0f} s" if r is None else r
                print(f"scalar network, {engine}: t = {t} {why}; largest t reached = {t - 1}")
                break
            print(f"scalar network, {engine}: t = {t}: {r[0]:.3f} s, degree {r[1]}", flush=True)
            t += 1


if __name__ == "__main__":
    main()
