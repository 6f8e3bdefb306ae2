"""Rendering helpers for the Jupyter Book: pages import these and never re-derive.

Every function returns Markdown (MyST) text or a matplotlib figure built from the claim
registry, the derivations and the results files; the book's code cells call them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from verify.core.claims import Result, Strength, Verdict, registry
from verify.core.results import RESULTS_DIR, attach_montecarlo

__all__ = [
    "claim_block",
    "claim_blocks",
    "errata_markdown",
    "harness_results",
    "montecarlo_md",
    "provenance_markdown",
    "strength_md",
    "summary_markdown",
    "topic_results",
    "verdict_table",
]

# plain symbols that every text font has (colour emoji render as empty boxes without an emoji font)
_BADGE = {Verdict.HOLDS: "✓ holds", Verdict.ERRATUM: "⚠ erratum", Verdict.FAILED: "✗ FAILED"}


@cache
def topic_results(topic: str | None = None) -> tuple[Result, ...]:
    """The claims of ``topic`` (all topics if None) with their results, and the Monte-Carlo
    results of ``results/harness_<topic>.json`` attached when present.

    The book only reads: the results are those the main job wrote to ``results/check.json``
    with this very code (same :func:`verify.core.results.code_fingerprint`). Missing or stale
    results raise :class:`StaleResults`; ``batchproof book`` decides them once, before the
    pages are executed, when they are."""
    res = [r for r in _all_results() if topic is None or r.claim.topic == topic]
    attach_montecarlo(res, Path(RESULTS_DIR))
    return tuple(res)


class StaleResults(RuntimeError):
    """``results/check.json`` is missing, unreadable or was computed by other code."""


def results_status(folder: Path | None = None) -> str | None:
    """None when ``folder/check.json`` holds every registered claim, computed by this very
    code; otherwise one line saying why the book cannot use it."""
    from verify.core.results import code_fingerprint, read_json

    p = Path(folder or RESULTS_DIR) / "check.json"
    try:
        data = read_json(p)
    except FileNotFoundError:
        return f"{p} does not exist"
    except (OSError, ValueError) as e:
        return f"{p} is unreadable ({type(e).__name__})"
    if data.get("provenance", {}).get("code_fingerprint") != code_fingerprint():
        return f"{p} was computed by other code (code fingerprint differs)"
    ids = {c.get("id") for c in data.get("claims", [])}
    if ids != {c.id for c in registry()}:
        return f"{p} does not hold exactly the registered claims (a --topic run?)"
    return None


@cache
def _all_results() -> tuple[Result, ...]:
    from verify.core.claims import result_from_json
    from verify.core.results import read_json

    why = results_status()
    if why is not None:
        raise StaleResults(f"{why}: run `batchproof check --json results/check.json` "
                           "(`batchproof book` and `batchproof all` do) before building the book")
    by_id = {c["id"]: c for c in read_json(Path(RESULTS_DIR) / "check.json")["claims"]}
    return tuple(result_from_json(c, by_id[c.id]) for c in registry())


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


# --- papers ------------------------------------------------------------------------------

#: paper file stem -> (number, authors, title, year); the chapter is found by topic
PAPERS: dict[str, tuple[str, str, str, str]] = {
    "000_f78adc64a8dc1795": ("000", "S. Ma, R. Bassily, M. Belkin",
                             ("The Power of Interpolation: Understanding the Effectiveness of SGD in "
                              "Modern Over-parametrized Learning"), "2018"),
    "001_ce97798776b2d5f8": ("001", "Anonymous (under review)",
                             "The Impact of the Mini-batch Size on the Dynamics of SGD: Variance and Beyond", ""),
    "002_a2b006a18fc551b7": ("002", "D. Yin, A. Pananjady, M. Lam, D. Papailiopoulos, K. Ramchandran, P. Bartlett",
                             "Gradient Diversity: a Key Ingredient for Scalable Distributed Learning", "2018"),
    "003_650c190516f9cbc7": ("003", "C. Paquette (talk slides)",
                             ("Optimization Algorithms in the Large: Exact Dynamics, Average-case Analysis, "
                              "and Stepsize Criticality"), "2022"),
    "004_8f90174d47f4361b": ("004", "V. Luo, Y. Wang", "How Many Factors Influence Minima in SGD?", "2021"),
}


def _chapter(topic: str, prefix: str = "chapters/") -> str | None:
    """The chapter page of ``topic`` relative to the book root (``chapters/pNNN_topic``), or None."""
    chapters = Path(__file__).resolve().parents[2] / "book" / "chapters"
    ch = sorted(chapters.glob(f"p*_{topic}.md"))
    return f"{prefix}{ch[0].stem}.md" if ch else None


def paper_title(paper: str) -> str:
    """``Paper 000 — S. Ma, ...: *The Power of Interpolation ...* (2018)`` (the file stem if unknown)."""
    if paper not in PAPERS:
        return f"paper {paper}"
    num, authors, title, year = PAPERS[paper]
    return f"Paper {num} — {authors}, *{title}*" + (f" ({year})" if year else "")


# --- tables --------------------------------------------------------------------------------

class TeX(str):
    """A table cell or text that is LaTeX math: rendered as ``$...$`` (``|`` as ``\\vert``)."""


class MD(str):
    """A table cell that is already MyST (a link, a badge): only ``|`` is escaped."""


def fmt_number(x: Any, digits: int = 4) -> str:
    """A number as a reader wants it in a table: at most ``digits`` significant digits,
    integers in full up to 12 digits, exact rationals with long numerator or denominator
    as a decimal (≈), ``None`` as an em dash, booleans as yes/no."""
    from fractions import Fraction

    if x is None:
        return "—"
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return "yes" if x else "no"
    try:
        import sympy as sp

        if isinstance(x, sp.Basic):
            if x.is_Integer:
                x = int(x)
            elif x.is_Rational:
                x = Fraction(int(x.p), int(x.q))
            elif x.is_number:
                x = float(x)
            else:
                return str(x)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(x, Fraction):
        if x.denominator == 1:
            x = x.numerator
        elif len(str(x.numerator)) + len(str(x.denominator)) <= 8:
            return f"{x.numerator}/{x.denominator}"
        else:
            return "≈ " + f"{float(x):.{digits}g}"
    if isinstance(x, int) or type(x).__name__.startswith(("int", "uint")):
        x = int(x)
        return str(x) if abs(x) < 10**12 else f"{float(x):.{digits}g}"
    if isinstance(x, float) or type(x).__name__.startswith("float"):
        x = float(x)
        if math.isnan(x):
            return "NaN"
        return f"{x:.{digits}g}"
    return str(x)


def _cell_md(x: Any) -> str:
    if isinstance(x, TeX):
        return "$" + str(x).replace("|", r"\vert ").replace("$", r"\$") + "$"
    if isinstance(x, MD):
        return str(x).replace("|", "\\|").replace("\n", " ")
    if isinstance(x, str):
        return _cell(x).replace("\n", " ")
    return _cell(fmt_number(x))


def md_table(header: Sequence[Any], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A Markdown table rendered from data: every cell escaped (``|`` never splits a cell),
    numbers rounded by :func:`fmt_number`, every row exactly as long as the header.

    Cells are plain text (escaped), :class:`TeX` (math) or :class:`MD` (trusted MyST).
    ``align``: one of ``l``/``r``/``c`` per column (default: left)."""
    n = len(header)
    if align is not None and len(align) != n:
        raise ValueError(f"md_table: align {align!r} has {len(align)} columns, the header {n}")
    sep = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(_cell_md(h) for h in header) + " |",
             "|" + "|".join(sep[a] for a in (align or "l" * n)) + "|"]
    for i, r in enumerate(rows):
        r = list(r)
        if len(r) != n:
            raise ValueError(f"md_table: row {i} has {len(r)} cells, the header {n}")
        lines.append("| " + " | ".join(_cell_md(c) for c in r) + " |")
    return "\n".join(lines) + "\n"


