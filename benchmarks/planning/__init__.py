"""Planning benchmarks: ``python -m benchmarks planning [ARGS]`` runs the Next Release Problem benchmark
(:mod:`benchmarks.planning.nrp`)."""

from __future__ import annotations


def main(argv: list[str]) -> int:
    """Run the NRP benchmark with ``argv``."""
    from benchmarks.planning.nrp import main as nrp_main

    return nrp_main(argv)
