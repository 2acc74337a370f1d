"""``python -m benchmarks.discovery``: the feedback-themes benchmark."""

import sys

from benchmarks.discovery import main

raise SystemExit(main(sys.argv[1:]))