# --- LaTeX --------------------------------------------------------------------------------

_GREEK = ["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega"]
#: abbreviations used for SymPy symbol names in the derivations -> LaTeX
SYMBOL_WORDS = {"lam": r"\lambda", "eps": r"\varepsilon", "inf": r"\infty", "infty": r"\infty",
                "sigma2": r"\sigma^2", "star": "*", "tr": r"\operatorname{tr}", "var": r"\operatorname{var}",
                "hat": "", "bar": "", "opt": r"\mathrm{opt}", "min": r"\min", "max": r"\max"}


def _word(t: str) -> str:
    import re

    if t in SYMBOL_WORDS:
        return SYMBOL_WORDS[t]
    if t in _GREEK:
        return "\\" + t
    if t.capitalize() in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
                          "Omega") and t[0].isupper():
        return "\\" + t
    m = re.fullmatch(r"([A-Za-z]+?)(\d+)", t)  # b0, lam1, eta0 (sigma2 is handled above)
    if m:
        return _word(m.group(1)) + "_{" + m.group(2) + "}"
    m = re.fullmatch(r"([A-Za-z]+?)([a-z])", t)  # lamn, etam
    if m and (m.group(1) in SYMBOL_WORDS or m.group(1) in _GREEK):
        return _word(m.group(1)) + "_{" + m.group(2) + "}"
    if len(t) > 3 and t.isalpha():
        return r"\mathrm{" + t + "}"
    return t


