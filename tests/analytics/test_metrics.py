"""Metrics as code through the services, the CLI and the API: validation with lines, load, compute."""

from __future__ import annotations

import json

import pytest

from headway.analytics import services
from headway.analytics.demo import METRICS_FILE
from headway.cli import main
from headway.core import services as core
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from tests.analytics.conftest import RANGE

pytestmark = pytest.mark.django_db(transaction=True)

METRICS = """metrics:
  - name: purchases
    type: simple
    event: purchase
  - name: revenue
    type: simple
    event: purchase
    math: sum
    math_property: amount
  - name: aov
    type: derived
    expression: revenue / purchases
  - name: revenue_2d
    type: cumulative
    metric: revenue
    window: 2
"""
BROKEN = """metrics:
  - name: purchases
    type: simple
  - name: aov
    type: derived
    expression: revenue / purchases
"""
DAY_FROM, DAY_TO = RANGE["date_from"], RANGE["date_to"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


@pytest.fixture
def metrics_file(tmp_path):
    path = tmp_path / "metrics.yaml"
    path.write_text(METRICS)
    return path


def test_the_demo_catalogue_is_valid():
    assert services.validate_metrics(METRICS_FILE.read_text()) == []


def test_validate_prints_every_problem_with_its_line(capsys, tmp_path, metrics_file):
    code, out, _ = run(capsys, "metrics", "validate", str(metrics_file))
    assert code == 0 and "4 metrics, all valid" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    code, _, err = run(capsys, "metrics", "validate", str(broken))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{broken}:2: ") and "event" in lines[0]
    assert any(line.startswith(f"{broken}:4: ") and "unknown metric 'revenue'" in line for line in lines)
    assert lines[-1].startswith(f"{len(lines) - 1} problems in") and len(lines) >= 3


def test_compute_from_a_file_prints_a_table_and_json(capsys, events, metrics_file):
    code, out, _ = run(capsys, "metrics", "compute", "aov", "--file", str(metrics_file), "--from", DAY_FROM,
                       "--to", DAY_TO, "--json")
    assert code == 0
    # revenue 40, 20, 5 over purchases 2, 1, 1 (by hand)
    assert json.loads(out) == {"name": "aov", "interval": "day", "labels": ["2026-01-05", "2026-01-06",
                                                                             "2026-01-07"],
                               "values": [20.0, 20.0, 5.0]}
    code, out, _ = run(capsys, "metrics", "compute", "revenue_2d", "--file", str(metrics_file), "--from", DAY_FROM,
                       "--to", DAY_TO)
    # the table reads through headway.core.formatting: whole values without decimals
    assert code == 0 and "│ 2026-01-06 │ 60         │" in out and "│ 2026-01-07 │ 25         │" in out


def test_load_list_and_compute_from_the_catalogue(capsys, events, metrics_file, viewer):
    with pytest.raises(NotFound, match="metrics load"):
        services.compute_metric(None, "aov", date_from=_d(DAY_FROM), date_to=_d(DAY_TO))
    code, out, _ = run(capsys, "metrics", "load", str(metrics_file))
    assert code == 0 and "Loaded 4 metrics" in out
    assert [m.name for m in services.list_metrics(viewer)] == ["purchases", "revenue", "aov", "revenue_2d"]
    result = services.compute_metric(viewer, "revenue", date_from=_d(DAY_FROM), date_to=_d(DAY_TO))
    assert result.values == [40.0, 20.0, 5.0]
    code, out, _ = run(capsys, "metrics", "list")
    assert code == 0 and "revenue_2d" in out and "cumulative" in out


def test_only_leaders_load_the_catalogue_and_bad_files_change_nothing(events, viewer, leader, metrics_file):
    with pytest.raises(PermissionDenied):
        services.load_metrics(viewer, METRICS)
    services.load_metrics(leader, METRICS)
    with pytest.raises(ValidationError, match="line 2"):
        services.load_metrics(leader, BROKEN)
    assert services.list_metrics(None).count() == 4


def test_metrics_api(client, events, leader):
    headers = {"Authorization": f"Bearer {core.create_token(leader, 't').secret}"}
    bad = client.put("/api/v1/analytics/metrics", {"yaml": BROKEN}, content_type="application/json", headers=headers)
    assert bad.status_code == 422
    assert {d["line"] for d in bad.json()["error"]["details"]} == {2, 4}
    ok = client.put("/api/v1/analytics/metrics", {"yaml": METRICS}, content_type="application/json", headers=headers)
    assert [m["name"] for m in ok.json()] == ["purchases", "revenue", "aov", "revenue_2d"]
    assert client.get("/api/v1/analytics/metrics", headers=headers).json()[2]["definition"] == {
        "name": "aov", "type": "derived", "expression": "revenue / purchases"}
    values = client.post("/api/v1/analytics/metrics/aov/compute", {"date_from": DAY_FROM, "date_to": DAY_TO},
                         content_type="application/json", headers=headers)
    assert values.json() == {"name": "aov", "interval": "day", "labels": ["2026-01-05", "2026-01-06", "2026-01-07"],
                             "values": [20.0, 20.0, 5.0]}
    missing = client.post("/api/v1/analytics/metrics/nope/compute", {"date_from": DAY_FROM, "date_to": DAY_TO},
                          content_type="application/json", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def _d(text: str):
    from datetime import date

    return date.fromisoformat(text)
