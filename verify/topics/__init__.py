"""One package per paper (topic); discovered at run time by :mod:`verify.core.topics`."""
