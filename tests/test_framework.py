"""The claim model, the registry, the emitter and the CLI contract."""

import json
import subprocess
import sys

import pytest

from verify.core import codegen
from verify.core.claims import Claim, Erratum, Evidence, Outcome, Verdict, decide, registry, topics
from verify.cli import main

E_OK = Evidence("proof", "ok", True)
E_NUM = Evidence("numeric", "ok", True)
E_BAD = Evidence("numeric", "bad", False)
E_EXACT = Evidence("exact", "ok on 3", True, instances=3)
E_CE = Evidence("counterexample", "printed fails at x = 2", True)
E_FIX = Evidence("proof", "correction proved", True, about="corrected")
E_FIX_NUM = Evidence("numeric", "correction on a grid", True, about="corrected")


def _claim(erratum=None, check=lambda: None):
    return Claim("t.x", "p", "w", "s", (), check, erratum)


def test_decide_table():
    er = Erratum("a", "b", "c")
    assert decide(_claim(), Outcome(True, [E_OK])) is Verdict.HOLDS
    assert decide(_claim(), Outcome(True, [E_NUM])) is Verdict.HOLDS
    assert decide(_claim(), Outcome(False, [E_OK])) is Verdict.FAILED
    assert decide(_claim(), Outcome(True, [E_OK, E_BAD])) is Verdict.FAILED
    assert decide(_claim(), Outcome(True, [])) is Verdict.FAILED  # no evidence decides nothing
    assert decide(_claim(), Outcome(True, [E_OK, E_CE])) is Verdict.FAILED  # a counterexample to a holds claim
    assert decide(_claim(), Outcome(True, [E_OK, E_FIX])) is Verdict.FAILED  # evidence about a correction
    assert decide(_claim(er), Outcome(False, [E_CE, E_FIX], corrected=True)) is Verdict.ERRATUM
    assert decide(_claim(er), Outcome(False, [E_CE], corrected=True)) is Verdict.FAILED  # nothing for the fix
    assert decide(_claim(er), Outcome(False, [E_FIX], corrected=True)) is Verdict.FAILED  # nothing against printed
    assert decide(_claim(er), Outcome(True, [E_CE, E_FIX], corrected=True)) is Verdict.FAILED
    assert decide(_claim(er), Outcome(False, [E_CE, E_FIX], corrected=False)) is Verdict.FAILED
    assert decide(_claim(er), Outcome(False, [E_CE, E_FIX], corrected=None)) is Verdict.FAILED


def _result(claim, outcome):
    from verify.core.claims import Result

    return Result(claim, decide(claim, outcome), outcome, 0.0)


def test_strength_from_evidence():
    from verify.core.claims import Strength

    assert _result(_claim(), Outcome(True, [E_OK, E_NUM])).strength.strength is Strength.PROVED
    r = _result(_claim(), Outcome(True, [E_EXACT, E_NUM, Evidence("exhaustive", "all 12", True, instances=12)]))
    assert r.strength.strength is Strength.VERIFIED and r.strength.instances == 12
    assert _result(_claim(), Outcome(True, [E_NUM])).strength.strength is Strength.EMPIRICAL
    er = Erratum("a", "b", "c")
    r = _result(_claim(er), Outcome(False, [E_CE, E_FIX_NUM], corrected=True))
    assert r.verdict is Verdict.ERRATUM
    assert r.sides["printed"].strength is Strength.PROVED and r.sides["corrected"].strength is Strength.EMPIRICAL
    assert r.strength.strength is Strength.EMPIRICAL  # the weaker side
    j = r.to_json()
    assert j["strength"] == "empirical" and j["against_printed"] == {"strength": "proved"}
    lemma = Evidence("lemma", "a supporting step, proved in general", True)
    r = _result(_claim(), Outcome(True, [lemma, E_NUM]))
    assert r.verdict is Verdict.HOLDS and r.strength.strength is Strength.EMPIRICAL  # a lemma never sets it
    assert _result(_claim(), Outcome(True, [lemma])).verdict is Verdict.FAILED  # nothing decides the claim
    failed = _result(_claim(), Outcome(False, [E_OK]))
    assert failed.strength.strength is Strength.NONE and failed.to_json()["strength"] == "none"


