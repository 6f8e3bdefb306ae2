"""Headless Chromium helpers: screenshots of the built book and page inspection.

Used by ``batchproof book`` (screenshots saved with the build when Chromium is
installed) and by the browser test.  Chromium runs with networking features off, so
that a closed network costs nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["CHROMIUM_FLAGS", "find_chromium", "screenshot"]

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


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
