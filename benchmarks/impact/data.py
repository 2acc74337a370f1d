"""The experiment benchmark's events: the analytics generator's stream (Zipf-like users, eight event names, a
``plan`` property) with ``$exposure`` events mixed in, reproducible from (events, users, days, seed).

Half the persons (every even user number) are in the experiment: each gets exposure events from a first day in
the first half of the range on (a few repeats), with ``variant`` ``control`` or ``test`` by the user number;
every 97th exposed person also sees the other variant (so persons in several variants are excluded and counted).
Persons in ``test`` have 10% of their ``click`` events turned into ``purchase`` after their first exposure (a
planted lift). Written in time order, one Parquet row group per day, in the events store's schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from headway.analytics.engine.generator import EVENT_NAMES, EVENT_WEIGHTS, PROPERTY_CHOICES, SCHEMA

EXPOSURE = "$exposure"
VARIANTS = ('{"variant": "control"}', '{"variant": "test"}')
EXPOSURE_SHARE = 0.05


@dataclass(frozen=True)
class ExperimentSpec:
    """What to generate."""

    users: int
    events: int
    days: int
    seed: int = 42
    start: datetime = datetime(2024, 1, 1)

    @property
    def file_name(self) -> str:
        """A file name that identifies the data set."""
        return f"experiment_u{self.users}_e{self.events}_d{self.days}_s{self.seed}.parquet"


def generate(spec: ExperimentSpec, path: str | Path) -> Path:
    """Write the events of ``spec`` to ``path`` (Parquet) and return the path."""
    rng = np.random.default_rng(spec.seed)
    weights = 1.0 / np.arange(1, spec.users + 1) ** 0.8
    weights /= weights.sum()
    first_day = rng.integers(0, max(spec.days // 2, 1), size=spec.users)
    names = pa.array((*EVENT_NAMES, EXPOSURE))
    props = pa.array((*PROPERTY_CHOICES, *VARIANTS))
    click, purchase, exposure = EVENT_NAMES.index("click"), EVENT_NAMES.index("purchase"), len(EVENT_NAMES)
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
            kind = rng.choice(len(EVENT_NAMES), size=n, p=EVENT_WEIGHTS)
            exposed = (users % 2 == 0) & (first_day[users] <= day)
            seen = exposed & (rng.random(n) < EXPOSURE_SHARE)
            # a person's first exposure day: one event on that day is always an exposure
            kind = np.where(seen, exposure, kind)
            variant = (users // 2) % 2
            flipped = seen & (users % 97 == 0) & (rng.random(n) < 0.5)
            variant = np.where(flipped, 1 - variant, variant)
            lifted = exposed & (variant == 1) & (kind == click) & (rng.random(n) < 0.10)
            kind = np.where(lifted, purchase, kind)
            prop = np.where(kind == exposure, len(PROPERTY_CHOICES) + variant, users % len(PROPERTY_CHOICES))
            ids = pa.array(np.arange(offset, offset + n))
            table = pa.table(
                {
                    "uuid": pc.binary_join_element_wise("ev-", pc.cast(ids, pa.string()), ""),
                    "event": names.take(pa.array(kind)),
                    "timestamp": pa.array(micros, pa.timestamp("us")),
                    "distinct_id": pc.binary_join_element_wise("user-", pc.cast(pa.array(users), pa.string()), ""),
                    "properties": props.take(pa.array(prop)),
                },
                schema=SCHEMA,
            )
            writer.write_table(table)
            offset += n
    return out
