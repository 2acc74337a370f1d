"""Login throttling is per account and per real client address, and atomic (issue 15, point 6): guesses in flight
at once are counted before their passwords are checked, so a limit of 5 lets 5 through, never 11."""

from __future__ import annotations

import pytest

from headway.core import services
from headway.core.errors import Throttled
from headway.core.models import LoginAttempt

pytestmark = pytest.mark.django_db


def test_eleven_guesses_in_flight_at_once_get_five_through(viewer):
    # eleven logins have started and none has finished its password check: each is counted on arrival
    through, refused = 0, 0
    for _ in range(11):
        try:
            services.reserve_login_attempt("vic", "203.0.113.7")
            through += 1
        except Throttled:
            refused += 1
    assert (through, refused) == (5, 6)
    assert LoginAttempt.objects.filter(username="vic").count() == 5


def test_the_address_limit_is_per_real_client(viewer, make_user):
    # 20 failures from one client lock that client out (for any account), not other clients
    for n in range(20):
        services.reserve_login_attempt(f"nobody{n}", "198.51.100.1")
    with pytest.raises(Throttled):
        services.reserve_login_attempt("vic", "198.51.100.1")
    services.reserve_login_attempt("vic", "198.51.100.2")  # another client may still log in


def test_a_login_is_counted_before_its_password_is_checked(viewer, monkeypatch):
    from django.contrib.auth import authenticate
    from django.contrib.auth.backends import ModelBackend

    seen: list[int] = []
    check = ModelBackend.authenticate

    def checking(self, request, **kwargs):
        seen.append(LoginAttempt.objects.filter(username="vic").count())  # what a concurrent login would see
        return check(self, request, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", checking)
    assert authenticate(None, username="vic", password="wrong-password") is None
    assert seen == [1]


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database that threads share as a server's would: PostgreSQL when the suite runs on it, else the test
    SQLite copied to a file (in-memory SQLite shares one cache with table locks, which no server has)."""
    from django.db import connection, connections

    if connection.vendor != "sqlite":
        yield
        return
    import sqlite3

    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    shared = {id(d): d for d in (connection.settings_dict, connections.settings[connection.alias])}
    original, memory = connection.settings_dict["NAME"], connection.connection
    connection.connection = None  # kept open aside: the in-memory database lives while a connection does
    for entry in shared.values():  # this thread's and the one every other thread's connection is made from
        entry["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        for entry in shared.values():
            entry["NAME"] = original
        connection.connection = memory


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_never_exceed_the_limit(viewer, shared_database):
    import threading

    from django.contrib.auth import authenticate
    from django.db import connection

    from headway.core.models import User

    assert User.objects.filter(username="vic").exists()  # made before the copy: the threads see it
    threads, start = 12, threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(n: int) -> None:
        from django.db import connection as own

        start.wait()
        try:
            user = authenticate(None, username="vic", password=f"wrong-guess-{n}")
            outcome = "let in" if user is not None else "wrong password"
        except Throttled:
            outcome = "throttled"
        finally:
            own.close()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    # a limit of 5: exactly five passwords were checked (and wrong), the other seven refused unchecked
    assert sorted(outcomes) == ["throttled"] * 7 + ["wrong password"] * 5
    assert LoginAttempt.objects.filter(username="vic").count() == 5
    assert connection.vendor in ("sqlite", "postgresql")
