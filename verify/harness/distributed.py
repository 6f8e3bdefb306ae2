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
    "SHARDING",
    "chunk_sizes",
    "default_replicas",
    "merge_topic_reports",
    "run_topic_chunks",
    "run_topic_resumable",
    "run_topic_scaled",
    "topic_shares",
    "gather_chunk_states",
    "main",
    "merge_chunk_states",
    "run_chunked",
    "set_default_chunk",
    "world_info",
]

_DEFAULT_CHUNK: int | None = None
_LOCAL = 0  # > 0 inside a topic chunk: kernels run unsharded (the chunk is already one rank's share)


def _world() -> tuple[int, int]:
    return (0, 1) if _LOCAL else world_info()


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
        _, world = _world()
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
    rank, world = _world()
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
    rank, world = _world()
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


# ---------------------------------------------------------------------------- topic chunks
#: How each harness topic reaches the scale path.  "kernels": every replica of the topic's
#: experiment runs through :func:`run_chunked` (bit-identical to one process at the same
#: chunk size); "chunks": the generic layer below (the experiment is run once per replica
#: share, each with its own seed, and the comparisons pooled).  A topic not listed uses
#: "chunks" (always valid; "kernels" is a claim about the topic's code, tested in
#: tests/test_distributed_topics.py).
SHARDING: dict[str, str] = {"interpolation": "kernels", "meansquare": "kernels", "variance": "chunks",
                            "diversity": "chunks", "volterra": "chunks", "stationary": "chunks"}

#: Seed of topic chunk k: ``seed + k * SEED_STRIDE``.  A multiple of 2^32, so that a topic
#: that draws its *problem instance* from ``seed % 2**31`` or ``seed % 2**32`` tests the
#: same instance in every chunk, while every Monte-Carlo stream (``seed + offset``) differs.
SEED_STRIDE = 1 << 40

#: Replica shares of a resumable run of a "chunks" topic without --chunk (the checkpoint's
#: granularity: an interrupted run loses at most the share in flight).  One: each share's
#: experiment fixes its test plan from its own replica count, so splitting a run would plan
#: (and test) less than the single run the user asked for; ``--chunk`` splits on request.
RESUME_SHARES = 1


def default_replicas(topic: str, cfg: Any) -> int:
    """The replica count ``cfg.replicas`` stands for when it is ``None``.

    Read from the topic's ``montecarlo.default_replicas(cfg)``, the one place each topic
    states its default.
    """
    from verify.core import topics as T

    if cfg.replicas is not None:
        return int(cfg.replicas)
    mod = T.part(topic, "montecarlo")
    hook = getattr(mod, "default_replicas", None)
    if not callable(hook):
        raise ValueError(f"topic {topic!r} has no default replica count (montecarlo.default_replicas): "
                         "give --replicas")
    return int(hook(cfg))


