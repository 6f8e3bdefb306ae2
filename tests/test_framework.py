"""The claim model, the registry, the emitter and the CLI contract."""

import json
import subprocess
import sys

import pytest

from verify.core import codegen
from verify.core.claims import Claim, Erratum, Evidence, Outcome, Verdict, decide, registry, topics
from verify.cli import main

E_OK = Evidence("symbolic", "ok", True)
E_NUM = Evidence("numeric", "ok", True)
E_BAD = Evidence("numeric", "bad", False)


def _claim(erratum=None):
    return Claim("t.x", "p", "w", "s", (), lambda: None, erratum)


def test_decide_table():
    er = Erratum("a", "b", "c")
    assert decide(_claim(), Outcome(True, [E_OK])) is Verdict.HOLDS
    assert decide(_claim(), Outcome(True, [E_NUM])) is Verdict.HOLDS_EMPIRICALLY
    assert decide(_claim(), Outcome(False, [E_OK])) is Verdict.FAILED
    assert decide(_claim(), Outcome(True, [E_OK, E_BAD])) is Verdict.FAILED
    assert decide(_claim(), Outcome(True, [])) is Verdict.FAILED  # no evidence decides nothing
    assert decide(_claim(er), Outcome(False, [E_OK], corrected=True)) is Verdict.ERRATUM
    assert decide(_claim(er), Outcome(True, [E_OK], corrected=True)) is Verdict.FAILED
    assert decide(_claim(er), Outcome(False, [E_OK], corrected=False)) is Verdict.FAILED
    assert decide(_claim(er), Outcome(False, [E_OK], corrected=None)) is Verdict.FAILED


def test_evidence_kind_validated():
    with pytest.raises(ValueError):
        Evidence("vibes", "x", True)


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


def test_generated_code_is_fresh():
    diff = codegen.check()
    assert diff == "", "verify/generated is stale; run 'batchproof generate':\n" + diff[:4000]


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
    assert all(c["verdict"] in ("holds", "erratum", "holds empirically") for c in data["claims"])
    assert "provenance" in data and data["provenance"]["versions"]["sympy"]
    assert xml.read_text().count("<testcase") == len(data["claims"])


def test_cli_check_exit_1_on_failed_claim(monkeypatch, tmp_path):
    import verify.topics.interpolation.claims as mod

    broken = Claim("interpolation.broken", "p", "w", "s", (), lambda: Outcome(False, [E_BAD]))
    monkeypatch.setattr(mod, "CLAIMS", [*mod.CLAIMS[:2], broken])
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
