"""Every command that uses the events store works while a real `headway serve` holds the embedded DuckDB file
(it runs in the server's worker), and one that did not do its work exits non-zero."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli.test_setup_commands import ADMIN_PASSWORD

pytestmark = pytest.mark.slow

FIRST = [  # ingested before the server starts
    {"event": "signup", "distinct_id": "u1", "timestamp": "2026-01-05T10:00:00Z"},
    {"event": "signup", "distinct_id": "u2", "timestamp": "2026-01-05T11:00:00Z"},
    {"event": "purchase", "distinct_id": "u1", "timestamp": "2026-01-06T09:00:00Z", "properties": {"amount": 30}},
    {"event": "signup", "distinct_id": "u3", "timestamp": "2026-01-06T12:00:00Z"},
]
SECOND = [  # ingested through the server, from a path relative to the command's folder
    {"event": "purchase", "distinct_id": "u3", "timestamp": "2026-01-07T09:00:00Z", "properties": {"amount": 12}},
    {"event": "purchase", "distinct_id": "u1", "timestamp": "2026-01-07T10:00:00Z", "properties": {"amount": 8}},
]
EXPOSURES = [  # an A/B test: in each arm one person bought (u1, u3) and one did not (u2, u4)
    {"event": "$exposure", "distinct_id": d, "timestamp": "2026-01-05T08:00:00Z", "properties": {"variant": v}}
    for d, v in (("u1", "new"), ("u2", "new"), ("u3", "control"), ("u4", "control"))
]
METRICS = """metrics:
  - name: buyers
    type: simple
    event: purchase
    math: unique_users
"""
HANDED = "A running Headway server holds the events store: the command runs in its worker"
RANGE = ("--from", "2026-01-05", "--to", "2026-01-07")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"HEADWAY_HOME": str(home), "COLUMNS": "200"})
    if env.get("PYTHONPATH"):  # the commands run in another folder: keep a relative PYTHONPATH pointing here
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep))
    return env


def _lines(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """An initialised installation with four events, a running server that holds the events file, and a
    function that runs `headway ARGS` in the installation's folder."""
    folder = tmp_path_factory.mktemp("serving")
    home = folder / "home"
    (folder / "first.jsonl").write_text(_lines(FIRST))
    (folder / "second.jsonl").write_text(_lines(SECOND))
    (folder / "exposures.jsonl").write_text(_lines(EXPOSURES))
    (folder / "metrics.yaml").write_text(METRICS)

    def headway(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "headway", *args], env=_env(home), cwd=folder,
                              capture_output=True, text=True, timeout=240, check=False)

    for command in (("init", "--workspace", "Acme", "--admin", "root", "--admin-password", ADMIN_PASSWORD),
                    ("events", "ingest", "first.jsonl")):
        done = headway(*command)
        assert done.returncode == 0, done.stderr
    token = headway("token", "create", "probe", "--user", "root").stdout.strip().splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "headway", "serve", "--port", str(port)], env=_env(home),
                              cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/analytics/events/stats",
                                         headers={"Authorization": f"Bearer {token}"})
        deadline, body = time.monotonic() + 120, None
        while body is None:
            try:  # the server opens the events file on this first read, and keeps it
                with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (http://127.0.0.1)
                    body = json.load(answer)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert body["events"] == 4
        yield headway
    finally:
        server.terminate()
        server.wait(timeout=30)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    assert HANDED in done.stderr  # the work ran in the server, not here
    return done.stdout


def test_events_ingest_stats_and_sql_go_through_the_server(served):
    out = _ok(served("events", "ingest", "second.jsonl"))  # a relative path, read by the server
    assert "ingested: 2  duplicates: 0  rejected: 0" in out
    stats = json.loads(_ok(served("events", "stats", "--json")))
    assert (stats["events"], stats["distinct_ids"], stats["by_event"]) == (6, 3, {"signup": 3, "purchase": 3})
    rows = json.loads(_ok(served("events", "sql", "SELECT event, count(*) AS n FROM events GROUP BY 1 ORDER BY 1",
                                 "--json")))
    assert rows == [{"event": "purchase", "n": 3}, {"event": "signup", "n": 3}]


def test_every_insight_and_metric_goes_through_the_server(served):
    served("events", "ingest", "second.jsonl")  # idempotent: the six events whichever test runs first
    trend = json.loads(_ok(served("insight", "trends", "signup", *RANGE, "--json")))
    assert trend["series"][0]["data"] == [2.0, 1.0, 0.0]
    funnel = _ok(served("insight", "funnel", "signup", "purchase", *RANGE))
    assert "66.7" in funnel  # 2 of the 3 who signed up bought (the formatting layer: three significant digits)
    assert "signup" in _ok(served("insight", "retention", "signup", "--to", "2026-01-07", "--intervals", "3"))
    assert "purchase" in _ok(served("insight", "stickiness", "purchase", *RANGE))
    assert "signup" in _ok(served("insight", "lifecycle", "signup", *RANGE))
    assert "signup" in _ok(served("insight", "paths", "--custom", *RANGE))
    buyers = json.loads(_ok(served("metrics", "compute", "buyers", "--file", "metrics.yaml", *RANGE, "--json")))
    assert buyers["values"] == [0.0, 1.0, 2.0]
    created = served("insight", "cohort", "create", "buyers", "--event", "purchase", "--days", "3650")
    assert created.returncode == 0, created.stderr
    cohort_id = created.stdout.split()[1]
    persons = _ok(served("insight", "cohort", "persons", cohort_id))
    assert "2 persons" in persons and "u1" in persons and "u3" in persons and "u2" not in persons


def test_a_command_that_fails_in_the_server_exits_non_zero_with_its_error(served):
    refused = served("events", "sql", "DELETE FROM events")
    assert refused.returncode == 1 and HANDED in refused.stderr
    assert "it is a DELETE statement, not a SELECT" in refused.stderr and "Traceback" not in refused.stderr
    missing = served("events", "ingest", "nowhere.jsonl")
    assert missing.returncode == 1 and "There is no file" in missing.stderr
    unknown = served("metrics", "compute", "sellers", "--file", "metrics.yaml", *RANGE)
    assert unknown.returncode == 1 and HANDED in unknown.stderr


def test_the_demo_refuses_before_wiping_anything_while_the_server_holds_the_events(served):
    refused = served("demo", "--no-serve")
    assert refused.returncode == 1 and "stop the server" in refused.stderr and "Traceback" not in refused.stderr
    assert "root" in served("user", "list").stdout  # the database was not flushed
    assert json.loads(_ok(served("events", "stats", "--json")))["events"] >= len(FIRST)


def test_experiments_go_through_the_server(served):
    served("events", "ingest", "second.jsonl")  # idempotent: u3's purchase whichever test runs first
    _ok(served("events", "ingest", "exposures.jsonl"))
    created = _ok(served("experiment", "create", "new-checkout", "--metric", "purchase", *RANGE))
    assert "Experiment new-checkout created" in created
    results = json.loads(_ok(served("experiment", "results", "new-checkout", "--json")))
    arms = {a["variant"]: a for a in results["arms"]}
    assert (arms["control"]["exposures"], arms["new"]["exposures"]) == (2, 2)
    assert (arms["control"]["mean"], arms["new"]["mean"]) == (0.5, 0.5)  # conversion: one of two in each arm
    unknown = served("experiment", "create", "ghost", "--metric", "refund", *RANGE)
    assert unknown.returncode == 1 and "no event named 'refund'" in unknown.stderr
