"""``python -m benchmarks [NAME [ARGS...]]``: run every registered benchmark, or the one named.

A benchmark is a sub-package of ``benchmarks/`` whose ``__init__`` defines ``main(argv: list[str]) -> int``;
the arguments after NAME are passed to it (``python -m benchmarks analytics --events 10000000``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def registered() -> dict[str, object]:
    """The benchmark packages that define ``main``, by name."""
    found = {}
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.ispkg:
            module = importlib.import_module(f"benchmarks.{info.name}")
            if callable(getattr(module, "main", None)):
                found[info.name] = module
    return found


def run(argv: list[str]) -> int:
    benchmarks = registered()
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in benchmarks:
            print(f"error: no benchmark named {name!r}; registered: {', '.join(benchmarks)}", file=sys.stderr)
            return 2
        return int(benchmarks[name].main(rest))  # type: ignore[attr-defined]
    codes = [int(module.main(argv)) for module in benchmarks.values()]  # type: ignore[attr-defined]
    return max(codes, default=0)


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
