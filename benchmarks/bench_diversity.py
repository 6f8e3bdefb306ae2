"""Cost and accuracy of the B_S estimators (verify.topics.diversity.estimator) on digits.

Model: a 64-32-10 tanh MLP (float64) on scikit-learn's digits (n = 1797).  Part 1 (cost): all
timings measured in the same run, same machine and thread count, median of ``--repeats``
calls, against one forward+backward pass over the whole data set and over one batch.
Part 2 (accuracy at equal cost, ``--budget`` backward passes of ``--batch`` samples per
estimate, ``--seeds`` seeds): against the exact B_S (per-sample gradients),

* ``two_batch``  -- budget/2 independent pairs (the estimator's "two_batch" method);
* ``all_pairs``  -- the U-statistic over all budget batches ("all_pairs");
* ``gpt-neox``   -- a line-by-line port of EleutherAI/gpt-neox
  ``megatron/gradient_noise_scale/gradient_noise_scale.py`` (``GradientNoiseScale._update``,
  without the distributed/overflow plumbing): B_small = one batch, B_big = the mean of
  ``n_batches = budget`` consecutive batches, ``g_small`` the last batch; its
  ``noise_scale = tr(Sigma)/|G|^2 = B_simple`` is reported as ``B_S = 1 + B_simple``.

Reported per method: bias and spread (sd over seeds) of G, M2 (for gpt-neox: |G|^2 and
tr Sigma + |G|^2) and B_S, the rate of invalid estimates (G_hat <= 0: the ratio is undefined),
and the time per estimate.

    python benchmarks/bench_diversity.py [--repeats 5] [--batch 32] [--pairs 16] [--budget 16] [--seeds 200]
"""

from __future__ import annotations

import argparse
import math
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


# ---------------------------------------------------------------- gpt-neox, ported line by line
def ema(avg, beta, yi, i):
    """Exponential moving average (gpt-neox ``ema``)."""
    if avg is None:
        avg = 0
    avg = beta * avg + (1 - beta) * yi
    return avg, avg / (1 - beta ** (i + 1))


