"""``batchproof deep-linear --case FILE.json``: the exact variance polynomial of one case.

The case file is described in :data:`CASE_FORMAT` (shown by ``batchproof deep-linear --help``).
Output (stdout, JSON): ``{"coefficients": [...], "b0": ..., "b0_enclosure": [lo, hi], ...}`` where
coefficient k (k = 1..r) is that of ``b^{-k}`` as an exact rational string; ``b0`` is the largest
real root of the printed equation of Theorem 5 (null when it has none), ``b0_enclosure`` decimal
bounds on it (``B0_DIGITS`` significant digits, rounded outward, certified by an exact sign change),
and ``b0_derivative`` the largest real root of the proof's polynomial ``sum k beta_k b^{r-k}``.
Bad input: one line on stderr, exit code 2, before any work: the file (at most ``MAX_FILE_BYTES``,
nesting at most ``MAX_DEPTH``), every number (exact; numerator and denominator at most
``MAX_DIGITS`` digits each, so 1e308 and 10**400 are refused), the dimensions (at most ``MAX_DIM``)
and t (at most ``MAX_T``).  A case whose size estimate
(:func:`verify.topics.variance.deep_linear.estimated_terms`: the chosen plan's cost -- a bound on
the largest polynomial at the chosen split, or for the bilinear last block its term products over
``WORK_PER_TERM``) exceeds ``LARGE_TERMS`` -- tens of minutes, hours or out of memory: t = 2 with
dims (3, 3, 3) (about 25 CPU-minutes), the scalar network at t = 6, p = 3 at t = 3 -- is refused
the same way unless ``--allow-large`` is given.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = ["CASE_FORMAT", "parse_case", "run_case"]

_KEYS = ("W1", "W2", "W1_teacher", "W2_teacher", "alphas", "t")
MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 3          # object -> matrix -> row
MAX_DIGITS = 30        # digits of a numerator or a denominator
MAX_DIM = 16
MAX_T = 12
B0_DIGITS = 20

CASE_FORMAT = f"""\
case file (JSON object):
  "W1"          p1 x p matrix (list of rows): the student's first layer W_(0,1)
  "W2"          p2 x p1 matrix: the student's second layer W_(0,2)
  "W1_teacher"  h x p matrix, "W2_teacher" p2 x h matrix: the teacher (its product is the target)
  "alphas"      step sizes alpha_0 .. alpha_(t-1), positive (extra entries are ignored)
  "t"           the step whose gradient is studied (integer 0..{MAX_T})
  "layer"       1 or 2 (optional, default 1): var(g_(t,layer) | F_0)
numbers are exact: integers, decimals ("0.1" and 0.1 are 1/10, not a binary fraction) or rational
strings ("3/7"); numerator and denominator at most {MAX_DIGITS} digits each; dimensions at most {MAX_DIM}.
example: {{"W1": [["1/2"]], "W2": [["1/3"]], "W1_teacher": [[1]], "W2_teacher": [[1]],
          "alphas": ["1/10", 0.1], "t": 2, "layer": 1}}
