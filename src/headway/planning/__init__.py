"""Planning: initiatives, scoring, scenarios, the optimal portfolio and roadmaps.

``from headway.planning import nrp`` (and ``expressions``, ``scoring``, ``portfolio``) works without Django
configured: the engine modules are pure and are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["expressions", "nrp", "portfolio", "scoring"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"headway.planning.engine.{name}")
    raise AttributeError(f"module 'headway.planning' has no attribute {name!r}")
