"""The built book, checked in a real browser (headless Chromium via Selenium), and the
renderers it is made of.

The browser tests build a copy of ``book/`` offline from this checkout's results (the
book only reads ``results/check.json``; ``batchproof book`` decides the claims once when
it is missing or stale), then open every page and assert: math is typeset by MathJax (no
raw ``$$``), every image loads, every internal link resolves, each chapter shows its
verdict table, every table row has as many cells as its header, no element is wider
than the article column, no console error, every figure's natural width is within 1.5x
the width it is shown at, and a screenshot of every page is saved with the build
(``_build/screenshots/``).  ``BATCHPROOF_BUILT_BOOK=book/_build/html`` tests a book
just built by ``batchproof book`` instead of building a copy.  Skipped where no Chromium / chromedriver is installed; CI
installs Debian's ``chromium`` and ``chromium-driver``.
"""

import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from verify.core import book as B
from verify.core.browser import INSPECT_JS, WAIT_MATHJAX_JS, book_pages, find_chromium, open_driver

ROOT = Path(__file__).resolve().parent.parent


# --- the renderers (no browser) ---------------------------------------------------------

def _cells(line: str) -> list[str]:
    """Split a Markdown table row as markdown-it does: on ``|`` not preceded by a backslash."""
    return re.split(r"(?<!\\)\|", line.strip()[1:-1])


def test_md_table_escapes_pipes_and_keeps_every_row_as_long_as_the_header():
    rows = [["E||w_t - w*||^2", "var(g_t | F_0)", None], [B.TeX(r"\|x\| |y|"), True, 1.234567890123],
            ["a_b*c [d](e)", Fraction(10**30 + 1, 3**40), 10**40]]
    md = B.md_table(["a | b", "c", "d"], rows)
    lines = md.strip().splitlines()
    assert len(lines) == 2 + len(rows)
    for line in lines:
        assert len(_cells(line)) == 3, line
    assert "None" not in md and "True" not in md and "1.234567890123" not in md
    assert "1.235" in md and "≈ 8.225e+10" in md and "1e+40" in md and "yes" in md and "—" in md
    with pytest.raises(ValueError, match="row 0 has 2 cells"):
        B.md_table(["a", "b", "c"], [[1, 2]])


def test_fmt_number_never_prints_long_rationals_or_python_literals():
    import sympy as sp

    assert B.fmt_number(sp.Rational(1, 3)) == "1/3"
    assert B.fmt_number(sp.Rational(10**59 + 7, 10**60)).startswith("≈ 0.1")
    assert B.fmt_number(None) == "—" and B.fmt_number(False) == "no"
    assert B.fmt_number(0.1 + 0.2) == "0.3" and B.fmt_number(float("nan")) == "NaN"


@pytest.mark.parametrize("name, tex", [("lam", r"\lambda"), ("lam1", r"\lambda_{1}"), ("lamn", r"\lambda_{n}"),
                                       ("eps", r"\varepsilon"), ("F_inf", r"F_{\infty}"),
                                       ("tr_sigma2", r"\operatorname{tr}_{\sigma^2}"), ("eta_star", r"\eta^{*}"),
                                       ("b0", "b_{0}"), ("Gamma", r"\Gamma"), ("q_ii", "q_{ii}")])
def test_symbols_print_with_their_latex_names(name, tex):
    import sympy as sp

    assert B.symbol_latex(name) == tex
    assert B.latex(sp.Symbol(name) + 1) in (tex + " + 1", "1 + " + tex)


def test_errata_ranking_puts_false_results_before_proof_steps_and_notation():
    from verify.core.claims import registry

    errata = [c for c in registry() if c.erratum is not None]
    ranks = {c.id: B.erratum_rank(c) for c in errata}
    assert set(ranks.values()) <= {1, 2, 3, 4}
    steps = [c.id for c in errata if ".proof." in c.id or ".step." in c.id]
    assert steps and all(ranks[i] == 3 for i in steps)
    assert ranks.get("interpolation.theorem3") == 1 and ranks.get("interpolation.eq5.sum_notation") == 4


# --- the built book in a browser ----------------------------------------------------------

@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    given = os.environ.get("BATCHPROOF_BUILT_BOOK")  # a book just built by `batchproof book`
    if given:
        return Path(given).resolve()
    d = tmp_path_factory.mktemp("bookbuild")
    shutil.copytree(ROOT / "book", d / "book", ignore=shutil.ignore_patterns("_build"))
    r = subprocess.run([sys.executable, "-m", "verify.cli", "book", "--path", str(d / "book")],
                       cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])
    for noise in ("Kernel is running over TCP", "myst_"):
        assert noise not in r.stdout + r.stderr, f"build output shows {noise!r}"
    return d / "book" / "_build" / "html"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    drv = open_driver(1280, 1600, str(tmp_path_factory.mktemp("profile")))
    yield drv
    drv.quit()


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)


