"""The CLI side of the team controls: a check-in series' cadence and end, who is missing and reminders."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.team.models import CheckinPair, Nomination
from headway.team.services import checkins, reviews

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_cadence_and_end_of_a_series(people):
    pair = checkins.create_pair(None, people["Vic"].pk, people["Ann"].pk, "weekly", "2025-01-06")
    done = runner.invoke(app, ["team", "checkin", "cadence", str(pair.pk), "monthly", "--as", "ann"])
    assert done.exit_code == 0 and "Vic ↔ Ann are now monthly." in done.output
    refused = runner.invoke(app, ["team", "checkin", "end", str(pair.pk), "--yes", "--as", "cora"])
    assert refused.exit_code == 1 and "You may not write in this check-in" in str(refused.exception)
    unconfirmed = runner.invoke(app, ["team", "checkin", "end", str(pair.pk), "--as", "vic"])
    assert unconfirmed.exit_code == 1 and CheckinPair.objects.get(pk=pair.pk).active
    ended = runner.invoke(app, ["team", "checkin", "end", str(pair.pk), "--yes", "--as", "vic"])
    assert ended.exit_code == 0 and not CheckinPair.objects.get(pk=pair.pk).active


def test_missing_and_remind(people):
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    reviews.advance(None, cycle.pk)
    reviews.nominate(people["users"]["Vic"], cycle.pk, people["Ann"].pk, [people["Bea"].pk, people["Gus"].pk])
    reviews.advance(None, cycle.pk)
    reviews.respond(None, Nomination.objects.get(review__cycle=cycle, reviewer=people["Bea"]).pk, {"delivery": 3})
    shown = runner.invoke(app, ["review", "missing", str(cycle.pk), "--json", "--as", "vic"])
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)
    assert [(r["reviewee"], r["missing"], [(g["group"], g["missing"], g["expected"]) for g in r["groups"]])
            for r in rows] == [("Ann", 3, [("self", 1, 1), ("manager", 1, 1), ("peer", 1, 2)])]
    assert "Gus" not in shown.output and "Bea" not in shown.output
    refused = runner.invoke(app, ["review", "remind", str(cycle.pk), "--as", "bea"])
    assert refused.exit_code == 1 and "You may not see who is missing" in str(refused.exception)
    done = runner.invoke(app, ["review", "remind", str(cycle.pk), "--as", "vic"])
    assert done.exit_code == 0 and "Reminded 3 reviewer(s)." in done.output
    assert sorted(Nomination.objects.filter(review__cycle=cycle, reminders=1).values_list(
        "reviewer__name", flat=True)) == ["Ann", "Gus", "Vic"]
