"""Cost of the B_S estimators (verify.topics.diversity.estimator) relative to one backward pass.

Model: a 64-32-10 tanh MLP (float64) on scikit-learn's digits (n = 1797).  All timings are
measured in the same run, on the same machine and thread count, as the median of
``--repeats`` calls.  References: one forward+backward pass of the mean loss over the whole
dataset (n samples) and over one batch of ``--batch`` samples.

    python benchmarks/bench_diversity.py [--repeats 5] [--batch 32] [--pairs 16]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch


def _timeit(fn, repeats: int) -> float:
    fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--pairs", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if a.repeats < 1 or a.batch < 1 or a.pairs < 2:
        print("bench_diversity: --repeats >= 1, --batch >= 1 and --pairs >= 2 are required", file=sys.stderr)
        return 2
    from sklearn.datasets import load_digits

    from verify.topics.diversity.estimator import batch_size_bound

    torch.manual_seed(a.seed)
    ds = load_digits()
    X = torch.tensor(ds.data / 16.0, dtype=torch.float64)
    y = torch.tensor(ds.target, dtype=torch.long)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.Tanh(), torch.nn.Linear(32, 10)).double()
    loss_fn = torch.nn.functional.cross_entropy
    n = X.shape[0]
    bidx = torch.randint(0, n, (a.batch,))

    def backward(idx):
        model.zero_grad(set_to_none=True)
        loss_fn(model(X[idx]), y[idx]).backward()

    full = torch.arange(n)
    t_full = _timeit(lambda: backward(full), a.repeats)
    t_batch = _timeit(lambda: backward(bidx), a.repeats)
    t_exact = _timeit(lambda: batch_size_bound(model, loss_fn, X, y, method="exact"), a.repeats)
    t_two = _timeit(lambda: batch_size_bound(model, loss_fn, X, y, method="two_batch",
                                             batch_size=a.batch, pairs=a.pairs, seed=a.seed), a.repeats)
    ex = batch_size_bound(model, loss_fn, X, y, method="exact")
    tb = batch_size_bound(model, loss_fn, X, y, method="two_batch", batch_size=a.batch, pairs=a.pairs, seed=a.seed)
    rows = [
        (f"backward, full data (n={n})", t_full, "-"),
        (f"backward, one batch (b={a.batch})", t_batch, "-"),
        ("B_S exact (torch.func per-sample)", t_exact, f"{ex.B_S:.2f}"),
        (f"B_S two-batch (b={a.batch}, {a.pairs} pairs)", t_two, f"{tb.B_S:.2f} +- {tb.sem_B_S:.2f}"),
    ]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, float64, median of {a.repeats}")
    print(f"{'what':44s} {'ms/call':>10s} {'/full bwd':>10s} {'/batch bwd':>11s}  B_S")
    for name, t, val in rows:
        print(f"{name:44s} {1e3 * t:10.3f} {t / t_full:10.2f} {t / t_batch:11.2f}  {val}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
