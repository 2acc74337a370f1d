"""Acknowledged means durable (issue 15, point 5): a real `headway serve` killed with SIGKILL while clients
POST batches of events loses none of the events it acknowledged, stores none twice, and the batches that were
not acknowledged can be sent again without duplicates."""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.cli.test_setup_commands import ADMIN_PASSWORD, headway
from tests.web.test_server_restart import free_port, start, wait_until_up

pytestmark = pytest.mark.slow

CLIENTS, BATCHES, BATCH = 4, 40, 250


def batch(client: int, number: int) -> list[dict[str, object]]:
    """One client's batch: distinct uuids, a few persons, and (every fifth batch) a uuid of an earlier batch
    re-stamped, which must count as a duplicate, never as a second event."""
    events: list[dict[str, object]] = [
        {"uuid": f"c{client}-b{number}-{n}", "event": ("visit", "purchase")[n % 2], "distinct_id": f"u{n % 17}",
         "timestamp": f"2026-02-{1 + number % 28:02d}T{n % 24:02d}:00:00Z", "properties": {"n": n}}
        for n in range(BATCH)]
    if number and number % 5 == 0:
        events[0] = {**events[0], "uuid": f"c{client}-b{number - 1}-1", "timestamp": "2026-03-01T00:00:00Z"}
    return events


def post(port: int, token: str, events: list[dict[str, object]]) -> dict[str, object] | None:
    """The ingest report, or None when the server gave no answer (killed on the way)."""
    try:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        con.request("POST", "/api/v1/analytics/events", body=json.dumps({"events": events}),
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = con.getresponse()
        body = response.read()
        con.close()
    except OSError:
        return None
    assert response.status == 200, body[:500]
    report: dict[str, object] = json.loads(body)
    return report


def test_kill_9_while_ingesting_loses_no_acknowledged_event_and_duplicates_none(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = headway(home, "init", "--workspace", "Acme", "--admin", "root", "--admin-password", ADMIN_PASSWORD)
    assert done.returncode == 0, done.stderr
    token = headway(home, "token", "create", "kill", "--user", "root").stdout.strip().splitlines()[-1]
    port = free_port()
    server = start(home, port)
    acknowledged: dict[tuple[int, int], dict[str, object]] = {}
    lock = threading.Lock()
    try:
        wait_until_up(server, port)

        def client(number: int) -> None:
            for b in range(BATCHES):
                report = post(port, token, batch(number, b))
                if report is None:
                    return  # the server is gone: this batch and the rest are not acknowledged
                with lock:
                    acknowledged[(number, b)] = report

        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < CLIENTS * BATCHES // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)  # mid-stream: requests are in flight
        server.wait(10)
        for thread in threads:
            thread.join(60)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGKILL)
            server.wait(10)
    assert CLIENTS * BATCHES // 3 <= len(acknowledged) < CLIENTS * BATCHES, "not killed mid-stream"
    assert all(r["ingested"] + r["duplicates"] == BATCH and not r["rejected"] for r in acknowledged.values())

    restarted = start(home, port)
    try:
        wait_until_up(restarted, port)
        for (c, b), report in acknowledged.items():  # durable: sent again, each acknowledged batch adds nothing
            again = post(port, token, batch(c, b))
            assert again is not None and (again["ingested"], again["duplicates"]) == (0, BATCH), (c, b, report)
        for c in range(CLIENTS):  # the rest, sent again, are stored once
            for b in range(BATCHES):
                if (c, b) not in acknowledged:
                    again = post(port, token, batch(c, b))
                    assert again is not None and again["ingested"] + again["duplicates"] == BATCH
    finally:
        restarted.terminate()
        restarted.wait(30)
    expected = {str(e["uuid"]) for c in range(CLIENTS) for b in range(BATCHES) for e in batch(c, b)}
    with duckdb.connect(str(home / "events.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT uuid FROM events").fetchall()
    uuids = [row[0] for row in stored]
    assert len(uuids) == len(set(uuids)), "an event was stored twice"
    assert set(uuids) == expected
