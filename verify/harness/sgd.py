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

__all__ = ["choose_formulation", "lsq_sgd_moments"]


def choose_formulation(n: int, m: int) -> str:
    """``"gather"`` (index the m sampled rows: batched GEMV, memory-bound) or ``"dense"``.

    ``"dense"`` multiplies a per-replica count vector ``c`` (how often each of the n rows
    was drawn; the same ``torch.randint`` stream) into the full residual:
    ``e - (eta/m) X^T (c * X e)`` as two GEMMs over all replicas.  It does ``n/m`` times
    the arithmetic of the gather form but at GEMM speed (measured ~10-20x the per-flop
    rate of the gather on this CPU), so it wins once ``16 m >= n``.
    """
    return "dense" if 16 * m >= n else "gather"


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
    formulation: str = "auto",
) -> tuple[StreamStats, StreamStats]:
    """Streaming statistics of ``||e_t||^2`` and ``L(w_t) = e_t^T H e_t`` at ``times``.

    ``times`` is a sorted array of non-negative step counts.  Replicas are processed in
    chunks of ``chunk`` (all at once by default; ``ceil(R / world)`` under
    torch.distributed, see :mod:`verify.harness.distributed`); chunk k uses the torch
    generator seeded with ``seed + k``, so the result depends only on
    (seed, replicas, chunk, formulation) — not on the number of processes, and not on
    interruptions (inside a :mod:`verify.harness.resume` session the call is resumable).
    Per-chunk statistics are merged in chunk order.  ``formulation``: ``"gather"``,
    ``"dense"`` (same random stream, different summation order, so equal in distribution
    and equal up to rounding) or ``"auto"`` (:func:`choose_formulation`).
    ``L`` is the *mean* of the n squared residuals (paper 000's loss (3)).
    Returns ``(dist, loss)``, each a :class:`StreamStats` of shape ``(len(times),)``.
    """
    import torch

    from verify.harness.distributed import run_chunked
    from verify.harness.resume import check_partial, restore_generator

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a non-empty (n, d) matrix, got shape {X.shape}")
    n, d = X.shape
    times = np.asarray(times, dtype=np.int64)
    if times.ndim != 1 or len(times) == 0 or np.any(np.diff(times) <= 0) or times[0] < 0:
        raise ValueError("times must be a non-empty strictly increasing array of steps >= 0")
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise ValueError(f"m must be an integer >= 1, got {m!r}")
    if not eta > 0:
        raise ValueError(f"eta must be > 0, got {eta!r}")
    if not (isinstance(replicas, (int, np.integer)) and replicas >= 2):
        raise ValueError("need at least 2 replicas for a standard error")
    if formulation not in ("auto", "gather", "dense"):
        raise ValueError(f"formulation must be 'auto', 'gather' or 'dense', got {formulation!r}")
    form = choose_formulation(n, int(m)) if formulation == "auto" else formulation
    e0 = np.asarray(e0, dtype=np.float64).reshape(d)
    dev = torch.device(device)
    Xt = torch.as_tensor(X, dtype=torch.float64, device=dev)
    XtT = Xt.T.contiguous()
    e0t = torch.as_tensor(e0, device=dev)
    T = int(times[-1])
    K = len(times)
    c = float(eta) / m

    def run_chunk(k, r, partial, poll, chunk_progress):
        gen = torch.Generator(device=dev)
        gen.manual_seed(int(seed) + k)
        if partial is None:
            t0, j = 0, 0
            e = e0t.expand(r, d).clone()
            dbuf = torch.empty((r, K), dtype=torch.float64, device=dev)
            lbuf = torch.empty_like(dbuf)
        else:
            check_partial(partial, T=T, times=times, shapes={"e": (r, d), "dbuf": (r, K), "lbuf": (r, K)})
            t0, j = int(partial["t"]), int(partial["j"])
            e = partial["e"].to(dev)
            dbuf, lbuf = partial["dbuf"].to(dev), partial["lbuf"].to(dev)
            restore_generator(gen, partial["gen"])
        ones = torch.ones((r, m), dtype=torch.float64, device=dev) if form == "dense" else None
        for t in range(t0, T + 1):
            poll(lambda: {"t": t, "j": j, "e": e.to("cpu", copy=True), "dbuf": dbuf.to("cpu", copy=True),
                          "lbuf": lbuf.to("cpu", copy=True),
                          "gen": gen.get_state()})
            if t == times[j]:
                dbuf[:, j] = (e * e).sum(1)
                lbuf[:, j] = ((e @ XtT) ** 2).mean(1)
                j += 1
                if j == K:
                    break
            idx = torch.randint(0, n, (r, m), generator=gen, device=dev)
            if form == "gather":
                Xb = Xt[idx]  # (r, m, d)
                res = torch.einsum("rmd,rd->rm", Xb, e)
                e = e - c * torch.einsum("rmd,rm->rd", Xb, res)
            else:
                cnt = torch.zeros((r, n), dtype=torch.float64, device=dev).scatter_add_(1, idx, ones)
                e = torch.addmm(e, cnt * (e @ XtT), Xt, alpha=-c)
            if t % 64 == 0:
                chunk_progress((t + 1) / (T + 1))
        return [dbuf.cpu().numpy(), lbuf.cpu().numpy()]

    dist, loss = run_chunked("lsq_sgd_moments", (X, e0, repr(float(eta)), int(m), times, int(replicas),
                                                  int(seed), dev.type, form),
                             int(replicas), chunk, run_chunk, progress)
    return dist, loss
