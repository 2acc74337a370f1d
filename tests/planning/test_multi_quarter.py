"""Initiatives that run longer than one quarter: their effort is spread evenly over the quarters they run, the
optimiser keeps every one of those quarters within capacity, and the roadmap, capacity and timeline show the span.

On the fixture with Web cut to one person (12 person-weeks a quarter) and Gift cards (D, Web 8) running two
quarters (4 a quarter): over two quarters A (Web 10) cannot share a quarter with D (10 + 4 > 12), so the best
plan by value is A + B + C = 35 (D + B + C is 31). Were D's 8 weeks all taken in its start quarter, A could go in
the second quarter and all four would fit (45).
"""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import ValidationError
from headway.planning import charts, services

TODAY = date(2026, 5, 10)  # 2026-Q2


@pytest.fixture
def long_gift_cards(portfolio):
    services.save_team(None, "Web", headcount=1)
    services.update_initiative(None, portfolio["D"].pk, duration=2)
    return portfolio


def ids(result):
    return sorted(item["id"] for item in result["items"])


def test_capacity_holds_in_every_quarter_an_initiative_runs(long_gift_cards):
    a, b, c, d = (long_gift_cards[k].pk for k in "ABCD")
    result = services.optimise(None, {"objective": "value", "quarters": 2}, today=TODAY).model_dump()
    assert ids(result) == sorted([a, b, c]) and result["value"] == 35 and result["optimal"]
    reason = next(r["reason"] for r in result["left_out"] if r["id"] == d)
    assert "needs 4 person-weeks a quarter from team Web" in reason

    forced = services.optimise(None, {"objective": "value", "quarters": 2, "must": [d]}, today=TODAY).model_dump()
    assert ids(forced) == sorted([b, c, d]) and forced["value"] == 31
    item = next(i for i in forced["items"] if i["id"] == d)
    assert (item["quarter"], item["duration"]) == ("2026-Q2", 2)  # it must end inside the plan


def test_an_initiative_longer_than_the_plan_is_left_out_with_the_reason(long_gift_cards):
    d = long_gift_cards["D"].pk
    result = services.optimise(None, {"objective": "value", "quarters": 1}, today=TODAY).model_dump()
    assert d not in ids(result)
    assert next(r["reason"] for r in result["left_out"] if r["id"] == d) == "runs 2 quarters, longer than the 1 planned"
    with pytest.raises(ValidationError, match=r"Gift cards runs 2 quarters, longer than the 1 planned: plan more "):
        services.optimise(None, {"objective": "value", "quarters": 1, "must": [d]}, today=TODAY)


def test_capacity_roadmap_and_exports_show_the_span(long_gift_cards):
    d = long_gift_cards["D"].pk
    services.place(None, d, "2026-Q2", "committed")
    rows = {(r.team, r.quarter): r for r in services.capacity(None, start="2026-Q1", count=4)}
    assert [rows[("Web", q)].planned_weeks for q in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")] == [0, 4, 4, 0]
    assert rows[("Web", "2026-Q3")].cost == 16_000  # 8 weeks x 4,000, half in each quarter
    view = services.roadmap(None, today=TODAY)
    assert view.quarters == ["2026-Q2", "2026-Q3"]
    assert (view.rows[0]["quarter"], view.rows[0]["end_quarter"]) == ("2026-Q2", "2026-Q3")
    assert "- **Gift cards** (committed, innovate) · runs to 2026-Q3 · team: Web" in services.export_markdown(
        None, today=TODAY)
    assert services.initiative_detail(None, d).duration == 2
    from typer.testing import CliRunner

    from headway.cli import app

    shown = CliRunner().invoke(app, ["roadmap", "show"], env={"COLUMNS": "200"}).output
    assert "end_quarter" in shown and "Gift cards" in shown and "2026-Q3" in shown


def test_gantt_bar_covers_every_quarter_it_runs():
    rows = [{"id": 1, "title": "Long", "kind": "innovate", "commitment": "likely", "team": "Web",
             "quarter": "2026-Q2", "end_quarter": "2026-Q3"},
            {"id": 2, "title": "Short", "kind": "iterate", "commitment": "likely", "team": "Web",
             "quarter": "2026-Q3", "end_quarter": "2026-Q3"}]
    layout = charts.gantt(["2026-Q2", "2026-Q3", "2026-Q4"], rows)
    long, short = layout.bars
    assert long.width == 2 * charts.COLUMN - 8 and short.width == charts.COLUMN - 8
    assert long.x == charts.LABEL_WIDTH + 4 and short.x == charts.LABEL_WIDTH + charts.COLUMN + 4
    assert (long.span, short.span) == ("2026-Q2 to 2026-Q3", "2026-Q3")


@pytest.mark.parametrize(("value", "message"), [
    (0, "must be 1 or more"), (9, "whole number of quarters from 1 to 8"), (1.5, "whole number of quarters"),
    ("two", "is not a number")])
def test_duration_is_checked(portfolio, value, message):
    with pytest.raises(ValidationError, match=message) as caught:
        services.create_initiative(None, title="Long one", duration=value)
    assert "duration" in caught.value.details


def test_optimiser_page_says_how_long_an_item_runs(client, long_gift_cards, leader):
    from tests.conftest import PASSWORD

    assert client.login(username=leader.username, password=PASSWORD)
    html = client.post("/roadmap/optimise/", {"objective": "value", "quarters": "2", "run": "1",
                                              "must": str(long_gift_cards["D"].pk)}).content.decode()
    assert '<span class="meta-inline">for 2 quarters</span>' in html and '<strong class="plan-value">31</strong>' in html


def test_roadmap_page_draws_a_long_bar(client, long_gift_cards, viewer):
    from tests.conftest import PASSWORD

    quarter = services.quarter_of(date.today())
    services.place(None, long_gift_cards["D"].pk, quarter)
    assert client.login(username=viewer.username, password=PASSWORD)
    html = client.get("/roadmap/").content.decode()
    assert f'width="{2 * charts.COLUMN - 8:.0f}" height="{charts.ROW - 6:.0f}" rx="4"' in html
    assert "Gift cards (" + quarter + " to " in html
    assert f'<span class="meta">{quarter} to ' in html  # the board card says when it ends
