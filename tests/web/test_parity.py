"""Parity (issue 14, point 1): every write operation of the JSON API has a web route, a reason to be API-only,
or is listed as still missing — and that list only shrinks."""

from __future__ import annotations

from django.urls import get_resolver

from headway.conf.api import api
from headway.web.parity import API_ONLY, MISSING, WEB

WRITES = ("POST", "PUT", "PATCH", "DELETE")
#: The gaps known when the inventory was written; building a form moves its operation from MISSING to WEB.
KNOWN_GAPS = 0  # 15 when the inventory was written, + 3 from the hiring and reports merges, - 18 in the third wave


def api_writes() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items()
            for method in operations if method.upper() in WRITES}


def test_every_api_write_has_a_web_route_or_a_reason():
    writes = api_writes()
    unaccounted = sorted(writes - set(WEB) - set(API_ONLY) - MISSING)
    assert unaccounted == [], ("API writes with neither a web route nor a reason to be API-only: add each to "
                               f"headway/web/parity.py: {unaccounted}")
    stale = sorted((set(WEB) | set(API_ONLY) | MISSING) - writes)
    assert stale == [], f"headway/web/parity.py names operations the API no longer has: {stale}"
    assert not (set(WEB) & set(API_ONLY)) and not (set(WEB) & MISSING) and not (set(API_ONLY) & MISSING)


def test_every_web_route_of_the_inventory_exists():
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    absent = sorted({route for route in WEB.values() if route not in names})
    assert absent == [], f"web routes named in headway/web/parity.py that do not exist: {absent}"
    for reason in API_ONLY.values():
        assert len(reason) > 30, reason


def test_the_missing_forms_only_get_fewer():
    assert len(MISSING) <= KNOWN_GAPS
