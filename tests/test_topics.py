"""One suite over every topic (paper): the chain derivation -> generated code -> claims ->
Monte-Carlo -> chapter holds the same way for each.

* the committed generated code of the topic is what its derivation generates now;
* every claim reaches the verdict and strength recorded in ``tests/expected_verdicts.tsv``
  (one line per claim: id, verdict, strength, instances) -- a change of either is a
  deliberate edit of that file, visible in review;
* no evidence item's pass flag is a literal (it could never fail);
* the topic's chapter renders every claim of the topic (through ``verify.core.book``);
* the topic's Monte-Carlo experiment and engines never import its claims module.
"""

from __future__ import annotations

import ast
import difflib
from functools import lru_cache
from pathlib import Path

import pytest

from verify.core import codegen
from verify.core.claims import registry, run_claims, topics
from verify.core.topics import has_part

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "expected_verdicts.tsv"
TOPICS = topics()


def _expected() -> dict[str, tuple[str, str, str]]:
    rows = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cid, verdict, strength, inst = line.split("\t")
        if cid in rows:
            raise ValueError(f"{EXPECTED.name}: {cid} listed twice")
        rows[cid] = (verdict, strength, inst)
    return rows


@lru_cache(maxsize=None)
def _results(topic: str):
    return run_claims(registry(topic))


@pytest.mark.parametrize("topic", TOPICS)
def test_generated_code_is_fresh(topic):
    for fname, text in codegen.render(topic).items():
        committed = (codegen.GENERATED_DIR / fname).read_text(encoding="utf-8")
        diff = "".join(difflib.unified_diff(committed.splitlines(True), text.splitlines(True),
                                            f"committed/{fname}", f"regenerated/{fname}"))
        assert not diff, f"verify/generated/{fname} is stale; run 'batchproof generate':\n{diff[:3000]}"


def test_expected_file_lists_exactly_the_registered_claims():
    ids = [c.id for c in registry()]
    exp = _expected()
    assert sorted(exp) == sorted(ids), (
        f"missing from {EXPECTED.name}: {sorted(set(ids) - set(exp))}; "
        f"not registered: {sorted(set(exp) - set(ids))}")


@pytest.mark.parametrize("topic", TOPICS)
def test_every_claim_reaches_its_recorded_verdict_and_strength(topic):
    exp = _expected()
    got, want = {}, {}
    for r in _results(topic):
        s = r.strength
        inst = str(s.instances) if s.strength.value == "verified" and s.instances else "-"
        got[r.claim.id] = (r.verdict.value, s.strength.value, inst)
        want[r.claim.id] = exp.get(r.claim.id)
        if r.error:
            print(r.claim.id, r.error)
    bad = {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    assert not bad, "claim: (got, recorded)\n" + "\n".join(f"{k}: {v}" for k, v in bad.items())


def _literal_pass_flags(path: Path) -> list[str]:
    """Evidence(...) calls whose pass flag (3rd argument or passed=) is a literal constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Evidence":
            flag = node.args[2] if len(node.args) >= 3 else next(
                (k.value for k in node.keywords if k.arg == "passed"), None)
            if isinstance(flag, ast.Constant):
                bad.append(f"{path.name}:{node.lineno}")
    return bad


@pytest.mark.parametrize("topic", TOPICS)
def test_no_evidence_passes_by_construction(topic):
    folder = ROOT / "verify" / "topics" / topic
    bad = [hit for p in sorted(folder.glob("*.py")) for hit in _literal_pass_flags(p)]
    assert not bad, f"evidence with a literal pass flag (it can never fail): {bad}"


@pytest.mark.parametrize("topic", TOPICS)
def test_chapter_renders_every_claim(topic):
    chapters = sorted((ROOT / "book" / "chapters").glob(f"p*_{topic}.md"))
    assert len(chapters) == 1, f"one chapter per topic expected, found {chapters}"
    text = chapters[0].read_text(encoding="utf-8")
    # book.claim_blocks(topic) renders every registered claim of the topic, with its
    # strength and Monte-Carlo agreement; a chapter that discusses claims one by one calls
    # book.claim_block(id) for each; book.verdict_table(topic) gives the overview table
    if f'claim_blocks("{topic}")' not in text:
        missing = [c.id for c in registry(topic) if f'claim_block("{c.id}")' not in text]
        assert not missing, f"claims the chapter does not render: {missing}"
    assert f'verdict_table("{topic}")' in text


@pytest.mark.parametrize("topic", TOPICS)
def test_montecarlo_and_engines_do_not_import_claims(topic):
    folder = ROOT / "verify" / "topics" / topic
    for p in sorted(folder.glob("*.py")):
        if p.stem in ("claims", "__init__", "cli") or p.stem.startswith("claims_"):  # claims_*: split claim modules
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [a.name for a in node.names]
                assert not node.module.endswith(".claims") and "claims" not in names, (
                    f"{p.name} imports the claims module: shared data belongs in an engine/data module")
    assert has_part(topic, "claims")


@pytest.mark.parametrize("topic", TOPICS)
def test_every_check_can_fail_under_mutation(topic):
    """Perturbing each claim's thing under test changes its verdict (or the claim lists a
    reason why a perturbation is meaningless)."""
    from verify.core.mutation import mutate_all

    muts = mutate_all(list(_results(topic)), jobs=1)
    bad = [m.to_json() for m in muts if m.status not in ("killed", "exempt")]
    assert not bad, "checks that cannot fail:\n" + "\n".join(f"{b['id']}: {b['status']}: {b['reason']}" for b in bad)
    for m in muts:
        if m.status == "exempt":
            assert len(m.exempt or "") > 20, f"{m.claim_id}: an exemption needs a reason"
