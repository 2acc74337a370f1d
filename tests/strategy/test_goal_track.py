"""A goal's status and progress come from ONE rule (``goal_track``), on the same basis as the KPI status rule: the
period's projection against the period's target; KPI cards compare like with like. Numbers computed by hand."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.strategy import services
from headway.strategy.picture import kpi_tree_svg
from headway.strategy.services.goals import KeyResultView, goal_track
from tests.conftest import PASSWORD
from tests.strategy.conftest import CSV, PERIOD

pytestmark = pytest.mark.django_db


def kr(kpi: str, status: str, share: float | None, projected: str = "1", target: str = "1") -> KeyResultView:
    return KeyResultView(kpi=kpi, label=kpi.title(), status=status, progress=None, period_to_date="–",
                         target=target, projected=projected, projected_share=share, rule=f"{kpi} rule")


def test_the_worst_key_result_decides_status_and_progress_together():
    # off track at 95 % beats at risk at 90 %: status off track, progress the same key result's 95 %
    track = goal_track("on_track", [kr("a", "at_risk", 0.90), kr("b", "off_track", 0.95, "95", "100"),
                                    kr("c", "on_track", 1.0), kr("d", "no_target", None)])
    assert (track.status, track.progress, track.deciding) == ("off_track", 0.95, "b")
    assert track.rule == ("Off track, 95 %: B (the worst of 3 key results) is projected at 95 against a target of "
                          "100 — b rule")
    # two at risk: the lower share decides
    assert goal_track("not_started", [kr("a", "at_risk", 0.97), kr("b", "at_risk", 0.91)]).progress == 0.91
    # on track only when every key result is: progress 100 %
    assert goal_track("at_risk", [kr("a", "on_track", 1.0)]).status_label == "On track"


def test_a_closed_goal_or_one_without_judged_key_results_keeps_its_check_in_status():
    done = goal_track("done", [kr("a", "off_track", 0.5)])
    assert (done.status, done.progress, done.rule) == ("done", None, "Done: marked done at the latest check-in.")
    none = goal_track("at_risk", [kr("a", "no_data", None)])
    assert (none.status, none.progress) == ("at_risk", None)
    assert none.rule == "At risk, from the latest check-in: no key result has a target and values yet."


def test_projected_share_is_the_status_rules_basis():
    assert services.projected_share("higher", 200, 250) == 0.8
    assert services.projected_share("lower", 250, 200) == 0.8  # lower is better: target ÷ projection
    assert services.projected_share("higher", 300, 250) == 1.0 and services.projected_share("higher", None, 1) is None


@pytest.fixture
def signups_goal(signups, leader):
    # signups: 10, 20, 30 on 1–3 May; projected 200 for 1–10 May (test_faces checks it on every face); target 250
    services.create_kpi(None, "visits", "Visits", unit="count", aggregation="sum")
    services.import_values(None, "visits", CSV)
    services.set_target(None, "visits", PERIOD, "190")  # the same projection 200 ≥ 190: on track
    goal = services.create_goal(leader, "Onboard faster", period=PERIOD, key_results=["signups", "visits"])
    services.update_goal(leader, goal.pk, status="on_track", confidence=80, comment="feels fine")
    return goal


def test_a_goal_reads_its_track_from_its_key_results_projections(signups_goal):
    view = services.goal_view(None, signups_goal.pk)
    signups_kr, visits_kr = view.key_results
    assert (signups_kr.projected, signups_kr.target, signups_kr.projected_share) == ("200", "250", 0.8)
    assert (visits_kr.status, visits_kr.projected_share) == ("on_track", 1.0)
    # the check-in said on track; the rule says off track at 200 ÷ 250 = 80 %
    assert view.status == "on_track"
    assert (view.track.status, view.track.progress, view.track.deciding) == ("off_track", 0.8, "signups")
    assert view.track.rule.startswith("Off track, 80 %: Sign-ups (the worst of 2 key results) is projected at 200 "
                                      "against a target of 250 — off track: target 250 is above the 80% interval")


def test_the_page_shows_the_rules_status_and_progress_with_its_explanation_on_hover(signups_goal, viewer):
    client = Client()
    assert client.login(username=viewer.username, password=PASSWORD)
    html = client.get(f"/goals/?period={PERIOD}").content.decode()
    rule = services.goal_view(None, signups_goal.pk).track.rule
    track = re.search(r'<span class="goal-track" title="([^"]*)" aria-describedby="(goal-rule-\d+)"(.*?)'
                      r'<span class="visually-hidden" id="goal-rule-\d+">',
                      html, re.S)
    assert track is not None and track.group(1).startswith("Off track, 80 %: Sign-ups")
    assert "Off track</span>" in track.group(3) and "80 % of target, projected" in track.group(3)
    assert f'id="{track.group(2)}">' in html and "Off track, 80 %" in rule
    detail = client.get(f"/goals/{signups_goal.pk}/").content.decode()
    assert "Latest check-in: On track, confidence 80 %." in detail
    assert "projected 200 of 250 (so far 60)" in detail


def test_a_kpi_card_compares_the_periods_projection_with_the_periods_target(signups):
    summary = services.kpi_summary(None, "signups", PERIOD)
    # the latest day is 30, the period so far 60, the projection for the period 200: the card shows 200
    assert (summary.display["current"], summary.display["period_to_date"]) == ("30", "60")
    assert summary.display["card"] == "200" and summary.display["card_basis"].startswith("projected for ")
    svg = str(kpi_tree_svg([summary]))
    assert '<text class="value" x="14" y="41">200<tspan class="basis" dx="4">projected</tspan></text>' in svg
    assert "target 250" in svg


def test_the_cli_tables_read_the_same_rule_through_the_one_formatting_layer(signups_goal, capsys):
    from headway.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["goal", "show", str(signups_goal.pk)])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "Off track, progress 80 % (projected); latest check-in On track, confidence 80 %" in " ".join(out.split())
    # key results: so far 60, projected 200 of 250 → 80 %; visits 200 of 190 → 100 %
    rows = [line.split("│") for line in out.splitlines() if line.count("│") >= 7]
    cells = [[c.strip() for c in r[1:-1]] for r in rows]
    assert ["signups", "Sign-ups", "Off track", "60", "200", "250", "80 %"] in cells
    assert ["visits", "Visits", "On track", "60", "200", "190", "100 %"] in cells


def test_a_table_cell_goes_through_the_formatting_layer():
    from datetime import date, datetime

    from headway.cli.console import cell

    assert cell(date(2026, 5, 3)) == "3 May 2026" and cell(datetime(2026, 5, 3, 14, 5)) == "3 May 2026, 14:05"
    assert cell(1234567.8) == "1,234,568" and cell(12.345) == "12.3" and cell(None) == "" and cell(42) == "42"
