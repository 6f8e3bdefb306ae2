"""One module per topic, each defining ``run(cfg: HarnessConfig, progress) -> dict``.

Discovered automatically by :func:`verify.harness.experiment_topics`.
"""
