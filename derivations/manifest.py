"""The manifest: generated module name -> derivation module defining ``exports()``.

``batchproof generate`` writes ``verify/generated/<name>.py`` (numpy) and
``verify/generated/<name>_mp.py`` (the mpmath twin) for each entry.
"""

MANIFEST: dict[str, str] = {
    "diversity": "derivations.diversity.derive",
    "interpolation": "derivations.interpolation.derive",
    "stationary": "derivations.stationary.derive",
    "variance": "derivations.variance.derive",
    "volterra": "derivations.volterra.derive",
}
