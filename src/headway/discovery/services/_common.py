"""Private helpers shared by the discovery use cases (never imported by the faces).

Cleaning cell values, finding accounts, reading and writing embedding vectors, recounting theme sizes, and
announcing that the demand of ideas may have changed.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, SupportsFloat

import numpy as np
import numpy.typing as npt
from django.db import connections
from django.db.models import Count, Field

from headway.discovery.engine import ThemeModel
from headway.discovery.models import Account, DemandLink, FeedbackItem, Theme, ThemeRun
from headway.discovery.signals import demand_changed

#: Called with a step's label and the fraction done (0 to 1).
ProgressFn = Callable[[str, float], None]
Vectors = npt.NDArray[np.float32]


def _column(name: str) -> tuple[Field[Any, Any], str]:
    """A concrete field of FeedbackItem and its column."""
    field = FeedbackItem._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{name} is not a column of FeedbackItem")
    return field, field.column


def write_columns(items: Sequence[FeedbackItem], fields: Sequence[str]) -> None:
    """Save ``fields`` of many items with one prepared UPDATE run per row (much faster than bulk_update)."""
    connection = connections[FeedbackItem.objects.db]
    model_fields = [_column(f) for f in fields]
    columns = ", ".join(f"{connection.ops.quote_name(column)} = %s" for _, column in model_fields)
    table = connection.ops.quote_name(FeedbackItem._meta.db_table)
    rows = [[f.get_db_prep_save(getattr(item, f.attname), connection) for f, _ in model_fields] + [item.pk]
            for item in items]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)  # names come from the model


def parse_number(
    value: object, *, low: float | None = None, high: float | None = None, integer: bool = False
) -> float | int | None:
    """A number parsed from text like ``"12,000"`` or ``"$1.5k"``; None for an empty cell.

    A ValueError says what the number must be (``"a number"``, ``"at least 0"``, ``"a whole number"``).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = (
            value.strip().replace(",", "").replace("$", "").replace("€", "").replace("£", "").replace(" ", "")
        )
        factor = 1.0
        if text[-1:].lower() in {"k", "m"}:
            factor = 1_000.0 if text[-1].lower() == "k" else 1_000_000.0
            text = text[:-1]
        try:
            number = float(text) * factor
        except ValueError:
            raise ValueError("a number") from None
    elif isinstance(value, bool):
        raise ValueError("a number, not true/false")
    elif isinstance(value, SupportsFloat):
        number = float(value)
    else:
        raise TypeError(f"float() argument must be a string or a real number, not '{type(value).__name__}'")
    if number != number:  # NaN
        raise ValueError("a number")
    if low is not None and number < low:
        raise ValueError(f"at least {low:g}")
    if high is not None and number > high:
        raise ValueError(f"at most {high:g}")
    if integer:
        if number != int(number):
            raise ValueError("a whole number")
        return int(number)
    return number


def clean_text(value: object, limit: int) -> str:
    """``value`` as one line of text (runs of whitespace as one space), cut to ``limit`` characters."""
    return "" if value is None else " ".join(str(value).split())[:limit]


def find_account(ref: object) -> Account | None:
    """The account whose external id is ``ref``, else the first whose name is ``ref`` (any case)."""
    if ref in (None, ""):
        return None
    text = str(ref).strip()
    return (
        Account.objects.filter(external_id=text).first()
        or Account.objects.filter(name__iexact=text).order_by("id").first()
    )


def theme_model(run: ThemeRun | None) -> ThemeModel | None:
    """The engine's model stored by a finished theme run (None before the first run)."""
    if run is None or not run.model:
        return None
    return ThemeModel.from_dict(json.loads(zlib.decompress(bytes(run.model))))


def to_bytes(vector: npt.ArrayLike) -> bytes:
    """An embedding vector as stored in ``FeedbackItem.vector`` (float32)."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def vectors(items: Sequence[FeedbackItem], dimensions: int) -> Vectors:
    """The stored vectors of ``items`` as rows (zeros for an item without one of ``dimensions``)."""
    return vector_rows([item.vector for item in items], dimensions)


def vector_rows(blobs: Sequence[bytes | memoryview | None], dimensions: int) -> Vectors:
    """Stored vectors (``FeedbackItem.vector`` values) as rows (zeros for an empty one, or one not of
    ``dimensions``)."""
    rows = np.zeros((len(blobs), dimensions), dtype=np.float32)
    for i, blob in enumerate(blobs):
        if blob:
            row = np.frombuffer(bytes(blob), dtype=np.float32)
            if len(row) == dimensions:
                rows[i] = row
    return rows


def recount_sizes() -> None:
    """Store each theme's number of items (a parent's: its children's)."""
    counts = dict(
        FeedbackItem.objects.filter(theme__isnull=False).values_list("theme").annotate(n=Count("id"))
    )
    themes = list(Theme.objects.all())
    for theme in themes:
        theme.size = counts.get(theme.pk, 0)
    children: dict[int, int] = defaultdict(int)
    for theme in themes:
        if theme.parent_id:
            children[theme.parent_id] += theme.size
    for theme in themes:
        if theme.is_parent:
            theme.size = children.get(theme.pk, 0)
    Theme.objects.bulk_update(themes, ["size"], batch_size=500)


def announce_demand(refs: Iterable[str] | None = None) -> None:
    """Send :data:`headway.discovery.signals.demand_changed` for ``refs`` (every linked idea when None).

    Sent inside the caller's transaction: a listener that stores a derived number does so atomically with
    the change of links.
    """
    if refs is None:
        changed = sorted(set(DemandLink.objects.values_list("idea_ref", flat=True)))
    else:
        changed = sorted(set(refs))
    if changed:
        demand_changed.send(sender=DemandLink, refs=changed)