def symbol_latex(name: str) -> str:
    """The LaTeX name of a SymPy symbol name: ``lam`` -> ``\\lambda``, ``lam1`` -> ``\\lambda_{1}``,
    ``eps`` -> ``\\varepsilon``, ``F_inf`` -> ``F_{\\infty}``, ``tr_sigma2`` ->
    ``\\operatorname{tr}_{\\sigma^2}``, ``eta_star`` -> ``\\eta^{*}``."""
    head, *subs = name.split("_")
    out = _word(head)
    sub = [s for s in subs if s and s != "star"]
    if sub:
        out += "_{" + " ".join(_word(s) for s in sub) + "}"
    if "star" in subs:
        out += "^{*}"
    return out


def latex(expr: Any, names: dict | None = None, **kw: Any) -> str:
    """``sympy.latex`` with every free symbol printed by its LaTeX name (:func:`symbol_latex`,
    overridden by ``names``: a ``{Symbol: latex}`` map such as a derivation's ``LATEX_NAMES``)."""
    import sympy as sp

    expr = sp.sympify(expr)
    sn = {s: symbol_latex(s.name) for s in getattr(expr, "free_symbols", ()) if isinstance(s, sp.Symbol)}
    sn.update(names or {})
    return sp.latex(expr, symbol_names=sn, **kw)


def anchor(claim_id: str) -> str:
    """The MyST label of a claim: its id with dots as dashes (Sphinx-safe)."""
    return claim_id.replace(".", "-").replace("_", "-").lower()


def verdict_table(topic: str) -> str:
    """The chapter's verdict table: one row per claim (linked), rendered by :func:`md_table`."""
    rows = []
    for r in topic_results(topic):
        kinds = sorted({e.kind for e in (r.outcome.evidence if r.outcome else [])})
        rows.append([MD(f"[{r.claim.id}](#{anchor(r.claim.id)})"), r.claim.where, _BADGE[r.verdict],
                     strength_md(r), montecarlo_md(r), ", ".join(kinds)])
    counts = {v: sum(r.verdict is v for r in topic_results(topic)) for v in Verdict}
    summary = ", ".join(f"{n} {v.value}" for v, n in counts.items() if n)
    return (f"**{len(topic_results(topic))} claims: {summary}.**\n\n"
            + md_table(["claim", "where", "verdict", "strength", "Monte-Carlo", "evidence"], rows))


def _cell(s: str) -> str:
    """Text for a Markdown table cell: escaped, with ``|`` escaped so columns never shift
    (inside ``$...$`` math a ``|`` becomes ``\\vert``, which MathJax renders the same)."""
    parts = _text(s).split("$")
    return "$".join(p.replace("|", r"\vert ") if i % 2 else p.replace("|", "\\|") for i, p in enumerate(parts))


def _text(s: str) -> str:
    """Plain text for MyST: escape characters that would start links or emphasis.

    Text that already carries inline math (``$...$``) is trusted as MyST and kept.
    """
    if "$" in s:
        return s
    for ch in "\\[]*_`<>":
        s = s.replace(ch, "\\" + ch)
    return s


_WORD_RUN = None


