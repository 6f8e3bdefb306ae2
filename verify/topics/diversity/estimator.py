r"""Estimate the batch-size bound :math:`B_S(w)` of Yin et al. for any torch model and dataset.

Definitions (paper 002, Definitions 4-5, Appendix B.1).  With per-sample losses ``f_i``
and the empirical risk ``F = (1/n) sum_i f_i`` (a **mean**)::

    M2(w) = (1/n) sum_i ||grad f_i(w)||^2          (mean of squared per-sample norms)
    G(w)  = ||grad F(w)||^2 = ||(1/n) sum_i grad f_i(w)||^2
    B_S(w) = n sum_i ||grad f_i||^2 / ||sum_i grad f_i||^2 = M2 / G

``B_S`` is invariant under rescaling every ``f_i`` by one constant, so it does not matter
whether the loss is summed or averaged; ``M2`` and ``G`` do depend on it and are reported
for the per-sample loss ``f_i(w) = loss_fn(model(x_i[None]), y_i[None])``.

The bridge to McCandlish et al.'s simple noise scale (derived in
:mod:`derivations.diversity.derive`): ``B_simple = tr(Sigma)/|G|^2 = B_S - 1`` when ``Sigma`` is the
per-sample gradient covariance with the population ``1/n`` normalisation.

Two estimators:

* ``method="exact"`` -- per-sample gradients with :func:`torch.func.vmap` over
  :func:`torch.func.grad` in chunks; exact up to float64 round-off, memory ``chunk x P``.
* ``method="two_batch"`` -- no per-sample gradients.  Each *pair* draws two independent
  batches ``A, A'`` of ``b`` indices uniformly **with replacement** and computes the two
  mean gradients ``g_A, g_A'`` (two ordinary backward passes).  Since
  ``E||g_A||^2 = M2/b + (1 - 1/b) G`` and ``E<g_A, g_A'> = G``::

      G_hat  = <g_A, g_A'>                                   (unbiased for G)
      M2_hat = b (||g_A||^2 + ||g_A'||^2)/2 - (b-1) <g_A, g_A'>   (unbiased for M2)

  averaged over ``pairs`` independent pairs; ``B_S`` is estimated by the ratio of the
  means, with a delta-method standard error.  The ratio is consistent, not unbiased; its
  relative error is large when ``G`` is small compared to ``M2/b`` (near a stationary point,
  or with tiny batches), which the returned ``sem`` shows; when the mean of ``G_hat`` is not
  positive, ``B_S`` and its ``sem`` are returned as ``inf`` (``G`` and ``M2`` estimates are
  still reported).  On the digits MLP, ``b = 32`` gives a usable ratio while ``b = 1`` does
  not (see the harness's estimator comparison).
* ``method="all_pairs"`` -- the U-statistic over ``batches`` = K independent with-replacement
  batches (K backward passes; default ``2 * pairs``, the two-batch method's cost).  With
  ``g_1, ..., g_K`` the batch mean gradients, every ordered pair ``j != k`` has
  ``E<g_j, g_k> = G``, so::

      G_hat  = (||sum_k g_k||^2 - sum_k ||g_k||^2) / (K (K-1))      (unbiased for G)
      M2_hat = b (1/K) sum_k ||g_k||^2 - (b-1) G_hat                 (unbiased for M2)

  (:func:`all_pairs_moments`; exact unbiasedness is shown by enumeration in rational
  arithmetic in ``tests/test_diversity_estimator.py``).  It uses all K(K-1)/2 pairs of the
  same backward passes where the two-batch method uses K/2 disjoint pairs; standard errors
  by the jackknife over batches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from verify.generated import diversity as _formulas

__all__ = ["DiversityEstimate", "all_pairs_moments", "batch_size_bound", "moments_from_gradients",
           "per_sample_gradients"]


@dataclass(frozen=True)
class DiversityEstimate:
    """Result of :func:`batch_size_bound`.

    ``B_S = M2 / G``; ``sem_*`` are standard errors (0 for ``exact``); ``n`` data points;
    ``backward_passes`` ordinary backward passes used (per-sample passes for ``exact`` are
    counted as ``n``); ``noise_scale = B_S - 1`` (McCandlish's ``B_simple``, 1/n covariance).
    """

    B_S: float
    M2: float
    G: float
    n: int
    method: str
    sem_B_S: float = 0.0
    sem_M2: float = 0.0
    sem_G: float = 0.0
    backward_passes: int = 0

    @property
    def noise_scale(self) -> float:
        return self.B_S - 1.0


def _check_inputs(model, loss_fn, X, y) -> None:
    if not isinstance(model, nn.Module):
        raise ValueError("model must be a torch.nn.Module")
    if not callable(loss_fn):
        raise ValueError("loss_fn must be callable: loss_fn(outputs, targets) -> scalar mean loss")
    if not isinstance(X, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise ValueError("X and y must be torch tensors")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y disagree on the number of samples: {X.shape[0]} vs {y.shape[0]}")
    if X.shape[0] < 1:
        raise ValueError("need at least one sample")


def per_sample_gradients(model: nn.Module, loss_fn: Callable, X: torch.Tensor, y: torch.Tensor,
                         chunk_size: int = 512) -> torch.Tensor:
    """Flattened per-sample gradients, shape ``(n, P)``: row ``i`` is the gradient of
    ``loss_fn(model(X[i:i+1]), y[i:i+1])`` with respect to all trainable parameters."""
    _check_inputs(model, loss_fn, X, y)
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    from torch.func import functional_call, grad, vmap

    names = [k for k, p in model.named_parameters() if p.requires_grad]
    params = {k: p.detach() for k, p in model.named_parameters() if p.requires_grad}
    buffers = {k: b.detach() for k, b in model.named_buffers()}

    def f(prm, xi, yi):
        out = functional_call(model, (prm, buffers), (xi.unsqueeze(0),))
        return loss_fn(out, yi.unsqueeze(0))

    g = vmap(grad(f), in_dims=(None, 0, 0))
    rows = []
    for s in range(0, X.shape[0], chunk_size):
        gs = g(params, X[s:s + chunk_size], y[s:s + chunk_size])
        rows.append(torch.cat([gs[k].reshape(gs[k].shape[0], -1) for k in names], dim=1))
    return torch.cat(rows, dim=0)


def moments_from_gradients(grads: torch.Tensor) -> tuple[float, float, float]:
    """``(B_S, M2, G)`` from a full ``(n, P)`` matrix of per-sample gradients (exact)."""
    if grads.ndim != 2 or grads.shape[0] < 1:
        raise ValueError(f"grads must have shape (n, P) with n >= 1, got {tuple(grads.shape)}")
    g = grads.to(torch.float64)
    M2 = float((g * g).sum(1).mean())
    G = float((g.mean(0) ** 2).sum())
    if G == 0.0:
        raise ValueError("the mean gradient is zero: B_S is undefined (infinite)")
    return float(_formulas.batch_size_bound_from_moments(M2, G)), M2, G


def all_pairs_moments(sum_norm_sq, norm_sq_sum, K: int, b: int):
    """``(G_hat, M2_hat)`` of the all-pairs (U-statistic) estimator from
    ``sum_norm_sq = ||sum_k g_k||^2`` and ``norm_sq_sum = sum_k ||g_k||^2`` over ``K >= 2``
    batch mean gradients of batch size ``b`` (indices with replacement).  Plain arithmetic:
    works on floats and on ``fractions.Fraction`` (exact tests)."""
    if K < 2:
        raise ValueError(f"the all-pairs estimator needs K >= 2 batches, got {K}")
    G = (sum_norm_sq - norm_sq_sum) / (K * (K - 1))
    M2 = b * norm_sq_sum / K - (b - 1) * G
    return G, M2


def _flat_grad(model: nn.Module, loss: torch.Tensor) -> torch.Tensor:
    prm = [p for p in model.parameters() if p.requires_grad]
    gs = torch.autograd.grad(loss, prm)
    return torch.cat([g.reshape(-1) for g in gs])


def batch_size_bound(model: nn.Module, loss_fn: Callable, X: torch.Tensor, y: torch.Tensor, *,
                     method: str = "exact", batch_size: int = 32, pairs: int = 64, seed: int = 0,
                     chunk_size: int = 512, batches: int | None = None) -> DiversityEstimate:
    """Estimate ``B_S(w)`` at the model's current parameters.

    ``loss_fn(outputs, targets)`` must return the **mean** loss over the batch it is given
    (e.g. ``torch.nn.functional.cross_entropy``); ``f_i`` is that loss on sample ``i`` alone.
    ``method`` is ``"exact"`` (per-sample gradients), ``"two_batch"`` (``pairs`` pairs of
    with-replacement batches of size ``batch_size``; uses ``2 * pairs`` backward passes;
    ``seed`` seeds the index draws) or ``"all_pairs"`` (``batches`` batches, default
    ``2 * pairs``: the same cost, every pair of batches used).  Float64 is recommended (the model's dtype is used).
    """
    _check_inputs(model, loss_fn, X, y)
    n = int(X.shape[0])
    if method == "exact":
        g = per_sample_gradients(model, loss_fn, X, y, chunk_size)
        BS, M2, G = moments_from_gradients(g)
        return DiversityEstimate(BS, M2, G, n, "exact", backward_passes=n)
    if method not in ("two_batch", "all_pairs"):
        raise ValueError(f"method must be 'exact', 'two_batch' or 'all_pairs', got {method!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if not isinstance(pairs, int) or pairs < 2:
        raise ValueError(f"pairs must be an integer >= 2 (needed for a standard error), got {pairs!r}")
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    b = batch_size
    if method == "all_pairs":
        return _all_pairs(model, loss_fn, X, y, b, 2 * pairs if batches is None else batches, gen, n)
    Gs, Ms = [], []
    for _ in range(pairs):
        idx = torch.randint(0, n, (2, b), generator=gen).to(X.device)
        ga = _flat_grad(model, loss_fn(model(X[idx[0]]), y[idx[0]])).to(torch.float64)
        gb = _flat_grad(model, loss_fn(model(X[idx[1]]), y[idx[1]])).to(torch.float64)
        ip = float(ga @ gb)
        Gs.append(ip)  # unbiased for G (independent batches)
        # unbiased for M2: Lemma 1's second moment of a batch mean, solved for M2
        Ms.append(float(_formulas.second_moment_from_batch_mean(b, (float(ga @ ga) + float(gb @ gb)) / 2, ip)))
    Gt = torch.tensor(Gs, dtype=torch.float64)
    Mt = torch.tensor(Ms, dtype=torch.float64)
    mG, mM = float(Gt.mean()), float(Mt.mean())
    vG, vM = float(Gt.var()), float(Mt.var())
    cov = float(((Gt - mG) * (Mt - mM)).sum() / (pairs - 1))
    if mG <= 0:  # the mean of G_hat is not positive: the ratio is undefined at this noise level
        BS, var_ratio = math.inf, math.inf
    else:
        BS = float(_formulas.batch_size_bound_from_moments(mM, mG)) if mM > 0 else mM / mG
        # delta method for the ratio of means: Var(M/G) ~ (vM - 2 R cov + R^2 vG) / (pairs G^2)
        var_ratio = (vM - 2 * BS * cov + BS * BS * vG) / (pairs * mG * mG)
    return DiversityEstimate(BS, mM, mG, n, "two_batch", sem_B_S=math.sqrt(max(var_ratio, 0.0)),
                             sem_M2=math.sqrt(vM / pairs), sem_G=math.sqrt(vG / pairs),
                             backward_passes=2 * pairs)


def _all_pairs(model, loss_fn, X, y, b: int, K: int, gen, n: int) -> DiversityEstimate:
    if not isinstance(K, int) or K < 3:
        raise ValueError(f"batches must be an integer >= 3 (a jackknife standard error), got {K!r}")
    gs = []
    for _ in range(K):
        idx = torch.randint(0, n, (b,), generator=gen).to(X.device)
        gs.append(_flat_grad(model, loss_fn(model(X[idx]), y[idx])).to(torch.float64))
    g = torch.stack(gs)
    tot = g.sum(0)
    sq = (g * g).sum(1)
    G, M2 = all_pairs_moments(float(tot @ tot), float(sq.sum()), K, b)
    # jackknife over batches (leave one out): standard errors of G, M2 and the ratio
    loo = []
    for k in range(K):
        t = tot - g[k]
        Gk, Mk = all_pairs_moments(float(t @ t), float(sq.sum() - sq[k]), K - 1, b)
        loo.append((Gk, Mk, Mk / Gk if Gk > 0 else math.nan))
    L = torch.tensor(loo, dtype=torch.float64)
    jk = lambda col: math.sqrt((K - 1) / K * float(((col - col.mean()) ** 2).sum()))
    if G <= 0:
        BS, sem_B = math.inf, math.inf
    else:
        BS = float(_formulas.batch_size_bound_from_moments(M2, G)) if M2 > 0 else M2 / G
        sem_B = jk(L[:, 2]) if bool(torch.isfinite(L[:, 2]).all()) else math.inf
    return DiversityEstimate(BS, M2, G, n, "all_pairs", sem_B_S=sem_B, sem_M2=jk(L[:, 1]), sem_G=jk(L[:, 0]),
                             backward_passes=K)
