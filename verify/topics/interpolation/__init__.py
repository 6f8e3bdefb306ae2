"""Paper 000: Ma, Bassily, Belkin — The Power of Interpolation.

The topic ``interpolation``: derivation in :mod:`derivations.interpolation`, chapter ``book/chapters/p000_interpolation.md``.
Here: engine.py (exact second-moment recursion and enumeration); ``claims.py`` (every claim next to its check); ``montecarlo.py`` (the harness
experiment, each comparison naming the claim it tests).
"""
