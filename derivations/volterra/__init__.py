"""Paper 003 (Paquette — Optimization Algorithms in the Large (slides)): SymPy derivations from the model's definitions.

``derive`` declares the symbols, the model and the derivations, and ``exports()`` for the
generated checkers."""
