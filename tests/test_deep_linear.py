"""Tests for the exact two-layer linear network engine and its CLI."""

import json
import zlib
from fractions import Fraction as F

import mpmath
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.topics.variance.deep_linear import (
    DeepLinearCase,
    moment_table,
    decreasing_for_all_b,
    isserlis_moment,
    variance_polynomial,
    variance_polynomial_expanded,
    wishart_moment,
)
from verify.topics.variance.cli import run_case
from verify.topics.variance.engine import eval_poly


@pytest.mark.parametrize("p", [1, 2, 3])
def testmoment_table_matches_isserlis(p):
    """MGF-derived moments == direct Isserlis/partition sums at integer b = 1, 2, 3 (degree <= 3)."""
    pairs = [(a, c) for a in range(p) for c in range(a, p)]
    table = moment_table(p, 3)
    import itertools

    for k in (1, 2, 3):
        for combo in itertools.combinations_with_replacement(pairs, k):
            exps = {pc: combo.count(pc) for pc in set(combo)}
            mom = wishart_moment(p, exps)
            for b in (1, 2, 3):
                assert eval_poly(mom, F(1, b)) == isserlis_moment(p, list(combo), b)
    assert table  # non-empty


def test_scalar_moments_closed_form():
    """E[s^k] for s = chi2_b / b is prod_{j<k} (1 + 2 j / b): the series solves (1 - 2 u th) M' = M."""
    for k in range(1, 9):
        mom = wishart_moment(1, {(0, 0): k})
        for b in (1, 2, 5):
            want = F(1)
            for j in range(k):
                want *= 1 + F(2 * j, b)
            assert eval_poly(mom, F(1, b)) == want


def _scalar(w1, w2, v, a, t, layer=1):
    return DeepLinearCase([[w1]], [[w2]], [[v]], [[F(1)]], [a] * t, t, layer)


@settings(deadline=None, derandomize=True, max_examples=15)
@given(w1=st.fractions(-2, 2, max_denominator=8), w2=st.fractions(-2, 2, max_denominator=8),
       v=st.fractions(-2, 2, max_denominator=8), a=st.fractions(F(1, 100), 1, max_denominator=100))
@example(w1=F(0), w2=F(0), v=F(1), a=F(1, 10))  # saddle: no gradient noise at all
def test_scalar_t1_engine_matches_generated(w1, w2, v, a):
    """Engine (exact) vs the generated mpmath evaluator of the symbolic t = 1 polynomial (50 digits)."""
    from verify.generated import variance_mp as gm

    beta = variance_polynomial(_scalar(w1, w2, v, a, 1))
    assert beta[0] == 0
    mpmath.mp.dps = 50
    for b in (1, 2, 7, 64):
        got = gm.scalar_var_g1_t1(mpmath.mpf(w1.numerator) / w1.denominator, mpmath.mpf(w2.numerator) / w2.denominator,
                                  mpmath.mpf(v.numerator) / v.denominator, mpmath.mpf(a.numerator) / a.denominator, b)
        exact = eval_poly(beta, F(1, b))
        want = mpmath.mpf(exact.numerator) / exact.denominator
        # 50-digit evaluation of a degree-6 polynomial: agreement to 1e-40 relative
        assert abs(got - want) <= mpmath.mpf(10) ** -40 * (1 + abs(want))


def test_degree_grows_like_3_pow():
    degs = [len(variance_polynomial(_scalar(F(1, 2), F(1, 3), F(1), F(1, 10), t))) - 1 for t in (0, 1, 2)]
    assert degs == [1, 6, 23]


def test_scalar_t3():
    beta = variance_polynomial(_scalar(F(1, 2), F(1, 3), F(1), F(1, 10), 3))
    assert beta[0] == 0 and len(beta) - 1 == 76 and decreasing_for_all_b(beta)


@pytest.mark.slow
def test_scalar_t4():
    """t = 4 (a few seconds): degree 3^5 - 4 - 2 = 237, no constant term, decreasing for every b;
    equal to the expanded engine (its largest case, about 15 s)."""
    c = _scalar(F(1, 2), F(1, 3), F(1), F(1, 10), 4)
    beta = variance_polynomial(c)
    assert beta[0] == 0 and len(beta) - 1 == 237 and decreasing_for_all_b(beta)
    assert beta == variance_polynomial_expanded(c)


