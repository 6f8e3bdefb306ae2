"""Harness at scale: resumable runs, torch.distributed sharding, bit-reproducibility.

Exactness here is equality of float64 bits, not a tolerance: replica chunk k always uses
the generator seeded ``seed + k``, a checkpoint restores the generator state and the
replicas' tensors, and per-chunk statistics are merged in chunk order on every path.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent

# A tiny harness topic, injected into the runner, whose Monte-Carlo goes through the
# resumable kernels: three lsq_sgd_moments calls (chunked) and one kernels call.
EXPERIMENT = textwrap.dedent('''
    import os, sys, time, types, json
    import numpy as np
    import verify.harness as H
    from verify.harness import resume
    from verify.harness import distributed as D
    from verify.harness.sgd import lsq_sgd_moments
    from verify.harness.kernels import linreg_wor_moments
    from verify.harness.stats import Comparison
    from verify.topics.interpolation.engine import random_instance, second_moment_curve

    WAIT = os.environ.get("BP_WAIT_AT_MID") == "1"

    def run(cfg, progress):
        comps, states = [], []
        X = random_instance(24, 6, 1.0, 5)
        times = np.arange(0, 201, 50)
        for call in range(3):
            def prog(f, call=call):
                if WAIT and call == 1 and f > 0.4:
                    print("MID", flush=True)
                    for _ in range(400):   # wait here until the parent's signal arrives
                        time.sleep(0.05)
                        s = resume.current()
                        if s is not None and s.stop_signal is not None:
                            return
            d, l = lsq_sgd_moments(X, np.ones(6), 0.4, 2 + call, times, 3000, cfg.seed + 100 * call,
                                   chunk=1000, progress=prog)
            exact, _ = second_moment_curve(X, 0.4, 2 + call, np.ones(6), 200)
            for j, t in enumerate(times[1:], 1):
                comps.append(Comparison(f"call {call} t={t}", float(d.mean[j]), float(d.sem[j]),
                                        float(exact[t])).to_json())
            states += [d.state(), l.state()]
        A = np.random.default_rng(3).standard_normal((50, 4))
        y = A @ np.ones(4) + 0.1 * np.random.default_rng(4).standard_normal(50)
        w, g = linreg_wor_moments(A, y, np.zeros(4), [5, 20], 30, 800, cfg.seed, chunk=300)
        states += [s.state() for s in (w[0], w[1], g[0], g[1])]
        return {"comparisons": comps, "states": states}

    mod = types.ModuleType("verify.topics.tiny.montecarlo")
    mod.run = run
    sys.modules["verify.topics.tiny.montecarlo"] = mod
    H.experiment_topics = lambda: ["tiny"]
    H._check_claim_ids = lambda *a: None  # the tiny topic registers no claims

    if __name__ == "__main__":
        out, mode = sys.argv[1], sys.argv[2]
        cfg = H.HarnessConfig(device="cpu", seed=77)
        try:
            if mode == "resume":
                rep = D.run_topic_resumable("tiny", cfg, out, save_every_s=None)
            else:
                rep = H.run_topic("tiny", cfg, out)
        except resume.Interrupted as e:
            print("INTERRUPTED", e, flush=True)
            sys.exit(130)
        print("DONE", flush=True)
''')


def _env():
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "OMP_NUM_THREADS": "1"}


def _script(tmp_path: Path) -> Path:
    p = tmp_path / "tiny_experiment.py"
    p.write_text(EXPERIMENT)
    return p


def _states(path: Path):
    return json.loads(path.read_text())["states"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_killed_run_resumes_to_the_uninterrupted_statistics(tmp_path, signum):
    script = _script(tmp_path)
    ref, res = tmp_path / "ref", tmp_path / "res"
    # the uninterrupted run
    subprocess.run([sys.executable, str(script), str(ref), "plain"], env=_env(), check=True,
                   capture_output=True, timeout=120)
    # a run killed while the second kernel call is mid-way through a replica chunk
    proc = subprocess.Popen([sys.executable, str(script), str(res), "resume"], env={**_env(), "BP_WAIT_AT_MID": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    line = ""
    while "MID" not in line:
        line = proc.stdout.readline()
        assert line or proc.poll() is None, f"child ended early: {proc.stderr.read()}"
        assert time.monotonic() - t0 < 90
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "INTERRUPTED" in out
    ckpt = res / ".harness_tiny.ckpt"
    assert ckpt.exists() and not (res / "harness_tiny.json").exists()
    from verify.harness.resume import _load

    saved = _load(ckpt)
    tasks = list(saved["tasks"].values())
    assert sum(t["result"] is not None for t in tasks) == 1           # call 0 finished
    assert any(t["result"] is None and t["partial"] is not None and t["chunks"] for t in tasks)  # mid-chunk
    assert saved["interruptions"] == 1
    # rerun: resumes, completes, removes the checkpoint
    done = subprocess.run([sys.executable, str(script), str(res), "resume"], env=_env(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not ckpt.exists()
    a, b = _states(ref / "harness_tiny.json"), _states(res / "harness_tiny.json")
    assert a == b  # every count, shift, sum and sum of squares, bit for bit
    assert [s["n"] for s in b[:6]] == [3000] * 6 and [s["n"] for s in b[6:]] == [800] * 4
    ra, rb = (json.loads((d / "harness_tiny.json").read_text()) for d in (ref, res))
    assert [c["estimate"] for c in ra["comparisons"]] == [c["estimate"] for c in rb["comparisons"]]
    assert rb["provenance"]["resume"] == {"resumed": True, "interruptions": 1}


def test_resume_refuses_a_checkpoint_from_other_settings(tmp_path):
    from verify.harness.resume import Session, fingerprint

    p = tmp_path / "c.ckpt"
    with Session(p, fingerprint("a"), save_every_s=None) as s:
        s.save()
    with pytest.raises(ValueError, match="other settings"):
        Session(p, fingerprint("b"))
    p.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="unreadable"):
        Session(p, fingerprint("a"))


DIST = textwrap.dedent('''
    import json, sys
    import numpy as np
    import torch.distributed as dist
    from verify.harness.sgd import lsq_sgd_moments
    from verify.harness.kernels import linreg_wor_moments
    from verify.topics.interpolation.engine import random_instance

    def work():
        X = random_instance(30, 5, 1.0, 2)
        d, l = lsq_sgd_moments(X, np.ones(5), 0.5, 3, np.array([0, 3, 10, 40]), 2500, 11, chunk=400)
        A = np.random.default_rng(3).standard_normal((40, 3)); y = A @ np.ones(3)
        w, g = linreg_wor_moments(A, y, np.zeros(3), [4, 40], 25, 700, 5, chunk=250)
        return [s.state() for s in (d, l, w[0], w[1], g[0], g[1])]

    if __name__ == "__main__":
        out = sys.argv[1]
        if len(sys.argv) > 2:
            dist.init_process_group("gloo")
        st = work()
        rank = dist.get_rank() if dist.is_initialized() else 0
        with open(f"{out}.{rank}.json", "w") as f:
            json.dump(st, f)
        if dist.is_initialized():
            dist.destroy_process_group()
''')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_processes_merge_to_the_single_process_statistics(tmp_path):
    script = tmp_path / "dist_work.py"
    script.write_text(DIST)
    single = tmp_path / "single"
    subprocess.run([sys.executable, str(script), str(single)], env=_env(), check=True, timeout=120)
    port = _free_port()
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path / "multi"), "dist"],
                              env={**_env(), "RANK": str(r), "WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1",
                                   "MASTER_PORT": str(port), "LOCAL_RANK": str(r)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    one = json.loads((tmp_path / "single.0.json").read_text())
    r0 = json.loads((tmp_path / "multi.0.json").read_text())
    r1 = json.loads((tmp_path / "multi.1.json").read_text())
    assert r0 == r1 == one  # bit-identical: same seeds (chunk k <-> seed + k), same merge order
    assert one[0]["n"] == 2500 and one[2]["n"] == 700


def test_distributed_cli_outside_torchrun_is_a_usage_error():
    env = {k: v for k, v in _env().items() if k not in ("RANK", "WORLD_SIZE")}
    r = subprocess.run([sys.executable, "-m", "verify.harness.distributed", "--topic", "interpolation"],
                       env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "torchrun" in r.stderr


def test_same_seed_bit_identical_and_chunking_only_changes_rounding():
    from verify.harness.sgd import lsq_sgd_moments
    from verify.harness.stats import z_critical
    from verify.topics.interpolation.engine import random_instance

    X = random_instance(40, 8, 1.0, 9)
    times = np.array([0, 4, 16])
    for form in ("gather", "dense"):
        a, la = lsq_sgd_moments(X, np.ones(8), 0.6, 4, times, 600, 3, chunk=250, formulation=form)
        b, lb = lsq_sgd_moments(X, np.ones(8), 0.6, 4, times, 600, 3, chunk=250, formulation=form)
        assert a.state() == b.state() and la.state() == lb.state()
    g, _ = lsq_sgd_moments(X, np.ones(8), 0.6, 4, times, 600, 3, chunk=250, formulation="gather")
    d, _ = lsq_sgd_moments(X, np.ones(8), 0.6, 4, times, 600, 3, chunk=250, formulation="dense")
    # same random stream, different summation order: equal to within float64 rounding
    np.testing.assert_allclose(g.mean, d.mean, rtol=1e-12)
    c, _ = lsq_sgd_moments(X, np.ones(8), 0.6, 4, times, 600, 4, chunk=250)
    assert not np.array_equal(c.mean, g.mean)
    # another seed is another sample: agreement within the standard error
    z = (c.mean[1:] - g.mean[1:]) / np.sqrt(c.sem[1:] ** 2 + g.sem[1:] ** 2)
    assert np.all(np.abs(z) < z_critical(1e-3))


def test_kernels_bit_identical_and_bad_input():
    from verify.harness import kernels as K

    A = np.random.default_rng(0).standard_normal((30, 3))
    y = A @ np.ones(3)
    r1 = K.linreg_wor_moments(A, y, np.zeros(3), [2, 30], 10, 200, 1)
    r2 = K.linreg_wor_moments(A, y, np.zeros(3), [2, 30], 10, 200, 1)
    assert [s.state() for s in r1[0] + r1[1]] == [s.state() for s in r2[0] + r2[1]]
    with pytest.raises(ValueError, match="batch"):
        K.linreg_wor_moments(A, y, np.zeros(3), [31], 10, 200, 1)
    with pytest.raises(ValueError, match="replicas"):
        K.linreg_wor_moments(A, y, np.zeros(3), [2], 10, 1, 1)


@pytest.mark.slow
def test_distributed_cli_two_ranks_equal_one_process(tmp_path):
    """``python -m verify.harness.distributed`` on 2 gloo ranks == run_topic in one process (same chunk)."""
    port = _free_port()
    args = ["--topic", "interpolation", "--quick", "--replicas", "400", "--chunk", "100", "--device", "cpu",
            "--out", str(tmp_path / "dist")]
    procs = [subprocess.Popen([sys.executable, "-m", "verify.harness.distributed", *args], cwd=ROOT,
                              env={**_env(), "RANK": str(r), "WORLD_SIZE": "2", "LOCAL_RANK": str(r),
                                   "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        # 0 or 1: at 400 replicas the plan tests fewer than 90 % of the values (the decision is
        # not what this test is about; the merged statistics are)
        assert p.returncode in (0, 1), err
    from verify.harness import HarnessConfig, run_topic
    from verify.harness.distributed import set_default_chunk

    set_default_chunk(100)
    try:
        rep = run_topic("interpolation", HarnessConfig(device="cpu", quick=True, replicas=400), tmp_path / "one")
    finally:
        set_default_chunk(None)
    dist_rep = json.loads((tmp_path / "dist" / "harness_interpolation.json").read_text())
    assert [(c["estimate"], c["sem"]) for c in dist_rep["comparisons"]] == \
        [(c["estimate"], c["sem"]) for c in rep["comparisons"]]
    assert dist_rep["provenance"]["distributed"]["world_size"] == 2


def test_parallel_topics_equal_one_process(tmp_path):
    """Topics in spawned workers (``harness --jobs N``) write, topic by topic, what one process writes."""
    import torch

    from verify.harness import HarnessConfig, run_topic
    from verify.harness.pool import run_topics_parallel

    cfg = HarnessConfig(device="cpu", quick=True, replicas=2000)
    seen, started = {}, []
    run_topics_parallel(["meansquare", "volterra"], cfg, str(tmp_path / "par"), False, 2, 1, None,
                        {"volterra": 9.0}, on_start=started.append, on_progress=lambda *a: None,
                        on_done=lambda t, rep: seen.setdefault(t, rep))
    assert sorted(seen) == ["meansquare", "volterra"] and sorted(started) == ["meansquare", "volterra"]
    assert all((tmp_path / "par" / f"harness_{t}.json").exists() for t in seen)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        one = run_topic("meansquare", cfg, tmp_path / "one")
    finally:
        torch.set_num_threads(threads)
    assert [(c["name"], c["estimate"], c["sem"], c["predicted"]) for c in one["comparisons"]] == \
        [(c["name"], c["estimate"], c["sem"], c["predicted"]) for c in seen["meansquare"]["comparisons"]]
