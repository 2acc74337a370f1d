"""`headway team ladder|checkin`, `headway review`, `headway jd` in process against the test database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from headway.cli import app
from headway.team.models import JobDescription, LadderVersion
from tests.team.conftest import run_review


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def test_ladder_and_jd_commands(workspace):
    out = run("team", "ladder", "edit", "rename-level", "slug=apm", "title=Product analyst")
    assert out.exit_code == 0 and "Ladder v2: Renamed level" in out.output
    assert json.loads(run("team", "ladder", "show", "--json").output)["levels"][0]["title"] == "Product analyst"
    assert LadderVersion.objects.count() == 2
    out = run("jd", "generate", "--level", "pm", "--team", "Search", "--location", "Berlin, Germany",
              "--pay-min", "70000", "--pay-max", "90000", "--currency", "EUR")
    assert out.exit_code == 0, out.output
    job = JobDescription.objects.get()
    md = run("jd", "export", str(job.pk)).output
    assert md.startswith("# Product Manager") and "EUR 70,000–90,000 per year" in md
    assert run("jd", "edit", str(job.pk), "--title", "PM, Search").exit_code == 0
    assert "version" in run("jd", "versions", str(job.pk)).output


def test_review_and_checkin_commands(people):
    cycle = run_review(people)
    ann = people["Ann"].pk
    out = run("review", "results", str(cycle.pk), str(ann), "--as", "ann")
    assert out.exit_code == 0 and "All reviewers except self (7)" in out.output and "3.57" in out.output
    assert "private-manager-note" not in out.output
    assert run("review", "results", str(cycle.pk), str(ann), "--as", "ada-admin").exit_code == 1
    assert "Anonymity threshold: 3" in run("review", "threshold").output
    out = run("team", "checkin", "start", str(people["Vic"].pk), str(ann), "--started", "2025-01-06")
    assert out.exit_code == 0, out.output
    out = run("team", "checkin", "overdue", "--manager", str(people["Vic"].pk))
    assert "Overdue check-ins (1)" in out.output
