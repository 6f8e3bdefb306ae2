"""Torch Monte-Carlo harness: batched replicas, streaming statistics, z-tests.

Experiments live in the topics, ``verify.topics.<topic>.montecarlo`` (each with
``run(cfg, progress) -> dict``).  The returned dict holds at least ``comparisons``
(a list of :class:`verify.harness.stats.Comparison` ``.to_json()`` dicts, each with a
``claim`` naming the registered claim it tests, as do ``unresolved`` entries) and a
``plan`` (every comparison it means to make, tested or not with the reason, fixed before
sampling: :func:`verify.harness.stats.plan_entry`); the runner adds the decision
(:func:`decide`: plan rule, Holm) and provenance, and writes
``results/harness_<topic>.json`` atomically.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from verify.core.errors import InputError


def decide(topic: str, report: dict[str, Any], cfg: "HarnessConfig") -> dict[str, Any]:
    """The pure decision of a topic's run: plan rule, Holm, ``"passed"``
    (:func:`verify.harness.stats.decide`; returns a new report, writes nothing)."""
    from verify.harness.stats import decide as _decide

    return _decide(topic, report, cfg)

__all__ = ["HarnessConfig", "decide", "experiment_topics", "resolve_device", "run_topic"]


@dataclass(frozen=True)
class HarnessConfig:
    """Settings shared by every experiment.

    ``replicas``: replica count (None: the experiment's default for its mode);
    ``quick``: the light variant (CPU, minutes); ``alpha``: family-wise level of the
    Holm-controlled z-tests.
    """

    device: str = "auto"
    replicas: int | None = None
    quick: bool = False
    seed: int = 20261125
    alpha: float = 0.01
    dtype: str = "float64"
    #: calibration only (``benchmarks/false_alarm.py``): every exact prediction is multiplied by
    #: this before the decision -- a planted error whose detection rate is the power
    plant_scale: float = 1.0


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"device {device!r} requested but CUDA is not available")
    if device != "cpu" and not device.startswith("cuda"):
        raise InputError(f"unknown device {device!r} (use auto, cpu or cuda[:N])")
    return device


def world_info() -> tuple[int, int]:
    """``(rank, world_size)``; ``(0, 1)`` unless torch.distributed is initialised."""
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover
        return 0, 1
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def experiment_topics() -> list[str]:
    """Topics with a Monte-Carlo experiment (``verify.topics.<topic>.montecarlo``)."""
    from verify.core import topics as T

    return T.names(with_part="montecarlo")


def run_topic(
    topic: str,
    cfg: HarnessConfig,
    out_dir: Path | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, Any]:
    """Run one topic's experiments, decide with Holm, write ``harness_<topic>.json``."""
    from verify.core.results import RESULTS_DIR, provenance, write_json

    if topic not in experiment_topics():
        raise InputError(f"unknown harness topic {topic!r}; known: {', '.join(experiment_topics())}")
    from verify.core import topics as T

    mod = T.part(topic, "montecarlo")
    device = resolve_device(cfg.device)
    cfg = HarnessConfig(**{**asdict(cfg), "device": device})
    t0 = time.perf_counter()
    report = mod.run(cfg, progress or (lambda msg, frac: None))
    wall = time.perf_counter() - t0
    _check_claim_ids(topic, report.get("comparisons", []), report.get("unresolved", []))
    report = decide(topic, report, cfg)
    report["provenance"] = provenance(
        topic=topic, config=asdict(cfg), wall_seconds=round(wall, 3), **_device_info(device)
    )
    out = Path(out_dir or RESULTS_DIR) / f"harness_{topic}.json"
    out.parent.mkdir(exist_ok=True)  # the results folder itself; its parent must exist
    write_json(out, report)
    report["path"] = str(out)
    return report


def _check_claim_ids(topic: str, comps: list, unresolved: list) -> None:
    """Every comparison (and unresolved value) names a registered claim of its topic."""
    from verify.core.claims import registry

    ids = {c.id for c in registry(topic)}
    for c in comps:
        cid = c.get("claim")
        if cid not in ids:
            raise ValueError(f"harness comparison {c.get('name')!r} of topic {topic!r} names no registered "
                             f"claim (claim={cid!r})")
    for u in unresolved:
        if isinstance(u, dict) and u.get("claim") not in ids:
            raise ValueError(f"unresolved value {u.get('name', u)!r} of topic {topic!r} names no "
                             f"registered claim (claim={u.get('claim')!r})")


def _device_info(device: str) -> dict[str, Any]:
    import torch

    info: dict[str, Any] = {"device": device, "torch_threads": torch.get_num_threads()}
    if device.startswith("cuda"):
        info["gpu"] = torch.cuda.get_device_name(torch.device(device))
    return info
