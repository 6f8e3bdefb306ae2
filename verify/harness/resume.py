r"""Resumable harness runs: SIGINT / SIGTERM save the streaming state; a rerun resumes.

A :class:`Session` is a checkpoint file plus signal handlers.  Inside a session every
resumable kernel (:func:`verify.harness.sgd.lsq_sgd_moments`, the kernels of
:mod:`verify.harness.kernels`, and anything built on
:func:`verify.harness.distributed.run_chunked`) registers a *task* keyed by a hash of
its arguments.  A task's state is

* the streaming statistics (:class:`~verify.harness.stats.StreamStats` states) of every
  replica chunk it has finished, and
* for the chunk in flight, the replicas' tensors, the torch generator's state and the
  step counter,

so a resumed run continues from the exact step at which it stopped: replica chunk ``k``
always draws from the generator seeded with ``seed + k`` and the saved generator state
is restored bit for bit, hence the resumed statistics equal an uninterrupted run's
exactly (nothing lost, nothing counted twice).  Tasks that finished before the
interruption are not recomputed.

On SIGINT or SIGTERM the handler only sets a flag; the running kernel polls it once per
step, writes the checkpoint atomically (temporary file in the same folder, ``fsync``,
``os.replace``) and raises :class:`Interrupted` (a ``KeyboardInterrupt``, so a CLI that
already maps ``KeyboardInterrupt`` to exit code 130 needs no change).  Code that never
polls (an experiment that does not use the resumable kernels) is interrupted at once,
after the finished tasks have been saved.  A second SIGINT while a save is pending
interrupts immediately.

The checkpoint is bound to a *fingerprint* (topic, configuration, world size and rank):
resuming with different settings raises ``ValueError`` instead of mixing two runs.

Typical use (what ``batchproof harness --resume`` does)::

    from verify.harness.resume import run_topic_resumable
    report = run_topic_resumable("interpolation", cfg)   # rerun the same line to resume
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from verify.core.errors import InputError

__all__ = [
    "Interrupted",
    "Session",
    "Task",
    "checkpoint_path",
    "current",
    "fingerprint",
    "run_topic_resumable",
    "task",
]

_FORMAT = 1


class Interrupted(KeyboardInterrupt):
    """Raised after a signal once the checkpoint has been written."""

    def __init__(self, path: str | os.PathLike | None, signum: int | None):
        name = signal.Signals(signum).name if signum else "signal"
        super().__init__(f"{name}: state saved to {path}; rerun the same command to resume")
        self.path = None if path is None else Path(path)
        self.signum = signum


def fingerprint(*parts: Any) -> str:
    """A stable SHA-256 of ``parts`` (numpy arrays by dtype, shape and bytes; other values by ``repr``)."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            a = np.ascontiguousarray(p)
            h.update(f"nd{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        else:
            try:
                import torch

                if isinstance(p, torch.Tensor):
                    a = p.detach().cpu().contiguous().numpy()
                    h.update(f"t{a.dtype.str}{a.shape}".encode())
                    h.update(a.tobytes())
                    continue
            except ImportError:  # pragma: no cover
                pass
            h.update(repr(p).encode())
        h.update(b"\x1f")
    return h.hexdigest()


class Task:
    """One resumable kernel call inside a :class:`Session` (see :func:`task`).

    ``chunks``: finished replica chunks, ``{k: payload}`` (payloads are picklable plain
    data: lists, floats, ints, strings, tensors); ``partial``: the state of the chunk in
    flight or ``None``; ``result``: set once the whole call has finished.
    """

    def __init__(self, session: "Session | None", key: str, data: dict[str, Any] | None = None):
        self.session = session
        self.key = key
        data = data or {}
        self.chunks: dict[int, Any] = dict(data.get("chunks", {}))
        self.partial: dict[str, Any] | None = data.get("partial")
        self.result: Any = data.get("result")

    # -- polled by kernels -------------------------------------------------------------
    def poll(self, partial_state: Callable[[], dict[str, Any]]) -> None:
        """Call once per step. On a pending signal: save (with ``partial_state()``) and raise.

        Also saves periodically when the session has ``save_every_s``.
        """
        s = self.session
        if s is None:
            return
        if s.stop_signal is not None:
            self.partial = partial_state()
            s.save()
            raise Interrupted(s.path, s.stop_signal)
        if s.save_every_s is not None and time.monotonic() - s.last_save >= s.save_every_s:
            self.partial = partial_state()
            s.save()

    def chunk_done(self, k: int, payload: Any) -> None:
        self.chunks[int(k)] = payload
        self.partial = None
        if self.session is not None:
            self.session.maybe_save()

    def finish(self, result: Any) -> None:
        self.result = result
        self.chunks = {}
        self.partial = None
        if self.session is not None:
            self.session.active = None
            self.session.maybe_save()

    def to_data(self) -> dict[str, Any]:
        return {"chunks": self.chunks, "partial": self.partial, "result": self.result}


_CURRENT: "Session | None" = None


def current() -> "Session | None":
    """The active session, or ``None`` (resumability off)."""
    return _CURRENT


def task(name: str, *key_parts: Any) -> Task:
    """The task for one kernel call: restored from the checkpoint if the active session has it.

    Calls are keyed by ``(name, fingerprint(key_parts))`` and the number of earlier calls
    with the same key in this run, so a deterministic experiment maps each call to its
    own saved state.  Without an active session this returns a detached task (no-op).
    """
    s = _CURRENT
    if s is None:
        return Task(None, name)
    return s.task(name, fingerprint(name, *key_parts))


class Session:
    """A checkpoint file with signal handling; use as a context manager.

    ``path``: the checkpoint file (created on the first save, removed by :meth:`finish`);
    ``fp``: what the checkpoint is bound to (a mismatch raises ``ValueError``);
    ``save_every_s``: also save at most this often while running (``None``: only at
    signals); ``signals``: which signals trigger a save-and-stop.
    """

    def __init__(self, path: str | os.PathLike, fp: str, save_every_s: float | None = 60.0,
                 signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)):
        self.path = Path(path)
        self.fp = fp
        self.save_every_s = save_every_s
        self.signals = signals
        self.stop_signal: int | None = None
        self.active: Task | None = None
        self.tasks: dict[str, Task] = {}
        self._counts: dict[str, int] = {}
        self._saving = False
        self._old: dict[int, Any] = {}
        self.last_save = time.monotonic()
        self.interruptions = 0
        self.resumed = False
        self._stored: dict[str, Any] = {}
        if self.path.exists():
            data = _load(self.path)
            if data.get("format") != _FORMAT or data.get("fingerprint") != fp:
                raise InputError(
                    f"checkpoint {self.path} was written by a run with other settings "
                    "(topic, configuration, seed, replicas or world size); rerun with the same "
                    "settings or delete the file")
            self._stored = data.get("tasks", {})
            self.interruptions = int(data.get("interruptions", 0))
            self.resumed = True

    # -- tasks ---------------------------------------------------------------------------
    def task(self, name: str, h: str) -> Task:
        c = self._counts.get(h, 0)
        self._counts[h] = c + 1
        key = f"{name}:{h}#{c}"
        t = Task(self, key, self._stored.get(key))
        self.tasks[key] = t
        self.active = t if t.result is None else None
        return t

    # -- persistence ---------------------------------------------------------------------
    def maybe_save(self) -> None:
        if self.save_every_s is not None and time.monotonic() - self.last_save >= self.save_every_s:
            self.save()

    def save(self) -> None:
        """Write the checkpoint atomically (temporary file, fsync, rename)."""
        import torch

        self._saving = True
        try:
            tasks = dict(self._stored)
            tasks.update({k: t.to_data() for k, t in self.tasks.items()})
            data = {"format": _FORMAT, "fingerprint": self.fp, "tasks": tasks,
                    "interruptions": self.interruptions + (self.stop_signal is not None)}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    torch.save(data, f)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            self.last_save = time.monotonic()
        finally:
            self._saving = False

    def finish(self) -> None:
        """The run completed: remove the checkpoint."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    # -- signals -------------------------------------------------------------------------
    def _handler(self, signum, frame) -> None:
        if self.stop_signal is not None or self._saving and signum == signal.SIGINT:
            raise KeyboardInterrupt  # second signal: stop now (the last save stands)
        self.stop_signal = signum
        if self.active is None and not self._saving:
            # nobody polls right now: save the finished tasks and stop here
            self.save()
            raise Interrupted(self.path, signum)

    def __enter__(self) -> "Session":
        global _CURRENT
        if _CURRENT is not None:
            raise RuntimeError("a resume session is already active")
        _CURRENT = self
        if threading.current_thread() is threading.main_thread():
            for s in self.signals:
                self._old[s] = signal.signal(s, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        global _CURRENT
        for s, h in self._old.items():
            signal.signal(s, h)
        self._old.clear()
        _CURRENT = None


def _load(path: Path) -> dict[str, Any]:
    import torch

    try:
        with open(path, "rb") as f:
            return torch.load(f, map_location="cpu", weights_only=True)
    except Exception as e:  # a truncated or foreign file: say so, do not crash deep inside torch
        raise InputError(f"checkpoint {path} is unreadable ({type(e).__name__}); delete it to start over") from None


@contextlib.contextmanager
def session(path: str | os.PathLike, fp: str, save_every_s: float | None = 60.0) -> Iterator[Session]:
    """``with session(path, fp) as s: ...`` — removes the checkpoint when the body completes."""
    with Session(path, fp, save_every_s) as s:
        yield s
        s.finish()


def checkpoint_path(topic: str, out_dir: str | os.PathLike | None = None, rank: int = 0, world: int = 1) -> Path:
    """Where ``run_topic_resumable`` keeps its checkpoint: ``<results>/.harness_<topic>[.rank<r>of<w>].ckpt``."""
    from verify.core.results import RESULTS_DIR

    suffix = "" if world == 1 else f".rank{rank}of{world}"
    return Path(out_dir or RESULTS_DIR) / f".harness_{topic}{suffix}.ckpt"


def run_topic_resumable(topic: str, cfg, out_dir: str | os.PathLike | None = None,
                        progress: Callable[[str, float], None] | None = None,
                        checkpoint: str | os.PathLike | None = None,
                        save_every_s: float | None = 60.0) -> dict[str, Any]:
    """:func:`verify.harness.run_topic` inside a resume session.

    Interrupted by SIGINT/SIGTERM it raises :class:`Interrupted` after saving; called again
    with the same arguments it resumes and, on completion, removes the checkpoint.  The
    results JSON gains ``provenance.resume`` (whether state was restored, how many
    interruptions the run survived).
    """
    from dataclasses import asdict

    from verify.harness import resolve_device, run_topic, world_info
    from verify.core.results import RESULTS_DIR, write_json

    rank, world = world_info()
    path = Path(checkpoint) if checkpoint else checkpoint_path(topic, out_dir, rank, world)
    conf = {**asdict(cfg), "device": resolve_device(cfg.device)}
    fp = fingerprint("harness", topic, sorted(conf.items()), world, rank)
    with Session(path, fp, save_every_s) as s:
        report = run_topic(topic, cfg, out_dir, progress)
        resumed, interruptions = s.resumed, s.interruptions
    s.finish()
    report["provenance"]["resume"] = {"resumed": resumed, "interruptions": interruptions}
    out = Path(out_dir or RESULTS_DIR) / f"harness_{topic}.json"
    if rank == 0 and Path(report.get("path", out)) == out:
        write_json(out, {k: v for k, v in report.items() if k != "path"})
    return report
