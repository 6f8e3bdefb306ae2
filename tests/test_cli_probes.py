"""Issue 14's probes, one test per class: what a new user, a CI job or an importer meets.

Install (the checks import nothing beyond the base install), CLI numbers against what the
machine can hold, exit codes (2 usage, 3 internal error with its traceback, never 1), the
help text, the generated functions' guards (series convergence, non-finite results,
oversized and non-real input, every real number type in both twins), derivations without
``assert`` guards, and the example as a tool.  Every probe here is cheap: none decides a claim.
"""

from __future__ import annotations

import ast
import decimal
import importlib.util
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify import cli
from verify.core.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def _run(argv, capsys):
    rc = cli.main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


# ----------------------------------------------------------------------------- install


def test_no_claim_check_reaches_torch():
    """``batchproof check`` runs from ``pip install -e .`` alone: no claims module, topic
    command, core module or derivation imports torch, directly or through another module
    (function-level imports included).  deptry (tests/test_architecture.py) reports any other
    package outside the base install, since the extras count as development groups."""
    grimp = pytest.importorskip("grimp")
    from verify.core import topics as T

    g = grimp.build_graph("verify", "derivations", include_external_packages=True)
    if "torch" not in g.modules:
        pytest.skip("nothing imports torch")
    sources = [f"verify.topics.{t}.claims" for t in T.names(with_part="claims")]
    sources += [f"verify.topics.{t}.cli" for t in T.names(with_part="cli")]
    sources += sorted(m for m in g.modules if m.startswith(("verify.core", "derivations")))
    chains = {s: g.find_shortest_chain(importer=s, imported="torch") for s in sources}
    assert not {s: c for s, c in chains.items() if c}, chains


def test_deptry_treats_extras_as_development_groups():
    import tomllib

    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    groups = set(cfg["tool"]["deptry"]["optional_dependencies_dev_groups"])
    assert groups >= set(cfg["project"]["optional-dependencies"]) - {"all"}
    base = " ".join(cfg["project"]["dependencies"])
    assert "scikit-learn" in base  # paper 001's claims are decided on its diabetes data


def test_missing_extra_is_one_line_before_any_work(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("torch", "jupyter_book") else real(name, *a))
    monkeypatch.setattr(cli, "_cmd_check", lambda args: pytest.fail("work started"))
    for argv in (["harness", "--quick"], ["all", "--quick"], ["all", "--device", "tpu"]):
        rc, out, err = _run(argv, capsys)
        assert rc == 2 and len(err.strip().splitlines()) == 1, (argv, err)
        assert "pip install" in err and "torch" in err


# ----------------------------------------------------------------------------- CLI numbers

BAD_ARGUMENTS = [
    ["harness", "--replicas", "999999999999999999999"],
    ["harness", "--replicas", "1"],
    ["harness", "--replicas", "1e9"],
    ["harness", "--seed", "-1"],
    ["harness", "--seed", str(2**63)],
    ["harness", "--alpha", "nan"],
    ["harness", "--alpha", "1"],
    ["harness", "--alpha", "1e-400"],
    ["harness", "--chunk", "0"],
    ["harness", "--chunk", str(2**31)],
    ["harness", "--threads", "100000"],
    ["check", "--jobs", "100000"],
    ["check", "--jobs", "0"],
    ["check", "--topic", "no_such_topic"],
    ["all", "--seed", "x"],
    ["no-such-command"],
]


@pytest.mark.parametrize("argv", BAD_ARGUMENTS, ids=lambda a: " ".join(a)[:40])
def test_bad_numbers_are_one_line_exit_2(argv, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_cmd_harness", lambda args: pytest.fail("work started"))
    rc, _out, err = _run(argv, capsys)
    assert rc == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(min_value=-(10**30), max_value=10**30))
@example(2**31 - 1)
@example(2**31)
@example(1)
def test_replica_counts_are_checked_by_the_parser(v):
    import argparse

    ok = 2 <= v <= cli.MAX_REPLICAS
    try:
        assert cli._replicas(str(v)) == v and ok
    except argparse.ArgumentTypeError:
        assert not ok


def test_large_replica_counts_stream_in_chunks(monkeypatch, capsys, tmp_path):
    """--replicas above the largest default is chunked (bounded memory), default runs are not."""
    pytest.importorskip("torch")
    from verify.harness import distributed

    seen = {}

    def fake_runner(topic, cfg, out, progress):
        seen[topic] = distributed._DEFAULT_CHUNK
        raise KeyboardInterrupt("stop")

    monkeypatch.setattr("verify.harness.run_topic", fake_runner)
    try:
        for reps, expected in ((10**9, cli.DEFAULT_LARGE_CHUNK), (1000, None)):
            rc, _o, _e = _run(["harness", "--topic", "interpolation", "--replicas", str(reps),
                               "--out", str(tmp_path)], capsys)
            assert rc == 130 and seen["interpolation"] == expected
    finally:
        distributed.set_default_chunk(None)


