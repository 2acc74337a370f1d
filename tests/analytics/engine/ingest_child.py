"""An ingest run in its own process, for the interruption and memory tests.

``python ingest_child.py STORE_URL SOURCE BATCH_SIZE [SIGNAL_FILE SIGNAL_AFTER_BATCH]``: ingests SOURCE; after
the progress callback has reported batch SIGNAL_AFTER_BATCH it writes SIGNAL_FILE (so the parent knows the
ingest is under way and can kill it). Prints the IngestReport counts and the peak RSS (MB) as JSON at the end.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path

from headway.analytics import EventStore


def own_peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not ru_maxrss: Linux carries that over from the
    parent across fork and exec, so a child of a large pytest process would report the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def main(argv: list[str]) -> None:
    # Ctrl-C as at a terminal: a process started in the background (`cmd &`, as CI may run the suite) inherits
    # SIGINT ignored, and Python then leaves it ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    url, source, batch_size = argv[0], argv[1], int(argv[2])
    signal_file = Path(argv[3]) if len(argv) > 3 else None
    signal_after = int(argv[4]) if len(argv) > 4 else 0
    batches = 0

    def progress(done: int, total: int | None) -> None:
        nonlocal batches
        batches += 1
        if signal_file is not None and batches == signal_after:
            signal_file.write_text(str(done))

    store = EventStore.connect(url)
    report = store.ingest(source, batch_size=batch_size, on_progress=progress)
    store.close()
    peak = own_peak_rss_mb()
    print(json.dumps({"ingested": report.ingested, "duplicates": report.duplicates,
                      "rejected": len(report.rejected), "peak_rss_mb": peak}))


if __name__ == "__main__":
    main(sys.argv[1:])
