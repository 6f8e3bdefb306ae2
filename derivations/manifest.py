"""The manifest: generated module name -> derivation module defining ``exports()``.

``batchproof generate`` writes ``verify/generated/<name>.py`` (numpy) and
``verify/generated/<name>_mp.py`` (the mpmath twin) for each entry.
"""

MANIFEST: dict[str, str] = {
    "diversity": "derivations.diversity",
    "interpolation": "derivations.interpolation",
    "stationary": "derivations.stationary",
    "volterra": "derivations.volterra",
}
