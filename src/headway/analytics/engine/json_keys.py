"""Property keys that start with ``$`` (PostHog's ``$current_url``, ``$browser``) or hold a dot, on SQL backends.

Ibis 12 compiles ``json[key]`` to ``json_extract(json, 'key')`` and sqlglot 30 then parses the key as a JSON
path: ``$current_url`` loses its ``$`` (read as the root) and ``a.b`` becomes a nested path. Installed when
the engine is imported: a string key becomes one quoted path step (``'$."$current_url"'`` on DuckDB,
``json_extract_path(x, '$current_url')`` on PostgreSQL), the same lookup Ibis meant. Backends that compile
the lookup themselves (Spark) are not touched.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.operations as ops
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.base import SQLGlotCompiler


def install() -> None:
    """Make the base SQL compiler look a literal string key up as one key (idempotent)."""
    compiler: Any = SQLGlotCompiler
    if getattr(compiler, "_headway_json_keys", False):
        return

    def visit_json_get_item(self: Any, op: Any, *, arg: Any, index: Any) -> Any:
        if isinstance(op.index, ops.Literal) and op.index.dtype.is_string():
            path = sge.JSONPath(expressions=[sge.JSONPathRoot(), sge.JSONPathKey(this=op.index.value)])
            return sge.JSONExtract(this=arg, expression=path)
        return self.f.json_extract(arg, index)

    compiler.visit_JSONGetItem = visit_json_get_item
    compiler._headway_json_keys = True


install()