def _words_as_text(s: str) -> str:
    """English inside a LaTeX statement as ``\\text{...}``: every run of words (letters only,
    not a ``\\command``, not directly followed by ``_``, ``^``, ``{`` or ``(``) that holds a
    word of three or more letters, so that "(and its expected loss is ...)" keeps its spaces."""
    import re

    global _WORD_RUN
    if _WORD_RUN is None:
        word = r"(?<![\\A-Za-z])(?<!\\rm )(?<!\\it )(?<!\\bf )[A-Za-z]{2,}(?![A-Za-z_^{(])"
        _WORD_RUN = re.compile(rf"{word}(?:[ ,;:.'-]+{word})*")

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        if not re.search(r"[a-z]{3,}", run) or run in _GREEK:
            return run
        # the spaces around the run go inside \text (math mode drops them)
        a, b = m.start(), m.end()
        lead = " " if a > 0 and m.string[a - 1] == " " else ""
        trail = " " if b < len(m.string) and m.string[b] == " " else ""
        return r"\text{" + lead + run + trail + "}"

    # leave the arguments of \\text{...}, \\operatorname{...}, \\mathrm{...} etc. alone
    parts = re.split(r"(\\[A-Za-z]+\{[^{}]*\})", s)
    return "".join(p if i % 2 else _WORD_RUN.sub(repl, p) for i, p in enumerate(parts))


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eps", "zeta", "eta", "theta", "kappa", "lambda",
          "lam", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
          "Gamma", "Delta", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega"}
_GREEK_TEX = {"eps": "epsilon", "lam": "lambda"}


def _ascii_greek(s: str) -> str:
    """ASCII Greek names (``alpha_t``, ``eta``) and comparisons (``!=``, ``<=``, ``>=``) in a LaTeX
    statement as LaTeX (``\\alpha_t``, ``\\ne``)."""
    import re

    def repl(m: re.Match[str]) -> str:
        w = m.group(0)
        return "\\" + _GREEK_TEX.get(w, w) + " "

    parts = re.split(r"(\\[A-Za-z]+\{[^{}]*\})", s)
    ops = {"!=": r"\ne ", "<=": r"\le ", ">=": r"\ge "}
    parts = [p if i % 2 else re.sub(r"!=|<=|>=", lambda m: ops[m.group(0)], p) for i, p in enumerate(parts)]
    pat = re.compile(r"(?<![\\A-Za-z])(?:" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")
    return "".join(p if i % 2 else pat.sub(repl, p) for i, p in enumerate(parts))


#: display math longer than this (LaTeX source characters) is broken into lines
DISPLAY_SPLIT_AT = 50


def _top_split(s: str, seps: tuple[str, ...], keep: str, tex_groups_only: bool = False) -> list[str]:
    """``s`` cut at the separators found outside every bracket; ``keep``: "left" keeps a
    separator at the end of its piece (a comma), "right" at the start of the next (a relation)."""
    pieces, cur, depth, i = [], "", 0, 0
    while i < len(s):
        ch = s[i]
        if depth == 0 and i > 0 and s[i - 1] != "\\":
            sep = next((x for x in seps if s.startswith(x, i)), None)
            if sep == "," and i + 1 < len(s) and s[i + 1].isdigit():
                sep = None  # 1,250: a number
            if sep in ("+", "-") and not (cur.rstrip()[-1:].isalnum() or cur.rstrip()[-1:] in ")]}|'!"):
                sep = None  # a sign, not a binary operator
            if sep is not None and sep[-1].isalpha() and i + len(sep) < len(s) and s[i + len(sep)].isalpha():
                sep = None  # \left is not \le
            if sep is not None:
                if keep == "left":
                    pieces.append((cur + sep[0] if sep[0] in ",;" else cur).strip())
                    cur = ""
                else:
                    pieces.append(cur.strip())
                    cur = sep
                depth += sep.count("{") - sep.count("}")  # "\text{" opens a group
                i += len(sep)
                continue
        if tex_groups_only:  # only what TeX groups: braces and \left ... \right
            if (ch == "{" and s[i - 1:i] != "\\") or s.startswith("\\left", i):
                depth += 1
            elif (ch == "}" and s[i - 1:i] != "\\") or s.startswith("\\right", i):
                depth -= 1
        elif ch in "{([" or s.startswith("\\{", i):
            depth += 1
        elif ch in "})]" or s.startswith("\\}", i):
            depth -= 1
        cur += ch
        i += 1
    pieces.append(cur.strip())
    return [p for p in pieces if p]


def _width(s: str) -> int:
    """About how many characters wide ``s`` renders: a command counts as one, a fraction as
    its wider part, sub- and superscripts as half, braces and ``\\left``/``\\right`` as nothing."""
    import re

    def group(i: int) -> tuple[str, int]:  # the {...} group at s[i] -> (content, index after)
        depth, j = 0, i
        while j < len(s):
            depth += {"{": 1, "}": -1}.get(s[j], 0) if s[j - 1:j] != "\\" else 0
            if depth == 0:
                return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)

    w, i = 0.0, 0
    while i < len(s):
        if s.startswith(("\\frac{", "\\tfrac{", "\\dfrac{"), i):
            a, j = group(s.index("{", i))
            b, k = group(j) if j < len(s) and s[j] == "{" else ("", j)
            w += max(_width(a), _width(b)) + 1  # the bar's margins
            i = k
            continue
        m = re.match(r"\\(left|right|text|mathrm|operatorname|rm|it|bf|textstyle|displaystyle|,|;|!| )", s[i:])
        if m:
            w += 0.5 if m.group(1) in (",", ";", " ") else 0
            i += len(m.group(0))
            continue
        m = re.match(r"\\[A-Za-z]+", s[i:])
        if m:
            w += 2 if m.group(0) in ("\\quad", "\\qquad") else 1
            i += len(m.group(0))
            continue
        if s[i] in "_^":
            if i + 1 < len(s) and s[i + 1] == "{":
                a, i = group(i + 1)
                w += 0.6 * _width(a)
            else:
                w += 0.6
                i += 2
            continue
        if s[i] not in "{}":
            w += 1
        i += 1
    return round(w)


