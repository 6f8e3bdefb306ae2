"""Checkpoint integrity: every corruption class is refused before resuming, in one line.

A checkpoint is written by a real interrupted kernel call (the session's stop flag is set
from the progress callback, exactly what the SIGINT handler does), then corrupted in one
way per test: a flipped bit (payload or header), a truncation, an old-schema file, and —
re-encoded with a *valid* checksum, as a buggy or hostile writer would — a wrong-shaped
tensor, a corrupt step counter, inconsistent finished statistics.  Each must raise
:class:`InputError` with a one-line message, leave the file byte-for-byte in place, and
never resume.  The untouched checkpoint must resume to the uninterrupted statistics.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from verify.core.errors import InputError
from verify.harness import resume as RS
from verify.harness.sgd import lsq_sgd_moments
from verify.topics.interpolation.engine import random_instance

ROOT = Path(__file__).resolve().parent.parent
X = random_instance(12, 4, 1.0, 3)
TIMES = np.array([0, 50, 100, 200])
FP = RS.fingerprint("integrity-test")


def _call(progress=None):
    return lsq_sgd_moments(X, np.ones(4), 0.4, 2, TIMES, 600, 9, chunk=200, progress=progress)


def _interrupted_checkpoint(path: Path) -> None:
    with RS.Session(path, FP, save_every_s=None) as s:
        def prog(f):
            if f > 0.5:  # mid-way through the chunks: the handler's flag, without a real signal
                s.stop_signal = signal.SIGINT
        with pytest.raises(RS.Interrupted):
            _call(prog)
    assert path.exists()


@pytest.fixture(scope="module")
def reference():
    d, l = _call()
    return d.state(), l.state()


@pytest.fixture()
def ckpt(tmp_path):
    p = tmp_path / "run.ckpt"
    _interrupted_checkpoint(p)
    return p


def _resume(path: Path):
    with RS.Session(path, FP, save_every_s=None):
        d, l = _call()
    return d.state(), l.state()


def _payload(path: Path) -> dict:
    return RS._load(path)


def _rewrite(path: Path, data: dict) -> None:
    """Re-encode a modified payload with a valid checksum (a writer that is wrong, not a flipped bit)."""
    buf = io.BytesIO()
    torch.save(data, buf)
    path.write_bytes(RS.encode(buf.getvalue()))


def _partial(data: dict) -> dict:
    parts = [t["partial"] for t in data["tasks"].values() if t["partial"] is not None]
    assert len(parts) == 1
    return parts[0]


def _refused(path: Path, match: str, during_call: bool = False) -> None:
    before = path.read_bytes()
    with pytest.raises(InputError, match=match) as e:
        if during_call:
            _resume(path)
        else:
            RS.Session(path, FP)
    msg = str(e.value)
    assert "\n" not in msg and "refused before resuming" in msg and "left in place" in msg
    assert path.read_bytes() == before  # the checkpoint is left where it is, untouched


def test_intact_checkpoint_resumes_to_the_uninterrupted_statistics(ckpt, reference):
    data = _payload(ckpt)
    assert data["format"] == RS._FORMAT and _partial(data)["t"] > 0
    assert _resume(ckpt) == reference


def test_header_carries_schema_length_and_checksum(ckpt):
    raw = ckpt.read_bytes()
    assert raw.startswith(RS.MAGIC)
    import hashlib
    import json

    head, payload = raw[len(RS.MAGIC):].split(b"\n", 1)
    head = json.loads(head)
    assert head == {"schema": RS._FORMAT, "bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}


@pytest.mark.parametrize("where", [0.25, 0.5, 0.9, -1])
def test_flipped_payload_bit_is_refused(ckpt, where):
    raw = bytearray(ckpt.read_bytes())
    i = len(raw) - 1 if where == -1 else int(len(raw) * where)
    i = max(i, raw.index(b"\n", len(RS.MAGIC)) + 1)  # inside the payload
    raw[i] ^= 0x10
    ckpt.write_bytes(bytes(raw))
    _refused(ckpt, "checksum")


def test_flipped_header_bit_is_refused(ckpt):
    raw = bytearray(ckpt.read_bytes())
    i = raw.index(b'"sha256": "', len(RS.MAGIC)) + 14
    raw[i] ^= 0x01
    ckpt.write_bytes(bytes(raw))
    _refused(ckpt, "checksum|corrupt header")


def test_truncated_and_foreign_files_are_refused(ckpt):
    raw = ckpt.read_bytes()
    ckpt.write_bytes(raw[:-100])
    _refused(ckpt, "truncated")
    ckpt.write_bytes(raw[: len(RS.MAGIC) + 5])
    _refused(ckpt, "corrupt header")
    buf = io.BytesIO()
    torch.save(_payload_from(raw), buf)  # a schema-1 file: bare torch.save, no checksum
    ckpt.write_bytes(buf.getvalue())
    _refused(ckpt, "unreadable")


def _payload_from(raw: bytes) -> dict:
    payload = raw[len(RS.MAGIC):].split(b"\n", 1)[1]
    return torch.load(io.BytesIO(payload), weights_only=True)


def test_other_schema_version_is_refused(ckpt):
    raw = ckpt.read_bytes()
    ckpt.write_bytes(raw.replace(b'"schema": %d' % RS._FORMAT, b'"schema": 99', 1))
    _refused(ckpt, "schema 99")


def test_wrong_shaped_tensor_is_refused(ckpt):
    data = _payload(ckpt)
    p = _partial(data)
    p["e"] = p["e"][:, :-1].clone()  # one coordinate short
    _rewrite(ckpt, data)
    _refused(ckpt, "in-flight tensor e", during_call=True)
    data = _payload(ckpt)
    _partial(data)["e"] = _partial(data)["e"].to(torch.float32)
    _rewrite(ckpt, data)
    _refused(ckpt, "in-flight tensor e", during_call=True)


@pytest.mark.parametrize("t, where", [(-1, "open"), (10**6, "call"), (1.5, "open"), ("7", "open"), (None, "open")])
def test_corrupt_step_counter_is_refused(ckpt, t, where):
    data = _payload(ckpt)
    _partial(data)["t"] = t
    _rewrite(ckpt, data)
    _refused(ckpt, "step counter", during_call=where == "call")


def test_step_counter_inconsistent_with_the_recordings_is_refused(ckpt):
    data = _payload(ckpt)
    p = _partial(data)
    assert p["j"] >= 2 and p["t"] > TIMES[1]
    p["t"] = int(TIMES[1]) - 5  # a step before a recording time that the state says was recorded
    _rewrite(ckpt, data)
    _refused(ckpt, "recordings", during_call=True)


def test_generator_state_that_does_not_fit_is_refused(ckpt):
    data = _payload(ckpt)
    _partial(data)["gen"] = torch.zeros(7, dtype=torch.uint8)
    _rewrite(ckpt, data)
    _refused(ckpt, "generator state", during_call=True)


def test_inconsistent_finished_statistics_are_refused(ckpt):
    data = _payload(ckpt)
    task = next(t for t in data["tasks"].values() if t["partial"] is not None)
    k = next(iter(task["chunks"]))
    task["chunks"][k][0]["s1"] = task["chunks"][k][0]["s1"][:-1]
    _rewrite(ckpt, data)
    _refused(ckpt, "s1 has shape")
    data = _payload_from(ckpt.read_bytes())
    task = next(t for t in data["tasks"].values() if t["partial"] is not None)
    task["chunks"][k][0]["s1"].append(0.0)
    task["chunks"][k][0]["n"] += 1  # a count that does not match the chunk's replica share
    _rewrite(ckpt, data)
    _refused(ckpt, "does not hold statistics", during_call=True)


def test_kernels_loop_refuses_a_wrong_shaped_state(tmp_path):
    from verify.harness.kernels import linreg_wor_moments

    A = np.random.default_rng(0).standard_normal((20, 3))
    y = A @ np.ones(3)
    path = tmp_path / "k.ckpt"

    def call(prog=None):
        return linreg_wor_moments(A, y, np.zeros(3), [4], 40, 300, 5, chunk=100, progress=prog)

    with RS.Session(path, FP, save_every_s=None) as s:
        def prog(f):
            if f > 0.5:
                s.stop_signal = signal.SIGINT
        with pytest.raises(RS.Interrupted):
            call(prog)
    data = _payload(path)
    _partial(data)["state"]["w"] = torch.zeros(100, 4, dtype=torch.float64)
    _rewrite(path, data)
    before = path.read_bytes()
    with pytest.raises(InputError, match="in-flight tensor state.w"), RS.Session(path, FP, save_every_s=None):
        call()
    assert path.read_bytes() == before


def test_cli_refuses_a_corrupt_checkpoint_in_one_line_exit_2(tmp_path):
    """``batchproof harness --resume`` on a bit-flipped checkpoint: exit 2, one line, before any work."""
    out = tmp_path / "res"
    out.mkdir()
    path = RS.checkpoint_path("interpolation", out)
    _interrupted_checkpoint(path)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x04
    path.write_bytes(bytes(raw))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    r = subprocess.run([sys.executable, "-m", "verify.cli", "harness", "--topic", "interpolation", "--resume",
                        "--device", "cpu", "--quick", "--out", str(out)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "checksum" in lines[0], r.stderr
    assert path.read_bytes() == bytes(raw)
    assert not (out / "harness_interpolation.json").exists()
