"""The generic core: claim model, mutation, codegen, results, reports, book helpers.

It imports no topic (an ``import-linter`` contract enforces it); topics are found at run
time by :mod:`verify.core.topics`.
"""
