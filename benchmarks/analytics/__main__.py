"""python -m benchmarks.analytics [ARGS]: the analytics benchmark alone."""

import sys

from benchmarks.analytics import main

raise SystemExit(main(sys.argv[1:]))
