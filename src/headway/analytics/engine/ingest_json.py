"""Checking the API's batch: a JSON body ``{"events": [...]}`` of at most a given number of events.

The body is parsed once (``json.loads``). A batch in the common shape, where every event is an object with a
text ``event``, ``distinct_id`` and ``uuid``, an ISO-8601 ``timestamp`` with a year from 1900 to 2999 and
optional object ``properties``, and nothing else the checks treat specially, is checked here in one pass over
the events (:func:`check_plain`): the same rows come out as from :class:`BatchValidator`, without its fixed
cost of several DuckDB queries per batch (measured 30-40 ms of CPU even for one event). Any other batch (a
Segment alias, a missing uuid, a bad row) goes through :class:`BatchValidator` as JSON lines, which gives each
bad row its exact reason.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from headway.analytics.engine.ingest import CLEAN_SCHEMA, FIELD_NAMES, BatchValidator, RawBatch, ValidBatch
from headway.core.errors import HeadwayError, TooLarge, ValidationError

#: the keys that only the full check understands (aliases, the Segment call type)
_SPECIAL_KEYS = frozenset(name for field, names in FIELD_NAMES.items() for name in names
                          if name not in ("event", "timestamp", "distinct_id", "properties", "uuid"))
#: an ISO-8601 time the plain path reads like DuckDB's TIMESTAMPTZ cast (naive means UTC)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?")
_EARLIEST, _LATEST = datetime(1900, 1, 1), datetime(3000, 1, 1)
#: properties as compact JSON text, as DuckDB writes an object it extracts from a JSON line
_PROPERTIES_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def parse_body(body: bytes, *, limit: int) -> list[Any]:
    """The events of ``body``: not JSON answers 400, no ``events`` list 422, more than ``limit`` events 413."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise HeadwayError('The request body is not valid JSON: send {"events": [...]} as UTF-8 JSON.') from None
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        raise ValidationError("Invalid input in events: give 'events' as a list of event objects.",
                              details=[{"field": "events", "message": "a list of event objects is required"}])
    if len(events) > limit:
        raise TooLarge(f"A batch holds at most {limit:,} events, this one {len(events):,}: split it into "
                       "smaller batches.", details={"events": len(events)})
    return events


def check_events(validator: BatchValidator, events: list[Any]) -> ValidBatch:
    """Clean and rejected rows of the parsed ``events``: :func:`check_plain` where the batch allows it, else
    ``validator`` on the events as JSON lines."""
    plain = check_plain(events)
    if plain is not None:
        return plain
    lines = pa.array([json.dumps(e) for e in events], pa.string())
    rows = pa.array(range(1, len(events) + 1), pa.int64())
    return validator.validate(RawBatch(pa.table({"row": rows, "line": lines}), json_lines=True))


def check_plain(events: list[Any]) -> ValidBatch | None:
    """The batch checked in one pass, or None when an event is not in the common shape (then the full check
    decides, with its reasons). The first event of each uuid is kept; later ones count as duplicates."""
    seen: set[object] = set()
    uuids, names, times, ids, props = [], [], [], [], []
    for event in events:
        if not isinstance(event, dict) or not _SPECIAL_KEYS.isdisjoint(event):
            return None
        uuid, name, stamp, distinct_id = (event.get(k) for k in ("uuid", "event", "timestamp", "distinct_id"))
        if not (_plain_text(uuid) and _plain_text(distinct_id) and _plain_text(name)):
            return None
        moment = _utc(stamp)
        properties = event.get("properties")
        if moment is None or not (properties is None or isinstance(properties, dict)):
            return None
        try:  # checked before the uuid: the full check rejects such a row even when it repeats a uuid
            text = "{}" if properties is None else _PROPERTIES_JSON.encode(properties)
        except ValueError:  # NaN or infinity: not JSON
            return None
        if uuid in seen:
            continue
        seen.add(uuid)
        uuids.append(uuid)
        names.append(name)
        times.append(moment)
        ids.append(distinct_id)
        props.append(text)
    clean = pa.table([pa.array(uuids, pa.string()), pa.array(names, pa.string()),
                      pa.array(times, pa.timestamp("us")), pa.array(ids, pa.string()),
                      pa.array(props, pa.string())], schema=CLEAN_SCHEMA)
    return ValidBatch(clean, [], len(events) - clean.num_rows)


def _plain_text(value: object) -> bool:
    """Non-empty text without surrounding white space (the full check trims: anything else goes there)."""
    return isinstance(value, str) and value != "" and value == value.strip()


def _utc(value: object) -> datetime | None:
    """An ISO-8601 time as naive UTC within the accepted years, or None (the full check decides)."""
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            return None
    return moment if _EARLIEST <= moment < _LATEST else None
