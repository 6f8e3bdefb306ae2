"""The public B_S estimator against exact values on least squares (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from verify.topics.diversity.estimator import (batch_size_bound, moments_from_gradients,
                                        per_sample_gradients)
from verify.harness.stats import z_critical


def _mse(out, target):
    """Mean over the batch of (out - y)^2 / 2: f_i(w) = (x_i^T w + b - y_i)^2 / 2."""
    return 0.5 * ((out.squeeze(-1) - target) ** 2).mean()


def _least_squares(n=40, d=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    y = torch.randn(n, generator=g, dtype=torch.float64)
    model = torch.nn.Linear(d, 1).double()
    with torch.no_grad():
        model.weight.copy_(torch.randn(1, d, generator=g, dtype=torch.float64))
        model.bias.copy_(torch.randn(1, generator=g, dtype=torch.float64))
    return model, X, y


def _exact_numpy(model, X, y):
    """Closed form: grad f_i = r_i (x_i, 1), r_i = x_i^T w + b - y_i; B_S = n sum||g||^2/||sum g||^2."""
    Xn, yn = X.numpy(), y.numpy()
    w = model.weight.detach().numpy().ravel()
    b = float(model.bias.detach())
    r = Xn @ w + b - yn
    Z = np.hstack([Xn, np.ones((len(yn), 1))])
    g = r[:, None] * Z
    return len(yn) * (g * g).sum() / (g.sum(0) ** 2).sum(), g


def test_exact_method_matches_closed_form():
    model, X, y = _least_squares()
    est = batch_size_bound(model, _mse, X, y, method="exact", chunk_size=7)
    bs, g = _exact_numpy(model, X, y)
    # float64 sums over 40 x 6 entries: round-off ~1e-14 relative
    assert math.isclose(est.B_S, bs, rel_tol=1e-12)
    assert math.isclose(est.M2, (g * g).sum(1).mean(), rel_tol=1e-12)
    assert math.isclose(est.noise_scale, bs - 1, rel_tol=1e-12)
    G = per_sample_gradients(model, _mse, X, y)
    assert np.allclose(G.numpy(), g, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("b", [1, 4, 16])
def test_two_batch_is_unbiased_within_its_standard_error(b):
    """Unbiasedness of G_hat and M2_hat: z-tests against the exact values at level 1e-3
    each (Bonferroni over 2 x 3 parametrisations keeps the family-wise level < 1%)."""
    model, X, y = _least_squares(seed=3)
    exact = batch_size_bound(model, _mse, X, y)
    est = batch_size_bound(model, _mse, X, y, method="two_batch", batch_size=b, pairs=400, seed=11)
    zc = z_critical(1e-3)
    assert abs(est.G - exact.G) <= zc * est.sem_G
    assert abs(est.M2 - exact.M2) <= zc * est.sem_M2
    assert est.backward_passes == 800
    assert est.sem_B_S > 0


def test_moments_from_gradients_rejects_zero_mean():
    with pytest.raises(ValueError, match="mean gradient is zero"):
        moments_from_gradients(torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64))


@pytest.mark.parametrize("kwargs,msg", [
    ({"method": "nope"}, "method must be"),
    ({"method": "two_batch", "batch_size": 0}, "batch_size"),
    ({"method": "two_batch", "pairs": 1}, "pairs"),
    ({"chunk_size": 0}, "chunk_size"),
])
def test_bad_arguments_raise_valueerror(kwargs, msg):
    model, X, y = _least_squares(n=5)
    with pytest.raises(ValueError, match=msg):
        batch_size_bound(model, _mse, X, y, **kwargs)


def test_mismatched_data_raises():
    model, X, y = _least_squares(n=5)
    with pytest.raises(ValueError, match="disagree"):
        batch_size_bound(model, _mse, X, y[:3])
    with pytest.raises(ValueError, match="nn.Module"):
        batch_size_bound(lambda x: x, _mse, X, y)


def test_two_batch_reports_inf_when_mean_G_hat_is_not_positive():
    """At the least-squares minimiser grad F = 0, so G_hat has mean 0 and can be negative."""
    model, X, y = _least_squares(n=30, seed=4)
    Z = torch.cat([X, torch.ones(30, 1, dtype=torch.float64)], 1)
    sol = torch.linalg.lstsq(Z, y.unsqueeze(1)).solution.squeeze(1)
    with torch.no_grad():
        model.weight.copy_(sol[:-1].unsqueeze(0))
        model.bias.copy_(sol[-1:])
    vals = [batch_size_bound(model, _mse, X, y, method="two_batch", batch_size=2, pairs=4, seed=s)
            for s in range(20)]
    neg = [v for v in vals if v.G <= 0]
    assert neg, "expected some non-positive G_hat at the minimiser"
    assert all(math.isinf(v.B_S) and math.isinf(v.sem_B_S) for v in neg)


def test_all_pairs_estimator_is_exactly_unbiased_by_enumeration():
    """Enumerate every assignment of K batches of b indices (with replacement) over n
    per-sample gradients in rational arithmetic: the mean of G_hat is |grad F|^2 and the mean
    of M2_hat is (1/n) sum ||g_i||^2, exactly."""
    import itertools
    from fractions import Fraction

    from verify.topics.diversity.estimator import all_pairs_moments

    grads = [[Fraction(1), Fraction(2)], [Fraction(-3, 2), Fraction(1, 3)], [Fraction(0), Fraction(-1)]]
    n = len(grads)
    G_true = sum((sum(g[c] for g in grads) / n) ** 2 for c in range(2))
    M2_true = sum(g[0] ** 2 + g[1] ** 2 for g in grads) / n
    for K, b in ((2, 1), (3, 1), (2, 2), (3, 2)):
        tot_G = tot_M = Fraction(0)
        count = 0
        for idx in itertools.product(range(n), repeat=K * b):
            means = [[sum(grads[i][c] for i in idx[k * b:(k + 1) * b]) / b for c in range(2)] for k in range(K)]
            s = [sum(mm[c] for mm in means) for c in range(2)]
            G, M2 = all_pairs_moments(s[0] ** 2 + s[1] ** 2, sum(mm[0] ** 2 + mm[1] ** 2 for mm in means), K, b)
            tot_G += G
            tot_M += M2
            count += 1
        assert tot_G / count == G_true and tot_M / count == M2_true, (K, b)


def test_all_pairs_method_within_its_standard_error():
    model, X, y = _least_squares(seed=3)
    exact = batch_size_bound(model, _mse, X, y)
    est = batch_size_bound(model, _mse, X, y, method="all_pairs", batch_size=4, batches=400, seed=1)
    assert est.method == "all_pairs" and est.backward_passes == 400
    z = z_critical(1e-3)
    assert abs(est.G - exact.G) <= z * est.sem_G
    assert abs(est.M2 - exact.M2) <= z * est.sem_M2
    with pytest.raises(ValueError):
        batch_size_bound(model, _mse, X, y, method="all_pairs", batches=2)
