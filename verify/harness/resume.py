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

**Integrity.** A checkpoint file is ``MAGIC``, one JSON header line (``schema``: the
format version, ``sha256`` and ``bytes`` of the payload) and the payload (``torch.save``
of plain data and tensors).  Before anything resumes, :class:`Session` checks, in this
order: the magic and header, the schema version, the payload length and its SHA-256 (a
flipped bit or a truncated file is refused here), then the payload's structure
(:func:`validate_payload`: every finished chunk's streaming statistics have the shapes
they declare, every in-flight state has a non-negative integer step counter, a chunk
number and a generator state of the right type), and the fingerprint.  The kernels then
check the in-flight state against the call before continuing from it
(:func:`check_partial`: the step counter against the horizon and the recording times,
every tensor's shape against the replica share).  Each refusal is an
:class:`~verify.core.errors.InputError` of one line (exit 2 from the CLI) and leaves the
checkpoint where it is.

Typical use (what ``batchproof harness --resume`` does; the runner lives in
:mod:`verify.harness.distributed`, above this module, so that the layers stay acyclic)::

    from verify.harness.distributed import run_topic_resumable
    report = run_topic_resumable("interpolation", cfg)   # rerun the same line to resume
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
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
    "check_partial",
    "checkpoint_path",
    "current",
    "fingerprint",
    "task",
    "validate_payload",
]

_FORMAT = 2  # schema version of the checkpoint file (1: bare torch.save, no checksum)
MAGIC = b"BATCHPROOF-CHECKPOINT\n"


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
            if data.get("fingerprint") != fp:
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
            buf = io.BytesIO()
            torch.save(data, buf)
            payload = buf.getvalue()
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(encode(payload))
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


