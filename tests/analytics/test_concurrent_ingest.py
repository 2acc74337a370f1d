"""The events store under a server's load (issue 15, point 5): readers never wait for the writer, and
concurrent batches are committed together (group commit) with each uuid stored once and every request told
exactly what became of its own events."""

from __future__ import annotations

import threading

import pytest

from headway.analytics import services
from headway.analytics.services import store as store_service
from tests.analytics.conftest import EVENTS

pytestmark = pytest.mark.django_db(transaction=True)  # the threads read the committed workspace


def in_thread(work, timeout: float = 60.0):
    """Run ``work`` in another thread (as a server thread would); its result, or None if it did not finish."""
    out: list[object] = []
    worker = threading.Thread(target=lambda: out.append(work()))
    worker.start()
    worker.join(timeout)
    return out[0] if out else None


def test_a_reader_answers_while_the_writer_is_held(events):
    answer = in_thread(lambda: services.store_stats(None).events)  # this thread's cursor exists already
    assert answer == 5
    with store_service._writer():  # a long import holds the one writer
        assert in_thread(lambda: services.store_stats(None).events, timeout=30) == 5
        assert in_thread(lambda: services.trends(None, {"event": "purchase", "date_from": "2026-01-05",
                                                          "date_to": "2026-01-07"}).series[0].data,
                         timeout=30) == [2.0, 1.0, 1.0]


def test_a_new_thread_reads_while_the_writer_is_held(events):
    with store_service._writer():
        assert in_thread(lambda: services.event_names(None), timeout=30) == ["purchase", "visit"]


def test_concurrent_batches_store_each_uuid_once_and_report_their_own_counts(empty_store):
    shared = [{"uuid": f"shared-{n}", "event": "view", "timestamp": f"2026-01-05T10:{n:02d}:00Z",
               "distinct_id": "s"} for n in range(50)]
    threads, start = 8, threading.Barrier(8)
    reports: dict[int, object] = {}

    def send(t: int) -> None:
        own = [{"uuid": f"t{t}-{n}", "event": "view", "timestamp": f"2026-01-0{1 + n % 9}T08:00:00Z",
                "distinct_id": f"user-{t}-{n % 7}"} for n in range(450)]
        late = [{**e, "timestamp": "2026-02-01T00:00:00Z"} for e in shared]  # the same uuids, re-stamped
        start.wait()
        reports[t] = services.ingest(None, own + (shared if t % 2 else late))

    workers = [threading.Thread(target=send, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert len(reports) == threads
    assert sum(r.ingested for r in reports.values()) == threads * 450 + 50
    assert sum(r.duplicates for r in reports.values()) == (threads - 1) * 50
    assert all(r.ingested >= 450 and not r.rejected for r in reports.values())
    stats = services.store_stats(None)
    assert stats.events == threads * 450 + 50
    assert stats.by_event == {"view": threads * 450 + 50}


def test_a_batch_sent_again_adds_nothing_even_re_stamped(events):
    again = services.ingest(None, [{**e, "timestamp": "2026-03-01T00:00:00Z"} for e in EVENTS])
    assert (again.ingested, again.duplicates) == (0, 5)
    assert services.store_stats(None).events == 5