def topic_shares(topic: str, cfg: Any, resumable: bool = False) -> list[int]:
    """Replica shares of a "chunks" topic: ``--chunk`` replicas each when set; else one share per
    rank under torch.distributed; else :data:`RESUME_SHARES` for a resumable run; else one."""
    from verify.core.errors import InputError

    R = default_replicas(topic, cfg)
    _, world = _world()
    if _DEFAULT_CHUNK is not None:
        shares = chunk_sizes(R, _DEFAULT_CHUNK)
    elif world > 1:
        shares = chunk_sizes(R, math.ceil(R / world))
    elif resumable:
        shares = chunk_sizes(R, math.ceil(R / min(RESUME_SHARES, max(R // 2, 1))))
    else:
        shares = [R]
    if len(shares) > 1 and min(shares) < 2:
        raise InputError(f"topic {topic}: {R} replicas in shares {shares[:4]}... leave a share below 2 replicas; "
                         "give more replicas or a larger --chunk")
    return shares


def _plain(x: Any) -> Any:
    """Plain-data copy for the checkpoint and the gather: dicts (str keys), lists, str, int,
    float (NaN and infinities kept as floats), bool, None; numpy scalars and arrays unwrapped;
    anything else as its ``str``."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (bool, int, float, str)) or x is None:
        return x
    if isinstance(x, np.generic):
        return _plain(x.item())
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    return str(x)


def merge_topic_reports(reports: Sequence[dict[str, Any]], shares: Sequence[int]) -> dict[str, Any]:
    r"""Pool the reports of ``S`` independent runs of one experiment (replica shares ``n_k``).

    A comparison present (by name) in every run is pooled with weights ``w_k = n_k / N``:
    estimate ``Σ w_k est_k``, prediction ``Σ w_k pred_k`` (each run's prediction; equal when
    the runs share the problem instance), standard error ``sqrt(Σ w_k² se_k²)`` — exact for
    independent runs, and for an estimator that is a mean over replicas it equals the
    pooled sample mean.  For a nonlinear estimator (a ratio) each run contributes its own
    O(1/n_k) bias, so the pooled bias is O(S/N), negligible against the O(1/sqrt N)
    standard error while ``S << sqrt(N)``.  The z-test is then of the pooled difference,
    valid for "equal" and one-sided "upper" comparisons alike.  A comparison that any run
    reported unresolved (an ``unresolved`` entry of the same name) or lacks is reported
    unresolved, with the runs in which it was; other unresolved entries and unresolved
    failures are the union, tagged with their runs.  Everything else in the report is
    run 0's, as it is (its figures, settings, timings), under ``sharding.extras_from``.
    """
    S = len(reports)
    if S == 1:
        return dict(reports[0])
    N = float(sum(shares))
    w = [n / N for n in shares]

    def keyed(items):
        out, seen = {}, {}
        for c in items:
            nm = c["name"]
            seen[nm] = seen.get(nm, 0) + 1
            out[nm if seen[nm] == 1 else f"{nm} #{seen[nm]}"] = c
        return out

    comps = [keyed(r.get("comparisons", [])) for r in reports]
    unres_names: dict[str, list[int]] = {}
    unresolved: dict[str, dict[str, Any]] = {}
    import json

    for k, r in enumerate(reports):
        for u in r.get("unresolved", []):
            key = u.get("name") if isinstance(u, dict) and u.get("name") else json.dumps(u, sort_keys=True, default=str)
            if isinstance(u, dict) and u.get("name"):
                unres_names.setdefault(u["name"], []).append(k)
            if key in unresolved:
                unresolved[key]["runs"].append(k)
            else:
                unresolved[key] = {**(u if isinstance(u, dict) else {"value": u}), "runs": [k]}
    order = list(comps[0]) + [n for c in comps[1:] for n in c if n not in comps[0]]
    merged = []
    for nm in order:
        present = [k for k in range(S) if nm in comps[k]]
        base = comps[present[0]][nm]
        if len(present) < S or nm in unres_names:
            if nm not in unresolved:
                unresolved[nm] = {"name": nm, "claim": base.get("claim"), "runs": sorted(set(unres_names.get(nm, [])))}
            unresolved[nm]["reason_pooled"] = (
                f"not pooled: tested in runs {present} of {S}, unresolved in {sorted(set(unres_names.get(nm, [])))}")
            continue
        cs = [comps[k][nm] for k in range(S)]
        kinds = {c.get("kind", "equal") for c in cs}
        claims = {c.get("claim") for c in cs}
        if len(kinds) != 1 or len(claims) != 1:
            raise ValueError(f"comparison {nm!r} differs between runs in kind or claim: {kinds}, {claims}")
        preds = [float(c["predicted"]) for c in cs]
        out = {k: v for k, v in base.items() if k not in ("z", "p", "rejected")}
        out["estimate"] = float(sum(wk * float(c["estimate"]) for wk, c in zip(w, cs)))
        out["predicted"] = preds[0] if all(p == preds[0] for p in preds) else float(sum(wk * p for wk, p in zip(w, preds)))
        out["sem"] = float(math.sqrt(sum((wk * float(c["sem"])) ** 2 for wk, c in zip(w, cs))))
        if all(isinstance(c.get("replicas"), int) for c in cs):
            out["replicas"] = int(sum(c["replicas"] for c in cs))
        out["pooled_runs"] = S
        merged.append(out)
    rep = {k: v for k, v in reports[0].items() if k not in ("comparisons", "unresolved", "unresolved_failures")}
    rep["comparisons"] = merged
    rep["unresolved"] = list(unresolved.values())
    fails = [{**f, "run": k} for k, r in enumerate(reports) for f in (r.get("unresolved_failures") or [])]
    if fails or any("unresolved_failures" in r for r in reports):
        rep["unresolved_failures"] = fails
    if isinstance(rep.get("replicas"), int):
        rep["replicas"] = int(sum(shares))
    if all(isinstance(r.get("plan"), list) for r in reports):
        # each share planned at its own replica count: the pooled plan tests what every share tested
        tested = {c["name"] for c in merged}
        plan = []
        for e in reports[0]["plan"]:
            e = dict(e)
            if e.get("status") == "tested" and e.get("name") not in tested:
                e["status"] = "not tested"
                e["reason"] = "not tested in every replica share (each share plans at its own replica count)"
            plan.append(e)
        rep["plan"] = plan
    return rep


def _decide(topic: str, report: dict[str, Any], cfg: Any) -> dict[str, Any]:
    """``verify.harness.decide`` when it exists; else Holm exactly as ``run_topic`` applies it."""
    import verify.harness as H

    if callable(getattr(H, "decide", None)):
        return H.decide(topic, report, cfg)
    from verify.harness.stats import Comparison, holm

    comps = [Comparison(**{k: c[k] for k in ("name", "estimate", "sem", "predicted", "kind")},
                        meta={k: v for k, v in c.items() if k not in
                              ("name", "estimate", "sem", "predicted", "kind", "z", "p")})
             for c in report.get("comparisons", [])]
    H._check_claim_ids(topic, comps, report.get("unresolved", []))
    rejected = holm(comps, cfg.alpha)
    report["comparisons"] = [{**c.to_json(), "rejected": r} for c, r in zip(comps, rejected)]
    report["decision"] = {
        "method": "Holm step-down over two-sided / one-sided z-tests",
        "family_wise_alpha": cfg.alpha,
        "n_comparisons": len(comps),
        "n_rejected": int(sum(rejected)),
        "passed": not any(rejected) and not report.get("unresolved_failures"),
    }
    return report


def run_topic_chunks(topic: str, cfg: Any, shares: Sequence[int],
                     progress: Callable[[str, float], None] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run a topic's experiment once per replica share and pool (undecided report, sharding record).

    Run ``k`` uses ``replicas = shares[k]`` and ``seed = cfg.seed + k * SEED_STRIDE``; under
    torch.distributed rank ``r`` runs the shares ``k ≡ r (mod W)`` (its kernels unsharded),
    the reports are all-gathered and every rank pools them in run order, so the pooled
    report depends on the shares, never on the number of ranks.  Inside a resume session
    every finished run's report is checkpointed (an interruption loses the run in flight).
    """
    from dataclasses import replace

    from verify.core import topics as T
    from verify.core.errors import InputError
    from verify.harness import resume

    global _LOCAL
    mod = T.part(topic, "montecarlo")
    shares = [int(n) for n in shares]
    S = len(shares)
    rank, world = _world()
    conf = sorted((k, v) for k, v in vars(cfg).items())
    task = resume.task("topic_chunks", topic, conf, tuple(shares), world, rank)
    s = resume.current()
    if s is not None:
        s.active = None  # the experiment never polls: a signal saves the finished runs and stops at once
    done: dict[int, Any] = dict(task.result if task.result is not None else task.chunks)
    for k, r in done.items():
        if not (isinstance(k, int) and 0 <= k < S and isinstance(r, dict) and isinstance(r.get("comparisons"), list)):
            raise InputError(f"checkpoint: topic {topic} run {k!r} holds no report of this split; refused before "
                             "resuming (file left in place: delete it to start over)")
    mine = [k for k in range(S) if k % world == rank]
    prog = progress or (lambda msg, f: None)
    if task.result is None:
        n_done = sum(1 for k in mine if k in done)
        for k in mine:
            if k in done:
                continue
            sub = replace(cfg, replicas=shares[k], seed=int(cfg.seed) + k * SEED_STRIDE)

            def p(msg, f, _i=n_done, _k=k):
                prog(f"run {_k + 1}/{S}: {msg}" if S > 1 else msg, (_i + f) / max(len(mine), 1))
            _LOCAL += 1
            try:
                rep = _plain(mod.run(sub, p))
            finally:
                _LOCAL -= 1
            done[k] = rep
            task.chunk_done(k, rep)
            n_done += 1
        task.finish({k: done[k] for k in mine})
        if s is not None:
            s.active = None
    reports = gather_chunk_states({k: done[k] for k in mine}) if world > 1 else done
    missing = [k for k in range(S) if k not in reports]
    if missing:
        raise RuntimeError(f"topic {topic}: runs {missing[:5]} missing after the gather")
    pooled = merge_topic_reports([reports[k] for k in range(S)], shares) if S > 1 else dict(reports[0])
    record = {"topic": topic, "how": "chunks", "runs": S, "replica_shares": shares,
              "seeds": f"run k: seed + k * 2^40 (seed {cfg.seed})", "ranks": world,
              "pooling": "weights n_k/N: estimate and prediction pooled, se = sqrt(sum w_k^2 se_k^2); a value "
                         "unresolved in any run is unresolved", "extras_from": "run 0"}
    if S > 1:
        pooled["sharding"] = record
    return pooled, record


def sharding_record(topic: str, cfg: Any, chunk: int | None = None) -> dict[str, Any]:
    """What the provenance says about a "kernels" topic's sharding."""
    _, world = _world()
    return {"topic": topic, "how": "kernels", "ranks": world, "chunk": chunk if chunk is not None else _DEFAULT_CHUNK,
            "seeds": "every kernel call: replica chunk k uses seed + k (per setting offsets as documented)",
            "merge": "all-gather of per-chunk streaming sums, merged in chunk order (bit-identical to one process "
                     "at the same chunk size)"}


def run_topic_scaled(topic: str, cfg: Any, out_dir: Any = None,
                     progress: Callable[[str, float], None] | None = None,
                     resumable: bool = False) -> dict[str, Any]:
    """``run_topic`` on the scale path, for every topic.

    A "kernels" topic (:data:`SHARDING`) is ``run_topic`` itself (its kernels shard and resume);
    a "chunks" topic is run in :func:`topic_shares` replica shares by :func:`run_topic_chunks`,
    decided by ``verify.harness.decide`` (or Holm as ``run_topic`` applies it) and written to
    ``<out>/harness_<topic>.json``.  ``provenance.sharding`` says which, and how.
    """
    import time as _time
    from dataclasses import asdict

    from verify.core.errors import InputError
    from verify.core.results import RESULTS_DIR, provenance, write_json
    from verify.harness import HarnessConfig, _device_info, experiment_topics, resolve_device, run_topic

    if topic not in experiment_topics():
        raise InputError(f"unknown harness topic {topic!r}; known: {', '.join(experiment_topics())}")
    how = SHARDING.get(topic, "chunks")
    if how == "chunks" and cfg.replicas is None:
        try:
            default_replicas(topic, cfg)
        except ValueError:
            how = "none"  # an unlisted topic with no known default: run as is, say so
    if how in ("kernels", "none"):
        rep = run_topic(topic, cfg, out_dir, progress)
        rep["provenance"]["sharding"] = sharding_record(topic, cfg) if how == "kernels" else {
            "topic": topic, "how": "none", "why": "not in SHARDING and no default replica count: one run, "
            "sharded and resumable only where its code uses the kernels"}
        _rewrite(rep, out_dir, topic)
        return rep
    device = resolve_device(cfg.device)
    cfg = HarnessConfig(**{**asdict(cfg), "device": device})
    shares = topic_shares(topic, cfg, resumable)
    t0 = _time.perf_counter()
    report, record = run_topic_chunks(topic, cfg, shares, progress)
    wall = _time.perf_counter() - t0
    report = _decide(topic, report, cfg)
    report["provenance"] = provenance(topic=topic, config=asdict(cfg), wall_seconds=round(wall, 3),
                                      sharding=record, **_device_info(device))
    out = Path(out_dir or RESULTS_DIR) / f"harness_{topic}.json"
    out.parent.mkdir(exist_ok=True)
    write_json(out, report)
    report["path"] = str(out)
    return report


def _rewrite(rep: dict[str, Any], out_dir: Any, topic: str) -> None:
    from verify.core.results import RESULTS_DIR, write_json

    out = Path(out_dir or RESULTS_DIR) / f"harness_{topic}.json"
    if Path(rep.get("path", out)) == out:
        write_json(out, {k: v for k, v in rep.items() if k != "path"})


def run_topic_resumable(topic: str, cfg, out_dir: str | os.PathLike | None = None,
                        progress: Callable[[str, float], None] | None = None,
                        checkpoint: str | os.PathLike | None = None,
                        save_every_s: float | None = 60.0) -> dict[str, Any]:
    """:func:`verify.harness.distributed.run_topic_scaled` inside a resume session.

    Every topic resumes: a "kernels" topic from the exact step of the replica chunk in
    flight, a "chunks" topic from its last finished replica share (``--chunk`` replicas,
    or :data:`RESUME_SHARES` shares).

    Interrupted by SIGINT/SIGTERM it raises :class:`Interrupted` after saving; called again
    with the same arguments it resumes and, on completion, removes the checkpoint.  The
    results JSON gains ``provenance.resume`` (whether state was restored, how many
    interruptions the run survived).
    """
    from dataclasses import asdict

    from verify.harness import resolve_device
    from verify.harness.resume import Session, checkpoint_path, fingerprint
    from verify.core.results import RESULTS_DIR, write_json

    rank, world = world_info()
    path = Path(checkpoint) if checkpoint else checkpoint_path(topic, out_dir, rank, world)
    conf = {**asdict(cfg), "device": resolve_device(cfg.device)}
    fp = fingerprint("harness", topic, sorted(conf.items()), world, rank)
    with Session(path, fp, save_every_s) as s:
        report = run_topic_scaled(topic, cfg, out_dir, progress, resumable=True)
        resumed, interruptions = s.resumed, s.interruptions
    s.finish()
    report["provenance"]["resume"] = {"resumed": resumed, "interruptions": interruptions}
    out = Path(out_dir or RESULTS_DIR) / f"harness_{topic}.json"
    if rank == 0 and Path(report.get("path", out)) == out:
        write_json(out, {k: v for k, v in report.items() if k != "path"})
    return report


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

    from verify.harness import HarnessConfig, experiment_topics
    from verify.harness.resume import Interrupted
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
                rep = run_topic_scaled(t, cfg, target)
            dist.barrier()
            if rank == 0:
                path = out_dir / f"harness_{t}.json"
                data = read_json(path)
                how = SHARDING.get(t, "chunks")
                data["provenance"]["distributed"] = {
                    "world_size": world, "backend": backend, "chunk": args.chunk, "sharded_by": how,
                    "seed_streams": ("every kernel call: replica chunk k uses seed + k; rank r computes chunks "
                                     "k = r mod world" if how == "kernels" else
                                     "run k of the experiment uses seed + k * 2^40 and its replica share; rank r "
                                     "computes runs k = r mod world"),
                    "merge": ("all-gather of per-chunk streaming sums, merged in chunk order" if how == "kernels"
                              else "all-gather of the runs' reports, pooled in run order (weights n_k/N), "
                                   "then decided"),
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
