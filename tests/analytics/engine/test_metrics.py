"""Metrics as code: YAML validation with line numbers, and computing each kind by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from headway.analytics import EventStore
from headway.analytics.engine import formula, metrics
from headway.core.errors import ValidationError

CATALOG = """\
metrics:
  - name: purchases
    type: simple
    event: purchase
  - name: revenue
    type: simple
    event: purchase
    math: sum
    math_property: amount
  - name: buyers
    type: simple
    event: purchase
    math: unique_users
  - name: revenue_per_buyer
    type: ratio
    numerator: revenue
    denominator: buyers
  - name: big_share
    type: derived
    expression: (revenue - 10) * 2 / purchases
  - name: revenue_3d
    type: cumulative
    metric: revenue
    window: 3
  - name: revenue_mtd
    type: cumulative
    metric: revenue
    grain_to_date: month
"""
# purchases: Jan 30 a 5; Feb 1 a 10, b 20; Feb 3 b 30
EVENTS = [
    ("a", "2024-01-30T10:00:00Z", 5),
    ("a", "2024-02-01T10:00:00Z", 10),
    ("b", "2024-02-01T11:00:00Z", 20),
    ("b", "2024-02-03T09:00:00Z", 30),
]
SPAN = {"date_from": "2024-02-01", "date_to": "2024-02-03", "interval": "day"}


@pytest.fixture
def store() -> EventStore:
    store = EventStore.connect()
    store.ingest([
        {"event": "purchase", "timestamp": t, "distinct_id": who, "properties": {"amount": amount}}
        for who, t, amount in EVENTS
    ])
    return store


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("purchases", [2, 0, 1]),
        ("revenue", [30, 0, 30]),
        ("revenue_per_buyer", [15, 0, 30]),  # 0 buyers on Feb 2 gives 0
        ("big_share", [20, 0, 40]),
        ("revenue_3d", [35, 30, 60]),  # Jan 30..Feb 1, Jan 31..Feb 2, Feb 1..Feb 3
        ("revenue_mtd", [30, 30, 60]),
    ],
)
def test_each_kind_of_metric(store, name, expected):
    catalog = metrics.load_text(CATALOG)
    result = metrics.compute(store, catalog, name, **SPAN)
    assert result.labels == [datetime(2024, 2, d) for d in (1, 2, 3)]
    assert result.values == expected


def test_weekly_grain_of_a_cumulative_metric(store):
    catalog = metrics.load_text(CATALOG)
    result = metrics.compute(store, catalog, "revenue_3d", date_from="2024-01-29", date_to="2024-02-04",
                             interval="week")
    assert result.values == [30]  # the week's last day, Feb 4: Feb 2..Feb 4 = 30


def test_every_error_is_reported_with_its_line():
    text = """\
metrics:
  - name: signups
    type: simple
    event: signed_up
    math: uniq
  - name: conversion
    type: ratio
    numerator: purchases
    denominator: signups
  - name: hack
    type: derived
    expression: __import__('os').system('x')
  - name: rolling
    type: cumulative
    metric: signups
    window: 0
    colour: red
  - name: signups
    type: simple
    event: again
  - type: simple
"""
    issues = [(i.line, i.message) for i in metrics.validate_text(text)]
    assert [line for line, _ in issues] == [5, 6, 12, 16, 17, 18, 21]
    assert "math 'uniq' is unknown" in issues[0][1]
    assert "unknown metric 'purchases'" in issues[1][1]
    assert "uses Call" in issues[2][1]
    assert "window must be a whole number" in issues[3][1]
    assert "unknown field 'colour'" in issues[4][1]
    assert "defined twice" in issues[5][1]
    assert "name must be an identifier" in issues[6][1]


def test_cycles_non_additive_cumulative_and_broken_yaml():
    text = """\
metrics:
  - name: a
    type: derived
    expression: b + 1
  - name: b
    type: derived
    expression: a * 2
  - name: users
    type: simple
    event: e
    math: unique_users
  - name: users_7d
    type: cumulative
    metric: users
    window: 7
"""
    messages = [(i.line, i.message.split(": ", 1)[1]) for i in metrics.validate_text(text)]
    assert messages[0] == (2, "refers to itself through other metrics")
    assert messages[1] == (5, "refers to itself through other metrics")
    assert messages[2][0] == 12 and "must be a simple metric with math total or sum" in messages[2][1]
    assert metrics.validate_text("metrics: [\n  {name: a, type: simple")[0].line == 2
    with pytest.raises(ValidationError, match="1 problem"):
        metrics.load_text("metrics:\n  - name: a\n    type: simple\n")


def test_formula_is_safe_and_divides_by_zero_as_zero():
    assert formula.evaluate("A / B + 1", {"A": [1, 4], "B": [0, 2]}) == [1, 3]
    assert formula.evaluate("-(A - 2) * 3", {"A": [1, 4]}) == [3, -6]
    assert formula.names("revenue / buyers + revenue") == ["revenue", "buyers"]
    for bad in ("A ** 2", "A.real", "open('x')", "A if B else 1", "'text'"):
        with pytest.raises(ValidationError, match="only numbers, names"):
            formula.parse(bad)