def _greedy(pieces: list[str], glue: str) -> list[str]:
    lines, line = [], ""
    for p in pieces:
        if line and _width(line) + _width(p) > DISPLAY_SPLIT_AT:
            lines.append(line)
            line = p
        else:
            line = f"{line}{glue}{p}" if line else p
    lines.append(line)
    return lines


def fit_display(s: str) -> str:
    r"""A long display formula as lines (``gathered``) so it fits the page instead of scrolling
    (MathJax 3 does not break lines itself): first at its top-level separators (``,\ ``,
    ``\quad``, ``;``, ``,``: outside every bracket), then a line still too long at its
    top-level relations (``=``, ``\le``, ...), each continuation starting with its relation."""
    import re

    s = s.strip()
    if _width(s) <= DISPLAY_SPLIT_AT or "\\begin{" in s or "\\\\" in s:
        return s

    def chunks(m: re.Match[str]) -> str:  # a long \text run as several, so lines can break between them
        words, parts, cur = m.group(1).split(" "), [], ""
        for w in words:
            if cur and len(cur) + len(w) > 36:
                parts.append(cur + " ")
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        parts.append(cur)
        return "".join("\\text{" + p_ + "}" for p_ in parts)

    s = re.sub(r"\\text\{([^{}]{40,})\}", chunks, s)
    seps = (",\\quad", ",\\qquad", ",\\ ", ",\\,", "\\qquad", "\\quad", "; ", ", ", ",", ";")
    lines = _greedy(_top_split(s, seps, "left"), "\\quad ")
    rels = ("\\Longrightarrow", "\\Rightarrow", "\\implies", "\\iff", "\\approx", "\\sim", "\\leq", "\\geq",
            "\\le", "\\ge", "\\ne", "=", "<", ">")
    out = []
    for line in lines:
        for part in (_greedy(_top_split(line, rels, "right"), " ") if _width(line) > DISPLAY_SPLIT_AT else [line]):
            # a part still too long: at its top-level + and - (the operator starts the next line)
            for q in (_greedy(_top_split(part, ("+", "-"), "right"), " ") if _width(part) > DISPLAY_SPLIT_AT else [part]):
                # still too long: between its text runs
                out += (_greedy(_top_split(q, ("\\text{",), "right", tex_groups_only=True), "")
                        if _width(q) > DISPLAY_SPLIT_AT else [q])
    if len(out) < 2:
        return s
    return "\\begin{gathered}\n" + " \\\\\n".join(out) + "\n\\end{gathered}"


