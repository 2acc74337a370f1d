"""A reproducible synthetic event stream for benchmarks: the same (users, events, days, seed) always gives
the same Parquet file, byte for byte in content.

Users' activity follows a Zipf-like law (a few heavy users, a long tail), events are spread over ``days``
UTC days starting at ``start`` and written in time order, one Parquet row group per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

EVENT_NAMES = ("pageview", "click", "search", "add_to_cart", "purchase", "signup", "share", "logout")
EVENT_WEIGHTS = (0.45, 0.2, 0.12, 0.08, 0.04, 0.02, 0.05, 0.04)
PROPERTY_CHOICES = ('{"plan": "free"}', '{"plan": "pro"}', '{"plan": "team"}')
SCHEMA = pa.schema(
    [
        ("uuid", pa.string()),
        ("event", pa.string()),
        ("timestamp", pa.timestamp("us")),
        ("distinct_id", pa.string()),
        ("properties", pa.string()),
    ]
)


@dataclass(frozen=True)
class GeneratorSpec:
    """What to generate."""

    users: int
    events: int
    days: int
    seed: int = 42
    start: datetime = datetime(2024, 1, 1)

    @property
    def file_name(self) -> str:
        """A file name that identifies the data set."""
        return f"events_u{self.users}_e{self.events}_d{self.days}_s{self.seed}.parquet"


def generate(spec: GeneratorSpec, path: str | Path) -> Path:
    """Write the events of ``spec`` to ``path`` (Parquet) and return the path."""
    rng = np.random.default_rng(spec.seed)
    weights = 1.0 / np.arange(1, spec.users + 1) ** 0.8
    weights /= weights.sum()
    names = pa.array(EVENT_NAMES)
    props = pa.array(PROPERTY_CHOICES)
    per_day = np.full(spec.days, spec.events // spec.days)
    per_day[: spec.events % spec.days] += 1
    start_us = int(np.datetime64(spec.start, "us").astype(np.int64))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    offset = 0
    with pq.ParquetWriter(str(out), SCHEMA) as writer:
        for day, count in enumerate(per_day):
            n = int(count)
            users = rng.choice(spec.users, size=n, p=weights)
            micros = np.sort(rng.integers(0, 86_400_000_000, size=n)) + start_us + day * 86_400_000_000
            ids = pa.array(np.arange(offset, offset + n))
            table = pa.table(
                {
                    "uuid": pc.binary_join_element_wise("ev-", pc.cast(ids, pa.string()), ""),
                    "event": names.take(pa.array(rng.choice(len(EVENT_NAMES), size=n, p=EVENT_WEIGHTS))),
                    "timestamp": pa.array(micros, pa.timestamp("us")),
                    "distinct_id": pc.binary_join_element_wise("user-", pc.cast(pa.array(users), pa.string()), ""),
                    "properties": props.take(pa.array(users % len(PROPERTY_CHOICES))),
                },
                schema=SCHEMA,
            )
            writer.write_table(table)
            offset += n
    return out
