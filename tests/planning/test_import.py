"""Importing initiatives from Jira and Linear CSV exports: all or nothing, errors by line."""

from __future__ import annotations

import pytest

from headway.core.errors import ValidationError
from headway.planning import services
from headway.planning.models import Initiative

JIRA = """Summary,Issue key,Issue id,Issue Type,Status,Description,Component/s,Labels,Labels,Original Estimate
Saved searches,SHOP-1,10001,Story,To Do,"Shoppers re-run
the same search",Search,,,288000
Fix coupon rounding,SHOP-2,10002,Bug,In Progress,,Checkout,,,
Retire legacy cart API,SHOP-3,10003,Task,Done,,Checkout,tech-debt,,144000
"""
LINEAR = """ID,Team,Title,Description,Status,Estimate,Priority,Project,Labels
ENG-7,Web,Dark mode,,Backlog,3,High,Storefront,Feature
ENG-8,Mobile,Crash on login,,Canceled,1,Urgent,Apps,Bug
"""


def test_jira_import_maps_every_column(portfolio):
    report = services.import_csv(None, JIRA, "jira", team="Web")
    assert len(report.created) == 3 and report.updated == []
    first, second, third = (services.get_initiative(None, pk) for pk in report.created)
    assert (first.title, first.stage, first.kind, first.product_area, first.external_ref) == \
        ("Saved searches", "idea", "iterate", "Search", "SHOP-1")
    assert first.problem == "Shoppers re-run\nthe same search"
    assert services.effort_weeks(first) == 2.0  # 288,000 s / (40 h x 3,600 s)
    assert services.cost(first) == 8000
    assert (second.stage, second.kind, services.effort_weeks(second)) == ("in_progress", "maintain", 0)
    assert (third.stage, third.kind) == ("shipped", "tech_debt")
    again = services.import_csv(None, JIRA.replace("To Do", "In Progress"), "jira", team="Web")
    assert again.created == [] and again.updated == report.created
    assert services.get_initiative(None, report.created[0]).stage == "in_progress"


def test_linear_import_uses_the_team_column(portfolio):
    report = services.import_csv(None, LINEAR, "linear")
    dark, crash = (services.get_initiative(None, pk) for pk in report.created)
    assert (dark.team.name, dark.kind, dark.stage, services.effort_weeks(dark)) == ("Web", "innovate", "idea", 3)
    assert (crash.team.name, crash.kind, crash.stage) == ("Mobile", "maintain", "parked")


def test_bad_lines_import_nothing(portfolio):
    bad = JIRA.replace("Bug,In Progress", "Bug,Shelved").replace("tech-debt,,144000", "tech-debt,,-5")
    with pytest.raises(ValidationError) as caught:
        services.import_csv(None, bad, "jira", team="Web")
    assert [p["line"] for p in caught.value.details] == [4, 5]  # the first record spans lines 2-3
    assert "status 'Shelved' is not known" in caught.value.details[0]["message"]
    assert "Original Estimate '-5' is not a non-negative number" in caught.value.details[1]["message"]
    assert caught.value.message.startswith("Nothing was imported: line 4:")
    with pytest.raises(ValidationError, match="line 2: there is no team 'Design'"):
        services.import_csv(None, LINEAR.replace("ENG-7,Web", "ENG-7,Design"), "linear")
    assert Initiative.objects.count() == 4


def test_wrong_file_or_source(portfolio):
    with pytest.raises(ValidationError, match="not a Linear CSV export: column\\(s\\) Title missing"):
        services.import_csv(None, JIRA, "linear")
    with pytest.raises(ValidationError, match="choose jira or linear"):
        services.import_csv(None, JIRA, "asana")
    with pytest.raises(ValidationError, match="empty"):
        services.import_csv(None, "", "jira")


def test_the_api_imports_a_csv_export(client, portfolio, admin):
    """POST /planning/initiatives/import was taken by /initiatives/{initiative_id} (405) until ids were typed."""
    from headway.core import services as core

    headers = {"Authorization": f"Bearer {core.create_token(admin, 'test').secret}"}
    done = client.post("/api/v1/planning/initiatives/import?source=jira&team=Web", JIRA, content_type="text/csv",
                       headers=headers)
    assert done.status_code == 200, done.content
    assert len(done.json()["created"]) == 3 and done.json()["updated"] == []
    assert Initiative.objects.filter(external_ref="SHOP-1").exists()
    assert client.get("/api/v1/planning/initiatives/import", headers=headers).status_code == 405
