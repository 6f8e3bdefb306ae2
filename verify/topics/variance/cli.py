"""``batchproof deep-linear --case FILE.json``: the exact variance polynomial of one case.

Input JSON: ``{"W1": [[...]], "W2": [[...]], "W1_teacher": [[...]], "W2_teacher": [[...]],
"alphas": ["1/10", ...], "t": 1, "layer": 1}``; entries are numbers or rational strings
("3/7").  Output (stdout, JSON): ``{"coefficients": [...], "b0": ..., "decreasing_for_all_b": ...}``
where coefficient k (k = 1..r) is that of ``b^{-k}`` as an exact rational string; ``b0`` is
the largest real root of the printed equation of Theorem 5 (null when it has none), and
``b0_derivative`` the largest real root of the proof's polynomial ``sum k beta_k b^{r-k}``.
Bad input: one line on stderr, exit code 2.  A case whose size estimate
(:func:`verify.topics.variance.deep_linear.estimated_terms`, a bound on the largest polynomial at the
engine's chosen split) exceeds ``LARGE_TERMS`` -- hours or out of memory: t = 2 with dims (3, 3, 3),
the scalar network at t = 6, p = 3 at t = 3 -- is refused the same way unless ``--allow-large`` is
given.  Allowed at the frontier: dims (3, 1, 1) at t = 2 (seconds).  The scalar network at t = 5
(8-17 minutes; its degree-722 printed-b0 root untimed) needs ``--allow-large``.
"""

from __future__ import annotations

import json
import sys

__all__ = ["run_case"]

_KEYS = ("W1", "W2", "W1_teacher", "W2_teacher", "alphas", "t")


def run_case(path, allow_large: bool = False) -> int:
    from verify.topics.variance.deep_linear import (
        LARGE_TERMS,
        DeepLinearCase,
        b0_derivative,
        largest_real_root,
        decreasing_for_all_b,
        estimated_terms,
        variance_polynomial,
    )

    from derivations.variance import printed as P

    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except OSError as e:
        return _bad(f"cannot read case file {str(path)!r}: {e.strerror or e}")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        return _bad(f"case file {str(path)!r} is not valid JSON: {str(e).splitlines()[0]}")
    if not isinstance(spec, dict):
        return _bad("case must be a JSON object")
    missing = [k for k in _KEYS if k not in spec]
    if missing:
        return _bad(f"case is missing key(s): {', '.join(missing)}")
    unknown = sorted(set(spec) - set(_KEYS) - {"layer"})
    if unknown:
        return _bad(f"unknown key(s) in case: {', '.join(unknown)}")
    t = spec["t"]
    if isinstance(t, bool) or not isinstance(t, int):
        return _bad(f"t must be a non-negative integer, got {t!r}")
    try:
        case = DeepLinearCase(spec["W1"], spec["W2"], spec["W1_teacher"], spec["W2_teacher"],
                              spec["alphas"], t, spec.get("layer", 1))
        size = estimated_terms(case)
        if size > LARGE_TERMS and not allow_large:
            return _bad(f"case too large for the exact engine: about {size:.1e} polynomial terms at p = {case.p}, "
                        f"t = {case.t} (hours or out of memory); pass --allow-large to try anyway")
        beta = variance_polynomial(case)
    except ValueError as e:
        return _bad(str(e))
    coeffs = [str(c) for c in beta[1:]]
    out = {
        "coefficients": coeffs,
        "constant_term": str(beta[0]),
        "b0": _float_or_none(largest_real_root(P.theorem5_b0_polynomial(beta))) if len(beta) > 1 else None,
        "b0_derivative": b0_derivative(beta) if len(beta) > 1 else None,
        "decreasing_for_all_b": bool(decreasing_for_all_b(beta)),
        "t": case.t,
        "layer": case.layer,
        "dims": {"p": case.p, "p1": case.p1, "p2": case.p2},
    }
    print(json.dumps(out))
    return 0


def _float_or_none(x):
    return None if x is None else float(x)


def _bad(msg: str) -> int:
    print(f"batchproof deep-linear: error: {msg.splitlines()[0] if msg else 'bad input'}", file=sys.stderr)
    return 2


def _add_arguments(p) -> None:
    p.add_argument("--case", required=True, metavar="FILE.json")
    p.add_argument("--allow-large", action="store_true",
                   help="run even when the size estimate says hours or out of memory "
                        "(e.g. t = 2 with dims (3, 3, 3), or the scalar network at t = 6)")


# topic commands, registered by the core CLI: name -> (help, add_arguments, run(args) -> exit code)
COMMANDS = {
    "deep-linear": ("exact variance polynomial for a deep-linear case (paper 001)", _add_arguments,
                    lambda args: run_case(args.case, allow_large=args.allow_large)),
}
