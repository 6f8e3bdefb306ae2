"""Paper 002 (Yin et al. — Gradient Diversity): SymPy derivations from the model's definitions.

``derive`` declares the symbols, the model and the derivations, and ``exports()`` for the
generated checkers."""
