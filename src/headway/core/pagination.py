"""Page pagination for every API list: ``?page=N`` → ``{"items": [...], "count": total}``.

Pages are bounded so an absurd page number is a 422 with the fix, not a database overflow.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    """Django Ninja's page pagination with bounded page numbers and sizes."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)


def page_number(value: object) -> int:
    """A web page's ``?page=`` as a page number from 1 to :data:`MAX_PAGE`; anything else reads as page 1."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_PAGE else 1
