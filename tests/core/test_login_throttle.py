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
