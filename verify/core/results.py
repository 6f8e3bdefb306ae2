"""Results files: JSON with provenance, written atomically (never half-written)."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any

from verify.core.claims import _jsonable

__all__ = ["RESULTS_DIR", "atomic_write_text", "check_output_dir", "check_output_path", "code_fingerprint", "attach_montecarlo", "attach_montecarlo_file",
           "montecarlo_by_claim", "provenance", "read_json", "write_json"]

RESULTS_DIR = Path(os.environ.get("BATCHPROOF_RESULTS", Path.cwd() / "results"))
SCHEMA_VERSION = 1


def check_output_path(path: str | os.PathLike, what: str = "output") -> Path:
    """Validate, before any work, that ``path`` can receive a results file.

    The folder must exist and be writable; the path must not be a folder, a symbolic
    link or a special file (a device, a pipe): such a target is never replaced.  Raises
    :class:`verify.core.errors.InputError` with one line saying why.
    """
    from verify.core.errors import InputError

    p = Path(path)
    if p.is_symlink():
        raise InputError(f"{what} {str(p)!r} is a symbolic link; give the file it points to")
    if p.exists() and p.is_dir():
        raise InputError(f"{what} {str(p)!r} is a directory; give a file name")
    if p.exists() and not p.is_file():
        raise InputError(f"{what} {str(p)!r} is not a regular file (a device or a pipe); it is never replaced")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{what} {str(p)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise InputError(f"{what} {str(p)!r}: not writable")
    return p


def check_output_dir(path: str | os.PathLike, what: str = "output folder") -> Path:
    """Validate a results folder before any work: it exists (or its parent does, and it
    will be created) and is writable.  Raises ``InputError`` with one line."""
    from verify.core.errors import InputError

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{what} {str(p)!r} is not a directory")
    probe = p if p.exists() else p.parent if str(p.parent) else Path(".")
    if not probe.is_dir():
        raise InputError(f"{what} {str(p)!r}: directory {str(probe)!r} does not exist")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"{what} {str(p)!r}: not writable")
    return p


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder and rename.

    Never half-written: a reader sees the old file or the new one.  The file gets the
    mode the umask gives a new file (as ``open`` would); temporary files left behind
    by an earlier killed write of the same file are removed.  A symbolic link or a
    special file at ``path`` is refused (``InputError``), never replaced.
    """
    path = Path(path)
    check_output_path(path, "file")
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_json(path: str | os.PathLike, data: dict[str, Any]) -> Path:
    return atomic_write_text(path, json.dumps(_jsonable(data), indent=2, sort_keys=False) + "\n")


def read_json(path: str | os.PathLike) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def code_fingerprint() -> str:
    """SHA-256 over the project's Python sources (derivations/ and verify/): results files
    carrying the same fingerprint were computed by this very code. The book's renderers
    (``verify/core/book.py``, ``browser.py``) and the command-line layer (``verify/cli.py``)
    decide nothing and are left out, so that a presentation change does not make the
    results stale."""
    import hashlib

    root = Path(__file__).resolve().parents[2]
    renderers = {Path("verify/core/book.py"), Path("verify/core/browser.py"), Path("verify/cli.py")}
    h = hashlib.sha256()
    for top in ("derivations", "verify"):
        for p in sorted((root / top).rglob("*.py")):
            if p.relative_to(root) in renderers:
                continue
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def provenance(**extra: Any) -> dict[str, Any]:
    """Versions, platform, commit and time; ``extra`` (seeds, device, ...) is merged in."""
    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for mod in ("numpy", "sympy", "mpmath", "scipy", "torch"):
        m = sys.modules.get(mod)
        if m is not None:
            versions[mod] = getattr(m, "__version__", None)
            continue
        try:  # the installed version, without importing the package (torch alone takes seconds)
            versions[mod] = _metadata.version(mod)
        except _metadata.PackageNotFoundError:
            versions[mod] = None
    out = {
        "schema_version": SCHEMA_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "git_commit": _git_commit(),
        "code_fingerprint": code_fingerprint(),
    }
    out.update(extra)
    return out


def montecarlo_by_claim(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Summarise harness reports per claim id: the Monte-Carlo evidence for each claim.

    For each claim: how many comparisons name it, how many were rejected (Holm, the
    topic's family-wise level), how many values were left unresolved, the largest |z|,
    the replica counts, device and seed, and ``agreed`` (at least one comparison tested
    and none rejected).  Strength is always "empirical".
    """
    out: dict[str, dict[str, Any]] = {}
    for rep in reports:
        prov = rep.get("provenance", {})
        for c in rep.get("comparisons", []):
            cid = c.get("claim")
            if cid is None:
                continue
            d = out.setdefault(cid, {"strength": "empirical", "comparisons": 0, "rejected": 0,
                                     "unresolved": 0, "max_abs_z": 0.0, "replicas": [],
                                     "device": prov.get("device"),
                                     "seed": prov.get("config", {}).get("seed"),
                                     "alpha": rep.get("decision", {}).get("family_wise_alpha"),
                                     "file": f"harness_{prov.get('topic', '?')}.json"})
            d["comparisons"] += 1
            d["rejected"] += bool(c.get("rejected"))
            z = c.get("z")
            if isinstance(z, (int, float)):
                d["max_abs_z"] = max(d["max_abs_z"], abs(z)) if z == z else float("nan")
            reps = c.get("replicas")
            if reps is not None and reps not in d["replicas"]:
                d["replicas"].append(reps)
        for u in rep.get("unresolved", []) or []:
            if isinstance(u, dict) and u.get("claim"):
                d = out.setdefault(u["claim"], {"strength": "empirical", "comparisons": 0, "rejected": 0,
                                                "unresolved": 0, "max_abs_z": 0.0, "replicas": [],
                                                "device": prov.get("device"),
                                                "seed": prov.get("config", {}).get("seed"),
                                                "alpha": rep.get("decision", {}).get("family_wise_alpha"),
                                                "file": f"harness_{prov.get('topic', '?')}.json"})
                d["unresolved"] += 1
    for d in out.values():
        d["agreed"] = d["comparisons"] > 0 and d["rejected"] == 0 and d["max_abs_z"] == d["max_abs_z"]
    return out


def _harness_reports(folder: Path) -> list[dict[str, Any]]:
    reps = []
    for p in sorted(Path(folder).glob("harness_*.json")):
        try:
            reps.append(read_json(p))
        except (OSError, ValueError):
            continue
    return reps


def attach_montecarlo(results: list[Any], folder: Path) -> int:
    """Attach the harness results in ``folder`` to ``results`` (claim Results); return how many."""
    mc = montecarlo_by_claim(_harness_reports(folder))
    n = 0
    for r in results:
        if r.claim.id in mc:
            r.montecarlo = mc[r.claim.id]
            n += 1
    return n


def attach_montecarlo_file(check_json: Path, folder: Path) -> int:
    """Attach the harness results in ``folder`` to the claims in a ``check --json`` file."""
    data = read_json(check_json)
    mc = montecarlo_by_claim(_harness_reports(folder))
    n = 0
    for c in data.get("claims", []):
        if c["id"] in mc:
            c["montecarlo"] = mc[c["id"]]
            n += 1
    data["montecarlo_attached"] = n
    write_json(check_json, data)
    return n
