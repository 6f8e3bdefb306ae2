"""Display math that fits the page: long formulas broken into lines at their top level."""

from __future__ import annotations

from verify.core import book as B


def _lines(tex: str) -> list[str]:
    body = tex.split("\\begin{gathered}\n", 1)[1].rsplit("\n\\end{gathered}", 1)[0]
    return [ln.rstrip(" \\") for ln in body.split(" \\\\\n")]


def test_short_formula_unchanged():
    assert B.fit_display(r"a = b + c") == "a = b + c"


def test_long_formula_split_at_separators_then_relations():
    s = (r"E[M\mid F_0] = N_0 + N_1\tfrac1b + \dots + N_q\tfrac1{b^q},\ q \le \tfrac12(3^{t+1}-1)d + "
         r"\tfrac12(3^t-1)d',\ \textstyle\sum_j \deg M^k_{ij} \le 3^t(3d+d')")
    out = B.fit_display(s)
    lines = _lines(out)
    assert len(lines) >= 2 and all(B._width(ln) <= B.DISPLAY_SPLIT_AT for ln in lines)
    # nothing lost: the same tokens in the same order
    assert "".join(out.split("\\begin{gathered}")[1].split()).replace("\\\\", "").replace("\\end{gathered}", "") \
        == "".join(s.split()).replace(",\\", ",")


def test_no_split_inside_braces_or_numbers():
    s = r"\frac{a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q + r + s + t + u + v}{2} = 1,250"
    out = B.fit_display(s)
    for ln in (_lines(out) if "gathered" in out else [out]):
        assert ln.count("{") == ln.count("}")
    assert "1,250" in out


def test_signs_are_not_split_off():
    s = r"\mathrm{var}(Ag \mid F_t) = -\frac{(-P + Qn)(b - n)}{bn^2(n-1)} - \frac{(-P + Qn)(b - n)}{bn^2(n-1)} - xyz"
    assert all(ln.strip() not in ("=", "-", "+") for ln in _lines(B.fit_display(s)))


def test_ascii_in_statements_becomes_latex():
    got = B._fmt("B_i^{kl} = -A for i = l != k, coefficient alpha_t^2 c_b/(2n^2)", display=True)
    assert r"\alpha" in got and r"\ne" in got and r"\text{ for }" in got
