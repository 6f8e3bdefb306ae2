"""Shared fixtures: no hidden global state between tests."""

import os
import random

import mpmath
import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _reset_state():
    """Reset mpmath precision, numpy / random seeds and torch's default dtype and seed."""
    mpmath.mp.dps = 15
    random.seed(0)
    np.random.seed(0)
    try:
        import torch

        torch.set_default_dtype(torch.float64)
        torch.manual_seed(0)
    except ImportError:
        pass
    yield
    mpmath.mp.dps = 15
