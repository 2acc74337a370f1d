"""`headway events|insight` through the real command entry point, in this process's test database."""

from __future__ import annotations

import json

import pytest

from headway.analytics import services
from headway.cli import main
from tests.analytics.conftest import EVENTS, PURCHASES_PER_DAY, RANGE

pytestmark = pytest.mark.django_db(transaction=True)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.jsonl"
    lines = [json.dumps(e) for e in EVENTS]
    lines.insert(2, '{"event": "visit", "timestamp": "not a time", "distinct_id": "x"}')
    lines.insert(4, '{"event": "", "timestamp": "2026-01-05T10:00:00Z", "distinct_id": "x"}')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_reports_counts_and_writes_the_rejects_file(capsys, empty_store, events_file, tmp_path):
    rejects = tmp_path / "bad.jsonl"
    code, out, _ = run(capsys, "events", "ingest", str(events_file), "--rejects", str(rejects))
    assert code == 0
    assert "ingested: 5  duplicates: 0  rejected: 2" in out
    assert "7 of 7 rows" in out and "100%" in out  # the bar ends full: a JSONL file's total is estimated
    assert str(rejects) in out.replace("\n", "")
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["row"] for r in rows] == [3, 5]
    code, out, _ = run(capsys, "events", "ingest", str(events_file))
    assert "ingested: 0  duplicates: 5  rejected: 2" in out
    assert (events_file.parent / "events.jsonl.rejects.jsonl").exists()


def test_ingest_of_a_missing_file_is_one_line_error(capsys, empty_store, tmp_path):
    code, _, err = run(capsys, "events", "ingest", str(tmp_path / "nope.csv"))
    assert code == 1
    assert err.startswith("error: There is no file") and "Traceback" not in err


def test_stats_and_sql(capsys, events):
    code, out, _ = run(capsys, "events", "stats", "--json")
    assert code == 0
    body = json.loads(out)
    assert (body["events"], body["distinct_ids"], body["by_event"]) == (5, 3, {"purchase": 4, "visit": 1})
    code, out, _ = run(capsys, "events", "sql", "SELECT event, count(*) AS n FROM events GROUP BY 1 ORDER BY 1",
                       "--json")
    assert code == 0 and json.loads(out) == [{"event": "purchase", "n": 4}, {"event": "visit", "n": 1}]
    code, _, err = run(capsys, "events", "sql", "SELEC nonsense")
    assert code == 1 and err.startswith("error:")


def test_trends_json_csv_and_table(capsys, events):
    dates = ["--from", RANGE["date_from"], "--to", RANGE["date_to"]]
    code, out, _ = run(capsys, "insight", "trends", "purchase", *dates, "--json")
    assert code == 0
    assert [s["data"] for s in json.loads(out)["series"]] == [PURCHASES_PER_DAY]
    code, out, _ = run(capsys, "insight", "trends", "purchase", *dates, "--breakdown", "device", "--csv")
    assert out.splitlines()[:3] == ["interval,series,value", "2026-01-05,mobile,1.0", "2026-01-06,mobile,1.0"]
    code, out, _ = run(capsys, "insight", "trends", "purchase", *dates, "--math", "sum", "--property", "amount",
                       "--where", "device:eq:mobile")
    assert code == 0 and "big number: 30" in out


def test_trends_errors_are_one_line(capsys, events):
    code, _, err = run(capsys, "insight", "trends", "purchase", "--where", "device")
    assert code == 1 and err.startswith("error:") and "property:op:value" in err
    code, _, err = run(capsys, "insight", "trends", "purchase", "--interval", "year")
    assert code == 1 and "interval" in err


def test_the_cli_shows_the_number_the_service_computes(capsys, events):
    expected = services.trends(None, {"event": "purchase", "math": "unique_users", **RANGE})
    code, out, _ = run(capsys, "insight", "trends", "purchase", "--math", "unique_users",
                       "--from", RANGE["date_from"], "--to", RANGE["date_to"], "--json")
    assert code == 0
    assert json.loads(out)["series"][0]["data"] == expected.series[0].data == [2.0, 1.0, 1.0]


@pytest.mark.parametrize("query", [
    "SELECT 1; DROP TABLE events",
    "COPY events TO '/tmp/headway-events-copy.csv'",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "ATTACH '/tmp/headway-other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "PRAGMA database_list",
    "SET enable_external_access = true",
])
def test_sql_destroys_and_reads_nothing_outside_the_store(capsys, events, query):
    """Issue 15: `events sql "SELECT 1; DROP TABLE events"` deleted every event; now each trick is refused."""
    code, out, err = run(capsys, "events", "sql", query)
    assert code == 1 and err.startswith("error: `events sql` runs one read-only SELECT")
    assert "root:" not in out + err
    assert services.store_stats(None).events == 5


def test_csv_output_neutralises_formula_prefixes(capsys, empty_store):
    services.ingest(None, [{"uuid": "f1", "event": "purchase", "timestamp": "2026-01-05T10:00:00Z",
                            "distinct_id": "a", "properties": {"device": "=cmd|' /C calc'!A0"}}])
    dates = ["--from", RANGE["date_from"], "--to", RANGE["date_to"]]
    code, out, _ = run(capsys, "insight", "trends", "purchase", *dates, "--breakdown", "device", "--csv")
    assert code == 0
    assert out.splitlines()[1] == "2026-01-05,'=cmd|' /C calc'!A0,1.0"
