"""Paper 002: Yin et al. — Gradient Diversity.

The topic ``diversity``: derivation in :mod:`derivations.diversity`, chapter ``book/chapters/p002_diversity.md``.
Here: estimator.py (the B_S estimator for torch models); ``claims.py`` (every claim next to its check); ``montecarlo.py`` (the harness
experiment, each comparison naming the claim it tests).
"""
