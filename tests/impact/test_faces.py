"""The same read-outs through the API, the CLI and the pages; permissions on every face."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from headway.cli import main
from headway.core import services as core
from headway.impact import services
from tests.conftest import PASSWORD

from .conftest import SHIP

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_measure_in_the_api_equals_the_cli_and_the_page(client, capsys, shipped, viewer, leader):
    pk = shipped["hit"].pk
    refused = client.post(f"/api/v1/impact/initiatives/{pk}/readout", {}, content_type="application/json",
                          headers=bearer(viewer))
    assert refused.status_code == 403
    missing = client.get(f"/api/v1/impact/initiatives/{pk}/readout", headers=bearer(viewer))
    assert missing.status_code == 404 and "headway impact measure" in missing.json()["error"]["message"]
    api = client.post(f"/api/v1/impact/initiatives/{pk}/readout", {}, content_type="application/json",
                      headers=bearer(leader)).json()
    code, out, _ = run(capsys, "impact", "show", str(pk), "--json")
    cli = json.loads(out)
    assert code == 0 and api["verdict"] == cli["verdict"] == "hit"
    assert api["average_effect"] == cli["average_effect"]
    page = logged_in(viewer).get(f"/impact/initiatives/{pk}/").content.decode()
    assert 'id="readout-verdict">hit<' in page and 'id="readout-chart"' in page
    assert 'id="measure-form"' not in page  # a viewer may not measure
    assert 'id="measure-form"' in logged_in(leader).get(f"/impact/initiatives/{pk}/").content.decode()
    code, out, _ = run(capsys, "impact", "ledger", "--json")
    assert [r["title"] for r in json.loads(out)] == ["One-click checkout"]
    ledger = client.get("/api/v1/impact/ledger", headers=bearer(viewer)).json()
    assert ledger[0]["verdict"] == "hit"
    assert client.get("/api/v1/impact/calibration", headers=bearer(viewer)).json()["measured"] == 1
    markers = client.get("/api/v1/impact/markers", headers=bearer(viewer)).json()
    assert {m["date"] for m in markers} == {SHIP.isoformat()}
    ledger_page = logged_in(viewer).get("/impact/").content.decode()
    assert 'id="impact-ledger"' in ledger_page and "One-click checkout" in ledger_page
    assert 'id="calibration-chart"' in ledger_page


def test_cli_measure_and_annotate(capsys, shipped):
    code, out, _ = run(capsys, "impact", "measure", str(shipped["miss"].pk), "--days", "28")
    assert code == 0 and "verdict: miss" in out
    code, out, _ = run(capsys, "annotate", "2026-03-02", "Price change", "--kpi", "basket_size")
    assert code == 0 and "Price change" in out
    code, _, err = run(capsys, "annotate", "2026-03-02", "x", "--kpi", "nope")
    assert code == 1 and "nope" in err
    code, out, _ = run(capsys, "impact", "calibration")
    assert code == 0 and "Too few measured bets" in out.replace("\n", " ")


def test_experiments_on_every_face(client, capsys, experiment_store, viewer, leader):
    body = {"name": "one-click", "metric": {"event": "purchase"}, "date_from": "2026-01-01",
            "date_to": "2026-01-31"}
    assert client.post("/api/v1/impact/experiments", body, content_type="application/json",
                       headers=bearer(viewer)).status_code == 403
    made = client.post("/api/v1/impact/experiments", body, content_type="application/json", headers=bearer(leader))
    assert made.status_code == 201 and made.json()["variant_property"] == "variant"
    api = client.get("/api/v1/impact/experiments/one-click/results", headers=bearer(viewer)).json()
    code, out, _ = run(capsys, "experiment", "results", "one-click", "--json")
    assert code == 0 and json.loads(out)["primary"][0]["lift"] == api["primary"][0]["lift"]
    code, out, _ = run(capsys, "experiment", "create", "signups", "--metric", "signup", "--from", "2026-01-01",
                       "--to", "2026-01-31")
    assert code == 0
    code, out, _ = run(capsys, "experiment", "list", "--json")
    assert code == 0 and {e["name"] for e in json.loads(out)} == {"signups", "one-click"}
    code, out, _ = run(capsys, "experiment", "show", "signups")
    assert code == 0 and "signup" in out
    page = logged_in(viewer).get("/impact/experiments/one-click/").content.decode()
    assert 'id="experiment-arms"' in page and 'id="experiment-intervals"' in page
    assert 'id="srm-warning"' not in page
    listing = logged_in(viewer).get("/impact/experiments/").content.decode()
    assert 'id="experiment-form"' not in listing
    created = logged_in(leader).post("/impact/experiments/", {
        "name": "from-browser", "metric": "purchase", "math": "conversion", "date_from": "2026-01-01",
        "date_to": "2026-01-31", "exposure_event": "$exposure"})
    assert created.status_code == 302 and services.get_experiment(None, "from-browser").metric_event == "purchase"
    bad = logged_in(leader).post("/impact/experiments/", {"name": "bad", "metric": "nope", "date_from": "2026-01-01",
                                                          "date_to": "2026-01-31"})
    assert bad.status_code == 200 and "no event named" in bad.content.decode()
    assert logged_in(viewer).post("/impact/experiments/", {"name": "x"}).status_code == 403


def test_markers_are_drawn_on_kpi_and_trends_charts(experiment_store, shipped, viewer):
    services.add_annotation(None, "2026-01-10", "Reminder e-mail sent")
    kpi_page = logged_in(viewer).get("/goals/kpis/checkout_conversion/").content.decode()
    # the chart draws the markers in its range; the "jump to a marker" list below it offers every marker
    kpi_chart = _chart_spec(kpi_page, "kpi-chart")
    assert "Shipped: One-click checkout" in kpi_chart and "Reminder e-mail sent" not in kpi_chart  # out of range
    assert kpi_page.count("Reminder e-mail sent") == 1 and "2026-01-10 — Reminder e-mail sent (note)" in kpi_page
    trends = logged_in(viewer).get("/insights/?event=purchase&date_from=2026-01-01&date_to=2026-01-31")
    page = trends.content.decode()
    trends_chart = _chart_spec(page, "trends-chart")
    assert trends.status_code == 200 and "Reminder e-mail sent" in trends_chart
    assert "Shipped: One-click checkout" not in trends_chart  # shipped 28 days ago, outside January 2026
    assert f"{SHIP} — Shipped: One-click checkout (release)" in page  # offered in the jump list


def _chart_spec(page: str, chart_id: str) -> str:
    """The JSON spec a chart's figure carries (its markers are in there)."""
    marker = f'id="{chart_id}-spec"'
    assert marker in page, f"no {chart_id} on the page"
    start = page.index(">", page.index(marker)) + 1
    return page[start:page.index("</script>", start)]


