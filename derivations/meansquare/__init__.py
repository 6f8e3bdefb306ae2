"""Beyond the papers: the exact mean-square dynamics of mini-batch SGD on least squares.

Derivations for the topic ``meansquare`` (paper 000's model, update (4)); see :mod:`.derive`.
"""
