"""Paper 000 (Ma, Bassily, Belkin — The Power of Interpolation): SymPy derivations from the model's definitions.

``derive`` declares the symbols, the model and the derivations, and ``exports()`` for the
generated checkers.  ``printed`` holds the formulas as printed (the things under test).
"""
