"""Planning benchmarks: ``python -m benchmarks planning [ARGS]`` runs the Next Release Problem benchmark
(:mod:`benchmarks.planning.nrp`); ``python -m benchmarks planning hiring [ARGS]`` hiring inside the plan at demo
size (:mod:`benchmarks.planning.hiring`)."""

from __future__ import annotations


def main(argv: list[str]) -> int:
    """Run the NRP benchmark with ``argv`` (or the hiring one when ``argv`` starts with ``hiring``)."""
    if argv and argv[0] == "hiring":
        from benchmarks.planning.hiring import main as hiring_main

        return hiring_main(argv[1:])
    from benchmarks.planning.nrp import main as nrp_main

    return nrp_main(argv)