_SLOW = pytest.mark.slow  # minutes on 2 cores: run with -m slow
_OLD_REACH = [((1, 1, 1), 0), ((1, 1, 1), 1), ((1, 1, 1), 2), ((1, 1, 1), 3),
              pytest.param((1, 2, 3), 2, marks=_SLOW), pytest.param((2, 1, 1), 2, marks=_SLOW),
              ((2, 1, 2), 1), ((2, 2, 2), 1), ((3, 2, 1), 1), ((3, 1, 1), 1), ((3, 3, 3), 1), ((3, 1, 3), 0),
              ((2, 3, 1), 0), pytest.param((2, 2, 2), 2, marks=_SLOW)]


@pytest.mark.parametrize("dims,t", _OLD_REACH)
def test_split_engine_matches_expanded_engine_every_split(dims, t):
    """The split engine (weights backward from step t to k, inputs forward from 0 to k) equals the
    expanded engine (all input blocks at once) at *every* split k = 0..t, both layers: the cases
    the expanded engine reaches in seconds (the scalar t = 4 is in test_scalar_t4).  Splits whose
    size bound is large (e.g. k = 0 with 8 weights at t = 2: degree 54 in 8 variables) are skipped;
    the split the engine picks is always run."""
    import random
    import zlib

    from verify.topics.variance.deep_linear import _plan, _size_bounds

    rng = random.Random(zlib.crc32(repr((dims, t, "split")).encode()))  # the same case in every process
    for layer in (1, 2):
        c = _rand_case(rng, dims, t, layer)
        old = variance_polynomial_expanded(c)
        ks = {k for k in range(t + 1) if _size_bounds(c, k) <= 500_000} | {_plan(c)[0]}
        for k in sorted(ks):
            assert variance_polynomial(c, split=k) == old, (dims, t, layer, k)


@pytest.mark.parametrize("dims,t", [x for x in _OLD_REACH if (x.values if hasattr(x, "values") else x)[1] >= 1]
                         + [pytest.param((3, 1, 1), 2, marks=_SLOW)])
def test_bilinear_last_block_matches_split_engine(dims, t):
    """The bilinear last block (split k = t; h_t(P_t) never formed, older blocks' parity classes
    multiplied only when equal) equals the split engine at its own split, exactly, both layers; where
    the expanded engine is fast (t <= 1, the scalar network) it is compared too."""
    import random
    import zlib

    rng = random.Random(zlib.crc32(repr((dims, t, "bilinear")).encode()))  # the same case in every process
    for layer in (1, 2):
        c = _rand_case(rng, dims, t, layer)
        got = variance_polynomial(c, bilinear=True)
        assert got == variance_polynomial(c, bilinear=False), (dims, t, layer)
        if t <= 1 or dims == (1, 1, 1):
            assert got == variance_polynomial_expanded(c), (dims, t, layer)
        assert got[0] == 0 and len(got) > 1


def test_bilinear_needs_split_t():
    c = _scalar(F(1, 2), F(1, 3), F(1), F(1, 10), 2)
    for kw in ({"split": 1}, {"split": 0}):
        with pytest.raises(ValueError, match="bilinear"):
            variance_polynomial(c, bilinear=True, **kw)
    with pytest.raises(ValueError, match="bilinear"):
        variance_polynomial(_scalar(F(1, 2), F(1, 3), F(1), F(1, 10), 0), bilinear=True)


def test_planner_picks_bilinear_for_p3_t2():
    """(3,1,1) at t = 2: the bilinear plan (size bound 18480 terms) instead of the split at k = 2
    (bound 2.5e6); the scalar network keeps the split engine (its bilinear products cost more)."""
    from verify.topics.variance.deep_linear import LAST_RUN, _choose

    c = DeepLinearCase([[F(1, 2), F(-1, 4), F(1)]], [[F(3, 4)]], [[F(1), F(1, 2), F(-1, 2)]], [[F(1)]],
                       [F(1, 10)] * 2, 2)
    assert _choose(c)[2] is True
    beta = variance_polynomial(c)
    assert LAST_RUN["bilinear"] is True and LAST_RUN["max_terms"] < 100_000 and len(beta) - 1 == 23
    for t in (3, 4, 5):
        assert _choose(_scalar(F(1, 2), F(1, 3), F(1), F(1, 10), t))[2] is False


