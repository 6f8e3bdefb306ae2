"""Reduced-launch path for the least-squares SGD step: T steps captured in one CUDA graph.

UNMEASURED: written for benchmarks/gpu_session.sh; no GPU was available where it was written.

On the GPU the harness kernels are launch-bound at their sizes (issue 13: 0.1-3.9 % of the
float64 GEMM rate): each step is a handful of small kernels.  Capturing ``steps`` updates
(random indices, count vector, two GEMMs) in one ``torch.cuda.CUDAGraph`` and replaying it
removes the per-kernel launch cost.  The random stream inside a graph comes from the
default CUDA generator (graph-safe Philox offsets), so the draws differ from the eager
kernel's seeded per-chunk generator: this path is a speed measurement, compared in
distribution (mean of ||e_T||^2 within standard errors of the eager kernel's), not a
replacement for :func:`verify.harness.sgd.lsq_sgd_moments`.

Without CUDA (or if capture fails) it says so and times the eager step only::

    python benchmarks/cuda_graphs.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_step(X, m: int, eta: float):
    n, d = X.shape
    XT = X.T.contiguous()
    c = eta / m

    def step(e, ones, cnt):
        idx = torch.randint(0, n, ones.shape, device=X.device)
        cnt.zero_().scatter_add_(1, idx, ones)
        return torch.addmm(e, cnt * (e @ XT), X, alpha=-c)
    return step


def eager(X, m, eta, R, T, dev):
    step = make_step(X, m, eta)
    e = torch.ones((R, X.shape[1]), dtype=torch.float64, device=dev)
    ones = torch.ones((R, m), dtype=torch.float64, device=dev)
    cnt = torch.zeros((R, X.shape[0]), dtype=torch.float64, device=dev)
    for _ in range(T):
        e = step(e, ones, cnt)
    return (e * e).sum(1)


def graphed(X, m, eta, R, T, dev, steps_per_graph: int = 16):
    """T steps as replays of one captured graph of ``steps_per_graph`` steps (T a multiple)."""
    step = make_step(X, m, eta)
    e = torch.ones((R, X.shape[1]), dtype=torch.float64, device=dev)
    ones = torch.ones((R, m), dtype=torch.float64, device=dev)
    cnt = torch.zeros((R, X.shape[0]), dtype=torch.float64, device=dev)
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):  # warm-up outside the capture (allocator, cuBLAS handles)
        for _ in range(3):
            step(e.clone(), ones, cnt)
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        out = e
        for _ in range(steps_per_graph):
            out = step(out, ones, cnt)
        e_next = out
    for _ in range(T // steps_per_graph):
        g.replay()
        e.copy_(e_next)
    return (e * e).sum(1)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", default=None)
    a = p.parse_args(argv)
    res: dict = {"measured": torch.cuda.is_available(), "rows": []}
    if not torch.cuda.is_available():
        res["note"] = "no CUDA device: the CUDA-graph path was not run (unmeasured)"
        print(res["note"])
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    for n, d, m, R, T in [(40, 10, 8, 1 << 20, 64), (64, 64, 8, 1 << 18, 64), (256, 256, 64, 1 << 14, 32)]:
        if dev != "cuda":
            R, T = max(R >> 8, 1024), 16  # the CPU fallback only shows the script runs
        gen = torch.Generator().manual_seed(1)
        X = (torch.randn((n, d), generator=gen, dtype=torch.float64) / math.sqrt(d)).to(dev)
        eta = 0.5
        row = {"n": n, "d": d, "m": m, "replicas": R, "steps": T}
        for name, f in [("eager", eager), ("graph", graphed)]:
            if name == "graph" and dev != "cuda":
                continue
            try:
                f(X, m, eta, min(R, 1024), 16, dev)
                if dev == "cuda":
                    torch.cuda.synchronize()
                t = time.perf_counter()
                sq = f(X, m, eta, R, T, dev)
                if dev == "cuda":
                    torch.cuda.synchronize()
                dt = time.perf_counter() - t
            except Exception as exc:  # a capture that fails is a finding, not a crash
                row[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
                continue
            row[name] = {"seconds": dt, "replica_steps_per_s": R * T / dt,
                         "useful_gflop_per_s": 4 * m * d * R * T / dt / 1e9,
                         "mean_sq": float(sq.mean()), "sem_sq": float(sq.std() / math.sqrt(R))}
        if "eager" in row and "graph" in row and "seconds" in row["graph"]:
            ge, gg = row["eager"], row["graph"]
            row["speedup"] = ge["seconds"] / gg["seconds"]
            row["z_eager_vs_graph"] = (ge["mean_sq"] - gg["mean_sq"]) / math.hypot(ge["sem_sq"], gg["sem_sq"])
        res["rows"].append(row)
        print(json.dumps(row), flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
