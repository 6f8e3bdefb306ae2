"""Rendering helpers for the Jupyter Book: pages import these and never re-derive.

Every function returns Markdown (MyST) text or a matplotlib figure built from the claim
registry, the derivations and the results files; the book's code cells call them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from verify.core.claims import Result, Strength, Verdict, registry, run_claims
from verify.core.results import RESULTS_DIR, attach_montecarlo

__all__ = ["claim_block", "claim_blocks", "summary_markdown", "errata_markdown", "harness_results", "montecarlo_md", "provenance_markdown",
           "strength_md",
           "topic_results", "verdict_table"]

# plain symbols that every text font has (colour emoji render as empty boxes without an emoji font)
_BADGE = {Verdict.HOLDS: "✓ holds", Verdict.ERRATUM: "⚠ erratum", Verdict.FAILED: "✗ FAILED"}


@lru_cache(maxsize=None)
def topic_results(topic: str | None = None) -> tuple[Result, ...]:
    """The claims of ``topic`` (all topics if None) with their results, and the Monte-Carlo
    results of ``results/harness_<topic>.json`` attached when present.

    The book reads what the main job wrote: ``results/check.json`` when it was computed by
    this very code (same :func:`verify.core.results.code_fingerprint`); otherwise the claims
    are decided once and kept in ``results/.book_claims.json`` for the other pages."""
    res = [r for r in _all_results() if topic is None or r.claim.topic == topic]
    attach_montecarlo(res, Path(RESULTS_DIR))
    return tuple(res)


@lru_cache(maxsize=None)
def _all_results() -> tuple[Result, ...]:
    from verify.core.claims import result_from_json
    from verify.core.results import code_fingerprint, read_json, write_json

    claims = registry()
    fp = code_fingerprint()
    folder = Path(RESULTS_DIR)
    for name in ("check.json", ".book_claims.json"):
        p = folder / name
        try:
            data = read_json(p)
        except (OSError, ValueError):
            continue
        by_id = {c["id"]: c for c in data.get("claims", [])}
        if data.get("provenance", {}).get("code_fingerprint") == fp and set(by_id) == {c.id for c in claims}:
            return tuple(result_from_json(c, by_id[c.id]) for c in claims)
    res = run_claims(claims)
    try:
        folder.mkdir(exist_ok=True)
        write_json(folder / ".book_claims.json", {"provenance": {"code_fingerprint": fp},
                                                   "claims": [r.to_json() for r in res]})
    except (OSError, ValueError):
        pass  # a read-only results folder: every page decides for itself
    return tuple(res)


def strength_md(r: Result) -> str:
    """The claim's strength: proved / verified (N instances) / empirical (for an erratum,
    the weaker of the evidence against the printed form and for the correction)."""
    s = r.strength
    if s.strength is Strength.VERIFIED and s.instances:
        n = s.instances
        return f"verified ({n} instance{'s' if n != 1 else ''})"
    return s.strength.value


def montecarlo_md(r: Result) -> str:
    """Whether Monte-Carlo agreed with the claim (from the harness results), in a few words."""
    mc = r.montecarlo
    if not mc:
        return "—"
    if mc["comparisons"] == 0:
        return f"unresolved ({mc['unresolved']})"
    word = "agreed" if mc["agreed"] else f"REJECTED {mc['rejected']}"
    extra = f", {mc['unresolved']} unresolved" if mc["unresolved"] else ""
    return f"{word} ({mc['comparisons']} tests, max abs z {mc['max_abs_z']:.2f}{extra})"


def anchor(claim_id: str) -> str:
    """The MyST label of a claim: its id with dots as dashes (Sphinx-safe)."""
    return claim_id.replace(".", "-").replace("_", "-").lower()


def verdict_table(topic: str) -> str:
    rows = ["| claim | where | verdict | strength | Monte-Carlo | evidence |", "|---|---|---|---|---|---|"]
    for r in topic_results(topic):
        kinds = sorted({e.kind for e in (r.outcome.evidence if r.outcome else [])})
        rows.append(f"| [{r.claim.id}](#{anchor(r.claim.id)}) | {_cell(r.claim.where)} | "
                    f"{_BADGE[r.verdict]} | {strength_md(r)} | {_cell(montecarlo_md(r))} | {', '.join(kinds)} |")
    counts = {v: sum(r.verdict is v for r in topic_results(topic)) for v in Verdict}
    summary = ", ".join(f"{n} {v.value}" for v, n in counts.items() if n)
    return f"**{len(topic_results(topic))} claims: {summary}.**\n\n" + "\n".join(rows) + "\n"


def _cell(s: str) -> str:
    """Text for a Markdown table cell: escaped, with ``|`` escaped so columns never shift."""
    return _text(s).replace("|", "\\|")


def _text(s: str) -> str:
    """Plain text for MyST: escape characters that would start links or emphasis.

    Text that already carries inline math (``$...$``) is trusted as MyST and kept.
    """
    if "$" in s:
        return s
    for ch in "\\[]*_`<>":
        s = s.replace(ch, "\\" + ch)
    return s


def _fmt(s: str, display: bool = False) -> str:
    """A statement as math when it is LaTeX, else as escaped text (mixed text/$math$ kept)."""
    if "$" in s:
        return s
    if any(tok in s for tok in ("\\", "^", "_", "{")):
        return f"$$\n{s}\n$$" if display else f"${s}$"
    return _text(s)


def _evidence_md(r: Result) -> str:
    if r.outcome is None:
        return f"The check raised an error:\n\n```\n{r.error}\n```\n"
    lines = []
    for e in r.outcome.evidence:
        mark = "✓" if e.passed else "✗"
        inst = f", {e.instances} instance{'s' if e.instances != 1 else ''}" if e.instances else ""
        side = " (correction)" if e.about == "corrected" else ""
        lines.append(f"- {mark} *{e.kind}{inst}*{side}: {_text(e.description)}")
    return "\n".join(lines) + "\n"


def claim_blocks(topic: str) -> str:
    """One labelled admonition per claim of ``topic`` (see :func:`claim_block`)."""
    return "\n".join(_block(r) for r in topic_results(topic))


def claim_block(claim_id: str) -> str:
    """One claim's labelled admonition: where, verdict, strength, Monte-Carlo agreement,
    the statement as printed, assumptions, the correction of an erratum, the evidence.
    Chapters that discuss claims one by one call this beside the discussion."""
    topic = claim_id.split(".", 1)[0]
    for r in topic_results(topic):
        if r.claim.id == claim_id:
            return _block(r)
    raise ValueError(f"no registered claim {claim_id!r}")


def _block(r: Result) -> str:
    c = r.claim
    cls = {"holds": "tip", "erratum": "warning"}.get(r.verdict.value, "error")
    head = f"**{_text(c.where)}** — {_BADGE[r.verdict]}, **{strength_md(r)}**"
    if c.erratum is not None and r.verdict.ok:
        sd = r.sides
        head += (f" (against the printed form: {sd['printed'].strength.value}; "
                 f"for the correction: {sd['corrected'].strength.value})")
    body = [head, ""]
    if c.no_proof and r.strength.strength is not Strength.PROVED:
        body += [f"*Why not proved:* {_text(c.no_proof)}", ""]
    body += [f"*Monte-Carlo:* {_text(montecarlo_md(r))}", ""]
    if c.mutation_exempt:
        body += [f"*Mutation exemption:* {_text(c.mutation_exempt)}", ""]
    body += ["As printed:", "",
            _fmt(c.statement, display=True), ""]
    if c.assumptions:
        body += ["Assumptions: " + "; ".join(_text(a) for a in c.assumptions), ""]
    if c.erratum is not None:
        body += ["Corrected:", "", _fmt(c.erratum.corrected, display=True), "",
                 f"*Why:* {_text(c.erratum.explanation)}", ""]
    body += ["Evidence:", "", _evidence_md(r)]
    return (f"({anchor(c.id)})=\n:::{{admonition}} {c.id} — {c.title or c.where}\n:class: {cls}\n\n"
            + "\n".join(body) + "\n:::\n")


def summary_markdown() -> str:
    """The front page's summary: per paper, the claims, verdicts, strengths and how many
    claims Monte-Carlo tested and agreed with, linked to the chapter."""
    chapters = Path(__file__).resolve().parents[2] / "book" / "chapters"
    res = topic_results(None)
    by: dict[str, list[Result]] = {}
    for r in res:
        by.setdefault(r.claim.topic, []).append(r)
    rows = ["| paper | claims | holds | erratum | proved | verified | empirical | Monte-Carlo agreed |",
            "|---|---|---|---|---|---|---|---|"]
    for topic, rs in sorted(by.items(), key=lambda kv: kv[1][0].claim.paper):
        ch = sorted(chapters.glob(f"p*_{topic}.md"))
        name = f"[{rs[0].claim.paper[:3]} `{topic}`](chapters/{ch[0].stem}.md)" if ch else topic
        n = {v: sum(r.verdict is v for r in rs) for v in Verdict}
        st = {s: sum(r.strength.strength is s for r in rs) for s in Strength}
        mc = [r for r in rs if r.montecarlo]
        agreed = sum(bool(r.montecarlo and r.montecarlo.get("agreed")) for r in rs)
        rows.append(f"| {name} | {len(rs)} | {n[Verdict.HOLDS]} | {n[Verdict.ERRATUM]} | "
                    f"{st[Strength.PROVED]} | {st[Strength.VERIFIED]} | {st[Strength.EMPIRICAL]} | "
                    f"{agreed} of {len(mc)} tested |")
    failed = sum(not r.verdict.ok for r in res)
    head = (f"**{len(res)} claims** — {sum(r.verdict is Verdict.HOLDS for r in res)} hold, "
            f"{sum(r.verdict is Verdict.ERRATUM for r in res)} errata"
            + (f", **{failed} FAILED**" if failed else "") + "; strength: "
            + ", ".join(f"{sum(r.strength.strength is s for r in res)} {s.value}"
                        for s in (Strength.PROVED, Strength.VERIFIED, Strength.EMPIRICAL)) + ".")
    return head + "\n\n" + "\n".join(rows) + "\n"


def errata_markdown() -> str:
    """Every recorded erratum across papers, with printed vs corrected and the evidence."""
    res = [r for r in topic_results(None) if r.claim.erratum is not None]
    if not res:
        return "No errata are recorded.\n"
    out = [f"**{len(res)} errata** across {len({r.claim.paper for r in res})} papers.\n"]
    paper = None
    for r in sorted(res, key=lambda r: (r.claim.paper, r.claim.id)):
        c = r.claim
        if c.paper != paper:
            paper = c.paper
            out.append(f"\n### Paper `{paper}`\n")
        out.append(f"#### `{c.id}` — {_text(c.where)}\n\n**Printed:** {_fmt(c.erratum.printed)}\n\n"
                   f"**Corrected:** {_fmt(c.erratum.corrected)}\n\n{_text(c.erratum.explanation)}\n\n"
                   f"Verdict: {_BADGE[r.verdict]}, {_erratum_strength(r)}. Evidence:\n\n{_evidence_md(r)}")
    return "\n".join(out)


def _erratum_strength(r: Result) -> str:
    if not r.verdict.ok:
        return "no strength (FAILED)"
    sd = r.sides
    return (f"against the printed form **{sd['printed'].strength.value}**, "
            f"for the correction **{sd['corrected'].strength.value}**")


def harness_results(topic: str) -> dict[str, Any] | None:
    """The harness results JSON of ``topic`` (``results/harness_<topic>.json``), or None."""
    p = Path(RESULTS_DIR) / f"harness_{topic}.json"
    if not p.exists():
        return None
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def provenance_markdown(rep: dict[str, Any]) -> str:
    p = rep["provenance"]
    v = p["versions"]
    return (f"Data: `results/harness_{p['topic']}.json`, created {p['created']} on device "
            f"`{p['device']}` ({p.get('gpu', p['machine'])}), seed {p['config']['seed']}, "
            f"{'quick' if p['config']['quick'] else 'default'} size, wall time {p['wall_seconds']:.1f} s; "
            f"torch {v.get('torch')}, numpy {v.get('numpy')}, commit `{(p.get('git_commit') or '?')[:10]}`. "
            f"Decision: {rep['decision']['n_comparisons']} z-tests, Holm family-wise "
            f"α = {rep['decision']['family_wise_alpha']}, {rep['decision']['n_rejected']} rejected.")
