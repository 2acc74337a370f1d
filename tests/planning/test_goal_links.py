"""Ideas link to the strategy area's goal and KPI rows, not their names: a rename keeps the link, goals that share
a title stay apart, a goal that is not the workspace's is refused on every face, and the migration turned the old
text references into links.

The portfolio (see conftest): Saved carts (A) serves the goal "Grow repeat purchase". With a budget of 100,000 for
one quarter and the objective user + business value, the best plan is B + C + D (15 + 6 + 10 = 31); when the goal
must be covered it is A + B (14 + 15 = 29), as nothing else serves it.
"""

from __future__ import annotations

import importlib
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.core.errors import ValidationError
from headway.planning import services
from headway.planning.models import Initiative
from headway.strategy import services as strategy
from tests.conftest import PASSWORD

PLAN = {"budget": 100000, "objective": "value", "quarters": 1, "time_limit": 5}


def chosen(plan) -> set[int]:
    return {item.id for item in plan.items}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_renaming_the_goal_keeps_the_idea_linked_and_the_cover_working(portfolio):
    a, b, goal = portfolio["A"], portfolio["B"], portfolio["goal"]
    assert services.optimise(None, PLAN, explain=False).value == 31
    strategy.update_goal(None, goal.pk, title="Customers come back every week")
    assert services.initiative_detail(None, a.pk).goal == "Customers come back every week"
    assert services.goals_in_use() == [(goal.pk, "Customers come back every week")]
    by_id = services.optimise(None, {**PLAN, "cover_goals": [goal.pk]}, explain=False)
    by_new_title = services.optimise(None, {**PLAN, "cover_goals": ["customers come back every week"]},
                                     explain=False)
    assert (by_id.value, chosen(by_id)) == (29, {a.pk, b.pk})
    assert (by_new_title.value, chosen(by_new_title)) == (29, {a.pk, b.pk})
    assert by_id.request.cover_goals == (goal.pk,)  # saved scenarios keep the goal's id
    with pytest.raises(ValidationError, match="There is no goal called 'Grow repeat purchase'"):
        services.optimise(None, {**PLAN, "cover_goals": ["Grow repeat purchase"]}, explain=False)


def test_goals_that_share_a_title_do_not_mix(portfolio):
    a, d, goal = portfolio["A"], portfolio["D"], portfolio["goal"]
    twin = strategy.create_goal(None, "Grow repeat purchase", period="next")
    services.update_initiative(None, d.pk, goal=twin.pk)
    assert (Initiative.objects.get(pk=a.pk).goal_id, Initiative.objects.get(pk=d.pk).goal_id) == (goal.pk, twin.pk)
    assert services.goals_in_use() == [(goal.pk, f"Grow repeat purchase (goal {goal.pk})"),
                                       (twin.pk, f"Grow repeat purchase (goal {twin.pk})")]
    # covering the twin is met by Gift cards (D) alone, not by Saved carts (A) which serves the other goal
    plan = services.optimise(None, {**PLAN, "cover_goals": [twin.pk]}, explain=False)
    assert d.pk in chosen(plan) and a.pk not in chosen(plan) and plan.value == 31
    plan = services.optimise(None, {**PLAN, "cover_goals": [goal.pk]}, explain=False)
    assert a.pk in chosen(plan) and plan.value == 29
    # a title is resolved once, to one row: a shared one is refused with the ids to choose from
    with pytest.raises(ValidationError) as caught:
        services.update_initiative(None, portfolio["B"].pk, goal="Grow repeat purchase")
    assert "2 goals are called 'Grow repeat purchase'" in caught.value.message
    assert f"ids {goal.pk}, {twin.pk}): give the goal's id instead" in caught.value.message
    assert set(caught.value.details) == {"goal"}
    with pytest.raises(ValidationError, match="2 goals are called"):
        services.optimise(None, {**PLAN, "cover_goals": ["Grow repeat purchase"]}, explain=False)


