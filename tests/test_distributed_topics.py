"""Every topic on the scale path: the generic replica-share layer (pool, shard, resume).

Topics whose experiments run all their replicas through the resumable kernels ("kernels"
in ``SHARDING``) are covered by tests/test_harness_scale.py.  The others ("chunks") are
run once per replica share with their own seed and pooled; here a small injected topic
checks the pooling arithmetic, that 2 gloo ranks give exactly the one-process result for
the same shares, that an interrupted run resumes to the uninterrupted result, and that a
single share is ``run_topic`` itself.  The real topics under 2 gloo ranks: the slow test.
(The nccl path needs a GPU: benchmarks/gpu_session.sh runs it; it is not exercised here.)
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from verify.harness import distributed as D

ROOT = Path(__file__).resolve().parent.parent

FAKE = textwrap.dedent('''
    import os, sys, types, time
    import numpy as np
    import torch
    import verify.harness as H
    from verify.harness.stats import Comparison

    def run(cfg, progress):
        inst = np.random.default_rng(cfg.seed % 2**32).standard_normal(3)   # the problem instance
        gen = torch.Generator().manual_seed(cfg.seed + 17)                  # the Monte-Carlo stream
        x = torch.randn((cfg.replicas, 3), generator=gen, dtype=torch.float64).numpy() + inst
        comps = [Comparison(f"mean {i}", float(x[:, i].mean()), float(x[:, i].std(ddof=1) / np.sqrt(len(x))),
                            float(inst[i]), meta={"claim": "fake.c", "replicas": int(len(x))}).to_json()
                 for i in range(3)]
        comps.append(Comparison("var 0", float(x[:, 0].var(ddof=1)), float(np.sqrt(2 / (len(x) - 1))), 1.0,
                                kind="upper", meta={"claim": "fake.c"}).to_json())
        if os.environ.get("FAKE_STOP_AT") and cfg.seed // 2**40 == int(os.environ["FAKE_STOP_AT"]):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        return {"comparisons": comps, "unresolved": [], "replicas": int(cfg.replicas), "instance": inst.tolist()}

    import signal
    mod = types.ModuleType("verify.topics.fake.montecarlo")
    mod.run = run
    sys.modules["verify.topics.fake.montecarlo"] = mod
    H.experiment_topics = lambda: ["fake"]
    H._check_claim_ids = lambda *a: None  # the injected topic registers no claims

    if __name__ == "__main__":
        import torch.distributed as dist
        from verify.harness import HarnessConfig
        from verify.harness import distributed as D
        from verify.harness.distributed import run_topic_resumable
        from verify.harness.resume import Interrupted
        out, mode = sys.argv[1], sys.argv[2]
        if mode == "dist":
            dist.init_process_group("gloo")
        D.set_default_chunk(int(sys.argv[3]) if len(sys.argv) > 3 else None)
        cfg = HarnessConfig(device="cpu", replicas=1200, seed=42)
        try:
            if mode == "resume":
                rep = run_topic_resumable("fake", cfg, out, save_every_s=None)
            else:
                rep = D.run_topic_scaled("fake", cfg, out)
        except Interrupted as e:
            print("INTERRUPTED", e, flush=True)
            sys.exit(130)
        finally:
            if dist.is_initialized():
                dist.destroy_process_group()
''')


def _env(**extra):
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", **extra}


def _script(tmp_path: Path) -> Path:
    p = tmp_path / "fake_topic.py"
    p.write_text(FAKE)
    return p


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _comparisons(path: Path):
    rep = json.loads(path.read_text())
    return [(c["name"], c["estimate"], c["sem"], c["predicted"], c["rejected"]) for c in rep["comparisons"]], rep


def _report(name, est, sem, pred=1.0, kind="equal", **meta):
    return {"name": name, "estimate": est, "sem": sem, "predicted": pred, "kind": kind, "claim": "t.c", **meta}


def test_pooling_of_means_is_the_pooled_sample_mean():
    rng = np.random.default_rng(0)
    parts = [rng.standard_normal(n) * 2 + 1 for n in (300, 500, 200)]
    reps = [{"comparisons": [_report("m", float(x.mean()), float(x.std(ddof=0) / math.sqrt(len(x))),
                                     replicas=len(x))], "replicas": len(x)} for x in parts]
    pooled = D.merge_topic_reports(reps, [len(x) for x in parts])
    c = pooled["comparisons"][0]
    allx = np.concatenate(parts)
    assert c["estimate"] == pytest.approx(allx.mean(), rel=1e-14)
    w = np.array([len(x) for x in parts]) / len(allx)
    se = np.array([x.std(ddof=0) / math.sqrt(len(x)) for x in parts])
    assert c["sem"] == pytest.approx(math.sqrt(np.sum((w * se) ** 2)), rel=1e-14)
    # the pooled se of means is the within-run se; within 2 % of the one-sample se here
    assert c["sem"] == pytest.approx(allx.std(ddof=0) / math.sqrt(len(allx)), rel=0.02)
    assert c["replicas"] == 1000 and pooled["replicas"] == 1000 and c["pooled_runs"] == 3


def test_pooling_rules_for_predictions_unresolved_and_missing_values():
    a = {"comparisons": [_report("p", 1.0, 0.1, pred=0.5), _report("u", 1.0, 0.1), _report("x", 1.0, 0.1)],
         "unresolved": [{"name": "other", "claim": "t.c", "why": "tail"}], "fig": [1, 2]}
    b = {"comparisons": [_report("p", 3.0, 0.1, pred=1.5), _report("x", 1.0, 0.1)],
         "unresolved": [{"name": "u", "claim": "t.c", "why": "tail"}, {"name": "other", "claim": "t.c"}],
         "fig": [3]}
    m = D.merge_topic_reports([a, b], [100, 300])
    assert [c["name"] for c in m["comparisons"]] == ["p", "x"]
    p = m["comparisons"][0]
    assert p["estimate"] == pytest.approx(2.5) and p["predicted"] == pytest.approx(1.25)
    assert p["sem"] == pytest.approx(math.sqrt(0.25**2 * 0.01 + 0.75**2 * 0.01))
    un = {u["name"]: u for u in m["unresolved"]}
    assert set(un) == {"u", "other"} and un["u"]["runs"] == [1] and un["other"]["runs"] == [0, 1]
    assert "not pooled" in un["u"]["reason_pooled"]
    assert m["fig"] == [1, 2]  # extras are run 0's
    c = {"comparisons": [_report("p", 1.0, 0.1, kind="upper")]}
    with pytest.raises(ValueError, match="kind or claim"):
        D.merge_topic_reports([a, c], [1, 1])
    nan = D.merge_topic_reports([{"comparisons": [_report("n", float("nan"), 0.1)]},
                                 {"comparisons": [_report("n", 1.0, 0.1)]}], [5, 5])
    assert math.isnan(nan["comparisons"][0]["estimate"])  # a NaN run is never pooled away


def test_every_topic_has_a_sharding_path_and_kernel_topics_draw_only_through_kernels():
    from verify.harness import experiment_topics

    assert set(experiment_topics()) <= set(D.SHARDING)
    for t, how in D.SHARDING.items():
        assert how in ("kernels", "chunks")
        if how == "kernels":
            src = (ROOT / "verify" / "topics" / t / "montecarlo.py").read_text()
            # replica randomness only through the kernels (numpy draws of the problem instance from
            # the seed are the same on every rank and allowed)
            assert not re.search(r"Generator\(|manual_seed|torch\.rand", src), t


def test_topic_shares():
    from verify.harness import HarnessConfig

    cfg = HarnessConfig(replicas=1000, quick=True)
    assert D.topic_shares("variance", cfg) == [1000]
    assert D.topic_shares("variance", cfg, resumable=True) == [1000]  # plans are fixed per share: no split unasked
    D.set_default_chunk(300)
    try:
        assert D.topic_shares("variance", cfg) == [300, 300, 300, 100]
    finally:
        D.set_default_chunk(None)
    assert D.default_replicas("variance", HarnessConfig(quick=True)) == 2**18
    assert D.default_replicas("volterra", HarnessConfig(quick=True)) >= 2


def test_single_share_is_run_topic_and_two_gloo_ranks_equal_one_process(tmp_path):
    script = _script(tmp_path)
    for d in ("plain", "one", "multi"):
        (tmp_path / d).mkdir()
    # one share (no --chunk, one process): run_topic_scaled == run_topic
    subprocess.run([sys.executable, str(script), str(tmp_path / "plain"), "plain"], env=_env(), check=True,
                   timeout=120)
    plain, rep = _comparisons(tmp_path / "plain" / "harness_fake.json")
    assert "sharding" not in rep and rep["provenance"]["sharding"]["runs"] == 1
    # shares of 250 in one process, and in 2 gloo ranks
    subprocess.run([sys.executable, str(script), str(tmp_path / "one"), "plain", "250"], env=_env(), check=True,
                   timeout=120)
    port = _free_port()
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path / "multi"), "dist", "250"],
                              env=_env(RANK=str(r), WORLD_SIZE="2", LOCAL_RANK=str(r), MASTER_ADDR="127.0.0.1",
                                       MASTER_PORT=str(port)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    one, rep1 = _comparisons(tmp_path / "one" / "harness_fake.json")
    multi, repm = _comparisons(tmp_path / "multi" / "harness_fake.json")
    assert one == multi  # bit-identical: same shares, same seeds, same pooling order
    assert rep1["sharding"]["replica_shares"] == [250, 250, 250, 250, 200]
    assert repm["provenance"]["sharding"]["ranks"] == 2 and rep1["provenance"]["sharding"]["ranks"] == 1
    assert one != plain and [c[0] for c in one] == [c[0] for c in plain]
    # the problem instance is shared by every run (seed stride 2^40), the streams are not
    assert rep1["instance"] == rep["instance"]
    assert not any(c[4] for c in one)


def test_interrupted_chunked_topic_resumes_to_the_uninterrupted_result(tmp_path):
    script = _script(tmp_path)
    ref, res = tmp_path / "ref", tmp_path / "res"
    ref.mkdir()
    res.mkdir()
    subprocess.run([sys.executable, str(script), str(ref), "resume", "300"], env=_env(), check=True, timeout=120)
    r = subprocess.run([sys.executable, str(script), str(res), "resume", "300"], env=_env(FAKE_STOP_AT="2"),
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 130 and "INTERRUPTED" in r.stdout, r.stderr
    ckpt = res / ".harness_fake.ckpt"
    from verify.harness.resume import _load

    task = next(iter(_load(ckpt)["tasks"].values()))
    assert sorted(task["chunks"]) == [0, 1] and task["result"] is None  # runs 0 and 1 saved, run 2 in flight
    done = subprocess.run([sys.executable, str(script), str(res), "resume", "300"], env=_env(), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert not ckpt.exists()
    a, _ = _comparisons(ref / "harness_fake.json")
    b, rb = _comparisons(res / "harness_fake.json")
    assert a == b
    assert rb["provenance"]["resume"] == {"resumed": True, "interruptions": 1}
    assert rb["sharding"]["replica_shares"] == [300] * 4


@pytest.mark.slow
@pytest.mark.parametrize("topic, replicas", [("stationary", 40), ("volterra", 40), ("variance", 64),
                                             ("diversity", 4)])
def test_real_topic_two_gloo_ranks_equal_one_process(tmp_path, topic, replicas):
    """``python -m verify.harness.distributed`` on 2 gloo ranks == one process, same shares."""
    port = _free_port()
    chunk = replicas // 2
    args = ["--topic", topic, "--quick", "--replicas", str(replicas), "--chunk", str(chunk), "--device", "cpu",
            "--out", str(tmp_path / "dist")]
    t0 = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "verify.harness.distributed", *args], cwd=ROOT,
                              env=_env(RANK=str(r), WORLD_SIZE="2", LOCAL_RANK=str(r), MASTER_ADDR="127.0.0.1",
                                       MASTER_PORT=str(port)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode in (0, 1), err  # 1: a comparison rejected at this tiny size is still a result
    wall = time.monotonic() - t0
    from verify.harness import HarnessConfig

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the ranks (OMP_NUM_THREADS=1): BLAS reductions in the same order
    D.set_default_chunk(chunk)
    try:
        rep = D.run_topic_scaled(topic, HarnessConfig(device="cpu", quick=True, replicas=replicas), tmp_path / "one")
    finally:
        D.set_default_chunk(None)
        torch.set_num_threads(threads)
    dist_rep = json.loads((tmp_path / "dist" / f"harness_{topic}.json").read_text())
    key = [(c["name"], c["estimate"], c["sem"]) for c in dist_rep["comparisons"]]
    assert key == [(c["name"], c["estimate"], c["sem"]) for c in rep["comparisons"]]
    assert dist_rep["provenance"]["distributed"]["sharded_by"] == "chunks"
    assert dist_rep["provenance"]["sharding"]["replica_shares"] == [chunk, chunk]
    print(f"{topic}: 2 gloo ranks {wall:.1f} s, {len(key)} comparisons pooled")
