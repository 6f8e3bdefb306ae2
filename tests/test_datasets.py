"""The core's copies of the public tables equal scikit-learn's loaders, and deciding claims
needs no scikit-learn import."""

import subprocess
import sys

import numpy as np
import pytest

from verify.core import datasets


def test_diabetes_equals_scikit_learn():
    skd = pytest.importorskip("sklearn.datasets")
    X, y = datasets.diabetes()
    Xs, ys = skd.load_diabetes(return_X_y=True, scaled=False)
    assert X.shape == (442, 10) and np.array_equal(X, Xs) and np.array_equal(y, ys)
    assert X[0].tolist() == [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87] and y[0] == 151


def test_digits_equals_scikit_learn_both_routes(monkeypatch):
    skd = pytest.importorskip("sklearn.datasets")
    Xs, ys = skd.load_digits(return_X_y=True)
    X, y = datasets.digits()
    assert np.array_equal(X, Xs) and np.array_equal(y, ys) and y.dtype == ys.dtype
    # the fallback (the file not where it is expected): scikit-learn's own loader
    monkeypatch.setattr(datasets, "_data_dir", lambda: None)
    datasets.digits.cache_clear()
    try:
        X2, y2 = datasets.digits()
    finally:
        datasets.digits.cache_clear()
    assert np.array_equal(X2, Xs) and np.array_equal(y2, ys)


def test_tables_are_read_only():
    for X, y in (datasets.diabetes(), datasets.digits()):
        with pytest.raises(ValueError):
            X[0, 0] = 1.0
        with pytest.raises(ValueError):
            y[0] = 1


def test_claims_on_the_tables_import_no_scikit_learn():
    """Claims that read the diabetes table decide without importing scikit-learn (its import
    costs about a second in every worker of ``check``)."""
    code = ("import sys\n"
            "from verify.core import datasets\n"
            "from verify.core.claims import registry, run_claim\n"
            "ids = {'variance.degree_norm', 'stationary.eq12'}\n"
            "rs = [run_claim(c) for c in registry() if c.id in ids]\n"
            "assert len(rs) == 2 and all(r.verdict.ok for r in rs), [r.verdict for r in rs]\n"
            "assert datasets.diabetes.cache_info().currsize == 1\n"
            "print('sklearn' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]
