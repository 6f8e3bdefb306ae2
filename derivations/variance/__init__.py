"""Paper 001 (The Impact of the Mini-batch Size on the Dynamics of SGD): SymPy derivations from the model's definitions.

``derive`` declares the symbols, the model and the derivations, and ``exports()`` for the
generated checkers; ``printed`` holds the formulas as printed (the things under test)."""
