"""One module per topic, each defining ``CLAIMS: list[verify.claims.Claim]``.

Modules are discovered automatically (see :func:`verify.claims.topics`).
"""
