"""Tests for topic ``variance`` (paper 001): linear-regression engine, claims, generated checkers."""

from fractions import Fraction as F
from itertools import combinations

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.topics.variance.engine import (
    LinRegData,
    LinRegMoments,
    c_b,
    c_poly_to_inv_b,
    eval_poly,
    simulate_moments,
)


def _data():
    X = [[F(1), F(1, 2)], [F(-1, 2), F(2)], [F(3, 2), F(-1)], [F(0), F(1)]]
    y = [F(1), F(-1, 2), F(2), F(0)]
    return LinRegData.from_arrays(X, y)


@pytest.mark.parametrize("b", [1, 2, 3, 4])
def test_engine_matches_enumeration(b):
    """Exact engine == brute-force average over all C(4,b)^3 batch sequences (t = 3)."""
    d, w0, al, T = _data(), [F(1), F(-1)], [F(1, 3), F(1, 5), F(1, 2)], 3
    mom = LinRegMoments(d, w0, al, T)
    states, pr, batches = simulate_moments(d, w0, al, T, b)
    Eg = [F(0)] * 2
    Eg2 = F(0)
    for w, _ in states:
        grads = [d.grad_i(w, i) for i in range(d.n)]
        for B in batches:
            g = [sum(grads[i][a] for i in B) / b for a in range(2)]
            Eg = [e + pr / len(batches) * x for e, x in zip(Eg, g)]
            Eg2 += pr / len(batches) * sum(x * x for x in g)
    assert Eg2 - sum(e * e for e in Eg) == eval_poly(mom.var_batch_grad(T), c_b(d.n, b))
    # mean of w_T is gradient descent, independent of b
    Ew = [sum(pr * w[a] for w, _ in states) for a in range(2)]
    assert Ew == mom.m[T]


def test_c_poly_to_inv_b_roundtrip():
    coeffs = [F(1, 3), F(-2), F(5, 7)]
    beta = c_poly_to_inv_b(coeffs, 9)
    for b in range(1, 10):
        assert eval_poly(beta, F(1, b)) == eval_poly(coeffs, c_b(9, b))


@pytest.mark.parametrize("bad", [dict(n=1, b=1), dict(n=5, b=6), dict(n=5, b=0)])
def test_c_b_rejects(bad):
    with pytest.raises(ValueError):
        c_b(**bad)


def test_engine_rejects_bad_input():
    with pytest.raises(ValueError):
        LinRegData.from_arrays([[1, 2], [3]], [1, 2])
    with pytest.raises(ValueError):
        LinRegData.from_arrays([[1], [2]], ["x", 1])
    with pytest.raises(ValueError):
        LinRegMoments(_data(), [0, 0], [F(1, 2)], 3)
    with pytest.raises(ValueError):
        LinRegMoments(_data(), [0, 0], [F(-1, 2)], 1)