def test_a_goal_that_is_not_the_workspaces_is_refused(portfolio):
    from headway.strategy.models import Goal

    a = portfolio["A"].pk
    with pytest.raises(ValidationError, match="There is no goal 9999: `headway goal list` shows the goals of this "
                                              "workspace"):
        services.update_initiative(None, a, goal=9999)
    stranger = Goal(pk=9999, title="Someone else's goal")  # not a row of this workspace
    with pytest.raises(ValidationError, match="is not a goal of this workspace"):
        services.create_initiative(None, title="Stray", goal=stranger)
    kpi = strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    with pytest.raises(ValidationError, match="is not a goal of this workspace"):
        services.update_initiative(None, a, goal=kpi)  # a KPI is not a goal
    with pytest.raises(ValidationError, match="There is no KPI called 'revenue'"):
        services.update_initiative(None, a, kpi="revenue")
    assert Initiative.objects.get(pk=a).goal_id == portfolio["goal"].pk  # nothing changed
    assert not Initiative.objects.filter(title="Stray").exists()


def test_kpi_by_name_label_or_id_and_unlinking(portfolio):
    a = portfolio["A"].pk
    kpi = strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    for ref in ("conversion", "CONVERSION", "Checkout conversion", kpi.pk, str(kpi.pk)):
        services.update_initiative(None, a, kpi="")
        assert services.update_initiative(None, a, kpi=ref).kpi_id == kpi.pk, ref
    detail = services.initiative_detail(None, a).model_dump()
    assert (detail["kpi_id"], detail["kpi"], detail["kpi_label"]) == (kpi.pk, "conversion", "Checkout conversion")
    services.update_initiative(None, a, goal=None, kpi="")
    detail = services.initiative_detail(None, a).model_dump()
    assert (detail["goal_id"], detail["goal"], detail["kpi_id"], detail["kpi"]) == (None, None, None, None)


def test_deleting_a_goal_unlinks_the_idea(portfolio):
    a, goal = portfolio["A"], portfolio["goal"]
    goal.delete()
    assert Initiative.objects.get(pk=a.pk).goal_id is None
    assert services.goals_in_use() == []


def test_roadmap_and_exports_show_the_linked_goal_and_kpi(portfolio):
    a = portfolio["A"].pk
    strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    services.update_initiative(None, a, kpi="conversion")
    services.place(None, a, "2026-Q2", "committed")
    today = date(2026, 5, 10)
    row = services.roadmap(None, today=today).rows[0]
    assert (row["goal"], row["kpi"]) == ("Grow repeat purchase", "conversion")
    assert "goal" not in services.roadmap(None, "sales", today=today).columns
    header, line = services.export_csv(None, today=today).splitlines()[:2]
    assert ",hypothesis,goal,kpi,expected_impact," in header
    assert ",Grow repeat purchase,conversion," in line


def test_api_links_by_id_or_name_and_refuses_an_unknown_goal(client, portfolio, leader):
    login(client, leader)
    goal = portfolio["goal"]
    strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    url = "/api/v1/planning/initiatives"
    by_id = client.post(url, {"title": "Wishlist", "goal": goal.pk, "kpi": "conversion",
                              "expected_impact": "+2 pts"}, content_type="application/json")
    assert by_id.status_code == 201
    body = by_id.json()
    assert (body["goal_id"], body["goal"], body["kpi"], body["expected_impact"]) == (
        goal.pk, "Grow repeat purchase", "conversion", "+2 pts")
    by_name = client.post(url, {"title": "Reorder", "goal": "Grow repeat purchase"}, content_type="application/json")
    assert by_name.status_code == 201 and by_name.json()["goal_id"] == goal.pk
    old_field = client.post(url, {"title": "Old client", "goal_ref": "Grow repeat purchase", "kpi_ref": "conversion"},
                            content_type="application/json")
    assert old_field.status_code == 201 and (old_field.json()["goal_id"], old_field.json()["kpi"]) == (
        goal.pk, "conversion")
    refused = client.post(url, {"title": "Stray", "goal": 9999}, content_type="application/json")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "There is no goal 9999" in error["message"] and "goal" in error["details"]
    assert not Initiative.objects.filter(title="Stray").exists()
    unknown = client.patch(f"{url}/{portfolio['B'].pk}", {"goal": "Grow revenue"}, content_type="application/json")
    assert unknown.status_code == 422 and "There is no goal called 'Grow revenue'" in unknown.json()["error"]["message"]
    unlinked = client.patch(f"{url}/{portfolio['A'].pk}", {"goal": None}, content_type="application/json")
    assert unlinked.status_code == 200 and unlinked.json()["goal_id"] is None
    plan = client.post("/api/v1/planning/optimise", {**PLAN, "cover_goals": [goal.pk]},
                       content_type="application/json")
    serving = {by_id.json()["id"], by_name.json()["id"], old_field.json()["id"]}
    assert plan.status_code == 200 and {i["id"] for i in plan.json()["items"]} & serving