def test_evidence_kind_validated():
    with pytest.raises(ValueError):
        Evidence("vibes", "x", True)
    with pytest.raises(ValueError, match="instances"):
        Evidence("exact", "no count", True)
    with pytest.raises(ValueError, match="instances"):
        Evidence("exhaustive", "no count", True)
    with pytest.raises(ValueError):
        Evidence("counterexample", "x", True, about="corrected")
    with pytest.raises(ValueError):
        Evidence("proof", "x", True, about="both")


def test_claimset_decorator_registers_in_order():
    from verify.core.claims import ClaimSet

    cs = ClaimSet("t", paper="p")

    @cs.claim("t.a", where="(1)", statement="a")
    def _a():
        return Outcome(True, [E_OK])

    @cs.claim("t.b", where="(2)", statement="b", no_proof="only instances")
    def _b():
        return Outcome(True, [E_EXACT])

    assert [c.id for c in cs] == ["t.a", "t.b"] and _a().printed
    assert list(cs)[1].no_proof == "only instances"
    with pytest.raises(ValueError, match="duplicate"):
        cs.claim("t.a", where="", statement="")(_a)
    with pytest.raises(ValueError, match="topic"):
        cs.claim("u.a", where="", statement="")


def test_registry_ids_unique_and_topics_match():
    claims = registry()
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids))
    assert {c.topic for c in claims} <= set(topics())
    for c in claims:
        assert c.statement and c.where and c.paper


def test_registry_unknown_topic():
    with pytest.raises(ValueError, match="unknown topic"):
        registry("nope")


def test_generate_check_detects_staleness(tmp_path):
    codegen.generate(tmp_path)
    assert codegen.check(tmp_path) == ""
    victim = tmp_path / "interpolation.py"
    victim.write_text(victim.read_text().replace("numpy.", "np.", 1))
    diff = codegen.check(tmp_path)
    assert diff.startswith("--- committed/interpolation.py")
    (tmp_path / "orphan.py").write_text("x = 1\n")
    assert "orphan.py" in codegen.check(tmp_path)


def test_generated_modules_import_without_sympy_or_torch():
    code = (
        "import sys; sys.modules['sympy'] = None; sys.modules['torch'] = None\n"
        "import verify.generated.interpolation as g, verify.generated.interpolation_mp as gm\n"
        "print(float(g.eta_star(1, 1.0, 0.5, 0.1)), float(gm.eta_star(1, 1, 0.5, 0.1)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b = map(float, out.stdout.split())
    # m = 1 is below m*: eta* = m/(beta + (m-1) lam1) = 1/beta = 1; float64 round-off only
    assert a == pytest.approx(1.0, rel=1e-12) and b == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("argv", [
    ["harness", "--replicas", "0"],
    ["harness", "--replicas", "1"],
    ["harness", "--replicas", "999999999999999999999"],
    ["harness", "--device", "tpu"],
    ["all", "--device", "tpu"],
    ["check", "--json", "."],
    ["check", "--junit-xml", "."],
    ["check", "--json", "/nonexistent-dir/x.json"],
    ["check", "--json", "/dev/null"],
    ["check", "--harness-results", "/nonexistent-dir/results"],
    ["harness", "--seed", "-3"],
    ["harness", "--alpha", "2"],
    ["check", "--topic", "nope"],
    ["harness", "--topic", "nope"],
    ["frobnicate"],
    [],
])
def test_cli_bad_usage_exit_2_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0]


def test_cli_check_json_and_junit(tmp_path):
    out, xml = tmp_path / "c.json", tmp_path / "c.xml"
    rc = main(["check", "--topic", "interpolation", "--quiet", "--json", str(out), "--junit-xml", str(xml)])
    data = json.loads(out.read_text())
    assert rc == 0
    assert data["summary"]["FAILED"] == 0
    assert len(data["claims"]) == len(registry("interpolation"))
    assert all(c["verdict"] in ("holds", "erratum") for c in data["claims"])
    assert all(c["strength"] in ("proved", "verified", "empirical") for c in data["claims"])
    assert all(("instances" in c) == (c["strength"] == "verified") for c in data["claims"])
    assert "provenance" in data and data["provenance"]["versions"]["sympy"]
    assert xml.read_text().count("<testcase") == len(data["claims"])


