"""``python -m benchmarks.demo_themes``: how well the demo's themes recover its generator's topics."""

import sys

from benchmarks.demo_themes import main

raise SystemExit(main(sys.argv[1:]))