def test_out_of_memory_is_one_line_exit_2(monkeypatch, capsys, tmp_path):
    pytest.importorskip("torch")

    def fake_runner(topic, cfg, out, progress):
        raise RuntimeError("[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory: "
                           "you tried to allocate 48000000000 bytes")

    monkeypatch.setattr("verify.harness.run_topic", fake_runner)
    rc, _o, err = _run(["harness", "--topic", "interpolation", "--replicas", "1000000",
                        "--out", str(tmp_path)], capsys)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "out of memory" in err, err


# ----------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("exc, code", [(ValueError("a library bug"), 3), (KeyError("x"), 3),
                                       (InputError("bad file\nsecond line"), 2),
                                       (BrokenPipeError(), 0), (KeyboardInterrupt(), 130)])
def test_exit_codes(exc, code, monkeypatch, capsys):
    def boom(args):
        raise exc

    monkeypatch.setattr(cli, "_cmd_generate", boom)
    rc, _out, err = _run(["generate"], capsys)
    assert rc == code
    if code == 3:
        assert "Traceback" in err and "internal error" in err
    elif code == 2:
        assert err.strip() == "batchproof: error: bad file"
    elif code == 0:
        assert "Traceback" not in err


def test_unknown_device_rejected_before_any_work(monkeypatch, capsys):
    pytest.importorskip("torch")
    if importlib.util.find_spec("jupyter_book") is None:
        pytest.skip("the book extra is not installed (all says so first)")
    monkeypatch.setattr(cli, "_cmd_check", lambda args: pytest.fail("work started"))
    rc, _out, err = _run(["all", "--device", "tpu"], capsys)
    assert rc == 2 and "tpu" in err and len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- help


def test_help_lists_topics_commands_and_the_distributed_entry_point(capsys):
    from verify.core import topics as T

    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    for t in T.names(with_part="claims"):
        assert f"\n  {t} " in out, t
    for name in cli.topic_commands():
        assert name in out
    assert "exit codes" in out
    with pytest.raises(SystemExit):
        cli.main(["harness", "--help"])
    hout = " ".join(capsys.readouterr().out.split())
    entry = "-m verify.harness.distributed"
    assert entry in hout
    assert entry in (ROOT / "README.md").read_text()


# ----------------------------------------------------------------------------- generated functions

PROBES = [  # (module, function, arguments, words the ValueError must contain)
    ("volterra", "ar2_sq_genfun", (0.5, 0.9, 1.5), "converges"),
    ("interpolation", "eta_1", (1e308, 10.0, 2.0), "not finite"),
    ("interpolation", "g", (1.0, 4, 1e200, 2.0), "not finite"),
    ("variance", "var_g1_t0", (2, 1e-310, 1.0), "not finite"),
    ("interpolation", "eta_1", (10**400, 10, 2), "too large"),
    ("interpolation", "eta_1", (np.array([1 + 2j]), 10, 2), "real"),
    ("interpolation", "eta_1", (np.ones(3), np.ones(2), 2.0), "broadcast"),
]


@pytest.mark.parametrize("mod, fn, args, words", PROBES, ids=lambda p: str(p)[:30])
def test_generated_probe_raises_value_error(mod, fn, args, words):
    f = getattr(importlib.import_module(f"verify.generated.{mod}"), fn)
    with pytest.raises(ValueError, match=words):
        f(*args)


def _T(a, D):
    return np.array([[a * a, -2 * a * D, D * D], [a, -D, 0.0], [1.0, 0.0, 0.0]])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(-3, 3), st.floats(0, 0.99), st.floats(0, 4))
@example(0.5, 0.9, 1.5)
@example(1.9, 0.9, 1.0)
@example(0.0, 0.5, 2.0)
def test_ar2_sq_genfun_is_the_series_or_refuses(a, D, q):
    """Inside q rho(T) < 1 the value is the sum of squares (>= 1, equal to a long partial
    sum); outside it, a ValueError naming the convergence condition."""
    from verify.generated import volterra as G
    from verify.generated import volterra_mp as Gm

    radius = q * max(abs(np.linalg.eigvals(_T(a, D))))
    if abs(radius - 1) < 1e-9:
        return  # the boundary itself: float rounding decides
    if radius > 1:
        with pytest.raises(ValueError, match="converges"):
            G.ar2_sq_genfun(a, D, q)
        with pytest.raises(ValueError, match="converges"):
            Gm.ar2_sq_genfun(a, D, q)
        return
    v = float(G.ar2_sq_genfun(a, D, q))
    assert v >= 1.0
    if radius < 0.95:  # the partial sum converges fast enough to compare
        r = np.sqrt(q)  # u_s = h_s q^(s/2): u_s = a r u_{s-1} - D q u_{s-2}, u_0 = 1, u_{-1} = 0
        u_prev, u, total = 0.0, 1.0, 1.0
        for _ in range(1, 2000):
            u_prev, u = u, a * r * u - D * q * u_prev
            total += u * u
        assert v == pytest.approx(total, rel=1e-9)