def test_cli_links_an_idea_to_a_goal_and_kpi(portfolio):
    runner = CliRunner()
    b, goal = portfolio["B"].pk, portfolio["goal"]
    strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    optimise = ["plan", "optimise", "--budget", "100000", "--objective", "value", "--quarters", "1", "--cover",
                str(goal.pk), "--json"]
    assert json.loads(runner.invoke(app, optimise).output)["value"] == 29  # only Saved carts serves the goal
    linked = runner.invoke(app, ["idea", "link", str(b), "--goal", "Grow repeat purchase", "--kpi", "conversion",
                                 "--impact", "+2 pts"], env={"COLUMNS": "200"})
    assert linked.exit_code == 0, linked.output
    assert linked.output.strip() == (f"#{b} One-tap reorder: goal Grow repeat purchase (id {goal.pk}), KPI conversion, "
                                     "expected impact +2 pts.")
    shown = runner.invoke(app, ["idea", "show", str(b)], env={"COLUMNS": "200"}).output
    assert f"goal: Grow repeat purchase (id {goal.pk})" in shown and "kpi: conversion (id " in shown
    strategy.create_goal(None, "Grow repeat purchase", period="next")
    ambiguous = runner.invoke(app, ["idea", "edit", str(b), "--goal", "Grow repeat purchase"])
    assert ambiguous.exit_code == 1 and "2 goals are called 'Grow repeat purchase'" in str(ambiguous.exception)
    nothing = runner.invoke(app, ["idea", "link", str(b)])
    assert nothing.exit_code == 1 and "Give a URL to attach, or --goal" in str(nothing.exception)
    half = runner.invoke(app, ["idea", "link", str(b), "ftp://nope", "--kpi", ""])
    assert half.exit_code == 1 and Initiative.objects.get(pk=b).kpi is not None  # both or neither
    cover = runner.invoke(app, optimise)
    assert cover.exit_code == 0, cover.output
    assert json.loads(cover.output)["value"] == 31  # One-tap reorder serves it now: B + C + D


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_text_references_to_rows():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = importlib.import_module("headway.planning.migrations.0004_link_goal_and_kpi_refs")
    before = [("planning", "0003_initiative_goal_kpi")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    period_model, goal_model = old.get_model("strategy", "Period"), old.get_model("strategy", "Goal")
    kpi_model, initiative_model = old.get_model("strategy", "Kpi"), old.get_model("planning", "Initiative")
    q3 = period_model.objects.create(name="FY2026 Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))
    q4 = period_model.objects.create(name="FY2026 Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    repeat = goal_model.objects.create(title="Grow repeat purchase", period=q3)
    older = goal_model.objects.create(title="Faster checkout", period=q3)
    newer = goal_model.objects.create(title="Faster checkout", period=q4)
    conversion = kpi_model.objects.create(name="conversion", label="Checkout conversion")
    refs = {"exact": ("Grow repeat purchase", "conversion"), "any case": (" grow REPEAT purchase", "Checkout conversion"),
            "shared title": ("Faster checkout", ""), "unknown": ("Cut cost to serve", "nps"), "blank": ("", "")}
    ids = {name: initiative_model.objects.create(title=name, goal_ref=g, kpi_ref=k).pk for name, (g, k) in refs.items()}

    migration.link_text_refs(old, None)

    linked = {i.title: (i.goal_id, i.kpi_id) for i in initiative_model.objects.all()}
    assert linked == {"exact": (repeat.pk, conversion.pk), "any case": (repeat.pk, conversion.pk),
                      "shared title": (newer.pk, None), "unknown": (None, None), "blank": (None, None)}
    assert older.pk != newer.pk
    notes = list(old.get_model("planning", "Comment").objects.values_list("initiative_id", "author_label", "body"))
    assert notes == [(ids["unknown"], "migration", "This idea named goal 'Cut cost to serve' and KPI 'nps', which "
                      "matched no goal or KPI when goals and KPIs became links, so it is not linked: link it with "
                      f"`headway idea link {ids['unknown']} --goal ID --kpi NAME` or the idea form.")]
    # forward to the end on this database with its rows: the links stay, the text fields are gone
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Initiative.objects.get(pk=ids["any case"]).goal_id == repeat.pk
    assert Initiative.objects.get(pk=ids["shared title"]).goal_id == newer.pk
    assert not hasattr(Initiative.objects.get(pk=ids["exact"]), "goal_ref")