class GradientNoiseScalePort:
    """gpt-neox ``GradientNoiseScale`` with the gradient passed in (``update(grad)``) instead of
    read from DeepSpeed's stored gradients; single process (no pipe parallelism, no overflow sync)."""

    def __init__(self, batch_size_small, n_batches=10, beta=0.99):
        self.batch_size_small = batch_size_small
        self.batch_size_large = batch_size_small * n_batches
        self.n_batches = n_batches
        self.beta = beta
        self.buffer = None
        self.ema_scale = None
        self.ema_noise = None
        self.noise_scale = None
        self.n_updates = 0
        self.last_noise = None  # |G|^2 estimate of the last window (gpt-neox calls it "noise")
        self.last_scale = None  # tr(Sigma) estimate of the last window ("scale")

    def update(self, grad):
        grad = grad.flatten().view(-1, 1)
        if self.buffer is None:
            self.buffer = grad.clone()
        else:
            self.buffer += grad
        if self.n_updates % self.n_batches == self.n_batches - 1:
            self.buffer /= self.n_batches
            grads = self.buffer
            self.buffer = None
            g_big = torch.square(torch.norm(grads.to(torch.float)))
            g_small = torch.square(torch.norm(grad.to(torch.float)))
            noise = 1 / (self.batch_size_large - self.batch_size_small) * (
                self.batch_size_large * g_big - self.batch_size_small * g_small)
            scale = 1 / (1 / self.batch_size_small - 1 / self.batch_size_large) * (g_small - g_big)
            self.last_noise, self.last_scale = float(noise), float(scale)
            self.ema_noise, noise = ema(self.ema_noise, self.beta, noise, self.n_updates)
            self.ema_scale, scale = ema(self.ema_scale, self.beta, scale, self.n_updates)
            scale = scale.item()
            noise = noise.item()
            self.noise_scale = scale / noise
        self.n_updates += 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--pairs", type=int, default=16)
    ap.add_argument("--budget", type=int, default=16, help="backward passes per estimate (accuracy part)")
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if a.repeats < 1 or a.batch < 1 or a.pairs < 2 or a.budget < 4 or a.budget % 2 or a.seeds < 2:
        print("bench_diversity: --repeats >= 1, --batch >= 1, --pairs >= 2, an even --budget >= 4 and "
              "--seeds >= 2 are required", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    from sklearn.datasets import load_digits

    from verify.topics.diversity.estimator import _flat_grad, batch_size_bound

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

    def neox(seed):
        gen = torch.Generator().manual_seed(seed)
        gns = GradientNoiseScalePort(a.batch, n_batches=a.budget)
        for _ in range(a.budget):
            idx = torch.randint(0, n, (a.batch,), generator=gen)
            gns.update(_flat_grad(model, loss_fn(model(X[idx]), y[idx])).to(torch.float64))
        return gns

    full = torch.arange(n)
    t_full = _timeit(lambda: backward(full), a.repeats)
    t_batch = _timeit(lambda: backward(bidx), a.repeats)
    t_exact = _timeit(lambda: batch_size_bound(model, loss_fn, X, y, method="exact"), a.repeats)
    t_two = _timeit(lambda: batch_size_bound(model, loss_fn, X, y, method="two_batch", batch_size=a.batch,
                                             pairs=a.budget // 2, seed=a.seed), a.repeats)
    t_all = _timeit(lambda: batch_size_bound(model, loss_fn, X, y, method="all_pairs", batch_size=a.batch,
                                             batches=a.budget, seed=a.seed), a.repeats)
    t_neox = _timeit(lambda: neox(a.seed), a.repeats)
    ex = batch_size_bound(model, loss_fn, X, y, method="exact")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, float64, median of {a.repeats}; "
          f"digits n = {n}, b = {a.batch}, {a.budget} backward passes per estimate")
    print(f"exact: B_S = {ex.B_S:.4f}, G = {ex.G:.5g}, M2 = {ex.M2:.5g}")
    print(f"{'what':40s} {'ms/call':>10s} {'/full bwd':>10s} {'/batch bwd':>11s}")
    for name, t in ((f"backward, full data (n={n})", t_full), (f"backward, one batch (b={a.batch})", t_batch),
                    ("B_S exact (torch.func per-sample)", t_exact), ("B_S two-batch", t_two),
                    ("B_S all-pairs", t_all), ("gpt-neox port", t_neox)):
        print(f"{name:40s} {1e3 * t:10.3f} {t / t_full:10.2f} {t / t_batch:11.2f}")

    # accuracy at equal cost over seeds
    res = {"two_batch": [], "all_pairs": [], "gpt-neox": []}
    for s in range(a.seeds):
        tb = batch_size_bound(model, loss_fn, X, y, method="two_batch", batch_size=a.batch, pairs=a.budget // 2, seed=s)
        ap_ = batch_size_bound(model, loss_fn, X, y, method="all_pairs", batch_size=a.batch, batches=a.budget, seed=s)
        gn = neox(s)
        res["two_batch"].append((tb.G, tb.M2, tb.B_S))
        res["all_pairs"].append((ap_.G, ap_.M2, ap_.B_S))
        # gpt-neox's "noise" estimates |G|^2 and "scale" tr(Sigma) = M2 - |G|^2 (1/n covariance)
        Gn, tr = gn.last_noise, gn.last_scale
        res["gpt-neox"].append((Gn, tr + Gn, 1 + gn.noise_scale if Gn > 0 else math.inf))
    print(f"\naccuracy over {a.seeds} seeds (equal cost: {a.budget} backward passes of b = {a.batch})")
    print(f"{'method':10s} {'bias G':>10s} {'sd G':>10s} {'bias M2':>10s} {'sd M2':>10s} {'invalid':>8s} "
          f"{'median B_S':>11s} {'IQR B_S':>16s}")
    for k, rows in res.items():
        G = torch.tensor([r[0] for r in rows])
        M = torch.tensor([r[1] for r in rows])
        B = sorted(r[2] for r in rows if r[0] > 0 and math.isfinite(r[2]))
        inval = sum(1 for r in rows if not r[0] > 0) / len(rows)
        q = lambda p: B[min(len(B) - 1, int(p * len(B)))] if B else math.nan
        print(f"{k:10s} {float(G.mean()) - ex.G:10.3g} {float(G.std()):10.3g} {float(M.mean()) - ex.M2:10.3g} "
              f"{float(M.std()):10.3g} {inval:8.1%} {q(0.5):11.3f} {q(0.25):7.3f}-{q(0.75):<8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