REAL_TYPES = [int, float, np.int64, np.float32, np.float64, Fraction, decimal.Decimal]


def _as(kind, q: Fraction):
    if kind is decimal.Decimal:
        return decimal.Decimal(q.numerator) / decimal.Decimal(q.denominator)
    if kind is Fraction:
        return q
    return kind(q.numerator) if q.denominator == 1 else kind(float(q))


@pytest.mark.parametrize("kind", REAL_TYPES, ids=lambda k: k.__name__)
@pytest.mark.parametrize("twin", ["", "_mp"])
def test_both_twins_take_every_real_number_type(kind, twin):
    g = importlib.import_module(f"verify.generated.interpolation{twin}")
    want = float(importlib.import_module("verify.generated.interpolation").eta_star(4, 4.0, 2.0, 1.0))
    args = [_as(kind, Fraction(v)) for v in ("4", "4", "2", "1")]
    assert float(g.eta_star(*args)) == pytest.approx(want, rel=1e-6)
    if kind not in (int, np.int64):  # and a non-integer argument
        assert float(g.s(4, _as(kind, Fraction(5, 4)), 1.0, 0.5)) == pytest.approx(
            float(importlib.import_module("verify.generated.interpolation").s(4, 1.25, 1.0, 0.5)), rel=1e-6)


def test_bools_are_not_numbers():
    from verify.generated import interpolation as g

    with pytest.raises(ValueError, match="boolean"):
        g.eta_1(True, 1.0, 0.5)


# ----------------------------------------------------------------------------- derivations


def test_derivations_use_no_assert_guards():
    """``assert`` vanishes under ``python -O``: derivation invariants raise explicitly."""
    found = []
    for p in sorted((ROOT / "derivations").rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.Assert):
                found.append(f"{p.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


# ----------------------------------------------------------------------------- the example

EXAMPLE = ROOT / "examples" / "pick_batch_size.py"


def _example(tmp_path, *args):
    return subprocess.run([sys.executable, str(EXAMPLE), *map(str, args)], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_example_help(tmp_path):
    r = _example(tmp_path, "--help")
    assert r.returncode == 0 and "--min-efficiency" in r.stdout and "usage:" in r.stdout


@pytest.mark.parametrize("setup, words", [
    (lambda d: np.save(d / "x.npy", np.arange(5.0)), "1-d array"),
    (lambda d: (d / "x.txt").write_text("1,2\n"), ".npy or .csv"),
    (lambda d: (d / "x.csv").write_text("1,2\n3,x\n"), "comma-separated"),
    (lambda d: np.save(d / "x.npy", np.zeros((3, 2))), "zero"),
    (lambda d: None, "does not exist"),
])
def test_example_bad_input_is_one_line(setup, words, tmp_path):
    setup(tmp_path)
    name = next((p.name for p in tmp_path.iterdir() if p.name.startswith("x.")), "x.npy")
    r = _example(tmp_path, name)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert words in r.stderr and "pickled" not in r.stderr


def test_example_reads_csv_and_explains_m_versus_m_star(tmp_path):
    X = np.random.default_rng(0).standard_normal((60, 5))
    np.savetxt(tmp_path / "x.csv", X, delimiter=",", header="a,b,c,d,e", comments="")
    r = _example(tmp_path, "x.csv", "--candidates", "1,2,4,8,16,32,64")
    assert r.returncode == 0, r.stderr
    mstar = float(next(ln for ln in r.stdout.splitlines() if "m* =" in ln).rsplit("=", 1)[1])
    advised = int(next(ln for ln in r.stdout.splitlines() if ln.startswith("advice: m =")).split()[3])
    if advised > mstar:
        assert "why not m*" in r.stdout


@pytest.mark.parametrize("seed", ["-1", "x", str(2**40)])
def test_advise_seed_validated(seed):
    """`advise --seed` outside [0, 2^32) or not an integer: one line, exit 2, before any work."""
    r = subprocess.run([sys.executable, "-m", "verify.cli", "advise", "--dataset", "digits", "--seed", seed],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
