"""The mutation machinery: under_test perturbs what it marks, and only during a mutation run."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from verify.core.claims import Claim, Erratum, Evidence, Outcome, Result, decide
from verify.core.mutation import OPERATORS, mutate_claim, perturb, under_test


def test_under_test_is_identity_outside_a_mutation_run():
    x = sp.Symbol("x")
    for v in (3, 2.5, Fraction(1, 3), np.arange(3.0), x**2, (1, 2.0), {"a": 1.5}):
        assert under_test(v) is v


def test_perturb_each_type():
    x = sp.Symbol("x", positive=True)
    assert perturb(x**2, "scale") == sp.Rational(8, 7) * x**2
    assert perturb(x, "shift") == x + sp.Rational(1, 7)
    assert perturb(x, "negate") == -x
    assert perturb(sp.Integer(3), "scale") == 4  # an index shifts
    assert perturb(3, "scale") == 4 and perturb(3, "shift") == 2 and perturb(3, "negate") == -3
    assert perturb(Fraction(7, 2), "scale") == Fraction(4)
    assert perturb(1.4, "scale") == pytest.approx(1.6)
    assert np.allclose(perturb(np.array([7.0, 14.0]), "scale"), [8.0, 16.0])
    assert perturb(sp.Le(x, 7), "scale") == sp.Le(x, 8)
    assert perturb(sp.Matrix([[7, x]]), "negate") == sp.Matrix([[-7, -x]])
    f = perturb(lambda a: 7.0 * a, "scale")
    assert f(1.0) == pytest.approx(8.0)
    assert perturb((7.0, {"k": 7.0}), "scale") == (pytest.approx(8.0), {"k": pytest.approx(8.0)})
    for bad in (True, "text", None, np.bool_(True), sp.true):
        with pytest.raises(TypeError):
            perturb(bad, "scale")


def _run(claim):
    out = claim.check()
    return Result(claim, decide(claim, out), out, 0.0)


def _holds_claim(check, **kw):
    return Claim("t.x", "p", "w", "s", (), check, **kw)


def test_a_check_that_reads_its_mark_is_killed():
    def check():
        eta1 = under_test(sp.Rational(2, 3))
        return Outcome(eta1 == sp.Rational(2, 3), [Evidence("proof", "eta1 = 2/3", eta1 == sp.Rational(2, 3))])

    c = _holds_claim(check)
    m = mutate_claim(c, _run, _run(c).verdict.value)
    assert m.status == "killed" and m.killed_by == "scale"


def test_a_check_that_cannot_fail_survives():
    def check():
        bound = under_test(5.0)
        return Outcome(True, [Evidence("proof", "0 <= beta", 0 <= 1.0 or bound)])

    c = _holds_claim(check)
    m = mutate_claim(c, _run, _run(c).verdict.value)
    assert m.status == "survived" and set(m.verdicts) == set(OPERATORS)


def test_a_check_without_a_mark_and_an_exemption():
    c = _holds_claim(lambda: Outcome(True, [Evidence("proof", "ok", True)]))
    assert mutate_claim(c, _run, "holds").status == "no mark"
    c = _holds_claim(lambda: Outcome(True, [Evidence("proof", "ok", True)]), mutation_exempt="a definition")
    m = mutate_claim(c, _run, "holds")
    assert m.status == "exempt" and m.to_json()["reason"] == "a definition"


def test_an_erratum_mutates_its_correction_not_the_printed_form():
    def check():
        printed = under_test(3)  # role printed: untouched when an erratum is mutated
        fixed = under_test(4, role="corrected")
        ok = fixed == 4
        return Outcome(printed == 4, [Evidence("counterexample", "3 != 4", printed != 4),
                                      Evidence("proof", "4 = 4", ok, about="corrected")], corrected=ok)

    c = _holds_claim(check, erratum=Erratum("3", "4", "typo"))
    assert _run(c).verdict.value == "erratum"
    m = mutate_claim(c, _run, "erratum")
    assert m.role == "corrected" and m.status == "killed"


def test_a_crash_under_mutation_is_not_a_kill():
    from verify.core.claims import run_claim

    def check():
        x = under_test(2.0)
        if x != 2.0:
            raise ValueError("guard")
        return Outcome(True, [Evidence("proof", "x = 2", True)])

    c = _holds_claim(check)
    m = mutate_claim(c, run_claim, "holds")
    assert m.status == "survived" and set(m.verdicts.values()) == {"error"}