def _load(driver, page: Path):
    driver.get(page.as_uri())
    driver.execute_async_script(WAIT_MATHJAX_JS)


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None or shutil.which("chromedriver") is None, reason="no chromium")
class TestBuiltBook:
    def test_math_is_rendered_and_no_raw_dollars(self, built_book, driver):
        for page in book_pages(built_book):
            _load(driver, page)
            n_math = driver.execute_script("return document.querySelectorAll('mjx-container').length")
            text = driver.execute_script("return document.querySelector('main').innerText")
            assert "$$" not in text, f"raw $$ on {page.name}"
            if page.parent.name == "chapters" or page.name == "errata.html":
                assert n_math > 0, f"no MathJax output on {page.name}"
            unrendered = driver.execute_script(
                "return Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container')).length")
            assert unrendered == 0, f"{unrendered} math elements not typeset on {page.name}"

    def test_tables_widths_figures_and_console(self, built_book, driver):
        """Every table row has as many cells as its header; no element is wider than the
        article column and no display formula scrolls; every figure's natural width is within 1.5x its shown width; no
        console error (warnings from the offline MathJax font loader included)."""
        problems = []
        n_tables = n_images = 0
        for page in book_pages(built_book):
            driver.get_log("browser")  # drop what an earlier page left
            _load(driver, page)
            got = driver.execute_script(INSPECT_JS)
            name = page.relative_to(built_book).as_posix()
            n_tables += driver.execute_script("return document.querySelectorAll('main table').length")
            problems += [f"{name}: table row {t}" for t in got["tables"]]
            problems += [f"{name}: too wide {w}" for w in got["wide"]]
            if got["scrollingMath"]:
                problems.append(f"{name}: {got['scrollingMath']} display formulas wider than the column (they scroll)")
            for im in got["images"]:
                n_images += 1
                if not (im["complete"] and im["natural"] > 0):
                    problems.append(f"{name}: image does not load {im['src']}")
                elif im["shown"] and im["natural"] > 1.5 * im["shown"]:
                    problems.append(f"{name}: image {im['src']} drawn {im['natural']} px, shown {im['shown']} px")
            errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            problems += [f"{name}: console error {m}" for m in errors]
        assert n_tables >= 8 and n_images >= 2
        assert not problems, "\n".join(map(str, problems[:40]))

    def test_every_internal_link_resolves(self, built_book, driver):
        ids_cache: dict[Path, set] = {}
        broken = []
        for page in book_pages(built_book):
            _load(driver, page)
            hrefs = driver.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
            for h in hrefs:
                u = urlparse(h)
                if u.scheme != "file":
                    continue
                target = Path(unquote(u.path))
                if not target.exists():
                    broken.append((page.name, h))
                    continue
                if u.fragment and target.suffix == ".html":
                    if target not in ids_cache:
                        p = _Ids()
                        p.feed(target.read_text(encoding="utf-8"))
                        ids_cache[target] = p.ids
                    if unquote(u.fragment) not in ids_cache[target]:
                        broken.append((page.name, h))
        assert not broken, broken[:10]

    def test_each_chapter_shows_its_verdict_table(self, built_book, driver):
        chapters = sorted((built_book / "chapters").glob("*.html"))
        assert chapters
        for page in chapters:
            _load(driver, page)
            headers = driver.execute_script(
                "return Array.from(document.querySelectorAll('table th')).map(th => th.innerText.trim().toLowerCase())")
            assert "verdict" in headers, f"no verdict table on {page.name}"
            assert "FAILED" not in driver.execute_script("return document.querySelector('main').innerText")

    def test_errata_page_is_ranked_with_paper_titles(self, built_book, driver):
        _load(driver, built_book / "errata.html")
        text = driver.execute_script("return document.querySelector('main').innerText")
        assert "_f78adc64a8dc1795" not in text  # titles, not file ids
        assert "The Power of Interpolation" in text and "Counterexample" in text and "Repair" in text
        heads = driver.execute_script("return Array.from(document.querySelectorAll('main h2')).map(h => h.innerText)")
        ranks = [int(h.split(".")[0]) for h in heads if h[:1].isdigit()]
        assert ranks == sorted(ranks) and ranks[:1] == [1]

    def test_screenshots_of_every_page_saved_with_the_build(self, built_book):
        shots = sorted((built_book.parent / "screenshots").glob("*.png"))
        assert len(shots) == len(book_pages(built_book)) and any(s.name == "index.png" for s in shots)
        for s in shots:
            assert s.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and s.stat().st_size > 10_000
