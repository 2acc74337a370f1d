"""``python -m benchmarks.strategy [--peer]``: the KPI forecasting benchmark."""

import sys

from benchmarks.strategy import main

raise SystemExit(main(sys.argv[1:]))