def test_c_b_is_derived_once_and_matches_the_printed_formula():
    """The engine's exact c_b and its affine form in 1/b come from the derivation; they agree with
    the printed (n - b)/(b (n - 1)) (the printed formula is only compared here, never used)."""
    import sympy as sp

    from derivations.variance import derive as D
    from derivations.variance import printed as P
    from verify.topics.variance.engine import c_in_u

    assert sp.simplify(D.c_b - P.c_b) == 0
    for n in (2, 5, 442):
        c0, c1 = c_in_u(n)
        for b in range(1, n + 1, max(1, n // 7)):
            assert c_b(n, b) == F(n - b, b * (n - 1)) == c0 + c1 * F(1, b)


def test_general_identities():
    """The general-n / general-p derivations behind the proofs reduce to zero / the stated factors."""
    import sympy as sp

    from derivations.variance import derive as D

    assert D.pairwise_identity_general()["difference"] == 0
    assert sp.simplify(D.recursion_coefficient() - sp.Symbol("alpha", positive=True) ** 2 * D.c_b / (2 * D.n**2)) == 0
    g = D.t0_general()
    assert sp.expand(g["variance_factor"] - (g["p"] + 1) * D.u) == 0
    assert sp.expand(g["gaussian_trace"] - (g["p"] + 2) * g["trA"]) == 0
    assert D.mgf_scaling()["residual"] == 0
    assert D.c_b_monotone()["sign"] == -1


def test_degree_bookkeeping_matches_engine_polynomials():
    """Theorem 3's derivation tracks degrees by max/plus on the update rule; the engine's actual
    polynomials (t = 2, initial weights scaled by s) have exactly those block and weight degrees."""
    from derivations.variance.derive import update_degrees
    from verify.topics.variance.deep_linear import DeepLinearCase, trajectory

    case = DeepLinearCase([[F(1, 2)], [F(-1, 3)]], [[F(3, 4), F(1, 5)]], [[F(1)], [F(1, 2)]], [[F(1, 4), F(2)]],
                          [F(1, 10), F(1, 7)], 2, 1)
    tr = trajectory(case, scale=True)
    want = update_degrees(2)[2]
    for name, mats in (("g", (tr.g1, tr.g2)), ("W", (tr.W1, tr.W2))):
        got = [0] * (tr.nblocks + 1)
        for M in mats:
            for row in M:
                for e in row:
                    for mono in e.monoms():
                        for s in range(tr.nblocks):
                            got[s] = max(got[s], sum(mono[s * tr.nv:(s + 1) * tr.nv]))
                        got[-1] = max(got[-1], mono[tr.s_index])
        assert tuple(got) == want[name][:tr.nblocks] + (want[name][-1],), name


def test_theorem3_table_is_tight_and_printed_bound_loose_by_t_plus_1():
    from derivations.variance import derive as D
    from derivations.variance import printed as P
    from verify.topics.variance.claims import theorem3_table

    rows = theorem3_table()
    assert len(rows) >= 50
    for r in rows:
        sub = {D.t_: r["t"], D.d_: r["d"], D.dp_: r["d'"]}
        assert r["q"] == r["q_derived"] and r["weight_degree"] == r["weight_degree_derived"]
        assert r["weight_degree"] == P.theorem3_coef_degree.subs(sub)
        assert P.theorem3_q_bound.subs(sub) - r["q"] == (r["t"] + 1 if r["d"] else r["t"])


# ---- generated checkers
from verify.generated import variance as gen  # noqa: E402
from verify.generated import variance_mp as gen_mp  # noqa: E402


@settings(deadline=None, derandomize=True, max_examples=40)
@given(n=st.integers(2, 500), data=st.data())
@example(n=2, data=None)
def test_generated_c_b_matches_exact(n, data):
    b = 1 if data is None else data.draw(st.integers(1, n))
    assert gen.c_b(n, b) == pytest.approx(float(c_b(n, b)), rel=1e-15)
    mpmath.mp.dps = 50
    assert abs(gen_mp.c_b(n, b) - mpmath.mpf(c_b(n, b).numerator) / c_b(n, b).denominator) < mpmath.mpf(10) ** -45


def test_generated_guards():
    with pytest.raises(ValueError, match="b <= n"):
        gen.c_b(3, 4)
    with pytest.raises(ValueError, match="n >= 2"):
        gen.c_b(1, 1)
    with pytest.raises(ValueError, match="b is an integer"):
        gen.c_b(5, 2.5)
    with pytest.raises(ValueError, match="b is an integer"):
        gen.c_b(5, 0)
    with pytest.raises(ValueError, match="mean_sq >= sq_mean"):
        gen.lemma1_variance(5, 2, 1.0, 2.0)
    with pytest.raises(ValueError):
        gen.var_g1_t0(3, -1.0, 1.0)
    with pytest.raises(ValueError):
        gen_mp.scalar_var_g1_t1(1, 1, 1, 0.1, 0)


def test_generated_lemma1_against_enumeration():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(6, 3))
    for b in range(1, 7):
        batches = list(combinations(range(6), b))
        means = np.array([v[list(B)].mean(0) for B in batches])
        var = (means**2).sum(1).mean() - (v.mean(0) ** 2).sum()
        pred = gen.lemma1_variance(6, b, (v**2).sum(1).mean(), (v.mean(0) ** 2).sum())
        # float64 with O(10) operations on O(1) values: rel. error well below 1e-12
        assert var == pytest.approx(pred, rel=1e-12, abs=1e-14)


@pytest.mark.slow
def test_diabetes_t20_exact():
    """The real dataset at t = 20: Corollary 1 at every b in [442] (exact; ~20 s)."""
    from verify.topics.variance.claims import moments, nonincreasing_all_b

    mom = moments("diabetes n=442 p=10", full=True)
    for t in (1, 10, 20):
        for poly in (mom.var_batch_grad(t), mom.var_full_grad(t)):
            cert, direct = nonincreasing_all_b(poly, 442)
            assert cert and direct


def test_chain_line_printer_equals_str_on_every_printed_b2_line():
    """The B.2 evidence prints matrix lines with ``_LinePrinter`` (SymPy's own printer evaluates
    every index sum while deciding a product's sign): the text must be what ``str`` gives."""
    from derivations.variance import printed as P
    from verify.topics.variance import claims as VC

    chains = [(P.printed_lemma5_lines, VC._S("M1", "u", "v", "M2")),
              (P.printed_lemma7_footnote2, VC._S("a", "b", "c", "d", "e", "f", "A1", "A2")),
              (P.printed_lemma7_footnote3, VC._S(*VC._FN3_ARGS))]
    lines = [x for fn, args in chains for x in VC._chain_lines(fn, tuple(args))]
    assert len(lines) >= 12
    assert [VC._LinePrinter().doprint(x) for x in lines] == [str(x) for x in lines]
