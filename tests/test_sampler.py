"""Floyd's sampler (verify.harness.kernels.sample_without_replacement), brute force: every b-subset
of a small n equally likely, distinct indices, both return forms (index and mask)."""

from __future__ import annotations

from itertools import combinations

import pytest

torch = pytest.importorskip("torch")

from verify.harness.kernels import sample_without_replacement  # noqa: E402


@pytest.mark.parametrize("n, b", [(5, 1), (5, 2), (5, 3), (6, 4), (6, 6)])
def test_every_subset_equally_likely(n, b):
    from scipy.stats import chisquare

    R = 60_000
    gen = torch.Generator().manual_seed(20261201 + 10 * n + b)
    kind, sub = sample_without_replacement(R, n, b, gen, "cpu")
    if kind == "index":
        idx = sub
    else:  # the variance harness's conversion of a 0/1 mask to indices
        assert torch.all(sub.sum(1) == b)
        idx = sub.nonzero()[:, 1].view(R, b)
    rows = [tuple(sorted(r)) for r in idx.tolist()]
    assert all(len(set(r)) == b for r in rows)  # without replacement
    subsets = list(combinations(range(n), b))
    counts = [0] * len(subsets)
    pos = {s: i for i, s in enumerate(subsets)}
    for r in rows:
        counts[pos[r]] += 1
    if len(subsets) > 1:  # uniform: a chi-square test at 1e-4 (fixed seed; fails only if not uniform)
        assert chisquare(counts).pvalue > 1e-4
