"""Strategy fixtures: an empty events store, a product manager, and a hand-entered KPI with known values."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.permissions import Role

# Three days of a hand-entered KPI in May 2026; FY quarters of a workspace whose fiscal year starts in January.
DAYS = [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]
CSV = "date,value\n2026-05-01,10\n2026-05-02,20\n2026-05-03,30\n"
PERIOD = "2026-05-01..2026-05-10"


@pytest.fixture
def empty_store(db, workspace, settings, tmp_path):
    from headway.analytics import services

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    yield
    services.close_store()


@pytest.fixture
def pm(make_user):
    return make_user("pat", Role.PRODUCT_MANAGER)


@pytest.fixture
def signups(workspace):
    """A hand-entered KPI (no metric) with values 10, 20, 30 on 1–3 May 2026 and a target of 250."""
    from headway.strategy import services

    services.create_kpi(None, "signups", "Sign-ups", unit="count", aggregation="sum")
    assert services.import_values(None, "signups", CSV) == 3
    services.set_target(None, "signups", PERIOD, "250")
    return services.get_kpi(None, "signups")