def test_cli_check_exit_1_on_failed_claim(monkeypatch, tmp_path):
    import verify.topics.interpolation.claims as mod

    broken = Claim("interpolation.broken", "p", "w", "s", (), lambda: Outcome(False, [E_BAD]))
    monkeypatch.setattr(mod, "CLAIMS", [*list(mod.CLAIMS)[:2], broken])
    assert main(["check", "--topic", "interpolation", "--quiet"]) == 1


def test_atomic_write_leaves_nothing_half_written(tmp_path, monkeypatch):
    import os

    from verify.core.results import atomic_write_text

    p = tmp_path / "r.json"
    atomic_write_text(p, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(p, "new")
    assert p.read_text() == "old"
    assert [f.name for f in tmp_path.iterdir()] == ["r.json"]


def test_output_paths_are_checked_before_any_work(tmp_path, monkeypatch):
    """A bad --json fails at once: no claim is run, nothing is written."""
    import verify.core.claims as C

    ran = []
    monkeypatch.setattr(C, "run_claims", lambda *a, **k: ran.append(1) or [])
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    assert main(["check", "--topic", "interpolation", "--json", str(link)]) == 2
    assert not ran and not (tmp_path / "target.json").exists()


def test_internal_error_has_its_own_exit_code(monkeypatch, capsys):
    import verify.core.claims as C

    def boom(*a, **k):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(C, "registry", boom)
    assert main(["check", "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "internal error" in err


def test_atomic_write_mode_follows_umask_and_cleans_stale_temp_files(tmp_path):
    import os
    import stat

    from verify.core.errors import InputError
    from verify.core.results import atomic_write_text

    p = tmp_path / "r.json"
    (tmp_path / ".r.json.abc123.tmp").write_text("left by a killed run")
    old = os.umask(0o022)
    try:
        atomic_write_text(p, "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o644
    assert sorted(f.name for f in tmp_path.iterdir()) == ["r.json"]
    link = tmp_path / "l.json"
    link.symlink_to(p)
    with pytest.raises(InputError, match="symbolic link"):
        atomic_write_text(link, "y")
    assert p.read_text() == "x"


def test_generated_functions_refuse_what_they_cannot_compute():
    """Generated numpy functions: ValueError (naming the function and argument) on complex
    input, on numbers too large for float64, on arguments that do not broadcast, and on a
    result that is not finite; both twins take every real number type."""
    from decimal import Decimal
    from fractions import Fraction

    import numpy as np

    import verify.generated.interpolation as g
    import verify.generated.interpolation_mp as gm

    for call, msg in [
        (lambda: g.eta_1(1 + 2j, 10.0, 2.0), "argument m must be real"),
        (lambda: g.eta_1(np.array([1 + 0j]), 10.0, 2.0), "argument m must be real"),
        (lambda: g.eta_1(10**400, 10, 2), "too large for float64"),
        (lambda: g.eta_1(np.ones(2), np.ones(3), 0.5), r"do not broadcast together: m \(2,\), beta \(3,\)"),
        (lambda: g.eta_1(1e308, 10.0, 2.0), "not finite"),
        (lambda: g.g(1.0, 4, 1e200, 2.0), "not finite"),
        (lambda: g.eta_1(True, 10.0, 2.0), "boolean"),
        (lambda: gm.eta_1(1 + 2j, 3, 0.5), "must be real"),
    ]:
        with pytest.raises(ValueError, match=msg):
            call()
    want = 2 * 2 / (3 + 1 * 0.5)
    for args in [(np.int64(2), np.float32(3), Fraction(1, 2)), (Decimal("2"), 3, Decimal("0.5")),
                 (Fraction(2), Fraction(3), 0.5)]:
        assert float(g.eta_1(*args)) == pytest.approx(want, rel=1e-15)  # one rounding per operation
        assert float(gm.eta_1(*args)) == pytest.approx(want, rel=1e-15)
    assert gm.eta_1(10**400, 10, 2) == pytest.approx(1, rel=1e-15)  # beyond float64, the twin evaluates it


def test_results_round_trip_and_the_book_reads_check_json(tmp_path, monkeypatch):
    """A Result survives to_json -> result_from_json; the book reuses a check.json written
    by the same code (same fingerprint) and refuses a stale one (it never decides a claim)."""
    import verify.core.book as B
    import verify.core.results as R
    from verify.core.claims import result_from_json, run_claims

    res = run_claims(registry("interpolation")[:3])
    for r in res:
        assert result_from_json(r.claim, r.to_json()).to_json() == r.to_json()
    claims = registry()
    data = {"provenance": {"code_fingerprint": R.code_fingerprint()},
            "claims": [{**res[0].to_json(), "id": c.id} for c in claims]}
    (tmp_path / "check.json").write_text(json.dumps(data))
    monkeypatch.setattr(B, "RESULTS_DIR", tmp_path)
    B._all_results.cache_clear()
    B.topic_results.cache_clear()
    try:
        assert len(B.topic_results("variance")) == len(registry("variance"))
        data["provenance"]["code_fingerprint"] = "other code"
        (tmp_path / "check.json").write_text(json.dumps(data))
        B._all_results.cache_clear()
        B.topic_results.cache_clear()
        with pytest.raises(B.StaleResults, match="fingerprint differs"):
            B.topic_results("variance")  # stale: the book never decides, it refuses
    finally:
        B._all_results.cache_clear()
        B.topic_results.cache_clear()


def test_parallel_run_claims_equals_sequential():
    """Deciding claims in forked workers reports exactly what one process reports (verdict,
    strength, evidence), in the order given, whatever the timing hints."""
    from verify.core.claims import registry, run_claims

    claims = [c for c in registry() if c.topic in ("stationary", "volterra")][:5] + registry("interpolation")[:3]
    seq = run_claims(claims, jobs=1)
    seen = []
    par = run_claims(claims, jobs=2, progress=lambda r: seen.append(r.claim.id),
                     hints={c.id: float(i) for i, c in enumerate(claims)})
    assert [r.claim.id for r in par] == [c.id for c in claims]
    assert sorted(seen) == sorted(c.id for c in claims)

    def strip(r):
        d = r.to_json()
        d.pop("seconds")
        return d

    assert [strip(r) for r in par] == [strip(r) for r in seq]


def test_schedule_keeps_claims_sharing_a_cache_in_one_piece():
    """``check`` cuts a large topic into pieces for its workers, but never between claims that
    name the same per-process cache (``Claim.shares``), transitively; every claim is scheduled once."""
    from verify.core.claims import Claim, Outcome, _schedule

    def mk(i, shares=()):
        return Claim(id=f"t.c{i}", paper="p", where="", statement="", assumptions=(),
                     check=lambda: Outcome(True, []), shares=shares)

    claims = [mk(0, ("a",)), mk(1), mk(2), mk(3, ("b",)), mk(4), mk(5, ("a", "b")), mk(6), mk(7), mk(8, ("b",)), mk(9)]
    for jobs in (2, 3, 4):
        pieces = _schedule(claims, jobs, {c.id: 1.0 for c in claims})
        assert sorted(i for p in pieces for i in p) == list(range(10))
        assert len(pieces) > 1
        home = {i: k for k, p in enumerate(pieces) for i in p}
        assert home[0] == home[3] == home[5] == home[8]
    from verify.core.claims import registry

    real = registry("variance")
    pieces = _schedule(real, 8)
    home = {real[i].id: k for k, p in enumerate(pieces) for i in p}
    for name in ("deep_linear_polys", "theorem3_degrees"):
        users = {home[c.id] for c in real if name in c.shares}
        assert len(users) == 1, name
