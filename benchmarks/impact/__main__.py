"""``python -m benchmarks.impact``: the experiment read-out benchmark (see ``benchmarks.impact``)."""

import sys

from benchmarks.impact import main

raise SystemExit(main(sys.argv[1:]))