def Math(s: str):  # IPython's name, for the chapters' display(book.Math(...))
    """IPython's ``Math`` with :func:`fit_display` applied (long formulas broken into lines)."""
    from IPython.display import Math as _M

    return _M(fit_display(s))


def _fmt(s: str, display: bool = False) -> str:
    """A statement as math when it is LaTeX (English runs inside as ``\\text``), else as
    escaped text (mixed text/$math$ kept)."""
    if "$" in s:
        return s
    if any(tok in s for tok in ("\\", "^", "_", "{")):
        s = _words_as_text(_ascii_greek(s))
        return f"$$\n{fit_display(s)}\n$$" if display else f"${s}$"
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
    res = topic_results(None)
    by: dict[str, list[Result]] = {}
    for r in res:
        by.setdefault(r.claim.topic, []).append(r)
    rows = []
    for topic, rs in sorted(by.items(), key=lambda kv: (_chapter(kv[0]) or "~", kv[0])):
        ch = _chapter(topic)
        num = Path(ch).stem.split("_")[0][1:] if ch else PAPERS.get(rs[0].claim.paper, (rs[0].claim.paper,))[0]
        label = f"{num} {topic}"
        name = MD(f"[{label}]({ch})") if ch else label
        n = {v: sum(r.verdict is v for r in rs) for v in Verdict}
        st = {s: sum(r.strength.strength is s for r in rs) for s in Strength}
        mc = [r for r in rs if r.montecarlo]
        agreed = sum(bool(r.montecarlo and r.montecarlo.get("agreed")) for r in rs)
        rows.append([name, len(rs), n[Verdict.HOLDS], n[Verdict.ERRATUM], st[Strength.PROVED],
                     st[Strength.VERIFIED], st[Strength.EMPIRICAL], f"{agreed} of {len(mc)} tested"])
    failed = sum(not r.verdict.ok for r in res)
    head = (f"**{len(res)} claims** — {sum(r.verdict is Verdict.HOLDS for r in res)} hold, "
            f"{sum(r.verdict is Verdict.ERRATUM for r in res)} errata"
            + (f", **{failed} FAILED**" if failed else "") + "; strength: "
            + ", ".join(f"{sum(r.strength.strength is s for r in res)} {s.value}"
                        for s in (Strength.PROVED, Strength.VERIFIED, Strength.EMPIRICAL))
            + ". [All errata, ranked by consequence](errata.md).")
    return head + "\n\n" + md_table(
        ["paper (chapter)", "claims", "holds", "erratum", "proved", "verified", "empirical", "Monte-Carlo agreed"],
        rows, align="lrrrrrrl")


#: the consequence ranks of an erratum, most serious first (see :func:`erratum_rank`)
ERRATUM_RANKS = (
    (1, "A printed theorem, lemma, corollary or result is false as stated"),
    (2, "A printed formula, equation, table entry or quantitative statement is wrong"),
    (3, "A proof step is wrong (the result it serves may still hold by another route)"),
    (4, "Notation, labels and conventions (no mathematical consequence once read right)"),
)


def erratum_rank(claim) -> int:
    """The consequence rank of an erratum (1 most serious), from where it is printed:
    4 for notation, label and sum/mean wording errata; 3 for a step inside a proof (its
    ``where`` or id names a proof, an outline or a step); 1 for the statement of a theorem,
    lemma, corollary, proposition or result; 2 for everything else (equations, tables,
    figures, remarks, quantitative prose)."""
    import re

    cid, where = claim.id.lower(), claim.where.lower().replace(" and its proof", "")
    if any(k in cid for k in ("notation", "label", "gradient_sum")):
        return 4
    if re.search(r"\bproof\b|outline|->|\bstep\b", where) or ".proof." in cid or ".step." in cid:
        return 3
    if re.match(r"(theorem|lemma|corollary|proposition|result)\b", where):
        return 1
    return 2


