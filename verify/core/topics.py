"""Topic discovery: one package per paper under :mod:`verify.topics`.

The core never imports a topic by name: it finds the packages at run time and imports
their parts (``claims``, ``montecarlo``, ``commands``) by module path.  A topic package
holds its engines, its claims (each next to its check) and its Monte-Carlo experiment;
its derivation lives in :mod:`derivations.<topic>` and its chapter in ``book/chapters``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

__all__ = ["PACKAGE", "has_part", "names", "part"]

PACKAGE = "verify.topics"


def names(with_part: str | None = None) -> list[str]:
    """Topic names (sorted); only those with a module ``with_part`` when given."""
    pkg = importlib.import_module(PACKAGE)
    out = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)
                 if m.ispkg and not m.name.startswith("_"))
    if with_part is not None:
        out = [t for t in out if has_part(t, with_part)]
    return out


def has_part(topic: str, part: str) -> bool:
    return importlib.util.find_spec(f"{PACKAGE}.{topic}.{part}") is not None


def part(topic: str, name: str) -> ModuleType:
    """Import ``verify.topics.<topic>.<name>``."""
    return importlib.import_module(f"{PACKAGE}.{topic}.{name}")