output (JSON on stdout): "coefficients" (beta_1..beta_r of var = sum_k beta_k b^-k, exact),
"constant_term", "b0" (largest real root of Theorem 5's printed polynomial, null if none),
"b0_enclosure" ({B0_DIGITS}-digit decimal bounds, certified), "b0_derivative",
"decreasing_for_all_b", "t", "layer", "dims".
Cases estimated to exhaust the machine ((3,3,3) at t = 2, the scalar network at t = 6, p = 3 at
t = 3) are refused unless --allow-large is given; the scalar network at t = 5 runs (about 7 minutes
of CPU, 4.5 GiB).  Bad input: one line on stderr, exit code 2."""


class _Bad(ValueError):
    pass


def _digits_ok(n: int) -> bool:
    return abs(n) < 10 ** MAX_DIGITS


def _from_decimal(d: Decimal, text: str, what: str) -> Fraction:
    if not d.is_finite():
        raise _Bad(f"{what} = {text!r} is not finite")
    _, digits, exp = d.as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:  # exact value: drop trailing zeros (no rounding)
        digits.pop()
        exp += 1
    if digits == [0]:
        return Fraction(0)
    if len(digits) + max(exp, 0) > MAX_DIGITS or -exp > MAX_DIGITS:
        raise _Bad(f"{what} = {text[:40]} is too large or too finely divided: numerator and denominator "
                   f"are limited to {MAX_DIGITS} digits each")
    return Fraction(d)


_INT = re.compile(r"\s*[+-]?\d+\s*\Z")


def _entry(v, what: str) -> Fraction:
    """One exact number of the case file (validated before any arithmetic on it)."""
    if isinstance(v, bool) or v is None:
        raise _Bad(f"{what} must be a number, got {json.dumps(v)}")
    if isinstance(v, int):
        if not _digits_ok(v):
            raise _Bad(f"{what} has more than {MAX_DIGITS} digits")
        return Fraction(v)
    if isinstance(v, Decimal):
        return _from_decimal(v, str(v), what)
    if isinstance(v, str):
        s = v.strip()
        if len(s) > 2 * MAX_DIGITS + 8:
            raise _Bad(f"{what} {s[:40]!r}... is too long (numerator and denominator: at most {MAX_DIGITS} digits)")
        if "/" in s:
            num, _, den = s.partition("/")
            if not (_INT.match(num) and _INT.match(den)):
                raise _Bad(f"{what} must be a rational number like '3/7', got {v!r}")
            n, d = int(num), int(den)
            if not (_digits_ok(n) and _digits_ok(d)):
                raise _Bad(f"{what} {v!r}: numerator and denominator are limited to {MAX_DIGITS} digits each")
            if d == 0:
                raise _Bad(f"{what} {v!r} divides by zero")
            return Fraction(n, d)
        try:
            return _from_decimal(Decimal(s), s, what)
        except InvalidOperation:
            raise _Bad(f"{what} must be a number like 0.1 or '3/7', got {v!r}") from None
    raise _Bad(f"{what} must be a number or a rational string, got {json.dumps(v)[:40]}")


def _matrix(M, name: str) -> list[list[Fraction]]:
    if not isinstance(M, list) or not M or not all(isinstance(r, list) for r in M):
        raise _Bad(f"{name} must be a non-empty list of rows")
    if len(M) > MAX_DIM or any(len(r) > MAX_DIM for r in M):
        raise _Bad(f"{name} is larger than {MAX_DIM} x {MAX_DIM}")
    return [[_entry(v, f"{name}[{i}][{j}]") for j, v in enumerate(r)] for i, r in enumerate(M)]


def _depth_ok(text: str) -> bool:
    """Brackets nested at most MAX_DEPTH deep outside strings (checked before parsing: the JSON
    parser recurses and would stop on 10^5 nested brackets with a RecursionError)."""
    depth, in_str, esc = 0, False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise _Bad(f"duplicate key(s) in case: {', '.join(dup)}")
    return dict(pairs)


def _reject_constant(name):
    raise _Bad(f"number {name} is not finite")


def _parse_int(s: str) -> int:
    if len(s.lstrip("-")) > MAX_DIGITS:
        raise _Bad(f"number {s[:20]}... has {len(s.lstrip('-'))} digits; at most {MAX_DIGITS} are accepted")
    return int(s)


def parse_case(path):
    """Read and validate a case file: a :class:`DeepLinearCase`, or ValueError with one line."""
    from verify.topics.variance.deep_linear import DeepLinearCase

    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise _Bad(f"cannot read case file {str(path)!r}: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _Bad(f"case file {str(path)!r} is larger than {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad(f"case file {str(path)!r} is not UTF-8 text") from None
    if not _depth_ok(text):
        raise _Bad(f"case file {str(path)!r} nests brackets deeper than {MAX_DEPTH} (object, matrix, row)")
    try:
        spec = json.loads(text, parse_float=Decimal, parse_int=_parse_int, parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise _Bad(f"case file {str(path)!r} is not valid JSON: {str(e).splitlines()[0]}") from None
    except RecursionError:  # unreachable after _depth_ok; kept so that no traceback can escape
        raise _Bad(f"case file {str(path)!r} nests too deep") from None
    if not isinstance(spec, dict):
        raise _Bad("case must be a JSON object")
    missing = [k for k in _KEYS if k not in spec]
    if missing:
        raise _Bad(f"case is missing key(s): {', '.join(missing)}")
    unknown = sorted(set(spec) - set(_KEYS) - {"layer"})
    if unknown:
        raise _Bad(f"unknown key(s) in case: {', '.join(unknown)}")
    t, layer = spec["t"], spec.get("layer", 1)
    if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t <= MAX_T:
        raise _Bad(f"t must be an integer from 0 to {MAX_T}, got {json.dumps(t, default=str)[:40]}")
    if isinstance(layer, bool) or layer not in (1, 2):
        raise _Bad(f"layer must be 1 or 2, got {json.dumps(layer, default=str)[:40]}")
    alphas = spec["alphas"]
    if not isinstance(alphas, list):
        raise _Bad("alphas must be a list of step sizes")
    if len(alphas) < t:
        raise _Bad(f"need at least t = {t} step sizes alpha_0..alpha_(t-1), got {len(alphas)}")
    mats = {k: _matrix(spec[k], k) for k in ("W1", "W2", "W1_teacher", "W2_teacher")}
    alphas = [_entry(a, f"alphas[{i}]") for i, a in enumerate(alphas[:t])]
    return DeepLinearCase(mats["W1"], mats["W2"], mats["W1_teacher"], mats["W2_teacher"], alphas, t, layer)


def run_case(path, allow_large: bool = False) -> int:
    from derivations.variance import printed as P
    from verify.topics.variance.deep_linear import (
        LARGE_TERMS,
        b0_derivative,
        decreasing_for_all_b,
        estimated_terms,
        largest_real_root,
        variance_polynomial,
    )

    try:
        case = parse_case(path)
        size = estimated_terms(case)
        if size > LARGE_TERMS and not allow_large:
            return _bad(f"case too large for the exact engine: about {size:.1e} polynomial terms at p = {case.p}, "
                        f"t = {case.t} (hours or out of memory); pass --allow-large to try anyway")
        beta = variance_polynomial(case)
    except ValueError as e:
        return _bad(str(e))
    b0 = largest_real_root(P.theorem5_b0_polynomial(beta)) if len(beta) > 1 else None
    out = {
        "coefficients": [str(c) for c in beta[1:]],
        "constant_term": str(beta[0]),
        "b0": None if b0 is None else float(b0),
        "b0_enclosure": None if b0 is None else list(b0.enclosure(B0_DIGITS)),
        "b0_derivative": b0_derivative(beta) if len(beta) > 1 else None,
        "decreasing_for_all_b": bool(decreasing_for_all_b(beta)),
        "t": case.t,
        "layer": case.layer,
        "dims": {"p": case.p, "p1": case.p1, "p2": case.p2},
    }
    print(json.dumps(out))
    return 0


def _bad(msg: str) -> int:
    print(f"batchproof deep-linear: error: {msg.splitlines()[0] if msg else 'bad input'}", file=sys.stderr)
    return 2


def _add_arguments(p) -> None:
    import argparse

    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.description = "Exact variance polynomial in 1/b of a two-layer linear network's gradient (paper 001)."
    p.epilog = CASE_FORMAT
    p.add_argument("--case", required=True, metavar="FILE.json", help="the case file (format below)")
    p.add_argument("--allow-large", action="store_true",
                   help="run even when the size estimate says hours or out of memory "
                        "(e.g. p = 3 at t = 3, or the scalar network at t = 6)")


# topic commands, registered by the core CLI: name -> (help, add_arguments, run(args) -> exit code)
COMMANDS = {
    "deep-linear": ("exact variance polynomial for a deep-linear case (paper 001)", _add_arguments,
                    lambda args: run_case(args.case, allow_large=args.allow_large)),
}
