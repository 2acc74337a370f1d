"""Report packs: built from the other apps' services (the numbers equal the API's), rendered to Markdown and HTML
with inline SVG charts and a print stylesheet, free text edited, sent packs kept."""

from __future__ import annotations

import pytest

from headway.core.errors import PermissionDenied, ValidationError
from headway.reports import services
from headway.reports.engine import document_from_dict
from tests.reports.conftest import PERIOD


def _table(view: services.PackView, key: str) -> list[list[str]]:
    return document_from_dict(view.content).section(key).table.rows  # type: ignore[union-attr]


def test_weekly_kpi_numbers_equal_the_api(product, leader, client):
    client.force_login(leader)
    api = client.get("/api/v1/strategy/kpis", {"period": PERIOD}).json()
    view = services.preview_pack(leader, "weekly", period=PERIOD)
    rows = _table(view, "kpis")
    assert len(api) == 1 and rows == [[
        "Sign-ups", "—", api[0]["display"]["period_to_date"], api[0]["display"]["target"],
        api[0]["display"]["projection"], api[0]["status_label"]]]
    assert api[0]["display"]["target"] == "250"  # by hand: the target set in the fixture
    # the API of the reports app answers the same document
    same = client.get("/api/v1/reports/preview", {"kind": "weekly", "period": PERIOD}).json()
    assert same["content"]["sections"][0]["table"]["rows"] == rows


def test_monthly_review_goals_shipped_and_decisions(product, leader):
    view = services.preview_pack(leader, "monthly", period=PERIOD)
    assert _table(view, "goals") == [["Grow sign-ups", "—", "At risk", "4/10", _progress(leader)]]
    shipped = _table(view, "shipped")
    assert shipped == [[f"#{product['shipped'].pk} Faster onboarding", "—", "+10% sign-ups", "no read-out yet"]]
    assert view.editable == ["decisions"]


def _progress(actor) -> str:
    from headway.strategy import services as strategy

    goal = strategy.goal_views(actor, strategy.list_goals(actor, PERIOD))[0]
    return "—" if goal.progress is None else f"{goal.progress * 100:.0f}%"


def test_okr_scorecard_has_the_check_in_and_why(product, leader):
    view = services.preview_pack(leader, "okr", period=PERIOD)
    section = document_from_dict(view.content).section(f"goal-{product['goal'].pk}")
    assert "confidence 4/10" in section.text
    assert len(section.bullets) == 1 and section.bullets[0].endswith("launch slipped a week")
    assert section.table is not None and section.table.rows[0][0] == "Sign-ups"


def test_roadmap_one_pager_per_audience_hides_what_the_view_hides(product, leader):
    leadership = services.render(services.preview_pack(leader, "roadmap", audience="leadership"), "md")
    sales = services.render(services.preview_pack(leader, "roadmap", audience="sales"), "md")
    assert "Team workspaces" in leadership and "Team workspaces" in sales
    assert "| cost |" in leadership
    assert "cost" not in sales and "effort weeks" not in sales
    with pytest.raises(ValidationError, match="choose one of leadership"):
        services.preview_pack(leader, "roadmap", audience="investors")


def test_release_notes_list_shipped_work_in_the_period(product, leader):
    from headway.strategy import services as strategy

    today = strategy.current_as_of()
    md = services.render(services.preview_pack(leader, "release-notes", period=f"{today}..{today}"), "md")
    # shipped today (set_stage ran now): in a period holding today only when current_as_of is today
    assert ("Faster onboarding" in md) == (today.isoformat() >= _shipped_day(product))
    empty = services.render(services.preview_pack(leader, "release-notes", period=PERIOD), "md")
    assert "Nothing shipped in" in empty


def _shipped_day(product) -> str:
    from headway.planning import services as planning

    detail = planning.initiative_detail(None, product["shipped"].pk)
    return next(s.at.date().isoformat() for s in detail.history if s.to == "shipped")


