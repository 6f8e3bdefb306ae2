"""Paper 004: Luo, Wang — How Many Factors Influence Minima in SGD?.

The topic ``stationary``: derivation in :mod:`derivations.stationary`, chapter ``book/chapters/p004_stationary.md``.
Here: engine.py (Lyapunov and discrete-time stationary covariances); ``claims.py`` (every claim next to its check); ``montecarlo.py`` (the harness
experiment, each comparison naming the claim it tests).
"""