def errata_markdown() -> str:
    """Every recorded erratum across papers, ranked by consequence (:func:`erratum_rank`),
    each with its paper, the printed and corrected statements, the counterexample (the
    evidence against the printed form) and the repair (the evidence for the correction)."""
    res = [r for r in topic_results(None) if r.claim.erratum is not None]
    if not res:
        return "No errata are recorded.\n"
    papers = sorted({r.claim.paper for r in res})
    ranked = sorted(res, key=lambda r: (erratum_rank(r.claim), r.claim.paper, r.claim.id))
    out = [f"**{len(res)} errata** across {len(papers)} papers, ranked by consequence: "
           + "; ".join(f"**{k}.** {t.lower()}" for k, t in ERRATUM_RANKS)
           + ". The rank is read from where the erratum is printed (a step inside a proof is rank 3 "
           "even when the theorem it serves is false; that theorem is then its own rank-1 entry). "
           "Within a rank, errata are ordered by paper.\n",
           md_table(["rank", "consequence", "errata"],
                    [[k, t, sum(erratum_rank(r.claim) == k for r in res)] for k, t in ERRATUM_RANKS],
                    align="rlr")]
    rank = None
    for r in ranked:
        c = r.claim
        k = erratum_rank(c)
        if k != rank:
            rank = k
            out.append(f"\n## {k}. {dict(ERRATUM_RANKS)[k]}\n")
        ch = _chapter(c.topic)
        title = paper_title(c.paper)
        paper = f"[{title}]({ch})" if ch else title
        against = [e for e in (r.outcome.evidence if r.outcome else []) if e.about == "printed"]
        repair = [e for e in (r.outcome.evidence if r.outcome else []) if e.about == "corrected"]
        out.append(f"({anchor(c.id)}-erratum)=\n### {_text(c.title or c.where)}\n\n"
                   f"{{ref}}`{c.id} <{anchor(c.id)}>` · {paper} · {_text(c.where)}\n\n"
                   f"**Printed:** {_fmt(c.erratum.printed)}\n\n"
                   f"**Corrected:** {_fmt(c.erratum.corrected)}\n\n{_text(c.erratum.explanation)}\n\n"
                   f"Verdict: {_BADGE[r.verdict]}, {_erratum_strength(r)}.\n\n"
                   f"**Counterexample** (against the printed form):\n\n{_evidence_list(against)}\n"
                   f"**Repair** (for the correction):\n\n{_evidence_list(repair)}")
    return "\n".join(out)


def _evidence_list(items) -> str:
    if not items:
        return "- (none recorded)\n"
    lines = []
    for e in items:
        mark = "✓" if e.passed else "✗"
        inst = f", {e.instances} instance{'s' if e.instances != 1 else ''}" if e.instances else ""
        lines.append(f"- {mark} *{e.kind}{inst}*: {_text(e.description)}")
    return "\n".join(lines) + "\n"


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


#: the widest figure a page shows at its natural size (inches; the article column is about
#: 690-750 px at a 1280 px window) and the resolution figures are drawn at
FIGURE_MAX_WIDTH_IN = 7.0
FIGURE_DPI = 120


def plot_style() -> None:
    """The book's matplotlib style, called once by every chapter: fonts sized for the page,
    figures drawn at :data:`FIGURE_DPI` and at most :data:`FIGURE_MAX_WIDTH_IN` wide (a wider
    ``figsize`` is scaled down, its height by the square root of the factor), so that a
    figure's natural width is within 1.5x the width it is shown at."""
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({
        "figure.dpi": FIGURE_DPI, "savefig.dpi": FIGURE_DPI, "font.size": 8, "axes.titlesize": 8.5,
        "axes.labelsize": 8, "legend.fontsize": 7, "xtick.labelsize": 7, "ytick.labelsize": 7,
        "figure.titlesize": 9, "figure.figsize": (6.0, 3.6), "figure.constrained_layout.use": False,
    })
    if getattr(plt.figure, "_book_capped", False):
        return
    original = plt.figure

    def figure(*args, figsize=None, **kw):
        if figsize is not None:
            w, h = figsize
            if w > FIGURE_MAX_WIDTH_IN:
                k = FIGURE_MAX_WIDTH_IN / w
                figsize = (FIGURE_MAX_WIDTH_IN, h * k ** 0.5)
        return original(*args, figsize=figsize, **kw)

    figure._book_capped = True  # type: ignore[attr-defined]
    figure.__doc__ = original.__doc__
    plt.figure = figure
