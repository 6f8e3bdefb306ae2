"""Paper 004 (Luo, Wang — How Many Factors Influence Minima in SGD?): SymPy derivations from the model's definitions.

``derive`` declares the symbols, the model and the derivations, and ``exports()`` for the
generated checkers."""
