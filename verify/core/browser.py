"""Headless Chromium helpers: screenshots of the built book and page inspection.

Used by ``batchproof book`` (a screenshot of every page saved with the build in
``_build/screenshots/`` when Chromium is installed) and by the browser test, which asserts
what :data:`INSPECT_JS` measures.  Chromium runs with networking features off, so that a
closed network costs nothing.  With Selenium and chromedriver installed one browser serves
every page; otherwise each screenshot is one ``chromium --screenshot`` run.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["CHROMIUM_FLAGS", "INSPECT_JS", "WAIT_MATHJAX_JS", "book_pages", "find_chromium", "open_driver",
           "screenshot", "screenshot_pages"]

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]

#: resolves (async script) once MathJax 3 has typeset the page, or after 15 s
WAIT_MATHJAX_JS = """
    const done = arguments[arguments.length - 1];
    const t0 = Date.now();
    (function poll() {
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise.then(() => done(true), () => done(false));
      } else if (Date.now() - t0 > 15000) { done(false); } else { setTimeout(poll, 100); }
    })();"""

#: what the browser test asserts, measured on a loaded page (returns a JSON-able object):
#: table rows whose cell count differs from the header's; elements wider than the article
#: column (tables, images, figures, code, display math, paragraphs); images whose natural
#: width exceeds 1.5x their shown width; display math that needs scrolling.
INSPECT_JS = """
const main = document.querySelector('main') || document.body;
const article = document.querySelector('article.bd-article') || main;
const col = article.getBoundingClientRect();
const slack = 2;
const tables = [];
for (const t of article.querySelectorAll('table')) {
  const rows = Array.from(t.rows);
  if (!rows.length) continue;
  const width = (r) => Array.from(r.cells).reduce((n, c) => n + (c.colSpan || 1), 0);
  const head = width(rows[0]);
  rows.forEach((r, i) => { if (width(r) !== head) tables.push({row: i, cells: width(r), header: head,
                                                             text: r.innerText.slice(0, 120)}); });
}
const wide = [];
const sel = 'table, img, figure, pre, p, li, .cell_output, mjx-container[display="true"], .admonition, h1, h2, h3';
for (const e of article.querySelectorAll(sel)) {
  const r = e.getBoundingClientRect();
  if (r.width === 0) continue;
  const scroller = e.closest('.table-wrapper, .cell_output, .highlight, .math-wrapper, mjx-container[display="true"]');
  const inScroller = scroller && scroller !== e;
  if (!inScroller && (r.right > col.right + slack || r.left < col.left - slack))
    wide.push({tag: e.tagName.toLowerCase(), width: Math.round(r.width), column: Math.round(col.width),
               text: (e.innerText || e.getAttribute('src') || '').slice(0, 80)});
  if (e.tagName === 'TABLE' && (e.scrollWidth > e.clientWidth + slack || e.parentElement.scrollWidth > e.parentElement.clientWidth + slack))
    wide.push({tag: 'table (scrolls)', width: e.scrollWidth, column: Math.round(col.width),
               text: e.innerText.slice(0, 80)});
}
const images = Array.from(article.querySelectorAll('img')).map(i => ({src: i.getAttribute('src'),
  natural: i.naturalWidth, shown: Math.round(i.getBoundingClientRect().width), complete: i.complete}));
const scrollingMath = Array.from(article.querySelectorAll('mjx-container[display="true"]'))
  .filter(m => m.scrollWidth > m.clientWidth + slack).length;
return {tables, wide, images, scrollingMath, column: Math.round(col.width)};
"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def book_pages(html: Path) -> list[Path]:
    """Every content page of a built book (not Sphinx's genindex/search)."""
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return sorted(p for p in Path(html).rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts
                  and "_images" not in p.parts)


def open_driver(width: int = 1280, height: int = 1600, profile: str | None = None):
    """A Selenium Chrome driver on the installed Chromium (with browser console logging)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = find_chromium()
    for f in CHROMIUM_FLAGS:
        opts.add_argument(f)
    if profile:
        opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={width},{height}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    drv.set_script_timeout(60)
    return drv


def screenshot(html: Path, out_png: Path, width: int = 1280, height: int = 1800) -> Path:
    """Render ``html`` headless (after 8 s of virtual time for MathJax) into ``out_png``."""
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("no Chromium found (install Debian's 'chromium')")
    out_png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               "--virtual-time-budget=8000", f"--screenshot={out_png}", Path(html).resolve().as_uri()]
        subprocess.run(cmd, capture_output=True, timeout=120, check=True)
    if not out_png.exists():
        raise RuntimeError(f"Chromium wrote no screenshot for {html}")
    return out_png


def _name(html: Path, page: Path) -> str:
    return "__".join(page.relative_to(html).with_suffix("").parts) + ".png"


def screenshot_pages(html: Path, out_dir: Path, width: int = 1280, max_height: int = 16000) -> list[Path]:
    """A screenshot of every page of the built book ``html`` into ``out_dir`` (the whole
    page, up to ``max_height`` pixels), named after the page (``chapters__p000_...png``)."""
    html, out_dir = Path(html).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.png"):
        old.unlink()
    pages = book_pages(html)
    shots = []
    try:
        import selenium  # noqa: F401

        have_driver = shutil.which("chromedriver") is not None
    except ImportError:
        have_driver = False
    if not have_driver:
        for page in pages:
            shots.append(screenshot(page, out_dir / _name(html, page), width=width))
        return shots
    with tempfile.TemporaryDirectory() as profile:
        drv = open_driver(width, 1000, profile)
        try:
            for page in pages:
                drv.set_window_size(width, 1000)
                drv.get(page.as_uri())
                drv.execute_async_script(WAIT_MATHJAX_JS)
                h = drv.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
                drv.set_window_size(width, max(600, min(int(h), max_height)))
                out = out_dir / _name(html, page)
                drv.save_screenshot(str(out))
                shots.append(out)
        finally:
            drv.quit()
    return shots
