"""An ingest killed mid-way (kill -9 or Ctrl-C) leaves whole batches only; running it again completes it.

The ingest runs in a child process on a DuckDB file. After the progress callback reports the 2nd batch the
child writes a signal file; the parent then interrupts it at once, i.e. while it reads, checks or writes a
later batch. The store must then hold exactly the first k batches (k >= 2, fewer than all), and a re-run
must add exactly the missing events.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from headway.analytics import EventStore

CHILD = Path(__file__).with_name("ingest_child.py")
BATCH = 5_000
BATCHES = 6


def write_source(path: Path) -> list[str]:
    """A JSONL file of BATCHES * BATCH events (uuids e-0, e-1, ... in file order)."""
    uuids = [f"e-{i}" for i in range(BATCH * BATCHES)]
    with path.open("w") as out:
        for i, uuid in enumerate(uuids):
            moment = f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
            record = {"uuid": uuid, "event": "view", "timestamp": moment, "distinct_id": f"u{i % 997}",
                      "properties": {"n": i}}
            out.write(json.dumps(record) + "\n")
    return uuids


def run_and_interrupt(url: str, source: Path, tmp_path: Path, how: signal.Signals) -> int:
    """Start the ingest, interrupt it right after its 2nd batch, and return the child's exit code."""
    flag = tmp_path / f"batch2-{how.name}"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), url, str(source), str(BATCH), str(flag), "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else "child ended"
        assert time.monotonic() < deadline, "the ingest never reached its 2nd batch"
        time.sleep(0.005)
    child.send_signal(how)
    try:
        child.communicate(timeout=120)
    finally:
        child.kill()
    return child.returncode


def stored_uuids(url: str) -> list[str]:
    store = EventStore.connect(url)
    try:
        return [r["uuid"] for r in store.sql("SELECT uuid FROM events").to_pylist()]
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_an_interrupted_ingest_keeps_whole_batches_and_a_rerun_completes_it(tmp_path, how):
    source = tmp_path / "events.jsonl"
    uuids = write_source(source)
    url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    EventStore.connect(url).close()  # the tables exist before the child starts

    code = run_and_interrupt(url, source, tmp_path, how)
    assert code != 0  # it was interrupted, not finished
    kept = stored_uuids(url)
    whole = len(kept) // BATCH
    assert len(kept) % BATCH == 0, f"{len(kept)} events: part of a batch was written"
    assert 2 <= whole < BATCHES
    assert sorted(kept, key=lambda u: int(u[2:])) == uuids[: whole * BATCH]  # exactly the first batches

    rerun = subprocess.run([sys.executable, str(CHILD), url, str(source), str(BATCH)],
                           capture_output=True, text=True, check=True)
    report = json.loads(rerun.stdout)
    assert (report["ingested"], report["duplicates"], report["rejected"]) == (
        len(uuids) - whole * BATCH, whole * BATCH, 0
    )
    final = stored_uuids(url)
    assert len(final) == len(set(final)) == len(uuids)
    assert set(final) == set(uuids)


def test_a_ctrl_c_that_reaches_duckdb_while_a_batch_is_released_stops_the_ingest(monkeypatch):
    """DuckDB turns Ctrl-C during its query into ``duckdb.InterruptException`` (an ``Exception``): releasing a
    batch's table is best effort, but that error must still stop the ingest (CI once saw a Ctrl-C swallowed
    there: the child ingested everything and exited 0)."""
    import duckdb

    from headway.analytics.engine import backends

    def interrupted(backend, name):
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setitem(backends.RELEASE_MEMTABLE, "duckdb", interrupted)
    store = EventStore.connect()
    with pytest.raises(duckdb.InterruptException):
        store.ingest([{"event": "view", "timestamp": "2024-03-01T00:00:00Z", "distinct_id": "u1"}])

    def failed(backend, name):
        raise duckdb.CatalogException("no such view")

    monkeypatch.setitem(backends.RELEASE_MEMTABLE, "duckdb", failed)  # any other failure costs memory only
    assert store.ingest([{"event": "view", "timestamp": "2024-03-02T00:00:00Z", "distinct_id": "u1"}]).ingested == 1


def test_the_cli_reports_a_ctrl_c_seen_by_duckdb_as_interrupted(monkeypatch, capsys):
    import duckdb
    import typer

    from headway.cli.errors import run_guarded

    app = typer.Typer()

    @app.command()
    def ingest() -> None:
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    assert run_guarded(app, []) == 130
    assert "interrupted." in capsys.readouterr().err


def test_a_ctrl_c_swallowed_on_its_way_still_stops_the_ingest_at_the_next_batch():
    """Ctrl-C that lands in code which swallows KeyboardInterrupt (here the progress callback; in the wild a
    garbage-collector finalizer or DuckDB's interrupt turned into an error) is remembered: the ingest stops
    before the next batch, keeping the whole batches already written."""
    import os

    store = EventStore.connect()
    records = [{"event": "view", "timestamp": f"2024-03-01T00:00:{i:02d}Z", "distinct_id": "u1", "uuid": f"e{i}"}
               for i in range(30)]

    def swallow_ctrl_c(done: int, total: int | None) -> None:
        if done == 10:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.5)  # the handler runs here, in the main thread
            except KeyboardInterrupt:
                pass

    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal, even under `cmd &`
    try:
        with pytest.raises(KeyboardInterrupt):
            store.ingest(records, batch_size=5, on_progress=swallow_ctrl_c)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert store.stats().events == 10