def test_the_idea_page_links_the_read_out_and_shows_the_calibration_hint(shipped, viewer):
    from headway.planning import services as planning

    third = planning.create_initiative(None, title="Checkout copy", kpi="checkout_conversion",
                                       expected_impact="+2 pp")
    planning.set_stage(None, third.pk, "shipped")
    services.set_measurement(None, third.pk, shipped_on=SHIP)
    page = logged_in(viewer).get(f"/roadmap/ideas/{third.pk}/").content.decode()
    assert f"/impact/initiatives/{third.pk}/" in page and 'id="calibration-hint"' not in page
    for initiative in (shipped["hit"].pk, shipped["miss"].pk, third.pk):
        services.measure(None, initiative)
    page = logged_in(viewer).get(f"/roadmap/ideas/{third.pk}/").content.decode()
    assert 'id="calibration-hint"' in page and "Measured impact has been" in page


def test_annotations_from_the_browser(shipped, viewer, leader):
    assert 'id="annotation-form"' not in logged_in(viewer).get("/impact/").content.decode()
    assert logged_in(viewer).post("/impact/", {"date": "2026-01-02", "text": "x"}).status_code == 403
    client = logged_in(leader)
    assert client.post("/impact/", {"date": "2026-01-02", "text": "Black Friday", "kpi": ""}).status_code == 302
    note = services.list_annotations(leader)[0]
    assert (str(note.date), note.text, note.scope) == ("2026-01-02", "Black Friday", "workspace")
    page = client.get("/impact/").content.decode()
    assert "Black Friday" in page and 'id="annotation-form"' in page
    bad = client.post("/impact/", {"date": "soon", "text": "x"}, follow=True).content.decode()
    assert "is not a date" in bad
    client.post("/impact/", {"remove": str(note.pk)})
    assert services.list_annotations(leader) == []
