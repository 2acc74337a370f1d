"""No shell in the web (issue 14, point 6): KPIs refresh from the dashboard's button as a background job with
progress; the CLI's refresh hands the work to the server's worker while a server holds the embedded events file
and exits non-zero when a KPI was not computed; `headway doctor` does not report a held store as a problem;
no page, template or rule tells anyone to run a command."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from headway.cli import main
from headway.core.models import Job
from headway.strategy import services
from tests.conftest import PASSWORD
from tests.strategy.test_computing import CATALOGUE, EVENTS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "src" / "headway"
COMMAND = re.compile(r"`headway [a-z]|<code>headway |run `|headway (?:kpi|idea|plan|team|feedback|events|metrics|"
                     r"goal|demo|insight|jd|review) [a-z-]+")


@pytest.fixture
def orders(empty_store):
    from headway.analytics import services as analytics

    analytics.ingest(None, EVENTS)
    analytics.load_metrics(None, CATALOGUE)
    analytics.close_store()  # the test's own connection lets go, as a CLI process would not hold it
    return services.create_kpi(None, "orders", "Orders", metric="orders")


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_leader_refreshes_the_kpis_from_the_dashboard(orders, leader, viewer):
    page = logged_in(leader).get("/").content.decode()
    assert 'hx-post="/goals/kpis-refresh/"' in page and "Refresh KPIs now" in page
    answer = logged_in(leader).post("/goals/kpis-refresh/", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    job = Job.objects.get(kind="strategy.refresh_kpis")
    assert job.status == "succeeded" and job.created_by == "lena" and job.result["kpis"] == 1
    assert f'hx-get="/jobs/{job.pk}/?next=/"' in answer.content.decode()  # the bar follows the job
    assert "Refresh KPIs and check alerts: done" in logged_in(leader).get(f"/jobs/{job.pk}/").content.decode()
    orders.refresh_from_db()
    assert orders.last_computed_at is not None and orders.last_error == ""  # computed up to yesterday
    # a viewer sees no button, and the server refuses the request
    assert "Refresh KPIs now" not in logged_in(viewer).get("/").content.decode()
    assert logged_in(viewer).post("/goals/kpis-refresh/", headers={"HX-Request": "true"}).status_code == 403
    assert Job.objects.filter(kind="strategy.refresh_kpis").count() == 1


def test_the_job_reports_its_progress_per_kpi(orders):
    seen: list[tuple[float, str]] = []
    services.refresh_kpis(None, as_of=date(2026, 1, 7), progress=lambda f, m: seen.append((f, m)))
    assert seen == [(0.0, "computing Orders (1 of 1)")]


def hold_store(path: str) -> subprocess.Popen:
    """Another process (as `headway serve` would) holding the DuckDB events file until it is stopped."""
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({path!r})\nprint('held', flush=True)\ntime.sleep(60)\n"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def run(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out + out.err


def test_the_cli_refresh_goes_through_the_server_and_fails_when_nothing_was_computed(orders, settings, capsys):
    code, out = run(capsys, "kpi", "refresh", "--as-of", "2026-01-07")
    assert code == 0 and "Computed 1 of 1 KPIs up to 2026-01-07" in out
    from headway.analytics import services as analytics

    analytics.close_store()
    holder = hold_store(settings.HEADWAY_EVENTS_URL.removeprefix("duckdb:///"))
    try:
        code, out = run(capsys, "kpi", "refresh", "--as-of", "2026-01-07", "--wait", "5")
    finally:
        holder.kill()
        holder.wait()
    # the tests run jobs in-line, in this process, which cannot open the held file either: nothing was computed
    assert code == 1, out
    assert "handed the refresh to its worker (job " in out and "Computed 1 KPIs" in out
    assert "orders:" in out and "Another process holds the DuckDB events file" in out


def test_doctor_does_not_call_a_store_held_by_the_server_a_problem(orders, settings):
    from headway.analytics.checks import events_store

    assert events_store().ok
    holder = hold_store(settings.HEADWAY_EVENTS_URL.removeprefix("duckdb:///"))
    try:
        check = events_store()
    finally:
        holder.kill()
        holder.wait()
    assert check.ok and "held by a running Headway server" in check.message and check.fix == ""


def test_no_page_tells_anyone_to_run_a_command(orders, leader):
    sources = [*ROOT.rglob("templates/**/*.html"), *(p for p in ROOT.rglob("*.py") if p.name == "views.py" or p.name.endswith("_views.py"))]
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()[:100]}" for p in sources
             for n, line in enumerate(p.read_text().splitlines(), 1) if COMMAND.search(line)]
    assert found == []
    services.refresh_kpis(None, as_of=date(2026, 1, 7))
    services.create_kpi(None, "nps", "NPS", unit="count")
    for kpi in services.dashboard(leader).kpis:
        assert not COMMAND.search(kpi.rule) and "`" not in kpi.rule, kpi.rule


def test_only_leaders_and_the_kpi_owner_acknowledge_alerts_and_the_page_says_who(workspace, leader, viewer,
                                                                                 make_user):
    from headway.core.permissions import Role
    from headway.strategy.models import Alert
    from tests.strategy.test_computing import _stepped_kpi

    _stepped_kpi()
    services.refresh_kpis(None, as_of=date(2026, 5, 10))
    alert = Alert.objects.get()
    contributor = make_user("cora", Role.CONTRIBUTOR)
    for reader in (viewer, contributor):
        page = logged_in(reader).get("/goals/alerts/").content.decode()
        assert f'name="acknowledge" value="{alert.pk}"' not in page
        client = Client(enforce_csrf_checks=False)
        assert client.login(username=reader.username, password=PASSWORD)
        assert client.post("/goals/alerts/", {"acknowledge": str(alert.pk)}).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    lena = logged_in(leader)
    assert f'name="acknowledge" value="{alert.pk}"' in lena.get("/goals/alerts/").content.decode()
    assert lena.post("/goals/alerts/", {"acknowledge": str(alert.pk)}).status_code == 302
    page = lena.get("/goals/alerts/").content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == leader
    assert re.search(r"Acknowledged by lena on \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d\.", page)
    # the owner of a KPI may acknowledge its alerts
    services.update_kpi(None, "tickets", owner=contributor.username)
    assert services.may_acknowledge(contributor, alert) and not services.may_acknowledge(viewer, alert)
