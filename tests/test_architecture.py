"""The layering and the declared dependencies, as contracts the suite enforces.

``lint-imports`` reads the contracts in ``pyproject.toml`` (core imports no topic; engines
and experiments never import printed formulas; topics independent; no cycles);
``deptry`` checks that every import is a declared dependency and every dependency used.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(tool: str) -> subprocess.CompletedProcess:
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is not installed: it is declared in the dev extra")
    return subprocess.run([exe, *([] if tool == "lint-imports" else ["."])], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_hold():
    out = _run("lint-imports")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_declared_dependencies_match_imports():
    out = _run("deptry")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


def test_a_contract_violation_is_detected():
    """The contracts can fail: a core module importing a topic breaks them."""
    bad = ROOT / "verify" / "core" / "_contract_probe.py"
    bad.write_text("import verify.topics.interpolation.engine  # noqa\n")
    try:
        out = _run("lint-imports")
    finally:
        bad.unlink()
    assert out.returncode != 0 and "BROKEN" in out.stdout, out.stdout[-2000:]
