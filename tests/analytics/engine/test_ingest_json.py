"""The API batch's one-pass check gives exactly the rows of the full DuckDB check, and hands every batch it
does not fully understand to that check."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headway.analytics.engine.ingest import BatchValidator, RawBatch
from headway.analytics.engine.ingest_json import check_events, check_plain, parse_body
from headway.core.errors import HeadwayError, TooLarge, ValidationError

STAMPS = st.sampled_from(["2026-01-05T10:00:00Z", "2026-01-05T10:00:00", "2026-01-05T23:30:00.123456+05:30",
                          "1900-01-01T00:00:00Z", "2999-12-31T20:59:59.5-01:00", "2026-03-29T01:30:00+01:00"])
PROPERTIES = st.none() | st.dictionaries(st.text(min_size=1, max_size=5), st.integers(-10**6, 10**6) |
                                         st.text(max_size=5) | st.booleans() | st.none(), max_size=3)
EVENT = st.fixed_dictionaries({
    "uuid": st.sampled_from(["a", "b", "c", "d", "e-é", "f"]), "event": st.sampled_from(["visit", "buy ✓"]),
    "timestamp": STAMPS, "distinct_id": st.sampled_from(["u1", "u2", "ü3"])},
    optional={"properties": PROPERTIES})


def full_check(events: list[object]):
    lines = pa.array([json.dumps(e) for e in events], pa.string())
    rows = pa.array(range(1, len(events) + 1), pa.int64())
    validator = BatchValidator()
    try:
        return validator.validate(RawBatch(pa.table({"row": rows, "line": lines}), json_lines=True))
    finally:
        validator.close()


def comparable(table: pa.Table) -> list[tuple[object, ...]]:
    return [(r["uuid"], r["event"], r["timestamp"], r["distinct_id"], json.loads(r["properties"]))
            for r in table.to_pylist()]


@settings(max_examples=60, deadline=None)
@given(st.lists(EVENT, max_size=12))
def test_the_one_pass_check_gives_the_rows_of_the_full_check(events):
    plain = check_plain(events)
    assert plain is not None
    full = full_check(events)
    assert comparable(plain.clean) == comparable(full.clean)
    assert plain.clean.schema == full.clean.schema
    assert (plain.rejected, plain.duplicates_in_batch) == (full.rejected, full.duplicates_in_batch)


GOOD = {"uuid": "x1", "event": "visit", "timestamp": "2026-01-05T10:00:00Z", "distinct_id": "u1"}


@pytest.mark.parametrize("odd", [
    {**GOOD, "userId": "u2"}, {**GOOD, "messageId": "m"}, {**GOOD, "type": "identify"},
    {k: v for k, v in GOOD.items() if k != "uuid"}, {**GOOD, "uuid": " x1"}, {**GOOD, "uuid": 7},
    {**GOOD, "event": ""}, {**GOOD, "distinct_id": None}, {**GOOD, "timestamp": "1899-12-31T23:59:59Z"},
    {**GOOD, "timestamp": "3000-01-01T00:00:00Z"}, {**GOOD, "timestamp": "2026-01-05"},
    {**GOOD, "timestamp": 20260105}, {**GOOD, "properties": '{"a": 1}'}, {**GOOD, "properties": [1]},
    {**GOOD, "properties": {"x": float("nan")}}, {**GOOD, "uuid": "x2", "properties": {"x": float("inf")}},
    ["not", "an", "object"], None])
def test_every_other_shape_goes_to_the_full_check(odd):
    assert check_plain([GOOD, odd]) is None
    validator = BatchValidator()
    try:
        assert check_events(validator, [GOOD, odd]).clean.num_rows >= 1  # the full check still runs
    finally:
        validator.close()


def test_a_body_that_does_not_fit_gets_its_status():
    assert parse_body(b'{"events": [1, 2]}', limit=2) == [1, 2]
    for body, error in ((b'{"events": [', HeadwayError), (b"\xff", HeadwayError), (b"[]", ValidationError),
                        (b'{"events": {}}', ValidationError), (b'{"events": [1, 2, 3]}', TooLarge)):
        with pytest.raises(error) as caught:
            parse_body(body, limit=2)
        assert caught.value.status == {HeadwayError: 400, ValidationError: 422, TooLarge: 413}[error]
