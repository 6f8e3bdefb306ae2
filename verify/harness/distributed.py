r"""Replicas sharded across processes (torchrun), streaming statistics combined exactly.

Every Monte-Carlo kernel of the harness splits its ``R`` replicas into chunks; chunk
``k`` draws from its own torch generator seeded with ``seed + k`` (independent seed
streams that do not depend on who computes them).  Under ``torch.distributed`` rank
``r`` of ``W`` computes the chunks ``k ≡ r (mod W)``; the per-chunk streaming sums
(count, shift, sum, sum of squares: :class:`~verify.harness.stats.StreamStats`, never a
trajectory) are exchanged with one collective and every rank merges them **in chunk
order**.  Because one process merges its chunks in the same order, the merged
statistics are bit-for-bit those of a single process running the union of the same
seeds — with the same chunk size.  Fix the chunk size with ``--chunk`` (or
:func:`set_default_chunk`) and results do not depend on the number of ranks at all;
without it a distributed run uses ``ceil(R / W)`` replicas per chunk.

Communication is ``O(chunks × statistics)`` numbers per kernel call — an all-gather of
the sums rather than a summing all-reduce, so that the merge order, and hence every
bit of the result, is fixed.  Backend: gloo on CPU, nccl on CUDA
(``init_process_group`` picks it from the device).

Command line (one node, 4 processes; every rank runs the experiment, rank 0 writes
``results/harness_<topic>.json``)::

    torchrun --nproc-per-node 4 -m verify.harness.distributed --topic interpolation --quick

Several nodes: start the same command on each node with ``--nnodes N
--rdzv-backend c10d --rdzv-endpoint HOST:PORT --rdzv-id JOB`` (see the README).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from verify.harness import world_info  # noqa: F401  (re-exported: part of this module's API)
from verify.harness.stats import StreamStats

__all__ = [
    "chunk_sizes",
    "gather_chunk_states",
    "main",
    "merge_chunk_states",
    "run_chunked",
    "set_default_chunk",
    "world_info",
]

_DEFAULT_CHUNK: int | None = None


def set_default_chunk(chunk: int | None) -> None:
    """Replicas per chunk for kernels called without ``chunk`` (``None``: all at once, or
    ``ceil(R / world)`` under torch.distributed)."""
    global _DEFAULT_CHUNK
    if chunk is not None and int(chunk) < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk!r}")
    _DEFAULT_CHUNK = None if chunk is None else int(chunk)


def chunk_sizes(replicas: int, chunk: int | None) -> list[int]:
    """Split ``replicas`` into chunks of ``chunk`` (last one shorter)."""
    replicas = int(replicas)
    if chunk is None:
        chunk = _DEFAULT_CHUNK
    if chunk is None:
        _, world = world_info()
        chunk = math.ceil(replicas / world)
    chunk = int(chunk)
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk!r}")
    out = [chunk] * (replicas // chunk)
    if replicas % chunk:
        out.append(replicas % chunk)
    return out


def merge_chunk_states(states: dict[int, list[dict[str, Any]]], n_chunks: int) -> list[StreamStats]:
    """Merge per-chunk :meth:`StreamStats.state` lists in chunk order ``0..n_chunks-1``."""
    missing = [k for k in range(n_chunks) if k not in states]
    if missing:
        raise RuntimeError(f"chunks {missing[:5]} missing from the gathered statistics")
    merged: list[StreamStats] | None = None
    for k in range(n_chunks):
        parts = [StreamStats.from_state(s) for s in states[k]]
        if merged is None:
            merged = [StreamStats(p.shape) for p in parts]
        for acc, p in zip(merged, parts):
            acc.merge(p)
    return merged or []


def gather_chunk_states(mine: dict[int, list[dict[str, Any]]]) -> dict[int, list[dict[str, Any]]]:
    """All ranks' per-chunk states (identity in a single process)."""
    rank, world = world_info()
    if world == 1:
        return dict(mine)
    import torch.distributed as dist

    bucket: list[Any] = [None] * world
    dist.all_gather_object(bucket, mine)
    out: dict[int, list[dict[str, Any]]] = {}
    for part in bucket:
        out.update(part)
    return out