def encode(payload: bytes) -> bytes:
    """The checkpoint file for ``payload``: magic, header line (schema, length, SHA-256), payload."""
    head = {"schema": _FORMAT, "bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
    return MAGIC + json.dumps(head, sort_keys=True).encode() + b"\n" + payload


def _refuse(path: Path, why: str) -> InputError:
    return InputError(f"checkpoint {path} {why}; refused before resuming (file left in place: "
                      "delete it to start over)")


def _load(path: Path) -> dict[str, Any]:
    """Read, verify (schema, length, checksum, structure) and return a checkpoint's payload."""
    import torch

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise _refuse(path, f"is unreadable ({type(e).__name__})") from None
    if not raw.startswith(MAGIC):
        raise _refuse(path, "is unreadable (not a batchproof checkpoint, or one from before schema "
                            f"{_FORMAT} without a checksum)")
    rest = raw[len(MAGIC):]
    nl = rest.find(b"\n")
    try:
        head = json.loads(rest[:nl].decode("ascii")) if nl >= 0 else None
    except (UnicodeDecodeError, ValueError):
        head = None
    if not isinstance(head, dict) or not isinstance(head.get("bytes"), int) \
            or not isinstance(head.get("sha256"), str):
        raise _refuse(path, "is unreadable (corrupt header)")
    if head.get("schema") != _FORMAT:
        raise _refuse(path, f"has schema {head.get('schema')!r}, this version reads schema {_FORMAT}")
    payload = rest[nl + 1:]
    if len(payload) != head["bytes"]:
        raise _refuse(path, f"is truncated or padded ({len(payload)} payload bytes, header says "
                            f"{head['bytes']})")
    if hashlib.sha256(payload).hexdigest() != head["sha256"]:
        raise _refuse(path, "fails its SHA-256 checksum (corrupted: a changed bit or byte)")
    try:
        data = torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    except Exception as e:  # checksummed but not loadable: written by something else
        raise _refuse(path, f"is unreadable ({type(e).__name__})") from None
    problem = validate_payload(data)
    if problem:
        raise _refuse(path, f"is inconsistent ({problem})")
    return data


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _stream_state_problem(st: Any) -> str | None:
    """Why ``st`` is not a valid :meth:`StreamStats.state`, or ``None``."""
    if not isinstance(st, dict):
        return "a streaming statistic is not a dict"
    shape = st.get("shape")
    if not isinstance(shape, list) or not all(_is_int(a) and a >= 0 for a in shape):
        return f"a streaming statistic has shape {shape!r}"
    if not _is_int(st.get("n")) or st["n"] < 0:
        return f"a streaming statistic has count n = {st.get('n')!r}"
    for key in ("s1", "s2", "s3", "mx", "mn") + (() if st.get("shift") is None else ("shift",)):
        if key not in st and key in ("s3", "mx", "mn"):
            continue
        try:
            a = np.asarray(st[key], dtype=np.float64)
        except (KeyError, TypeError, ValueError):
            return f"a streaming statistic's {key} is missing or not numeric"
        if a.shape != tuple(shape):
            return f"a streaming statistic's {key} has shape {a.shape}, it declares {tuple(shape)}"
    return None


def _walk_stream_states(x: Any) -> Iterator[Any]:
    if isinstance(x, dict) and "s1" in x and "shape" in x:
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from _walk_stream_states(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _walk_stream_states(v)


def validate_payload(data: Any) -> str | None:
    """Structural check of a loaded checkpoint payload: why it cannot be resumed, or ``None``."""
    import torch

    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return "payload is not a schema-%d checkpoint" % _FORMAT
    if not isinstance(data.get("fingerprint"), str) or not isinstance(data.get("tasks"), dict):
        return "fingerprint or task table missing"
    if not _is_int(data.get("interruptions")) or data["interruptions"] < 0:
        return f"interruption counter {data.get('interruptions')!r}"
    for key, t in data["tasks"].items():
        if not isinstance(key, str) or not isinstance(t, dict) or not isinstance(t.get("chunks"), dict):
            return f"task {key!r} malformed"
        if not all(_is_int(k) and k >= 0 for k in t["chunks"]):
            return f"task {key!r} has a chunk number that is not an integer >= 0"
        for st in _walk_stream_states([t["chunks"], t.get("result")]):
            why = _stream_state_problem(st)
            if why:
                return f"task {key!r}: {why}"
        p = t.get("partial")
        if p is None:
            continue
        if not isinstance(p, dict):
            return f"task {key!r}: in-flight state is not a dict"
        for c in ("t", "j", "chunk"):
            if not _is_int(p.get(c)) or p[c] < 0:
                return f"task {key!r}: in-flight step counter {c} = {p.get(c)!r}"
        if p["j"] > p["t"] + 1:
            return f"task {key!r}: {p['j']} recordings by step {p['t']}"
        if p["chunk"] in t["chunks"]:
            return f"task {key!r}: chunk {p['chunk']} is both finished and in flight"
        g = p.get("gen")
        if g is not None and not (isinstance(g, torch.Tensor) and g.dtype == torch.uint8 and g.dim() == 1):
            return f"task {key!r}: generator state is not a byte tensor"
    return None


def check_partial(partial: dict[str, Any], *, T: int, times: Any, shapes: dict[str, tuple[int, ...]],
                  where: str = "checkpoint") -> None:
    """Check an in-flight state against the kernel call that resumes it (before continuing).

    ``T``: the last step; ``times``: the recording times; ``shapes``: expected shape of each
    tensor entry (``state.<name>`` for entries of a ``state`` dict; a missing entry or a
    shape that differs is refused).  The step counter ``t`` must lie in ``[0, T]`` and the
    recording index ``j`` must equal the number of recording times before ``t``.
    """
    import torch

    times = np.asarray(times)
    t, j = partial.get("t"), partial.get("j")
    if not (_is_int(t) and 0 <= t <= T):
        raise InputError(f"{where}: in-flight step counter t = {t!r} outside [0, {T}]; refused before "
                         "resuming (file left in place: delete it to start over)")
    expected_j = int(np.searchsorted(times, t, side="left"))
    if j != expected_j:
        raise InputError(f"{where}: in-flight state at step {t} has {j!r} recordings, the schedule gives "
                         f"{expected_j}; refused before resuming (file left in place: delete it to start over)")
    for name, shp in shapes.items():
        obj: Any = partial
        for part in name.split("."):
            obj = obj.get(part) if isinstance(obj, dict) else None
        if not isinstance(obj, torch.Tensor) or tuple(obj.shape) != tuple(shp) or obj.dtype != torch.float64:
            got = tuple(obj.shape) if isinstance(obj, torch.Tensor) else type(obj).__name__
            raise InputError(f"{where}: in-flight tensor {name} is {got}, the call needs float64 {tuple(shp)}; "
                             "refused before resuming (file left in place: delete it to start over)")


def restore_generator(gen: Any, state: Any, where: str = "checkpoint") -> None:
    """``gen.set_state(state)``, refusing a state that does not fit the generator."""
    try:
        gen.set_state(state)
    except (RuntimeError, TypeError, ValueError) as e:
        raise InputError(f"{where}: generator state does not fit ({str(e).splitlines()[0][:80]}); refused "
                         "before resuming (file left in place: delete it to start over)") from None


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
