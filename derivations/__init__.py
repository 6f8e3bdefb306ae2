"""SymPy derivations, one module per topic.

Each module declares its symbols with SymPy assumptions, the model's definitions, and
pure functions that derive the results (no file I/O).  A module that has formulas for
the generated checkers defines ``exports()`` returning a list of :class:`Export`;
:mod:`derivations.manifest` maps generated modules to derivation modules.
"""

from derivations.export import Export, Guard

__all__ = ["Export", "Guard"]
