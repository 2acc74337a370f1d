"""Feedback after launch through discovery's demand links: a theme linked to the initiative whose complaints stop
after the ship date is listed (marked linked) with its quotes, though no word of it is near the initiative's
title."""

from __future__ import annotations

from datetime import date, timedelta

from headway.impact import services

from .conftest import SHIP

TRACKING = ["The parcel tracking page never loads", "Parcel tracking page is blank again",
            "Tracking my parcel shows an empty page", "The tracking page for my parcel will not load"]
DARK = ["Please add a dark mode to the app", "A dark mode would be lovely", "Dark mode for night reading please"]


def test_a_linked_theme_that_drops_after_launch_is_listed_with_quotes(shipped):
    from headway.discovery import services as discovery

    before = [{"text": f"{TRACKING[k % 4]} ({k})", "date": str(SHIP - timedelta(days=2 + 2 * k))} for k in range(9)]
    after = [{"text": f"{TRACKING[k % 4]} still ({k})", "date": str(SHIP + timedelta(days=3 + k))} for k in range(2)]
    other = [{"text": f"{DARK[k % 3]} ({k})", "date": str(SHIP - timedelta(days=20 - 5 * k))} for k in range(8)]
    discovery.add_feedback(None, before + after + other)
    run = discovery.start_theme_run(None, method="lexical", background=False)
    assert run.status == "done", run.message
    tracked = [i for i in discovery.list_feedback(None) if "track" in i.text.lower()]
    theme_id = tracked[0].theme_id
    assert theme_id is not None
    discovery.move_items(None, [i.pk for i in tracked], theme_id)  # a person gathers the theme by hand
    assert all(i.theme_id == theme_id for i in discovery.list_feedback(None) if "track" in i.text.lower())
    discovery.link_demand(None, shipped["hit"].pk, theme_id=theme_id)
    members = list(discovery.list_feedback(None, theme_id=theme_id))
    start, end = SHIP - timedelta(days=28), SHIP + timedelta(days=28)
    n_before = sum(start <= i.received_on < SHIP for i in members)
    n_after = sum(SHIP <= i.received_on < end for i in members)
    assert n_before >= 9 and n_after >= 2 and n_after < n_before

    readout = services.measure(None, shipped["hit"].pk, as_of=date.today())
    linked = [s for s in readout.feedback if s.linked]
    assert len(linked) == 1
    shift = linked[0]
    assert shift.theme_id == theme_id and readout.feedback[0] == shift  # linked themes come first
    assert (shift.before, shift.after) == (n_before, n_after)
    assert len(shift.quotes) == n_after and all("still" in q for q in shift.quotes if "track" in q.lower())
    assert services.readout(None, shipped["hit"].pk).feedback == readout.feedback
