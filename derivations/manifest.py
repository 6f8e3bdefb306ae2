"""The manifest: generated module name -> derivation module defining ``exports()``.

Every topic package under :mod:`derivations` whose ``derive`` module defines
``exports()`` is an entry, found on disk (no list to keep in step): a new paper's
derivation is picked up by ``batchproof generate`` as soon as it exists.
``batchproof generate`` writes ``verify/generated/<name>.py`` (numpy) and
``verify/generated/<name>_mp.py`` (the mpmath twin) for each entry.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["MANIFEST"]


def _discover() -> dict[str, str]:
    root = Path(__file__).resolve().parent
    out = {}
    for derive in sorted(root.glob("*/derive.py")):
        topic = derive.parent.name
        if topic.startswith("_"):
            continue
        # a static look (no import): the module defines exports() at top level
        if re.search(r"^def exports\(", derive.read_text(encoding="utf-8"), flags=re.M):
            out[topic] = f"derivations.{topic}.derive"
    return out


MANIFEST: dict[str, str] = _discover()
