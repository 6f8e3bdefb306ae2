r"""Batched mini-batch SGD on an interpolating least-squares problem (torch).

Update (paper 000, eq. (4)): :math:`e_{t+1} = e_t - \frac{\eta}{m}\sum_{j=1}^m x^{(j)} x^{(j)\top} e_t`
with :math:`e_t = w_t - w^*` and the m indices drawn i.i.d. uniformly **with replacement**
(``torch.randint``).  The step multiplies the *mean* of the m per-sample gradients
:math:`\nabla \ell_i(w) = x_i x_i^\top (w - w^*)` — the paper's loss is
:math:`\mathcal L(w) = \frac1n\sum_i (w^\top x_i - y_i)^2`, whose per-sample gradient has a
factor 2 that update (4) absorbs into η.

R replicas run in lockstep as one ``(R, d)`` tensor; only streaming sums of the observables
at the requested times are kept (:class:`verify.harness.stats.StreamStats`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from verify.harness.stats import StreamStats

__all__ = ["lsq_sgd_moments"]


def lsq_sgd_moments(
    X: np.ndarray,
    e0: np.ndarray,
    eta: float,
    m: int,
    times: np.ndarray,
    replicas: int,
    seed: int,
    device: str = "cpu",
    chunk: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[StreamStats, StreamStats]:
    """Streaming statistics of ``||e_t||^2`` and ``L(w_t) = e_t^T H e_t`` at ``times``.

    ``times`` is a sorted array of non-negative step counts.  Replicas are processed in
    chunks of ``chunk`` (all at once by default); chunk k uses the torch generator seeded
    with ``seed + k``, so the result depends only on (seed, replicas, chunk).
    Returns ``(dist, loss)``, each a :class:`StreamStats` of shape ``(len(times),)``.
    """
    import torch

    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    times = np.asarray(times, dtype=np.int64)
    if times.ndim != 1 or len(times) == 0 or np.any(np.diff(times) <= 0) or times[0] < 0:
        raise ValueError("times must be a non-empty strictly increasing array of steps >= 0")
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise ValueError(f"m must be an integer >= 1, got {m!r}")
    if not eta > 0:
        raise ValueError(f"eta must be > 0, got {eta!r}")
    if replicas < 2:
        raise ValueError("need at least 2 replicas for a standard error")
    chunk = int(chunk or replicas)
    dev = torch.device(device)
    Xt = torch.as_tensor(X, dtype=torch.float64, device=dev)
    e0t = torch.as_tensor(np.asarray(e0, dtype=np.float64).reshape(d), device=dev)
    dist = StreamStats((len(times),))
    loss = StreamStats((len(times),))
    T = int(times[-1])
    done = 0
    k = 0
    while done < replicas:
        r = min(chunk, replicas - done)
        gen = torch.Generator(device=dev)
        gen.manual_seed(int(seed) + k)
        e = e0t.expand(r, d).clone()
        dbuf = torch.empty((r, len(times)), dtype=torch.float64, device=dev)
        lbuf = torch.empty_like(dbuf)
        j = 0
        for t in range(T + 1):
            if t == times[j]:
                dbuf[:, j] = (e * e).sum(1)
                lbuf[:, j] = ((e @ Xt.T) ** 2).mean(1)
                j += 1
                if j == len(times):
                    break
            idx = torch.randint(0, n, (r, m), generator=gen, device=dev)
            Xb = Xt[idx]  # (r, m, d)
            res = torch.einsum("rmd,rd->rm", Xb, e)
            e = e - (eta / m) * torch.einsum("rmd,rm->rd", Xb, res)
            if progress is not None and t % 64 == 0:
                progress((done + r * (t + 1) / (T + 1)) / replicas)
        dist.update(dbuf.cpu().numpy())
        loss.update(lbuf.cpu().numpy())
        done += r
        k += 1
    if progress is not None:
        progress(1.0)
    return dist, loss
