"""Paper 003: Paquette — Optimization Algorithms in the Large (slides).

The topic ``volterra``: derivation in :mod:`derivations.volterra`, chapter ``book/chapters/p003_volterra.md``.
Here: engine.py (exact SGD/momentum recursions, Volterra solver); ``claims.py`` (every claim next to its check); ``montecarlo.py`` (the harness
experiment, each comparison naming the claim it tests).
"""
