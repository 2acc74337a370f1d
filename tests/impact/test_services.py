"""Impact's use cases on a real database and a real DuckDB events store."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from headway.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from headway.impact import services
from headway.planning import services as planning

from .conftest import JUMP, SHIP


def test_parse_expected_and_verdicts():
    assert services.parse_expected("+3 pp conversion") == services.Expected(0.03, False)
    assert services.parse_expected("+10%") == services.Expected(0.10, True)
    assert services.parse_expected("-2 days") == services.Expected(-2.0, False)
    assert services.parse_expected("more sign-ups") is None
    assert services.verdict(0.02, 0.06, 0.03) == "hit"
    assert services.verdict(-0.01, 0.01, 0.05) == "miss"          # rules out half of the expectation
    assert services.verdict(-0.01, 0.04, 0.05) == "inconclusive"  # holds 0 and half the expectation
    assert services.verdict(-0.06, -0.01, 0.05) == "opposite"
    assert services.verdict(-0.06, -0.01, None, higher_is_better=False) == "hit"


def test_a_planted_jump_is_measured_as_a_hit(shipped):
    initiative = shipped["hit"]
    readout = services.measure(None, initiative.pk, as_of=date.today())
    post = np.array(shipped["conversion"][60:])
    assert readout.method == "forecast" and readout.correlational
    assert readout.shipped_on == SHIP and readout.days == 28
    assert readout.lower <= JUMP <= readout.upper
    assert readout.average_effect == pytest.approx(JUMP, abs=0.01)
    assert readout.cumulative_effect == pytest.approx(readout.average_effect * 28)
    assert readout.expected == pytest.approx(0.03)
    assert readout.verdict == "hit"
    assert readout.p_value is not None and readout.p_value < 0.01
    after = [p for p in readout.series if p.predicted is not None]
    assert [p.actual for p in after] == pytest.approx(list(post), abs=1e-6)  # imported with 6 decimals
    assert planning.get_initiative(None, initiative.pk).stage == "measured"
    assert services.readout(None, initiative.pk) == readout  # stored


def test_nothing_moved_is_a_miss_and_controls_give_a_counterfactual(shipped):
    readout = services.measure(None, shipped["miss"].pk, as_of=date.today())
    assert readout.lower < 0 < readout.upper
    assert readout.verdict == "miss"
    with_control = services.measure(None, shipped["hit"].pk, controls=["basket_size"], as_of=date.today())
    assert with_control.method == "counterfactual" and not with_control.correlational
    assert with_control.lower <= JUMP <= with_control.upper
    assert with_control.verdict == "hit"


def test_markers_annotations_ledger_and_calibration(shipped, leader):
    note = services.add_annotation(leader, SHIP + timedelta(days=3), "Pricing e-mail sent", scope="kpi",
                                   target="checkout_conversion")
    found = services.markers(leader, kpi="checkout_conversion")
    assert [(m.date, m.kind) for m in found] == [(SHIP, "release"), (SHIP, "release"),
                                                 (SHIP + timedelta(days=3), "annotation")]
    assert services.markers(leader, kpi="basket_size")[-1].kind == "release"  # a KPI note stays on its KPI
    assert services.due_measurements(None) == [shipped["hit"].pk, shipped["miss"].pk]
    services.measure(leader, shipped["hit"].pk, as_of=date.today())
    services.measure(leader, shipped["miss"].pk, as_of=date.today())
    assert services.due_measurements(None) == []
    rows = services.ledger(leader)
    assert [(r.title, r.verdict, r.quarter) for r in rows] == [
        ("One-click checkout", "hit", f"{SHIP.year}-Q{(SHIP.month - 1) // 3 + 1}"),
        ("Wishlist", "miss", f"{SHIP.year}-Q{(SHIP.month - 1) // 3 + 1}"),
    ]
    assert [r.title for r in services.ledger(leader, kind="innovate")] == ["Wishlist"]
    calibration = services.calibration(leader)
    assert (calibration.measured, calibration.hits, calibration.hit_rate) == (2, 1, 0.5)
    medium = next(b for b in calibration.buckets if b.label.startswith("medium"))
    low = next(b for b in calibration.buckets if b.label.startswith("low"))
    assert (medium.bets, medium.hits, low.bets, low.hits) == (1, 1, 1, 0)
    ratios = sorted([rows[0].measured / 0.03, rows[1].measured / 5.0])
    assert calibration.median_ratio == pytest.approx(sum(ratios) / 2)
    services.delete_annotation(leader, note.pk)
    assert services.list_annotations(leader) == []


def test_the_scheduled_job_measures_what_is_due(shipped):
    from headway.core import jobs

    job = jobs.enqueue("impact.measure_due", actor=None)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["measured"] == {str(shipped["hit"].pk): "hit", str(shipped["miss"].pk): "miss"}


def test_bad_input_and_permissions(shipped, viewer, db):
    with pytest.raises(PermissionDenied):
        services.measure(viewer, shipped["hit"].pk)
    with pytest.raises(PermissionDenied):
        services.add_annotation(viewer, "2026-01-01", "no")
    with pytest.raises(NotFound, match="headway impact measure"):
        services.readout(None, shipped["hit"].pk)
    idea = planning.create_initiative(None, title="Not yet", kpi="basket_size")
    with pytest.raises(Conflict, match="not shipped"):
        services.measure(None, idea.pk)
    with pytest.raises(ValidationError, match="date"):
        services.add_annotation(None, "01/02/2026", "x")
    with pytest.raises(ValidationError, match="target"):
        services.add_annotation(None, "2026-01-02", "x", scope="kpi")
    short = planning.create_initiative(None, title="Short history", kpi="basket_size")
    planning.set_stage(None, short.pk, "shipped")
    services.set_measurement(None, short.pk, shipped_on=SHIP - timedelta(days=55))
    with pytest.raises(ValidationError, match="at least 10"):
        services.measure(None, short.pk)


def test_feedback_after_launch_lists_the_themes_that_changed(shipped):
    from headway.discovery import services as discovery

    before = [{"text": f"Checkout takes too many steps ({k})", "date": str(SHIP - timedelta(days=5 + k))}
              for k in range(2)]
    after = [{"text": f"The one-click checkout is broken, it charged me twice ({k})",
              "date": str(SHIP + timedelta(days=1 + k))} for k in range(5)]
    discovery.add_feedback(None, before + after)
    readout = services.measure(None, shipped["hit"].pk, as_of=date.today())
    assert len(readout.feedback) == 1
    shift = readout.feedback[0]
    assert (shift.theme, shift.before, shift.after) == ("Unthemed feedback", 2, 5)
    assert len(shift.quotes) == 3 and all("one-click checkout" in q for q in shift.quotes)
    assert services.readout(None, shipped["hit"].pk).feedback == readout.feedback