@pytest.mark.parametrize("p", [2, 3])
def test_linear_form_moments_match_entry_moments(p):
    """Joint moments of the forms Y = Delta Xhat (block 0, reduced) == the same polynomial in the
    entries of Xhat integrated with the entry table (degree <= 4, a random rational Delta)."""
    import itertools
    import random

    import flint

    from verify.topics.variance.deep_linear import _form_moments, index_pairs

    rng = random.Random(p)
    Delta = [[F(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(p)]]
    forms = []
    for j in range(p):
        A = [[F(0)] * p for _ in range(p)]
        for c in range(p):
            A[j][c] += Delta[0][c] / 2
            A[c][j] += Delta[0][c] / 2
        forms.append(A)
    tab = _form_moments(forms, 4)
    pairs = index_pairs(p)
    ent = moment_table(p, 4)
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{a}{c}" for a, c in pairs), "lex")
    g = ctx.gens()
    X = [[g[pairs.index((min(a, c), max(a, c)))] for c in range(p)] for a in range(p)]
    Y = [sum((flint.fmpq(Delta[0][c].numerator, Delta[0][c].denominator) * X[c][j] for c in range(p)), ctx.from_dict({}))
         for j in range(p)]
    for n in range(1, 5):
        for ex in itertools.product(range(n + 1), repeat=p):
            if sum(ex) != n:
                continue
            P = ctx.constant(1)
            for y, e in zip(Y, ex):
                P *= y ** e
            want = {}
            for mono, c in zip(P.monoms(), P.coeffs()):
                for k, v in ent.get(tuple(mono), {}).items():
                    want[k] = want.get(k, 0) + c * v
            want = {k: v for k, v in want.items() if v != 0}
            assert tab.get(ex, {}) == want, ex


@pytest.mark.parametrize("p", [1, 2, 3])
def test_flintmoment_table_matches_sympy_reference(p):
    """The FLINT moment table equals the SymPy-ring one (same MGF, independent polynomial code)."""
    from verify.topics.variance.deep_linear import moment_table
    from verify.topics.variance.deep_linear_reference import moment_table_reference

    D = 5 if p < 3 else 4
    ref = moment_table_reference(p, D)
    fl = moment_table(p, D)
    keys = {k for k in ref if sum(k) <= D} | {k for k in fl if sum(k) <= D}
    assert len(keys) >= D + 1
    for k in keys:
        want = [c for c in ref.get(k, ())]
        got = fl.get(k, {})
        got_l = [F(int(got[i].p), int(got[i].q)) if i in got else F(0) for i in range(len(want))]
        assert got_l == want and all(i < len(want) for i in got), k


def _rand_case(rng, dims, t, layer):
    p, p1, p2 = dims

    def M(r, c):
        return [[F(rng.randint(-6, 6), rng.randint(1, 5)) for _ in range(c)] for _ in range(r)]

    return DeepLinearCase(M(p1, p), M(p2, p1), M(p1, p), M(p2, p1),
                          [F(rng.randint(1, 20), 100) for _ in range(t)], t, layer)


@pytest.mark.parametrize("dims,t", [((1, 1, 1), 2), ((1, 2, 3), 2), ((2, 1, 2), 1), ((2, 2, 2), 1),
                                    ((3, 2, 1), 1), ((3, 1, 3), 0), ((2, 3, 1), 0),
                                    pytest.param((2, 1, 1), 2, marks=_SLOW)])  # the SymPy reference: minutes
def test_fast_engine_matches_reference_engine(dims, t):
    """FLINT engine (blockwise expectation, last block before squaring) == SymPy reference engine
    (full expansion, all blocks at once), both layers, random rational weights and step sizes."""
    import random

    from verify.topics.variance.deep_linear_reference import variance_polynomial_reference

    rng = random.Random(zlib.crc32(repr((dims, t)).encode()))  # the same case in every process
    for layer in (1, 2):
        c = _rand_case(rng, dims, t, layer)
        got = variance_polynomial(c)
        assert got == variance_polynomial_reference(c)
        assert got[0] == 0 and len(got) > 1


def test_term_expectation_scaled_weights():
    """E[g_{0,1}] = W2^T (W2 W1 - T) (E Xhat = I): with weights scaled by s the entry is
    s^3 (...) - s (...), and no power of 1/b appears."""
    from verify.topics.variance.deep_linear import matmul, matsub, transpose, degrees, term_expectation

    c = _scalar(F(1, 2), F(1, 3), F(2), F(1, 10), 0)
    tr, rows = term_expectation(c, lambda tr: tr.g1, scale=True)
    d = degrees(tr, rows[0][0])
    assert d == {0: 3}
    want = matmul(transpose(c.W2), matsub(matmul(c.W2, c.W1), c.T))[0][0]
    # at s = 1: the unscaled mean gradient
    val = rows[0][0].subs({"s": 1})
    assert F(int(val.leading_coefficient().p), int(val.leading_coefficient().q)) == want


@pytest.mark.parametrize("bad", [
    dict(W1=[[1, 2]], W2=[[1, 2]], W1s=[[1, 2]], W2s=[[1]], alphas=[], t=0),  # W2 cols != p1
    dict(W1=[[1]], W2=[[1]], W1s=[[1]], W2s=[[1]], alphas=[], t=1),  # too few alphas
    dict(W1=[[1]], W2=[[1]], W1s=[[1]], W2s=[[1]], alphas=[], t=-1),
    dict(W1=[["a"]], W2=[[1]], W1s=[[1]], W2s=[[1]], alphas=[], t=0),
])
def test_case_rejects(bad):
    with pytest.raises(ValueError):
        DeepLinearCase(bad["W1"], bad["W2"], bad["W1s"], bad["W2s"], bad["alphas"], bad["t"])


def test_cli_ok(tmp_path, capsys):
    f = tmp_path / "c.json"
    f.write_text(json.dumps({"W1": [["1/2"]], "W2": [["1/3"]], "W1_teacher": [[1]], "W2_teacher": [[1]],
                             "alphas": ["1/10"], "t": 1, "layer": 1}))
    assert run_case(f) == 0
    out = json.loads(capsys.readouterr().out)
    beta = variance_polynomial(_scalar(F(1, 2), F(1, 3), F(1), F(1, 10), 1))
    assert out["coefficients"] == [str(x) for x in beta[1:]]
    assert out["decreasing_for_all_b"] is True


@pytest.mark.parametrize("payload", [
    "not json", json.dumps([1, 2]), json.dumps({"W1": [[1]]}),
    json.dumps({"W1": [[1]], "W2": [[1, 2]], "W1_teacher": [[1]], "W2_teacher": [[1]], "alphas": [], "t": 0}),
    json.dumps({"W1": [[1]], "W2": [[1]], "W1_teacher": [[1]], "W2_teacher": [[1]], "alphas": [], "t": -1}),
    json.dumps({"W1": [["x"]], "W2": [[1]], "W1_teacher": [[1]], "W2_teacher": [[1]], "alphas": [], "t": 0}),
])
def test_cli_bad_input(tmp_path, capsys, payload):
    f = tmp_path / "c.json"
    f.write_text(payload)
    assert run_case(f) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_cli_refuses_infeasible_case(tmp_path, capsys):
    """t = 2 with dims (3, 3, 3) would take hours / run out of memory: exit 2 at once, one line."""
    f = tmp_path / "c.json"
    eye = [[1 if i == j else 0 for j in range(3)] for i in range(3)]
    f.write_text(json.dumps({"W1": eye, "W2": eye, "W1_teacher": eye, "W2_teacher": eye,
                             "alphas": ["1/10", "1/10"], "t": 2}))
    assert run_case(f) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "too large" in err and "--allow-large" in err


def test_size_estimate_orders_cases():
    from verify.topics.variance.deep_linear import LARGE_TERMS, estimated_terms

    def c(p, t):
        return DeepLinearCase([[1] * p], [[1]], [[1] * p], [[1]], [F(1, 10)] * t, t)

    def c3(t):
        eye = [[1 if i == j else 0 for j in range(3)] for i in range(3)]
        return DeepLinearCase(eye, eye, eye, eye, [F(1, 10)] * t, t)

    feasible = [c(1, 4), c(1, 5), c(2, 2), c(3, 1), c(3, 2), c3(1)]  # benchmarks/bench_deep_linear.py
    infeasible = [c(1, 6), c3(2), c(3, 3)]  # scalar t = 5: about 7 minutes of CPU, allowed
    assert max(map(estimated_terms, feasible)) < LARGE_TERMS < min(map(estimated_terms, infeasible))


# ---------------------------------------------------------------- exact real roots (FLINT)
def _sympy_poly(coeffs):
    import sympy as sp

    x = sp.Symbol("x")
    return sp.Poly([sp.Rational(c.numerator, c.denominator) for c in coeffs], x)


@settings(deadline=None, derandomize=True, max_examples=120)
@given(st.lists(st.fractions(-6, 6, max_denominator=3), min_size=0, max_size=6),
       st.lists(st.fractions(-9, 9, max_denominator=4), min_size=1, max_size=5),
       st.integers(0, 2))
def test_real_roots_match_sympy(rational_roots, other, square):
    """FLINT isolation == SymPy real_roots on small degrees: rational roots (repeated, at bisection
    points, at 0) exact, irrational ones to double precision, odd multiplicities on their own."""
    import sympy as sp

    from verify.topics.variance.deep_linear import RealRoot, largest_real_root, real_roots

    x = sp.Symbol("x")
    expr = sp.prod([x - sp.Rational(r.numerator, r.denominator) for r in rational_roots])
    expr *= _sympy_poly(other).as_expr() ** (square + 1)
    P = sp.Poly(expr, x)
    if P.is_zero:
        return
    coeffs = [F(int(c.p), int(c.q)) for c in P.all_coeffs()]
    want = sorted(set(sp.real_roots(P))) if P.degree() > 0 else []
    got = real_roots(coeffs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert isinstance(g, RealRoot)
        if w.is_Rational:
            assert g == F(int(w.p), int(w.q))
        assert float(g) == float(w.evalf(40))  # correctly rounded
        assert g.lo <= w <= g.hi  # the certified interval holds SymPy's root
    _, factors = sp.sqf_list(P)
    odd = sorted(r for f, m in factors if m % 2 and f.degree() > 0 for r in set(sp.real_roots(f)))
    assert [float(r) for r in real_roots(coeffs, odd_only=True)] == [float(r.evalf(40)) for r in odd]
    top = largest_real_root(coeffs)
    assert (top is None) == (not want) and (top is None or float(top) == float(want[-1].evalf(40)))


def test_real_root_comparisons_exact():
    """Roots compare exactly with rationals and with each other (equal algebraic numbers from
    different polynomials included); ceil and the decimal enclosure are exact."""
    import math

    from verify.topics.variance.deep_linear import real_roots

    s2 = real_roots([1, 0, -2])[1]                      # sqrt 2
    s2b = real_roots([1, 0, -4, 0, 4])                  # (x^2 - 2)^2: same roots
    s2c = real_roots([1, -1, -2, 2])                    # (x - 1)(x^2 - 2)
    assert s2 == s2b[1] and s2 == s2c[2] and s2 > s2c[1] and s2c[1] == 1
    assert F(141421356, 10 ** 8) < s2 < F(141421357, 10 ** 8) and s2 != F(7, 5)
    assert math.ceil(s2) == 2 and math.ceil(real_roots([1, -4])[0]) == 4
    lo, hi = s2.enclosure(25)
    assert lo == "1.414213562373095048801688" and hi == "1.414213562373095048801689"
    assert F(lo) < s2 < F(hi)


def test_b0_fast_at_degree_236():
    """The printed-b0 polynomial of the scalar network at t = 4 (degree 236; SymPy's real_roots did
    not return in 6 minutes): roots at about -2.8846 and -2.0000000014, exact enclosures."""
    import time

    from derivations.variance import printed as P
    from verify.topics.variance.deep_linear import largest_real_root, real_roots

    beta = variance_polynomial(DeepLinearCase([[F(1, 2)]], [[F(1, 3)]], [[F(1)]], [[F(1)]], [F(1, 10)] * 4, 4, 1))
    t0 = time.process_time()
    roots = real_roots(P.theorem5_b0_polynomial(beta))
    b0 = largest_real_root(P.theorem5_b0_polynomial(beta))
    assert time.process_time() - t0 < 30  # about 0.2 s
    assert len(roots) == 2 and b0 == roots[1]
    assert b0.enclosure(20) == ("-2.0000000014143914175", "-2.0000000014143914174")
    assert abs(float(roots[0]) + 2.884581547482064) < 1e-14


# ---------------------------------------------------------------- hostile case files (issue 14)
_OK_CASE = {"W1": [["1/2"]], "W2": [["1/3"]], "W1_teacher": [[1]], "W2_teacher": [[1]], "alphas": ["1/10"], "t": 1}


def _run_text(tmp_path, capsys, text):
    import time

    f = tmp_path / "c.json"
    f.write_text(text)
    t0 = time.process_time()
    rc = run_case(f)
    cpu = time.process_time() - t0
    cap = capsys.readouterr()
    return rc, cap.out, cap.err, cpu


@pytest.mark.parametrize("entry", [
    "1e308", "-1e308", "1e-308", "10" * 1, '"1e308"', '"1e999999999"', '"1/1' + "0" * 40 + '"',
    "1" + "0" * 400, '"' + "1" * 5000 + '"', "NaN", "Infinity", '"inf"', '"nan"', "true", "null", '"1/0"',
    '"0x10"', "[1]", "{}",
])
def test_cli_refuses_bad_numbers_up_front(tmp_path, capsys, entry):
    """Numbers too large (1e308, 10**400), too fine (1e-308), not finite or not numbers: exit 2 with
    one line, before any work (the size guard used to count terms only: 1e308 ran for minutes)."""
    text = json.dumps(_OK_CASE).replace('[["1/2"]]', f"[[{entry}]]")
    if entry == "10":
        text = text.replace('"t": 1', '"t": 1' + ', "layer": 1')  # a valid variant: the control
        rc, out, err, cpu = _run_text(tmp_path, capsys, text)
        assert rc == 0
        return
    rc, out, err, cpu = _run_text(tmp_path, capsys, text)
    assert rc == 2 and out == "" and err.count("\n") == 1 and "error" in err and "Traceback" not in err
    assert cpu < 5


def test_cli_reads_decimals_exactly(tmp_path, capsys):
    """``0.1`` (a JSON float) and ``"0.1"`` are 1/10, not the binary fraction 3602879701896397/2^55."""
    outs = []
    for a, w in (("0.1", "0.5"), ('"0.1"', '"0.5"'), ('"1/10"', '"1/2"')):
        text = json.dumps(_OK_CASE).replace('["1/10"]', f"[{a}]").replace('[["1/2"]]', f"[[{w}]]")
        rc, out, err, _ = _run_text(tmp_path, capsys, text)
        assert rc == 0, err
        outs.append(json.loads(out)["coefficients"])
    assert outs[0] == outs[1] == outs[2]
    beta = variance_polynomial(_scalar(F(1, 2), F(1, 3), F(1), F(1, 10), 1))
    assert outs[0] == [str(x) for x in beta[1:]]


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000, "{" * 100_000, '{"W1": ' + "[" * 5000 + "]" * 5000 + "}",
    json.dumps({**_OK_CASE, "t": 10 ** 6, "alphas": ["1/10"]}), json.dumps({**_OK_CASE, "t": 13}),
    json.dumps({**_OK_CASE, "W1": [[1] * 17]}), '{"t": 1, "t": 1}', json.dumps({**_OK_CASE, "layer": 3}),
    json.dumps({**_OK_CASE, "alphas": ["-1/10"]}), " " * (1 << 20) + "{}",
])
def test_cli_refuses_bad_structure(tmp_path, capsys, text):
    """10^5 nested brackets, huge t, oversized matrices, duplicate keys, a file over 1 MiB: one line,
    exit 2, never a RecursionError or any traceback."""
    rc, out, err, cpu = _run_text(tmp_path, capsys, text)
    assert rc == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert cpu < 5


def test_cli_help_documents_case_format(capsys):
    from verify.cli import main

    with pytest.raises(SystemExit) as e:
        main(["deep-linear", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for word in ("W1_teacher", "W2_teacher", "alphas", "layer", "3/7", "0.1", "b0_enclosure", "--allow-large"):
        assert word in out