def test_html_has_inline_svg_chart_and_print_stylesheet(product, leader):
    html = services.render(services.preview_pack(leader, "board", period=PERIOD), "html")
    assert "<svg" in html and "Sign-ups (North Star)" in html
    assert "@media print" in html and "break-inside: avoid" in html
    assert "<script" not in html


def test_edit_free_text_then_sent_pack_is_kept(product, leader, viewer):
    pack = services.create_pack(leader, "monthly", period=PERIOD)
    services.edit_notes(leader, pack.pk, {"decisions": "Hire a **second** designer <b>now</b>"})
    view = services.PackView.of(services.get_pack(leader, pack.pk))
    html = services.render(view, "html")
    assert "<strong>second</strong>" in html and "&lt;b&gt;now&lt;/b&gt;" in html  # Markdown yes, raw HTML no
    assert "Hire a **second** designer" in services.render(view, "md")
    with pytest.raises(ValidationError, match="sections you can write are decisions"):
        services.edit_notes(leader, pack.pk, {"asks": "x"})
    with pytest.raises(PermissionDenied):
        services.edit_notes(viewer, pack.pk, {"decisions": "x"})
    services.mark_sent(services.get_pack(leader, pack.pk))
    with pytest.raises(ValidationError, match="kept as sent"):
        services.edit_notes(leader, pack.pk, {"decisions": "changed"})


def test_unknown_pack_kind_says_which_exist(leader, workspace):
    with pytest.raises(ValidationError, match="choose one of weekly, monthly, okr, board, roadmap, release-notes"):
        services.preview_pack(leader, "quarterly")


def test_monthly_and_board_show_the_measured_impact_of_shipped_work(product, leader):
    from headway.impact.models import Measurement
    from headway.impact.services import ReadOut

    shipped = product["shipped"]
    readout = ReadOut(initiative_id=shipped.pk, title="Faster onboarding", kpi="signups", method="forecast",
                      method_words="before/after against the forecast (correlational)", correlational=True,
                      shipped_on="2026-05-04", days=28, average_effect=2.5, lower=1.25, upper=3.75,
                      cumulative_effect=70.0, cumulative_lower=35.0, cumulative_upper=105.0, relative_effect=0.1,
                      p_value=0.01, expected_impact="+10% sign-ups", expected=0.1, expected_relative=True,
                      verdict="hit", reason="", measured_at="2026-06-01T00:00:00Z")
    Measurement.objects.create(initiative_id=shipped.pk, readout=readout.model_dump(mode="json"), verdict="hit")
    words = "+2.5 a day (1.25 to 3.75), Hit · before/after against the forecast (correlational)"
    monthly = _table(services.preview_pack(leader, "monthly", period=PERIOD), "shipped")
    assert monthly == [[f"#{shipped.pk} Faster onboarding", "—", "+10% sign-ups", words]]
    board = _table(services.preview_pack(leader, "board", period=PERIOD), "shipped")
    assert board == [[f"#{shipped.pk} Faster onboarding", "—", "+10% sign-ups", words]]


def test_release_notes_name_the_accounts_that_asked(product, leader):
    from headway.discovery import services as discovery
    from headway.strategy import services as strategy

    discovery.upsert_accounts(None, [{"name": "Acme", "external_id": "a", "arr": 50000},
                                     {"name": "Globex", "external_id": "g", "arr": 120000}])
    items = discovery.add_feedback(None, [{"text": "Onboarding is slow", "account": "a"},
                                          {"text": "Sign-up takes ages", "account": "g"},
                                          {"text": "Too many steps"}])
    from headway.discovery.models import FeedbackItem

    for item in FeedbackItem.objects.all():
        discovery.link_demand(None, product["shipped"].pk, item_id=item.pk)
    assert items.created == 3
    today = strategy.today()
    md = services.render(services.preview_pack(leader, "release-notes", period=f"{today}..{today}"), "md")
    assert "Asked for by Globex, Acme ($170,000 ARR, 3 feedback items)" in md
