"""The reports engine without Django: schedules, signatures, SVG charts, Markdown."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from headway.reports.engine import (
    Document,
    Section,
    Table,
    bar_chart,
    line_chart,
    next_run,
    render_markdown,
    sign_body,
    verify_signature,
)

LONDON = ZoneInfo("Europe/London")


def test_weekly_next_run_is_the_next_weekday_and_hour():
    # Monday 7 Dec 2026 09:30 → Wednesday 9 Dec 08:00; at Wednesday 08:00 itself → the next Wednesday
    assert next_run("weekly", datetime(2026, 12, 7, 9, 30, tzinfo=LONDON), weekday=2, hour=8) == \
        datetime(2026, 12, 9, 8, 0, tzinfo=LONDON)
    assert next_run("weekly", datetime(2026, 12, 9, 8, 0, tzinfo=LONDON), weekday=2, hour=8) == \
        datetime(2026, 12, 16, 8, 0, tzinfo=LONDON)


def test_monthly_and_quarterly_next_run():
    after = datetime(2026, 12, 7, 9, 30, tzinfo=LONDON)
    assert next_run("monthly", after, hour=7) == datetime(2027, 1, 1, 7, tzinfo=LONDON)
    # fiscal year from April: quarters start Apr, Jul, Oct, Jan
    assert next_run("quarterly", after, hour=7, fiscal_year_start_month=4) == datetime(2027, 1, 1, 7, tzinfo=LONDON)
    assert next_run("quarterly", datetime(2027, 1, 1, 7, tzinfo=LONDON), hour=7, fiscal_year_start_month=4) == \
        datetime(2027, 4, 1, 7, tzinfo=LONDON)
    with pytest.raises(ValueError):
        next_run("hourly", after)


def test_daily_next_run_is_the_hour_today_or_tomorrow():
    assert next_run("daily", datetime(2026, 12, 7, 6, 30, tzinfo=LONDON), hour=7) == \
        datetime(2026, 12, 7, 7, tzinfo=LONDON)
    assert next_run("daily", datetime(2026, 12, 7, 7, 0, tzinfo=LONDON), hour=7) == \
        datetime(2026, 12, 8, 7, tzinfo=LONDON)
    # across the spring clock change the wall-clock hour stays 07:00
    assert next_run("daily", datetime(2027, 3, 27, 8, tzinfo=LONDON), hour=7) == datetime(2027, 3, 28, 7, tzinfo=LONDON)


def test_signature_matches_hmac_computed_independently_and_refuses_replay():
    import hashlib
    import hmac

    body = b'{"a":1}'
    expected = "sha256=" + hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert sign_body("s3cret", 1_700_000_000, body) == expected
    assert verify_signature("s3cret", 1_700_000_000, body, expected, now=1_700_000_100)
    assert not verify_signature("s3cret", 1_700_000_000, body, expected, now=1_700_000_000 + 301)  # replay
    assert not verify_signature("other", 1_700_000_000, body, expected, now=1_700_000_000)
    assert not verify_signature("s3cret", 1_700_000_000, b'{"a":2}', expected, now=1_700_000_000)


def test_svg_charts_are_well_formed_and_escape_text():
    for svg in (bar_chart("A & B", ["x<y", "z"], [3.0, 5.0]), line_chart("L", ["d1", "d2"], [1.0, 2.0], target=3.0),
                bar_chart("empty", [], [])):
        root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
        assert root.tag.endswith("svg")
    assert "x&lt;y" in bar_chart("t", ["x<y"], [1.0])


def test_markdown_table_escapes_pipes_and_marks_empty_sections():
    doc = Document("T", "sub", [Section("a", "A", table=Table(["c"], [["1|2"]])), Section("b", "B", empty="None.")])
    md = render_markdown(doc)
    assert "| 1\\|2 |" in md and "_None._" in md
