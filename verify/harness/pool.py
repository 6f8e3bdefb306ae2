"""The topics of one harness run in worker processes.

On a CPU each topic's experiment is mostly small-tensor work that one thread drives about as
fast as several, so ``batchproof harness`` runs whole topics side by side, one per core (largest
first by the previous run's wall time), each worker with ``threads`` intra-op threads.  A
topic's result does not depend on which worker ran it or in what order (its seeds derive from
the run's seed and the topic alone).  Workers are *spawned* (not forked: torch's thread pools
do not survive a fork); their progress messages come back on a queue.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue as _queue
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

__all__ = ["run_topics_parallel", "timing_hints"]

_Q = None  # the worker's progress queue


def _init(threads: int, chunk: int | None, q) -> None:
    global _Q
    import torch

    from verify.harness.distributed import set_default_chunk

    torch.set_num_threads(int(threads))
    set_default_chunk(chunk)
    _Q = q


def _work(topic: str, cfg, out_dir: str | None, resume: bool) -> dict[str, Any]:
    from verify.harness import run_topic
    from verify.harness.distributed import run_topic_resumable

    runner = run_topic_resumable if resume else run_topic

    def progress(msg: str, frac: float) -> None:
        try:
            _Q.put_nowait((topic, str(msg), float(frac)))
        except Exception:  # noqa: BLE001 -- progress is a courtesy, never a failure
            pass

    return runner(topic, cfg, Path(out_dir) if out_dir else None, progress=progress)


def timing_hints(topics: list[str], out_dir: str | Path) -> dict[str, float]:
    """Wall seconds of each topic's previous result in ``out_dir`` (absent: none)."""
    hints = {}
    for t in topics:
        try:
            with open(Path(out_dir) / f"harness_{t}.json", encoding="utf-8") as f:
                hints[t] = float(json.load(f)["provenance"]["wall_seconds"])
        except Exception:  # noqa: BLE001 -- hints only order the work
            pass
    return hints


def run_topics_parallel(topics: list[str], cfg, out_dir: str | None, resume: bool, jobs: int, threads: int,
                        chunk: int | None, hints: dict[str, float],
                        on_start: Callable[[str], None], on_progress: Callable[[str, str, float], None],
                        on_done: Callable[[str, dict], None]) -> None:
    """Run ``topics`` in ``jobs`` spawned workers; ``on_done(topic, report)`` as each finishes
    (an exception in a worker is raised here, after the others are cancelled)."""
    # the longest first by the previous wall time; topics never timed go first, the one with
    # the most default replicas first (a proxy for their cost, only ordering the work)
    from verify.core import topics as T

    def key(t):
        if t in hints:
            return (1, -hints[t])
        try:
            return (0, -int(T.part(t, "montecarlo").default_replicas(cfg)))
        except Exception:  # noqa: BLE001
            return (0, 0)

    order = sorted(topics, key=key)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init,
                             initargs=(threads, chunk, q)) as ex:
        futs = {}
        for t in order:
            futs[ex.submit(_work, t, cfg, out_dir, resume)] = t
        started: set[str] = set()
        pending = set(futs)
        try:
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(q, started, on_start, on_progress)
                for f in done:
                    on_done(futs[f], f.result())
        except BaseException:
            for f in pending:
                f.cancel()
            raise
        _drain(q, started, on_start, on_progress)


def _drain(q, started: set, on_start, on_progress) -> None:
    while True:
        try:
            t, msg, frac = q.get_nowait()
        except (_queue.Empty, OSError, ValueError):
            return
        if t not in started:
            started.add(t)
            on_start(t)
        on_progress(t, msg, frac)
