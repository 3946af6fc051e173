"""Checks on the paths given on the command line, reported like the errors of reading them."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from iamproof.errors import InputError
from iamproof.span import Span


def require_file(path: str) -> None:
    """Raise InputError (`path:1:1: cannot read file: ...`) unless `path` is a regular file."""
    location = Path(path)
    if location.is_file():
        return
    if location.is_dir():
        reason = os.strerror(errno.EISDIR)
    elif location.exists():
        reason = "not a regular file"
    else:
        reason = os.strerror(errno.ENOENT)
    raise InputError(f"cannot read file: {reason}", Span.whole_file(path))
