"""batchproof benchmarks: how close the harness kernels run to this machine's limit.

One command, one table::

    python benchmarks/run.py            # ~3-6 minutes on a 2-core CPU (includes paper 001's 200,000 x 40)
    python benchmarks/run.py --quick    # ~1 minute: smaller sizes, paper 001's run at 1/10 scale
    python benchmarks/run.py --threads 2 --json results/benchmarks.json

For every harness model family (least squares, deep linear network, GLM / logistic,
Volterra-scale least squares, paper 001's linear regression without replacement) at
two or three sizes it prints replica-steps per second and achieved FLOP/s, beside

* the machine's float64 GEMM throughput, measured with torch in the same run and with
  the same thread count (the best of a square ``mm`` and two ``bmm`` shapes): the
  column ``%GEMM``;
* a plain per-replica numpy loop doing the same update (one replica after another,
  numpy's own generator): the column ``x loop``.

**Roofline.**  In the same run it measures the memory bandwidth (the best of a large
torch ``copy_`` and ``add`` of 2^24 float64 each, STREAM's copy and add: bytes read plus
written per second) and gives every family its arithmetic intensity ``I`` = useful flops
/ compulsory bytes per replica-step, where the compulsory bytes are the replica's state
read and written once per step plus its sampled indices or random inputs (the data
matrix is shared by all replicas and counted as cached; see :func:`intensity`).  Roofline
= ``min(GEMM, bandwidth x I)``; the column ``%roof`` is the achieved useful FLOP/s over
it.  Rows marked ``H`` are at the harness's own sizes (what ``batchproof harness`` runs);
the others are larger, long enough to time.  Every timing repeats the call until it
lasts at least 0.25 s.  On a shared machine all three rates move with the load: GEMM and
bandwidth are measured in the same run so the percentages stay comparable, but the
absolute figures are a shared machine's.

FLOP/s counts only the *useful* arithmetic of the update (e.g. ``4 m d`` per
replica-step for a least-squares step on a batch of m rows; see
:func:`verify.harness.kernels.flops`), not what a formulation executes: the dense
formulation multiplies all n rows by a count vector, so it executes ``n/m`` times more
than it is credited with; the column ``exec/useful`` says so for every row.  Then: paper 001's largest experiment (20 batch sizes x
10,000 runs = 200,000 runs x 40 iterations, every statistic at every iteration), the
wall time of ``batchproof check``, and the exact engines' times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _parse(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes; paper 001's run at 1/10 scale")
    p.add_argument("--threads", type=int, default=1,
                   help="torch / BLAS threads (default 1: on a shared 2-core machine 2 threads can be "
                        "far slower under load; the GEMM reference uses the same count)")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--json", default=None, help="also write the figures to this JSON file")
    p.add_argument("--skip", default="", help="comma list of sections to skip: families,paper001,check,exact")
    a = p.parse_args(argv)
    if a.threads < 1:
        p.error("--threads must be >= 1")
    return a


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:  # BLAS reads these at import time
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[v] = str(ARGS.threads)
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from verify.harness import kernels as K  # noqa: E402
from verify.harness.sgd import choose_formulation, lsq_sgd_moments  # noqa: E402


def _sync(dev):
    if str(dev).startswith("cuda"):
        torch.cuda.synchronize()


def _best(f, reps: int, dev="cpu") -> float:
    best = float("inf")
    for _ in range(reps):
        _sync(dev)
        t = time.perf_counter()
        f()
        _sync(dev)
        best = min(best, time.perf_counter() - t)
    return best


def gemm_peak(dev: str) -> dict:
    """Best float64 GEMM rate over a square mm and two batched shapes (FLOP/s)."""
    out = {}
    for name, (b, n) in {"mm 1024^3": (0, 1024), "bmm 64 x 256^3": (64, 256), "bmm 512 x 64^3": (512, 64)}.items():
        shape = (n, n) if b == 0 else (b, n, n)
        A = torch.randn(shape, dtype=torch.float64, device=dev)
        B = torch.randn(shape, dtype=torch.float64, device=dev)
        f = (lambda: torch.mm(A, B)) if b == 0 else (lambda: torch.bmm(A, B))
        f()
        reps = max(1, int(0.3 / max(_best(f, 1, dev), 1e-6)))

        def many():
            for _ in range(reps):
                f()
        t = _best(many, 3, dev) / reps
        out[name] = 2.0 * max(b, 1) * n**3 / t
    return {"best": max(out.values()), "shapes": out}


def bandwidth(dev: str, n: int = 1 << 24) -> dict:
    """Memory bandwidth (bytes/s): best of STREAM-style copy (16 n bytes) and add (24 n bytes)."""
    a = torch.randn(n, dtype=torch.float64, device=dev)
    b = torch.randn(n, dtype=torch.float64, device=dev)
    c = torch.empty_like(a)
    out = {"copy": 16.0 * n / _best(lambda: c.copy_(a), 5, dev),
           "add": 24.0 * n / _best(lambda: torch.add(a, b, out=c), 5, dev)}
    del a, b, c
    return {"best": max(out.values()), "kinds": out, "elements": n}


def intensity(label: str, s: dict) -> tuple[float, float]:
    """(useful flops, compulsory bytes) per replica-step: the intensity model of the roofline.

    Compulsory bytes: the replica's state read and written once (8 bytes per float64
    entry, twice), plus what is drawn for it per step (8-byte indices, or the b x p
    Gaussian inputs of the deep linear network, written once).  The data matrix is
    shared by every replica in the lockstep batch and counted as cached.
    """
    if label in ("lsq", "volterra"):
        return K.flops("lsq", m=s["m"], d=s["d"]), 16.0 * s["d"] + 8.0 * s["m"]
    if label == "logistic":
        return K.flops("logistic", m=s["m"], d=s["d"]), 16.0 * s["d"] + 8.0 * s["m"]
    if label == "linreg_wor":
        return K.flops("linreg_wor", b=s["b"], d=s["d"]), 16.0 * s["d"] + 8.0 * min(s["b"], s["n"] - s["b"])
    if label == "deep_linear":
        p, h, q, b = s["p"], s["h"], s["q"], s["b"]
        return K.flops("deep_linear", p=p, h=h, q=q, b=b), 16.0 * (h * p + q * h) + 8.0 * p * b
    raise ValueError(label)


def executed_flops(label: str, s: dict, form: str) -> float:
    """Flops the chosen formulation executes per replica-step (the dense forms touch all n rows)."""
    if label in ("lsq", "volterra", "logistic") and form == "dense":
        return 4.0 * s["n"] * s["d"]
    if label == "linreg_wor" and "mask" in form:
        return 4.0 * s["n"] * s["d"]
    return intensity(label, s)[0]


# ------------------------------------------------------------------ plain numpy loops
def _loop_rate(step_fn, init_fn, T: int, budget_s: float = 0.6) -> float:
    """Replica-steps per second of a per-replica numpy loop (replicas one after another)."""
    steps, t0, r = 0, time.perf_counter(), 0
    while True:
        rng = np.random.default_rng(r)
        s = init_fn()
        for t in range(T):
            s = step_fn(s, t, rng)
        steps += T
        r += 1
        el = time.perf_counter() - t0
        if el >= budget_s and r >= 2:
            return steps / el


def np_lsq(X, m, eta):
    n, d = X.shape

    def step(e, t, rng):
        idx = rng.integers(0, n, m)
        Xb = X[idx]
        return e - (eta / m) * (Xb.T @ (Xb @ e))
    return step, (lambda: np.ones(d))


def np_logistic(X, y, m, lr):
    n, d = X.shape

    def step(w, t, rng):
        idx = rng.integers(0, n, m)
        Xb = X[idx]
        return w - lr * (Xb.T @ (1 / (1 + np.exp(-(Xb @ w))) - y[idx])) / m
    return step, (lambda: np.zeros(d))


def np_deep(W1, W2, M, b, lr):
    p = W1.shape[1]

    def step(s, t, rng):
        A1, A2 = s
        X = rng.standard_normal((p, b))
        H = A1 @ X
        E = A2 @ H - M @ X
        G2 = E @ H.T / b
        G1 = (A2.T @ E) @ X.T / b
        return A1 - lr * G1, A2 - lr * G2
    return step, (lambda: (W1.copy(), W2.copy()))


def np_linreg_wor(A, y, b):
    n, d = A.shape

    def step(w, t, rng):
        idx = rng.choice(n, size=b, replace=False)
        Ab = A[idx]
        return w - (0.5 / (t + 1)) * (Ab.T @ (Ab @ w - y[idx])) / b
    return step, (lambda: np.zeros(d))


# ------------------------------------------------------------------ families
def families(quick: bool):
    """(family, label, size dict, R, T) rows."""
    rows = [
        # H: the harness's own sizes (interpolation's largest setting at its default replicas;
        # the variance topic's deep linear network; volterra's full problem; paper 001's data)
        ("least squares (paper 000) H", "lsq", dict(n=40, d=10, m=8), 20000, 20),
        ("deep linear W2 W1 x (paper 001) H", "deep_linear", dict(p=2, h=2, q=2, b=4), 65536, 2),
        ("least squares (paper 000)", "lsq", dict(n=64, d=64, m=8), 4096, 40),
        ("least squares (paper 000)", "lsq", dict(n=256, d=256, m=64), 1024, 20),
        ("least squares (paper 000)", "lsq", dict(n=512, d=512, m=512), 256, 10),
        ("deep linear W2 W1 x (paper 001)", "deep_linear", dict(p=8, h=16, q=8, b=4), 4096, 30),
        ("deep linear W2 W1 x (paper 001)", "deep_linear", dict(p=32, h=64, q=32, b=16), 512, 20),
        ("deep linear W2 W1 x (paper 001)", "deep_linear", dict(p=64, h=256, q=128, b=64), 32, 10),
        ("GLM / logistic (no topic runs it)", "logistic", dict(n=256, d=16, m=16), 4096, 40),
        ("GLM / logistic", "logistic", dict(n=1024, d=64, m=128), 1024, 20),
        ("GLM / logistic", "logistic", dict(n=4096, d=256, m=1024), 128, 10),
        ("Volterra-scale least squares (paper 003) H", "volterra", dict(n=1000, d=500, m=500), 64, 8),
        ("Volterra-scale least squares (paper 003)", "volterra", dict(n=2000, d=1000, m=1000), 32, 6),
        ("Volterra-scale least squares (paper 003)", "volterra", dict(n=4000, d=2000, m=4000), 8, 4),
        ("linear regression w/o replacement (paper 001) H", "linreg_wor", dict(n=500, d=7, b=16), 10000, 10),
        ("linear regression w/o replacement (paper 001) H", "linreg_wor", dict(n=500, d=7, b=128), 10000, 10),
        ("linear regression w/o replacement (paper 001) H", "linreg_wor", dict(n=500, d=7, b=480), 10000, 10),
    ]
    if quick:  # drop the largest size of each family
        drop = {("lsq", 512), ("deep_linear", 64), ("logistic", 4096), ("volterra", 4000)}
        rows = [r for r in rows if r[0].endswith(" H") or (r[1], next(iter(r[2].values()))) not in drop]
    return rows


def run_family(label, s, R, T, dev):
    rng = np.random.default_rng(1)
    if label in ("lsq", "volterra"):
        n, d, m = s["n"], s["d"], s["m"]
        X = rng.standard_normal((n, d)) / np.sqrt(d)
        eta = 0.5
        form = choose_formulation(n, m)

        def kernel(R=R, T=T):
            lsq_sgd_moments(X, np.ones(d), eta, m, np.array([0, T]), R, 1, dev)
        loop = np_lsq(X, m, eta)
        fl = K.flops("lsq", m=m, d=d)
    elif label == "logistic":
        n, d, m = s["n"], s["d"], s["m"]
        X = rng.standard_normal((n, d)) / np.sqrt(d)
        y = (rng.random(n) < 0.5).astype(float)
        form = choose_formulation(n, m)

        def kernel(R=R, T=T):
            K.logistic_sgd_moments(X, y, np.zeros(d), m, T, R, 1, 0.5, times=[0, T], device=dev)
        loop = np_logistic(X, y, m, 0.5)
        fl = K.flops("logistic", m=m, d=d)
    elif label == "deep_linear":
        p, h, q, b = s["p"], s["h"], s["q"], s["b"]
        W1 = rng.standard_normal((h, p)) / np.sqrt(p)
        W2 = rng.standard_normal((q, h)) / np.sqrt(h)
        M = rng.standard_normal((q, p)) / np.sqrt(p)
        form = "bmm"

        def kernel(R=R, T=T):
            K.deep_linear_moments(W1, W2, M, b, T, R, 1, 0.01, times=[0, T], device=dev)
        loop = np_deep(W1, W2, M, b, 0.01)
        fl = K.flops("deep_linear", p=p, h=h, q=q, b=b)
    elif label == "linreg_wor":
        n, d, b = s["n"], s["d"], s["b"]
        A = rng.standard_normal((n, d))
        y = A @ rng.standard_normal(d) + rng.standard_normal(n)
        form = "Floyd, gather" if b == min(b, n - b) <= 32 else "Floyd, mask"

        def kernel(R=R, T=T):
            K.linreg_wor_moments(A, y, np.zeros(d), [b], T, R, 1, times=[0, T - 1], device=dev)
        loop = np_linreg_wor(A, y, b)
        fl = K.flops("linreg_wor", b=b, d=d)
    else:
        raise ValueError(label)
    kernel(R=max(2, min(R, 64)), T=2)  # warm-up
    t1 = _best(kernel, 1, dev)
    reps = max(1, int(np.ceil(0.25 / max(t1, 1e-6))))  # long enough to time: >= 0.25 s a measurement

    def many():
        for _ in range(reps):
            kernel()
    t = _best(many, 2, dev) / reps
    rate = R * T / t
    loop_rate = _loop_rate(loop[0], loop[1], T)
    useful, nbytes = intensity(label, s)
    assert useful == fl
    return dict(formulation=form, seconds=t, repeats=reps, replica_steps_per_s=rate, flops_per_replica_step=fl,
                bytes_per_replica_step=nbytes, intensity=fl / nbytes,
                executed_over_useful=executed_flops(label, s, form) / fl,
                flop_per_s=rate * fl, loop_replica_steps_per_s=loop_rate, speedup_vs_loop=rate / loop_rate)


# ------------------------------------------------------------------ paper 001's largest experiment
PAPER001_BS = [2, 4, 8, 16, 32, 64, 128, 256] + list(range(40, 481, 40))


def paper001_largest(dev: str, scale: float = 1.0) -> dict:
    """20 batch sizes x 10,000 runs x 40 iterations of linear regression without replacement.

    n = 500 samples, d = 7 (6 standardised features + intercept; the Graduate Admission
    data are not shipped, so a synthetic stand-in of the same shape), ``α_t = 1/(2t)``,
    ``w_t`` and ``g_t`` recorded at every iteration (streaming mean and variance).
    """
    rng = np.random.default_rng(2019)
    Z = rng.standard_normal((500, 6))
    A = np.hstack([(Z - Z.mean(0)) / Z.std(0), np.ones((500, 1))])
    y = A @ rng.standard_normal(7) + 0.3 * rng.standard_normal(500)
    R = int(round(10000 * scale))
    t0 = time.perf_counter()
    w, g = K.linreg_wor_moments(A, y, np.zeros(7), PAPER001_BS, 40, R, 1, device=dev)
    wall = time.perf_counter() - t0
    var_t40 = [float(s.var[-1].sum()) for s in g]
    return dict(batch_sizes=PAPER001_BS, runs_per_b=R, runs=R * len(PAPER001_BS), iterations=40,
                seconds=wall, extrapolated_full_seconds=wall / scale,
                replica_steps_per_s=R * len(PAPER001_BS) * 40 / wall,
                var_g_t39_first_last=[var_t40[0], var_t40[-1]],
                var_decreasing_in_b=bool(np.all(np.diff([var_t40[PAPER001_BS.index(b)] for b in sorted(PAPER001_BS)]) < 0)))


def check_wall() -> dict:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "verify.cli", "check", "--quiet"], cwd=ROOT, capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return dict(seconds=time.perf_counter() - t0, returncode=r.returncode,
                summary=(r.stdout.strip().splitlines() or [""])[-1])


def exact_engines() -> dict:
    from verify.topics.interpolation.engine import enumerate_moments, random_instance, second_moment_curve

    out = {}
    for n, d, T in [(64, 64, 1000), (512, 512, 100)]:
        X = random_instance(n, d, 1.0, 0)
        t = _best(lambda: second_moment_curve(X, 0.5, 4, np.ones(d), T), 2)
        out[f"interpolation second-moment recursion n=d={n}, T={T}"] = t
    t = _best(lambda: enumerate_moments([[1, 0], [1, 1], [0, 2]], 0.25, 2, [1, 1], 3), 1)
    out["interpolation enumeration n=3, m=2, T=3 (729 sequences)"] = t
    return out


def main() -> int:
    a = ARGS or _parse()
    torch.set_num_threads(a.threads)
    dev = a.device
    skip = set(filter(None, a.skip.split(",")))
    res: dict = {"threads": a.threads, "device": dev, "torch": torch.__version__, "numpy": np.__version__}
    if dev.startswith("cuda"):
        res["gpu"] = torch.cuda.get_device_name()
    print(f"batchproof benchmarks — device {dev}, {a.threads} thread(s), torch {torch.__version__}, float64",
          flush=True)
    peak = gemm_peak(dev)
    res["gemm"] = peak
    print("GEMM reference (float64): " + ", ".join(f"{k}: {v / 1e9:.1f} GFLOP/s" for k, v in peak["shapes"].items()),
          flush=True)
    bw = bandwidth(dev)
    res["bandwidth"] = bw
    print("memory bandwidth: " + ", ".join(f"{k}: {v / 1e9:.1f} GB/s" for k, v in bw["kinds"].items()), flush=True)
    if "families" not in skip:
        hdr = (f"{'family':<48} {'size':<24} {'formulation':<14} {'R':>6} {'replica-steps/s':>15} "
               f"{'GFLOP/s':>8} {'%GEMM':>6} {'I f/B':>6} {'roof GF/s':>9} {'%roof':>6} {'exec/useful':>11} "
               f"{'x loop':>7}")
        print(hdr)
        print("-" * len(hdr))
        rows = []
        for fam, label, s, R, T in families(a.quick):
            r = run_family(label, s, R, T, dev)
            roof = min(peak["best"], bw["best"] * r["intensity"])
            r.update(family=fam, size=s, replicas=R, steps=T, harness_size=fam.endswith(" H"),
                     pct_gemm=100 * r["flop_per_s"] / peak["best"], roofline_flop_per_s=roof,
                     roofline_bound="compute" if roof == peak["best"] else "memory",
                     pct_roofline=100 * r["flop_per_s"] / roof)
            rows.append(r)
            size = ", ".join(f"{k}={v}" for k, v in s.items())
            print(f"{fam:<48} {size:<24} {r['formulation']:<14} {R:>6} {r['replica_steps_per_s']:>15,.0f} "
                  f"{r['flop_per_s'] / 1e9:>8.2f} {r['pct_gemm']:>5.1f}% {r['intensity']:>6.2f} {roof / 1e9:>9.2f} "
                  f"{r['pct_roofline']:>5.1f}% {r['executed_over_useful']:>10.1f}x {r['speedup_vs_loop']:>6.1f}x",
                  flush=True)
        res["families"] = rows
    if "paper001" not in skip:
        scale = 0.1 if a.quick else 1.0
        p = paper001_largest(dev, scale)
        res["paper001_largest"] = p
        print(f"\npaper 001 largest experiment: {len(p['batch_sizes'])} batch sizes x {p['runs_per_b']:,} runs "
              f"x {p['iterations']} iterations = {p['runs']:,} runs in {p['seconds']:.1f} s"
              + (f" (full 200,000 runs extrapolated: {p['extrapolated_full_seconds']:.0f} s)" if scale != 1 else "")
              + f"; {p['replica_steps_per_s']:,.0f} replica-steps/s; target < 300 s", flush=True)
    if "check" not in skip:
        c = check_wall()
        res["check"] = c
        print(f"batchproof check: {c['seconds']:.1f} s (exit {c['returncode']}; {c['summary']})", flush=True)
    if "exact" not in skip:
        e = exact_engines()
        res["exact_engines"] = e
        for k, v in e.items():
            print(f"exact engine: {k}: {v:.3f} s", flush=True)
    if a.json:
        from verify.core.results import provenance, write_json

        write_json(a.json, {**res, "provenance": provenance()})
        print(f"wrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
