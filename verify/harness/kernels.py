r"""Batched SGD kernels for the harness model families (torch, float64, replicas in lockstep).

Every kernel runs ``R`` replicas as one tensor, keeps only streaming statistics at the
requested times (:class:`~verify.harness.stats.StreamStats`), draws replica chunk ``k``
from the generator seeded ``seed + k`` (``seed + 1_000_003 * i + k`` for the i-th of
several settings in one call), and goes through
:func:`verify.harness.distributed.run_chunked` — so each is resumable
(:mod:`verify.harness.resume`) and shards across torchrun ranks with bit-identical merged
statistics.

Scaling conventions (the trap these papers fall into), stated per kernel:

* :func:`linreg_wor_moments` — paper 001, Section 3.1: ``f_i(w) = ½ (x_i^T w - y_i)^2``,
  batch gradient the **mean** ``g = (1/b) Σ_{i∈B} x_i (x_i^T w - y_i)`` over a uniform
  b-subset B of [n] (**without** replacement), ``w_{t+1} = w_t - α_t g_t``.
* :func:`deep_linear_moments` — paper 001, Section 3.2: ``f(W1, W2; x) = ½ ||W2 W1 x - M x||^2``,
  ``x ~ N(0, I_p)`` fresh each step (online / population loss), batch gradient the mean
  over b inputs.  Population loss ``½ ||W2 W1 - M||_F^2``.
* :func:`logistic_sgd_moments` — GLM: ``f_i(w) = log(1 + e^{x_i^T w}) - y_i x_i^T w``
  (``y_i ∈ {0, 1}``), mean over m indices drawn **with** replacement; loss = mean over n.

Each function returns streaming statistics; ``flops_per_replica_step`` documents the
useful arithmetic the benchmarks divide by.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from verify.harness.distributed import run_chunked
from verify.harness.resume import check_partial, restore_generator
from verify.harness.stats import StreamStats

__all__ = [
    "deep_linear_moments",
    "linreg_wor_moments",
    "logistic_sgd_moments",
    "sample_without_replacement",
]

SETTING_STRIDE = 1_000_003  # seed offset between settings of one call (chunks per setting < this)


def _times(times, T: int, upper: int) -> np.ndarray:
    times = np.arange(upper + 1) if times is None else np.asarray(times, dtype=np.int64)
    if times.ndim != 1 or len(times) == 0 or np.any(np.diff(times) <= 0) or times[0] < 0 or times[-1] > upper:
        raise ValueError(f"times must be a non-empty strictly increasing array in [0, {upper}]")
    return times


def _steps(lr, T: int) -> np.ndarray:
    if callable(lr):
        a = np.array([float(lr(t)) for t in range(T)])
    else:
        a = np.broadcast_to(np.asarray(lr, dtype=np.float64), (T,)).copy()
    if a.shape != (T,) or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("lr must be a positive number, a length-T array or a callable t -> step (> 0)")
    return a


def _check_common(replicas, T, seed):
    if not (isinstance(replicas, (int, np.integer)) and replicas >= 2):
        raise ValueError(f"need at least 2 replicas for a standard error, got {replicas!r}")
    if not (isinstance(T, (int, np.integer)) and T >= 1):
        raise ValueError(f"T must be an integer >= 1, got {T!r}")
    if not (isinstance(seed, (int, np.integer)) and seed >= 0):
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")


def _loop(k, r, partial, poll, progress, *, seed, dev, T, times, init, step):
    """Shared chunk loop: ``init(r) -> state``; ``step(state, t, gen, record) -> (state, obs)``.

    ``state`` is a dict of tensors (the replicas), ``obs`` a list of ``(r, *shape)`` tensors
    when ``record`` else ``None``.  Polls before every step with everything needed to
    continue bit-identically (state, buffers, step, generator state).
    """
    import torch

    gen = torch.Generator(device=dev)
    gen.manual_seed(int(seed) + k)
    K = len(times)
    if partial is None:
        t0, j, state, bufs = 0, 0, init(r), None
    else:
        _check_loop_partial(partial, r, K, T, times, init)
        t0, j = int(partial["t"]), int(partial["j"])
        state = {a: v.to(dev) for a, v in partial["state"].items()}
        bufs = None if partial["bufs"] is None else [b.to(dev) for b in partial["bufs"]]
        restore_generator(gen, partial["gen"])
    for t in range(t0, T + 1):
        poll(lambda: {"t": t, "j": j, "state": {a: v.to("cpu", copy=True) for a, v in state.items()},
                      "bufs": None if bufs is None else [b.to("cpu", copy=True) for b in bufs],
                      "gen": gen.get_state()})
        record = j < K and t == times[j]
        state, obs = step(state, t, gen, record)
        if record:
            if bufs is None:
                bufs = [torch.empty((r, K, *o.shape[1:]), dtype=torch.float64, device=dev) for o in obs]
            for b_, o in zip(bufs, obs):
                b_[:, j] = o
            j += 1
        if j == K:
            break
        if t % 16 == 0:
            progress((t + 1) / (T + 1))
    return [b_.cpu().numpy() for b_ in bufs]


def _check_loop_partial(partial, r, K, T, times, init) -> None:
    """Refuse (InputError) an in-flight state that does not fit this chunk, before resuming."""
    import torch

    from verify.core.errors import InputError

    fresh = init(r)
    st = partial.get("state")
    if not isinstance(st, dict) or set(st) != set(fresh):
        raise InputError(f"checkpoint: in-flight state has entries {sorted(st) if isinstance(st, dict) else st!r}, "
                         f"the call needs {sorted(fresh)}; refused before resuming (file left in place: delete it "
                         "to start over)")
    check_partial(partial, T=T, times=times, shapes={f"state.{a}": tuple(v.shape) for a, v in fresh.items()})
    bufs = partial.get("bufs")
    ok = (bufs is None) if partial["j"] == 0 else (
        isinstance(bufs, list) and all(isinstance(b, torch.Tensor) and b.dtype == torch.float64
                                       and tuple(b.shape[:2]) == (r, K) for b in bufs) and len(bufs) > 0)
    if not ok:
        raise InputError(f"checkpoint: in-flight recording buffers do not fit {r} replicas x {K} times after "
                         f"{partial['j']} recordings; refused before resuming (file left in place: delete it to "
                         "start over)")


# --------------------------------------------------------------------- sampling
def sample_without_replacement(r: int, n: int, b: int, gen, device) -> tuple[str, Any]:
    """A uniform b-subset of ``range(n)`` for each of ``r`` replicas (Floyd's algorithm, exact).

    Floyd: for ``j = n-k, ..., n-1`` draw ``t`` uniform in ``[0, j]`` and add ``t``, or ``j``
    if ``t`` is already in, which gives a uniform k-subset with k draws; vectorised over
    replicas with an ``(r, n)`` membership mask (one gather and one scatter per draw).
    ``k = min(b, n - b)``: a large subset is drawn as its complement.  Returns
    ``("index", idx)`` (shape ``(r, b)``, for ``b <= 32``) or ``("mask", mask)`` (float64
    0/1, shape ``(r, n)``).
    """
    import torch

    k = min(b, n - b)
    if k == 0:
        return "mask", torch.ones((r, n), dtype=torch.float64, device=device)
    member = torch.zeros((r, n), dtype=torch.float64, device=device)
    sel = torch.empty((r, k), dtype=torch.long, device=device) if k == b <= 32 else None
    for i, jj in enumerate(range(n - k, n)):
        t = torch.randint(0, jj + 1, (r, 1), generator=gen, device=device)
        t = torch.where(member.gather(1, t) > 0, jj, t)
        member.scatter_(1, t, 1.0)
        if sel is not None:
            sel[:, i] = t[:, 0]
    if sel is not None:
        return "index", sel
    return "mask", member if k == b else member.neg_().add_(1.0)


# --------------------------------------------------------------------- paper 001: linear regression
def linreg_wor_moments(
    A: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    batch_sizes: Sequence[int],
    T: int,
    replicas: int,
    seed: int,
    lr: float | Sequence[float] | Callable[[int], float] = lambda t: 0.5 / (t + 1),
    times: Sequence[int] | None = None,
    device: str = "cpu",
    chunk: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[list[StreamStats], list[StreamStats]]:
    r"""Mini-batch SGD without replacement on linear regression, for several batch sizes b.

    ``f_i(w) = ½ (x_i^T w - y_i)^2`` (rows ``x_i`` of ``A``); ``g_t = (1/b) Σ_{i∈B_t}
    ∇f_i(w_t)`` (a **mean**) over a uniform b-subset ``B_t``; ``w_{t+1} = w_t - α_t g_t``
    with ``α_t = lr(t)`` (default ``0.5 / (t + 1)``, the paper's ``α_t = 1/(2t)`` for
    ``t = 1, 2, ...``).  For ``t`` in ``times`` (default ``0..T-1``) records ``w_t`` and
    ``g_t`` (the gradient used at step t).  Returns ``(w_stats, g_stats)``: one
    :class:`StreamStats` of shape ``(len(times), d)`` per batch size;
    ``var(g_t | F_0) = Σ_k var(g_t)_k`` is the paper's variance.
    Useful arithmetic: ``4 b d`` flops per replica-step.
    """
    import torch

    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(f"A must be an (n, d) matrix, got shape {A.shape}")
    n, d = A.shape
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w0 = np.asarray(w0, dtype=np.float64).reshape(-1)
    if y.shape != (n,) or w0.shape != (d,):
        raise ValueError(f"y must have shape ({n},) and w0 shape ({d},)")
    _check_common(replicas, T, seed)
    bs = [int(b) for b in batch_sizes]
    if not bs or any(not 1 <= b <= n for b in bs):
        raise ValueError(f"every batch size must be in [1, n = {n}], got {list(batch_sizes)}")
    times = _times(times, T, T - 1)
    alphas = _steps(lr, T)
    dev = torch.device(device)
    At = torch.as_tensor(A, device=dev)
    AtT = At.T.contiguous()
    yt = torch.as_tensor(y, device=dev)
    w0t = torch.as_tensor(w0, device=dev)
    W_stats, G_stats = [], []
    for i, b in enumerate(bs):

        def step(state, t, gen, record, b=b):
            w = state["w"]
            r = w.shape[0]
            kind, sel = sample_without_replacement(r, n, b, gen, dev)
            if kind == "index":
                Ab = At[sel]  # (r, b, d)
                res = torch.bmm(Ab, w.unsqueeze(2)).squeeze(2) - yt[sel]
                g = torch.bmm(res.unsqueeze(1), Ab).squeeze(1) / b
            else:
                res = torch.addmm(yt, w, AtT, beta=-1.0)  # X w - y, all n rows
                res.mul_(sel)
                g = (res @ At) / b
            obs = [w, g] if record else None
            return {"w": w - alphas[t] * g}, obs

        def run_chunk(k, r, partial, poll, prog, i=i, step=step):
            return _loop(k, r, partial, poll, prog, seed=seed + SETTING_STRIDE * i, dev=dev, T=T, times=times,
                         init=lambda r: {"w": w0t.expand(r, d).clone()}, step=step)

        sub = None if progress is None else (lambda f, i=i: progress((i + f) / len(bs)))
        w_st, g_st = run_chunked("linreg_wor_moments", (A, y, w0, b, int(T), alphas, times, int(replicas),
                                                        int(seed) + SETTING_STRIDE * i, dev.type),
                                 int(replicas), chunk, run_chunk, sub)
        W_stats.append(w_st)
        G_stats.append(g_st)
    return W_stats, G_stats


# --------------------------------------------------------------------- paper 001: deep linear network
def deep_linear_flops(p: int, h: int, q: int, b: int) -> int:
    """Useful flops per replica-step of :func:`deep_linear_moments` (forward + both gradients)."""
    return 2 * b * (2 * h * p + 3 * q * h + q * p)


def deep_linear_moments(
    W1: np.ndarray,
    W2: np.ndarray,
    M: np.ndarray,
    b: int,
    T: int,
    replicas: int,
    seed: int,
    lr: float | Sequence[float] | Callable[[int], float],
    times: Sequence[int] | None = None,
    device: str = "cpu",
    chunk: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[StreamStats, StreamStats, StreamStats]:
    r"""Online mini-batch SGD on a two-layer linear network ``x -> W2 W1 x`` (teacher ``M``).

    ``W1`` (h × p), ``W2`` (q × h), ``M`` (q × p).  Each step draws ``X = [x_1..x_b]``,
    ``x ~ N(0, I_p)``; with ``E = (W2 W1 - M) X`` the batch gradients (means over the b
    inputs of ``½||W2 W1 x - M x||^2``) are ``G2 = E (W1 X)^T / b`` and
    ``G1 = W2^T E X^T / b``; both layers step with ``α_t``.  For ``t`` in ``times``
    (default ``0..T``) records the population loss ``½||W2 W1 - M||_F^2`` at ``(W1_t, W2_t)``
    and, for ``t < T``, ``||G1_t||_F^2`` and ``||G2_t||_F^2`` (0 at ``t = T``).
    Returns ``(loss, g1sq, g2sq)``, each :class:`StreamStats` of shape ``(len(times),)``.
    """
    import torch

    W1, W2, M = (np.asarray(a, dtype=np.float64) for a in (W1, W2, M))
    if W1.ndim != 2 or W2.ndim != 2 or M.ndim != 2:
        raise ValueError("W1, W2, M must be matrices")
    h, p = W1.shape
    q = W2.shape[0]
    if W2.shape != (q, h) or M.shape != (q, p):
        raise ValueError(f"shapes must be W1 (h, p), W2 (q, h), M (q, p); got {W1.shape}, {W2.shape}, {M.shape}")
    if not (isinstance(b, (int, np.integer)) and b >= 1):
        raise ValueError(f"batch size b must be an integer >= 1, got {b!r}")
    _check_common(replicas, T, seed)
    times = _times(times, T, T)
    alphas = _steps(lr, T)
    dev = torch.device(device)
    W1t, W2t, Mt = (torch.as_tensor(a, device=dev) for a in (W1, W2, M))

    def loss(s):
        D = torch.matmul(s["W2"], s["W1"]) - Mt
        return 0.5 * (D * D).sum((1, 2))

    def step(s, t, gen, record):
        r = s["W1"].shape[0]
        if t == T:
            z = torch.zeros(r, dtype=torch.float64, device=dev)
            return s, [loss(s), z, z]
        X = torch.randn((r, p, b), generator=gen, dtype=torch.float64, device=dev)
        W1_, W2_ = s["W1"], s["W2"]
        H = torch.bmm(W1_, X)  # (r, h, b)
        E = torch.baddbmm(torch.matmul(Mt, X), W2_, H, beta=-1.0)  # (W2 W1 - M) X, (r, q, b)
        V = torch.bmm(W2_.transpose(1, 2), E)  # W2^T E, (r, h, b)
        obs = None
        if record:
            G1 = torch.bmm(V, X.transpose(1, 2)) / b
            G2 = torch.bmm(E, H.transpose(1, 2)) / b
            obs = [loss(s), (G1 * G1).sum((1, 2)), (G2 * G2).sum((1, 2))]
        a = float(alphas[t]) / b
        W2_.baddbmm_(E, H.transpose(1, 2), alpha=-a)  # in place: W2 -= α G2
        W1_.baddbmm_(V, X.transpose(1, 2), alpha=-a)  # W1 -= α G1 (V from the old W2)
        return s, obs

    def run_chunk(k, r, partial, poll, prog):
        return _loop(k, r, partial, poll, prog, seed=seed, dev=dev, T=T, times=times,
                     init=lambda r: {"W1": W1t.expand(r, h, p).clone(), "W2": W2t.expand(r, q, h).clone()},
                     step=step)

    out = run_chunked("deep_linear_moments", (W1, W2, M, int(b), int(T), alphas, times, int(replicas), int(seed),
                                              dev.type), int(replicas), chunk, run_chunk, progress)
    return tuple(out)


# --------------------------------------------------------------------- GLM: logistic regression
def logistic_sgd_moments(
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    m: int,
    T: int,
    replicas: int,
    seed: int,
    lr: float | Sequence[float] | Callable[[int], float],
    times: Sequence[int] | None = None,
    device: str = "cpu",
    chunk: int | None = None,
    progress: Callable[[float], None] | None = None,
    formulation: str = "auto",
) -> tuple[StreamStats, StreamStats]:
    r"""Mini-batch SGD on logistic regression (a GLM), m indices i.i.d. **with** replacement.

    ``f_i(w) = log(1 + exp(x_i^T w)) - y_i x_i^T w`` with ``y_i ∈ {0, 1}``; the step uses the
    **mean** ``(1/m) Σ_j x_{i_j} (σ(x_{i_j}^T w) - y_{i_j})``.  For ``t`` in ``times``
    (default ``0..T``) records the full loss ``(1/n) Σ_i f_i(w_t)`` and ``||w_t||^2``.
    ``formulation`` as in :func:`verify.harness.sgd.choose_formulation` (``"dense"``: count
    vector times all n residuals, two GEMMs; same random stream).
    Returns ``(loss, wsq)``, :class:`StreamStats` of shape ``(len(times),)``.
    """
    import torch

    from verify.harness.sgd import choose_formulation

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be an (n, d) matrix, got shape {X.shape}")
    n, d = X.shape
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w0 = np.asarray(w0, dtype=np.float64).reshape(-1)
    if y.shape != (n,) or w0.shape != (d,) or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must be 0/1 of shape ({n},) and w0 of shape ({d},)")
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise ValueError(f"m must be an integer >= 1, got {m!r}")
    _check_common(replicas, T, seed)
    if formulation not in ("auto", "gather", "dense"):
        raise ValueError(f"formulation must be 'auto', 'gather' or 'dense', got {formulation!r}")
    form = choose_formulation(n, int(m)) if formulation == "auto" else formulation
    times = _times(times, T, T)
    alphas = _steps(lr, T)
    dev = torch.device(device)
    Xt = torch.as_tensor(X, device=dev)
    XtT = Xt.T.contiguous()
    yt = torch.as_tensor(y, device=dev)
    w0t = torch.as_tensor(w0, device=dev)
    F = torch.nn.functional

    def observe(w):
        z = w @ XtT
        return [(F.softplus(z) - yt * z).mean(1), (w * w).sum(1)]

    def step(s, t, gen, record):
        w = s["w"]
        obs = observe(w) if record else None
        if t == T:
            return s, obs
        r = w.shape[0]
        idx = torch.randint(0, n, (r, m), generator=gen, device=dev)
        if form == "gather":
            Xb = Xt[idx]
            res = torch.sigmoid(torch.bmm(Xb, w.unsqueeze(2)).squeeze(2)) - yt[idx]
            g = torch.bmm(res.unsqueeze(1), Xb).squeeze(1) / m
        else:
            cnt = torch.zeros((r, n), dtype=torch.float64, device=dev).scatter_add_(
                1, idx, torch.ones((r, m), dtype=torch.float64, device=dev))
            res = torch.sigmoid(w @ XtT).sub_(yt).mul_(cnt)
            g = (res @ Xt) / m
        return {"w": w - alphas[t] * g}, obs

    def run_chunk(k, r, partial, poll, prog):
        return _loop(k, r, partial, poll, prog, seed=seed, dev=dev, T=T, times=times,
                     init=lambda r: {"w": w0t.expand(r, d).clone()}, step=step)

    out = run_chunked("logistic_sgd_moments", (X, y, w0, int(m), int(T), alphas, times, int(replicas), int(seed),
                                               dev.type, form), int(replicas), chunk, run_chunk, progress)
    return tuple(out)


def flops(family: str, **s: int) -> float:
    """Useful flops per replica-step (what the benchmarks divide by)."""
    if family in ("lsq", "volterra"):
        return 4.0 * s["m"] * s["d"]
    if family == "linreg_wor":
        return 4.0 * s["b"] * s["d"]
    if family == "logistic":
        return 4.0 * s["m"] * s["d"]
    if family == "deep_linear":
        return float(deep_linear_flops(s["p"], s["h"], s["q"], s["b"]))
    raise ValueError(f"unknown family {family!r}")

