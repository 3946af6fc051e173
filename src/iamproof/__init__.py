"""iamproof: exact static analysis of AWS IAM policies with the Z3 SMT solver.

The library API; the command line (`iamproof.cli`) is a thin layer over it.
"""

from __future__ import annotations

from iamproof.errors import IamproofError, InputError, InternalError

__all__ = ["IamproofError", "InputError", "InternalError", "__version__"]
__version__ = "0.1.0"
