"""Fiscal quarters, period names, and CSV reading with line-level errors."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import ValidationError
from headway.strategy.engine.periods import parse_period, quarter_of, quarter_span
from headway.strategy.importers import parse_number, read_targets, read_values


def test_fiscal_quarters_follow_the_start_month():
    # a February start: FY2027 runs 1 Feb 2026 to 31 Jan 2027, Q2 is May to July
    q = quarter_of(date(2026, 6, 30), 2)
    assert (q.name, q.start, q.end) == ("FY2027 Q2", date(2026, 5, 1), date(2026, 7, 31))
    assert quarter_of(date(2026, 1, 15), 2).name == "FY2026 Q4"
    assert quarter_of(date(2026, 1, 15), 1).name == "FY2026 Q1"
    assert quarter_span(2027, 4, 2).end == date(2027, 1, 31)
    assert quarter_span(2026, 1, 1).start == date(2026, 1, 1)


def test_period_texts():
    today = date(2026, 6, 30)
    assert parse_period("current", today, 2).name == "FY2027 Q2"
    assert parse_period("next", today, 2).name == "FY2027 Q3"
    assert parse_period("previous", today, 2).name == "FY2027 Q1"
    assert parse_period("fy2027-q3", today, 2).start == date(2026, 8, 1)
    custom = parse_period("2026-05-01..2026-05-10", today, 2)
    assert (custom.kind, custom.start, custom.end) == ("custom", date(2026, 5, 1), date(2026, 5, 10))
    assert parse_period("launch week", today, 2) is None
    with pytest.raises(ValidationError, match="ends before it starts"):
        parse_period("2026-05-10..2026-05-01", today, 2)
    with pytest.raises(ValidationError, match="impossible date"):
        parse_period("2026-02-30..2026-03-01", today, 2)


def test_numbers_percent_and_money():
    assert parse_number("1,234.5", "number") == 1234.5
    assert parse_number("42%", "percent") == 0.42
    assert parse_number("$1,200", "currency") == 1200.0
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_number("42", "percent")
    with pytest.raises(ValueError, match="negative"):
        parse_number("-3", "count")


def test_values_csv_reports_every_bad_line_and_keeps_nothing():
    text = "date,value\n2026-05-01,10\n2026-13-01,5\n2026-05-02,abc\n2026-05-01,7\n2026-05-03,\n"
    with pytest.raises(ValidationError) as info:
        read_values(text, "count")
    assert [d["line"] for d in info.value.details] == [3, 4, 5, 6]
    assert "is also on line 2" in info.value.details[2]["message"]
    assert "nothing was imported" in info.value.message


def test_values_csv_header_future_and_good_rows():
    with pytest.raises(ValidationError, match="header lacks value"):
        read_values("date,amount\n2026-05-01,1\n")
    with pytest.raises(ValidationError) as info:
        read_values("date,value\n2030-01-01,1\n", today=date(2026, 6, 30))
    assert info.value.details == [{"line": 2, "message": "date 2030-01-01 is in the future"}]
    rows = read_values("Date,Value\n2026-05-01,1\n2026-05-02,2.5\n")
    assert [(r.line, r.date, r.value) for r in rows] == [(2, date(2026, 5, 1), 1.0), (3, date(2026, 5, 2), 2.5)]


def test_targets_csv():
    rows = read_targets("period,target\nFY2027 Q2,45%\n", "percent")
    assert (rows[0].period, rows[0].value) == ("FY2027 Q2", 0.45)
    with pytest.raises(ValidationError) as info:
        read_targets("period,target\n,3\nFY2027 Q2,x\n", "number")
    assert [d["line"] for d in info.value.details] == [2, 3]
