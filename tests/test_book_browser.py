"""The built book, checked in a real browser (headless Chromium via Selenium).

Builds a copy of ``book/`` offline (no harness results: chapters must say so and still
render), then opens every page and asserts that math is rendered by MathJax (no raw
``$$``), every image loads, every internal link resolves, and each chapter shows its
verdict table.  Skipped where no Chromium / chromedriver is installed; CI installs
Debian's ``chromium`` and ``chromium-driver``.
"""

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from verify.core.browser import CHROMIUM_FLAGS, find_chromium

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None or shutil.which("chromedriver") is None,
                       reason="no chromium / chromedriver installed"),
]


@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    d = tmp_path_factory.mktemp("bookbuild")
    shutil.copytree(ROOT / "book", d / "book", ignore=shutil.ignore_patterns("_build"))
    r = subprocess.run([sys.executable, "-m", "verify.cli", "book", "--path", str(d / "book")],
                       cwd=d, capture_output=True, text=True, timeout=1800,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])
    return d / "book" / "_build" / "html"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = find_chromium()
    for f in CHROMIUM_FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('profile')}")
    opts.add_argument("--window-size=1280,1600")
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    drv.set_script_timeout(60)
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


def _pages(html: Path):
    return [html / "index.html", html / "errata.html", *sorted((html / "chapters").glob("*.html"))]


def _load(driver, page: Path):
    driver.get(page.as_uri())
    # wait for MathJax 3 to finish typesetting (its startup promise), if the page has math
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const t0 = Date.now();
        (function poll() {
          if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            MathJax.startup.promise.then(() => done(true), () => done(false));
          } else if (Date.now() - t0 > 15000) { done(false); } else { setTimeout(poll, 100); }
        })();""")


def test_math_is_rendered_and_no_raw_dollars(built_book, driver):
    for page in _pages(built_book):
        _load(driver, page)
        n_math = driver.execute_script("return document.querySelectorAll('mjx-container').length")
        text = driver.execute_script("return document.querySelector('main').innerText")
        assert "$$" not in text, f"raw $$ on {page.name}"
        if page.parent.name == "chapters" or page.name == "errata.html":
            assert n_math > 0, f"no MathJax output on {page.name}"
        unrendered = driver.execute_script(
            "return Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container')).length")
        assert unrendered == 0, f"{unrendered} math elements not typeset on {page.name}"


def test_every_image_loads(built_book, driver):
    total = 0
    for page in _pages(built_book):
        _load(driver, page)
        bad = driver.execute_script(
            "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert not bad, f"broken images on {page.name}: {bad}"
        total += driver.execute_script("return document.images.length")
    assert total >= 2  # at least the paper-000 theory figures (others need harness results)


def test_every_internal_link_resolves(built_book, driver):
    ids_cache: dict[Path, set] = {}
    broken = []
    for page in _pages(built_book):
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


def test_each_chapter_shows_its_verdict_table(built_book, driver):
    chapters = sorted((built_book / "chapters").glob("*.html"))
    assert chapters
    for page in chapters:
        _load(driver, page)
        headers = driver.execute_script(
            "return Array.from(document.querySelectorAll('table th')).map(th => th.innerText.trim().toLowerCase())")
        assert "verdict" in headers, f"no verdict table on {page.name}"
        assert "FAILED" not in driver.execute_script("return document.querySelector('main').innerText")


def test_screenshots_saved_with_the_build(built_book):
    shots = sorted((built_book / "_screenshots").glob("*.png"))
    assert [s.name for s in shots][:1] and any(s.name == "index.png" for s in shots)
    for s in shots:
        assert s.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and s.stat().st_size > 10_000