def run_chunked(
    name: str,
    key_parts: Sequence[Any],
    replicas: int,
    chunk: int | None,
    run_chunk: Callable[[int, int, dict[str, Any] | None, Callable, Callable], list[np.ndarray]],
    progress: Callable[[float], None] | None = None,
) -> list[StreamStats]:
    """The replica-chunk driver behind every harness kernel: shard, resume, merge.

    ``run_chunk(k, r, partial, poll, progress)`` simulates chunk ``k`` of ``r`` replicas (seeding its
    generator with ``seed + k``) and returns a list of sample arrays of shape
    ``(r, *shape_i)``.  ``partial`` is ``None`` or the dict it last passed to ``poll``;
    it must call ``poll(lambda: state_dict)`` once per step (this is where a pending
    SIGINT/SIGTERM saves and stops, see :mod:`verify.harness.resume`) and, given
    ``partial``, continue exactly from that state; ``progress(f)`` takes the chunk's
    finished fraction.  ``key_parts`` identify the call for
    the checkpoint (everything the samples depend on).  Returns the merged statistics,
    identical on every rank and identical to one process running all chunks.
    """
    from verify.harness import resume

    sizes = chunk_sizes(replicas, chunk)
    rank, world = world_info()
    task = resume.task(name, *key_parts, tuple(sizes), world, rank)
    _check_restored(name, task, sizes)
    if task.result is not None:
        mine = task.result
    else:
        mine = dict(task.chunks)
        my_ks = [k for k in range(len(sizes)) if k % world == rank]
        total = sum(sizes[k] for k in my_ks) or 1
        done = sum(sizes[k] for k in my_ks if k in mine)
        for k in my_ks:
            if k in mine:
                continue
            partial = task.partial if (task.partial or {}).get("chunk") == k else None

            def poll(state_fn, _k=k):
                task.poll(lambda: {**state_fn(), "chunk": _k})

            def chunk_progress(f, _done=done, _r=sizes[k]):
                if progress is not None:
                    progress((_done + f * _r) / total)

            samples = run_chunk(k, sizes[k], partial, poll, chunk_progress)
            states = []
            for x in samples:
                x = np.asarray(x, dtype=np.float64)
                st = StreamStats(tuple(x.shape[1:]))
                st.update(x)
                states.append(st.state())
            mine[k] = states
            task.chunk_done(k, states)
            done += sizes[k]
        task.finish(mine)
    if progress is not None:
        progress(1.0)
    return merge_chunk_states(gather_chunk_states(mine), len(sizes))


def _check_restored(name: str, task: Any, sizes: list[int]) -> None:
    """Refuse restored per-chunk statistics whose chunk numbers or counts do not fit this call."""
    from verify.core.errors import InputError

    restored = dict(task.chunks)
    if task.result is not None:
        if not isinstance(task.result, dict):
            raise InputError(f"checkpoint: finished task {name} holds no per-chunk table; refused before resuming "
                             "(file left in place: delete it to start over)")
        restored.update(task.result)
    for k, states in restored.items():
        bad = not (isinstance(k, int) and 0 <= k < len(sizes)) or not isinstance(states, list) or not states \
            or any(not isinstance(st, dict) or st.get("n") != sizes[k] for st in states)
        if bad:
            raise InputError(f"checkpoint: task {name} chunk {k!r} does not hold statistics of "
                             f"{sizes[k] if isinstance(k, int) and 0 <= k < len(sizes) else '?'} replicas; "
                             "refused before resuming (file left in place: delete it to start over)")


