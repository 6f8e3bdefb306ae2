"""The manifest: generated module name -> derivation module defining ``exports()``.

``batchproof generate`` writes ``verify/generated/<name>.py`` (numpy) and
``verify/generated/<name>_mp.py`` (the mpmath twin) for each entry.
"""

MANIFEST: dict[str, str] = {
    "interpolation": "derivations.interpolation",
    "variance": "derivations.variance",
}
