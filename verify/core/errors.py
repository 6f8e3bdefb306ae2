"""The error a user's input causes, as opposed to a bug.

:class:`InputError` (a ``ValueError``) says that something the user gave -- an argument,
a file, a device, a checkpoint -- is unusable, in one line.  The CLI turns it into exit
code 2; any other exception escaping a command is an internal error (exit 3, with its
traceback), never "a claim failed" (1) nor "bad usage" (2).
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Unusable user input: the message is one line that says what and why."""
