"""batchproof's verification layer: claims, generated checkers, checks, harness, CLI."""

__version__ = "0.1.0"
__all__ = ["__version__"]
