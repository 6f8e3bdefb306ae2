"""Beyond the papers: exact mean-square dynamics of mini-batch SGD on least squares.

The topic ``meansquare`` (paper 000's model): derivation in :mod:`derivations.meansquare`,
chapter ``book/chapters/p100_meansquare.md``.  Here: ``engine.py`` (the matrix-free
second-moment map T, exact stability limit, optimal step and rate, iterations to a target,
speed-up, critical batch size, and the peers' step rules); ``data.py`` (features from files,
scikit-learn datasets and Gaussian kernels); ``claims.py``; ``cli.py`` (``batchproof advise``);
``montecarlo.py`` (the harness experiment).
"""
