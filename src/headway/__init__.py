"""Headway: one self-hosted system for the people who lead product.

The public Python API. Heavy parts are imported lazily so ``import headway`` stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

from headway.core.errors import HeadwayError

__all__ = ["HeadwayError", "__version__"]
