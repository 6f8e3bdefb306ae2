"""``batchproof advise``: step sizes and batch sizes for a least-squares or kernel problem,
from the exact mean-square dynamics of mini-batch SGD (beside paper 000's bounds and
EigenPro's rules).

    batchproof advise (--features FILE | --dataset NAME) [--kernel gaussian --bandwidth S]
                      [--batch-sizes 1,2,4,8] [--target EPS] [--max-samples N] [--seed S] [--json FILE|-]

Per batch size m it prints eta_1(m), eta*(m), eta-hat(m) (paper 000), EigenPro 2's step, the
exact stability limit eta_crit(m), the optimal constant step eta_opt(m) and its rate
rho_opt(m), iterations to ``E L <= EPS L0`` from an isotropic start (Sigma_0 = I on range(H))
at eta_opt / eta* / EigenPro's step and at the best step for that target
(eta_target), s(m) and the exact speed-up t(1)/t(m); then m* and the
exact critical batch size.  Exact computations cost about 4 n r^2 flops per step (r = rank
of H), so large inputs are subsampled to ``--max-samples`` rows (default 128; a note on
stderr says so).  Bad input: one line on stderr, exit 2.
"""

from __future__ import annotations

import json
import math
import sys

from verify.core.errors import InputError

__all__ = ["run_advise"]


def _batch_sizes(s: str) -> list[int]:
    import argparse

    try:
        ms = [int(v) for v in s.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {s!r}") from None
    if not ms or any(v < 1 or v > 2**31 - 1 for v in ms):
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {s!r}")
    return sorted(set(ms))


def _eps(s: str) -> float:
    import argparse

    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a target in (0, 1), got {s!r}") from None
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"expected a target in (0, 1), got {s!r}")
    return v


def _positive_float(s: str) -> float:
    import argparse

    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {s!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {s!r}")
    return v


def _positive_int(s: str) -> int:
    import argparse

    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {s!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {s!r}")
    return v


def _seed(s: str) -> int:
    import argparse

    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {s!r}") from None
    if not 0 <= v < 2**32:  # numpy's default_rng takes any non-negative int; keep it to 32 bits
        raise argparse.ArgumentTypeError(f"seed must be in [0, 2**32), got {s!r}")
    return v


def _add_arguments(p) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--features", metavar="FILE", help=".npy or .csv, one row per example")
    src.add_argument("--dataset", metavar="NAME",
                     help="a scikit-learn bundled dataset: digits, diabetes, iris, breast_cancer, wine, linnerud")
    p.add_argument("--kernel", choices=["gaussian"], default=None,
                   help="use the rows of K^{1/2} as features, K_ij = exp(-||z_i - z_j||^2 / (2 S^2))")
    p.add_argument("--bandwidth", type=_positive_float, default=None, metavar="S")
    p.add_argument("--batch-sizes", type=_batch_sizes, default=[1, 2, 4, 8, 16, 32], metavar="1,2,4,...")
    p.add_argument("--target", type=_eps, default=1e-2, metavar="EPS",
                   help="iterations to E L <= EPS * L0 (default 1e-2)")
    p.add_argument("--max-samples", type=_positive_int, default=128, metavar="N",
                   help="subsample larger inputs to N rows (default 128)")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the subsample (default 0)")
    p.add_argument("--max-iterations", type=_positive_int, default=200000, metavar="T",
                   help="give up counting iterations after T (default 200000)")
    p.add_argument("--json", metavar="FILE", default=None, help="write the advice as JSON ('-': stdout)")


def _features(args):
    from verify.topics.meansquare import data

    if args.kernel is None and args.bandwidth is not None:
        raise InputError("--bandwidth needs --kernel gaussian")
    if args.kernel is not None and args.bandwidth is None:
        raise InputError("--kernel gaussian needs --bandwidth S")
    Z = data.load_features(args.features) if args.features else data.sklearn_dataset(args.dataset)
    n_all = len(Z)
    Z = data.subsample(Z, args.max_samples, args.seed)
    if len(Z) < n_all:
        print(f"batchproof advise: note: using {len(Z)} of {n_all} rows (--max-samples {args.max_samples}, "
              f"--seed {args.seed})", file=sys.stderr)
    X = data.gaussian_kernel_features(Z, args.bandwidth) if args.kernel else Z
    return X, n_all


def run_advise(args) -> int:
    from verify.core.results import check_output_path

    if args.json and args.json != "-":
        check_output_path(args.json, "--json")
    X, n_all = _features(args)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from verify.topics.meansquare import engine as E

    try:
        p = E.Problem(X)
    except ValueError as e:
        raise InputError(str(e)) from None
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]advise"), BarColumn(), TextColumn("{task.fields[msg]}"),
                  TimeElapsedColumn(), console=console, transient=True) as prog:
        task = prog.add_task("advise", total=1.0, msg="")
        out = E.advise(p, args.batch_sizes, eps=args.target, t_max=args.max_iterations,
                       progress=lambda msg, f: prog.update(task, completed=f, msg=msg))
    out["source"] = {"features": args.features, "dataset": args.dataset, "kernel": args.kernel,
                     "bandwidth": args.bandwidth, "rows_used": int(X.shape[0]), "rows_total": int(n_all),
                     "seed": args.seed, "start": "isotropic (Sigma_0 = I on range(H))"}
    text = json.dumps(_clean(out), indent=1)
    if args.json == "-":
        print(text)
        return 0
    if args.json:
        from pathlib import Path

        from verify.core.results import atomic_write_text

        atomic_write_text(Path(args.json), text + "\n")
    _print_table(out)
    return 0


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _print_table(out) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"n = {out['n']}, rank {out['rank']}, beta = {out['beta']:.4g}, lambda_1 = {out['lam1']:.4g}, "
                    f"lambda_n = {out['lamn']:.3g}; iterations to E L <= {out['eps']:g} L0")
    for c in ("m", "eta_1", "eta*", "eta^", "EigenPro2", "eta_crit", "eta_opt", "rho_opt", "eta_target",
              "t(eta_target)", "t(eta_opt)", "t(eta*)", "t(EigenPro2)", "s(m)", "exact speed-up"):
        t.add_column(c, justify="right")

    def f(v, fmt="{:.4g}"):
        return "-" if v is None else fmt.format(v)

    for r in out["rows"]:
        t.add_row(str(r["m"]), f(r["eta_1"]), f(r["eta_star"]), f(r["eta_hat"]), f(r["eta_eigenpro2"]),
                  f(r["eta_crit"]), f(r["eta_opt"]), f(r["rho_opt"], "{:.6f}"), f(r["eta_target"]),
                  f(r["iterations_target"], "{}"), f(r["iterations_opt"], "{}"),
                  f(r["iterations_eta_star"], "{}"), f(r["iterations_eigenpro2"], "{}"), f(r["s"], "{:.3g}"),
                  f(r["speedup_exact"], "{:.3g}"))
    c = Console()
    c.print(t)
    c.print(f"paper 000's critical batch size m* = {out['m_star']:.4g}; exact critical batch size "
            f"(S(m) = m meets the saturation level log rho_opt(oo)/log rho_opt(1)) = {out['critical_batch_exact']:.4g}")


# topic commands, registered by the core CLI: name -> (help, add_arguments, run(args) -> exit code)
COMMANDS = {
    "advise": ("step and batch sizes from the exact mean-square dynamics (paper 000's model)",
               _add_arguments, run_advise),
}
