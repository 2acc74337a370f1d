"""The one formatting layer (issue 14, point 4): numbers, percent, money, durations, labels and dates as people
read them, and the template filters that put it on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from headway.core import formatting as f


def test_numbers_have_separators_and_few_digits():
    assert f.number(1234567.8) == "1,234,568"
    assert f.number(36621) == "36,621"
    assert f.number(12.345) == "12.3"
    assert f.number(0.0341) == "0.0341"
    assert f.number(7) == "7"
    assert f.number(1234.5, 2) == "1,234.50"
    assert f.number(None) == f.number(float("nan")) == "–"


def test_percent_money_and_durations():
    assert f.percent(0.688) == "68.8 %"
    assert f.percent(68.8, ratio=False) == "68.8 %"
    assert f.percent(0.5) == "50 %"
    assert f.money(36621, "USD") == "$36,621"
    assert f.money(2250000, "EUR") == "€2,250,000"
    assert f.money(-5, "SEK") == "-SEK 5"
    # 467,614.4 s is 5 days and 9.9 hours: 5.4 days, never "467614.4 s"
    assert f.duration(467614.4) == "5.4 days"
    assert f.duration(86400) == "1 day"
    assert f.duration(43350) == "12 h"
    assert f.duration(300) == "5 min"
    assert f.duration(42.4) == "42 s"
    assert f.duration(None) == "–"


@pytest.mark.parametrize(("value", "shown"), [
    ("in_progress", "In progress"), ("tech_debt", "Tech debt"), ("senior_pm", "Senior PM"),
    ("vp_product", "VP product"), ("on_track", "On track"), ("direct_report", "Direct report"),
    ("wsjf", "WSJF"), ("", "–"), (None, "–"),
])
def test_every_enum_value_has_a_human_label(value, shown):
    assert f.label(value) == shown


def test_one_date_format():
    assert f.day(date(2026, 12, 7)) == "7 Dec 2026"
    assert f.moment(datetime(2026, 12, 7, 14, 5, tzinfo=UTC)) == "7 Dec 2026, 14:05"


def test_the_template_filters_use_it(settings):
    settings.TIME_ZONE = "UTC"
    html = Template("{% load headway_format %}{{ n|number }}|{{ r|percent }}|{{ m|money:'GBP' }}|{{ s|duration }}|"
                    "{{ e|label }}|{{ d|day }}|{{ bad|number }}").render(Context(
                        {"n": 1234567, "r": 0.688, "m": 1200, "s": 467614.4, "e": "tech_debt", "d": date(2026, 1, 5),
                         "bad": "x"}))
    assert html == "1,234,567|68.8 %|£1,200|5.4 days|Tech debt|5 Jan 2026|–"


def test_a_value_shown_for_editing_reads_as_typed():
    assert [f.editable(v) for v in (1200.0, 0.8, 3, "", "ios")] == ["1200", "0.8", "3", "", "ios"]
