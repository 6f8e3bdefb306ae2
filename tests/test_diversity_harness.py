"""Harness pieces for paper 002: Lemma 1 Monte-Carlo and the closed-form per-sample statistics."""

from __future__ import annotations

import math

import pytest
import torch

from verify.topics.diversity.estimator import batch_size_bound
from verify.harness import HarnessConfig
from verify.topics.diversity import montecarlo as E
from verify.harness.stats import holm
from verify.generated import diversity as gen


def test_lemma1_montecarlo_light():
    """2^14 replicas per batch size; Holm at family-wise 1% over the six comparisons."""
    cfg = HarnessConfig(device="cpu", quick=True, seed=123)
    comps = E.lemma1_experiment(cfg, 1 << 14, lambda m, f: None)
    assert len(comps) == 6
    assert not any(holm(comps, 0.01))
    assert all(c.sem > 0 for c in comps)


@pytest.mark.parametrize("kind", ["logreg", "mlp"])
def test_closed_form_per_sample_stats_match_public_estimator(kind):
    """The harness's closed-form S, T (hence B_S) equal torch.func per-sample gradients."""
    X, y = E.load_digits_tensors("cpu")
    X, y = X[:60], y[:60]
    g = E.torch_generator("cpu", 5)
    m = E.BatchedModel(kind, 1, X.shape[1], g, "cpu")
    if kind == "logreg":
        m.params[0] += 0.1 * torch.randn(m.params[0].shape, generator=g, dtype=torch.float64)
    S, T = m.per_sample_stats(X.unsqueeze(0), y.unsqueeze(0))
    bs_closed = float(gen.batch_size_bound_from_sums(60, float(S[0]), float(T[0] - S[0])))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.W = torch.nn.ParameterList([torch.nn.Parameter(p[0].clone()) for p in m.params])

        def forward(self, x):
            if kind == "logreg":
                return x @ self.W[0]
            h = torch.tanh(x @ self.W[0])
            return torch.cat([h, torch.ones_like(h[:, :1])], 1) @ self.W[1]

    est = batch_size_bound(Net(), torch.nn.functional.cross_entropy, X, y)
    assert math.isclose(est.B_S, bs_closed, rel_tol=1e-10)
    # the mean gradient of the closed form equals autograd's
    loss, grads = m.loss_and_grads(X.unsqueeze(0), y.unsqueeze(0))
    net = Net()
    torch.nn.functional.cross_entropy(net(X), y).backward()
    for gg, p in zip(grads, net.W):
        assert torch.allclose(gg[0], p.grad, rtol=1e-10, atol=1e-13)


def test_replicate_indices_keep_n_and_use_1_over_r_of_the_data():
    idx = E.replicate_indices(100, 4, 3, E.torch_generator("cpu", 0), "cpu")
    assert idx.shape == (3, 100)
    for row in idx:
        assert len(set(row.tolist())) == 25


@pytest.mark.montecarlo
def test_full_quick_harness(tmp_path, request):
    from verify.harness import run_topic

    if "montecarlo" not in (request.config.getoption("-m") or ""):
        pytest.skip("heavy: run with -m montecarlo")
    rep = run_topic("diversity", HarnessConfig(device="cpu", quick=True), out_dir=tmp_path)
    assert rep["decision"]["passed"]
