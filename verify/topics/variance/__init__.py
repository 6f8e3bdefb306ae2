"""Paper 001: The Impact of the Mini-batch Size on the Dynamics of SGD.

The topic ``variance``: derivation in :mod:`derivations.variance`, chapter ``book/chapters/p001_variance.md``.
Here: engine.py (linear regression, exact polynomials in 1/b), data.py (datasets shared by claims, Monte-Carlo and book), deep_linear.py (two-layer linear network, python-flint), deep_linear_reference.py (its SymPy twin), cli.py (`batchproof deep-linear`); ``claims.py`` (every claim next to its check); ``montecarlo.py`` (the harness
experiment, each comparison naming the claim it tests).
"""
