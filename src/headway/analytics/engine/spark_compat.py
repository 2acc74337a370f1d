"""Compatibility of Ibis 12's PySpark backend with JSON properties (installed when the engine is imported).

Ibis compiles ``json[key]`` on Spark to ``get_json_object``, which returns a string value without its quotes
(``pro`` instead of ``"pro"``), so Ibis's own unwrapping (``json.loads``) then fails on every text property.
On Spark 4 the variant functions return the value's exact JSON text instead:
``to_json(try_variant_get(parse_json(properties), '$["key"]', 'variant'))``, NULL when the key is absent.
"""

from __future__ import annotations

import json
from typing import Any


def install_pyspark_json_fix() -> None:
    """Make ``JSONGetItem`` on PySpark return the JSON text of the value (a no-op without pyspark)."""
    try:
        import sqlglot.expressions as sge
        from ibis.backends.sql.compilers.pyspark import PySparkCompiler
    except ImportError:  # the spark extra is not installed
        return
    compiler: Any = PySparkCompiler

    def visit_JSONGetItem(self: Any, op: Any, *, arg: Any, index: Any) -> Any:
        value = getattr(op.index, "value", None)
        if isinstance(value, int):
            path: Any = sge.convert(f"$[{value}]")
        elif isinstance(value, str):
            path = sge.convert(f"$[{json.dumps(value)}]")
        else:  # a computed key: Ibis's own rendering
            path = self.f.format_string("$[%s]" if op.index.dtype.is_integer() else "$.%s", index)
        # spelled out: sqlglot would render its own PARSE_JSON node on Spark as the bare argument
        document = sge.Anonymous(this="parse_json", expressions=[arg])
        value = sge.Anonymous(this="try_variant_get", expressions=[document, path, sge.convert("variant")])
        return sge.Anonymous(this="to_json", expressions=[value])

    compiler.visit_JSONGetItem = visit_JSONGetItem


install_pyspark_json_fix()