# ---------------------------------------------------------------------------- command line
def _init(device: str) -> tuple[str, str]:
    import torch
    import torch.distributed as dist

    from verify.harness import resolve_device

    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        raise ValueError("not started by torchrun (RANK / WORLD_SIZE unset); use "
                         "'torchrun --nproc-per-node N -m verify.harness.distributed ...'")
    dev = resolve_device(device)
    if dev.startswith("cuda"):
        local = int(os.environ.get("LOCAL_RANK", 0))
        dev = f"cuda:{local}"
        torch.cuda.set_device(local)
        backend = "nccl"
    else:
        backend = "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend)
    return dev, backend


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m verify.harness.distributed",
                                description="batchproof harness with replicas sharded across torchrun ranks")
    p.add_argument("--topic", help="only this topic (default: all)")
    p.add_argument("--device", default="auto", help="auto (cuda if available), cpu, cuda")
    p.add_argument("--replicas", type=int, help="replica count (default per experiment)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--alpha", type=float, default=0.01)
    p.add_argument("--out", default=None, help="results folder (default ./results)")
    p.add_argument("--chunk", type=int, default=None,
                   help="replicas per chunk (fix it to make results independent of the world size)")
    p.add_argument("--resume", action="store_true", help="checkpoint per rank on SIGINT/SIGTERM; rerun resumes")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    import tempfile

    from verify.harness import HarnessConfig, experiment_topics, run_topic
    from verify.harness.resume import Interrupted, run_topic_resumable
    from verify.core.results import RESULTS_DIR, read_json, write_json

    args = build_parser().parse_args(argv)
    try:
        if args.replicas is not None and args.replicas < 2:
            raise ValueError("--replicas must be >= 2")
        if not 0 < args.alpha < 1:
            raise ValueError("--alpha must be in (0, 1)")
        if args.seed < 0:
            raise ValueError("--seed must be >= 0")
        topics = [args.topic] if args.topic else experiment_topics()
        for t in topics:
            if t not in experiment_topics():
                raise ValueError(f"unknown topic {t!r} (known: {', '.join(experiment_topics())})")
        dev, backend = _init(args.device)
        set_default_chunk(args.chunk)
    except ValueError as e:
        print(f"verify.harness.distributed: error: {e}", file=sys.stderr)
        return 2
    import torch.distributed as dist

    rank, world = world_info()
    cfg = HarnessConfig(device=dev, replicas=args.replicas, quick=args.quick, seed=args.seed, alpha=args.alpha)
    out_dir = Path(args.out) if args.out else RESULTS_DIR
    ok = True
    try:
        for t in topics:
            t0 = time.perf_counter()
            # every rank runs the experiment (the kernels shard and gather); rank 0 writes
            target = out_dir if rank == 0 else Path(tempfile.mkdtemp(prefix=f"bp_rank{rank}_"))
            if args.resume:
                rep = run_topic_resumable(t, cfg, target, checkpoint=None)
            else:
                rep = run_topic(t, cfg, target)
            dist.barrier()
            if rank == 0:
                path = out_dir / f"harness_{t}.json"
                data = read_json(path)
                data["provenance"]["distributed"] = {
                    "world_size": world, "backend": backend, "chunk": args.chunk,
                    "seed_streams": "chunk k uses seed + k; rank r computes chunks k = r mod world",
                    "merge": "all-gather of per-chunk streaming sums, merged in chunk order",
                }
                write_json(path, data)
                d = rep["decision"]
                print(f"{t}: {'passed' if d['passed'] else 'FAILED'} — {d['n_comparisons']} comparisons, "
                      f"{d['n_rejected']} rejected; {world} ranks ({backend}); "
                      f"{time.perf_counter() - t0:.1f} s -> {path}", flush=True)
            ok &= bool(rep["decision"]["passed"])
    except Interrupted as e:
        print(f"rank {rank}: {e}", file=sys.stderr)
        return 130
    except ValueError as e:
        print(f"verify.harness.distributed: error: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    # run the canonical module's main, so that set_default_chunk reaches the kernels
    # (``python -m`` executes this file as ``__main__``, a second copy of its globals)
    from verify.harness.distributed import main as _main

    sys.exit(_main())
