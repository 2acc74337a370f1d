"""Private helpers shared by the strategy use cases: permission shorthands, text and choice checks, the people
named in a form, and a KPI's stored history. Never imported by a face."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check, has_perm
from headway.core.services import get_user
from headway.strategy.engine.series import How
from headway.strategy.engine.status import Direction, StatusName
from headway.strategy.models import Kpi

#: The central interval of projections (and of the KPI chart's forecast band).
STATUS_LEVEL = 0.8


def read(actor: User | None) -> None:
    """Refuse unless the actor may read the workspace."""
    check(actor, Perm.VIEW_WORKSPACE)


def edit(actor: User | None) -> None:
    """Refuse unless the actor may change goals, KPIs, targets and areas."""
    check(actor, Perm.EDIT_STRATEGY)


def can_edit(actor: User | None) -> bool:
    """Whether the actor may change goals, KPIs, targets and areas (the system may)."""
    return actor is None or has_perm(actor, Perm.EDIT_STRATEGY)


def text(value: str, name: str, limit: int, *, required: bool = True) -> str:
    """``value`` stripped, present when ``required`` and at most ``limit`` characters long."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Give a {name}: it cannot be empty.", details={name: "required"})
    if len(value) > limit:
        raise ValidationError(f"The {name} is {len(value)} characters long: keep it to {limit}.",
                              details={name: f"at most {limit} characters"})
    return value


def choice(value: str, choices: Sequence[str], name: str) -> str:
    """``value`` when it is one of ``choices``, else a ValidationError that lists them."""
    if value not in choices:
        raise ValidationError(f"{name} {value!r} is unknown: use one of {', '.join(choices)}.",
                              details={name: value})
    return value


def user_named(username: str | None) -> User | None:
    """The user with ``username``, or None for a blank name."""
    if username is None or str(username).strip() == "":
        return None
    return get_user(str(username).strip())


def history(kpi: Kpi, as_of: dt.date) -> tuple[list[dt.date], list[float]]:
    """A KPI's stored daily values up to ``as_of``, oldest first, as dates and values."""
    rows = list(kpi.values.filter(date__lte=as_of).order_by("date").values_list("date", "value"))
    return [d for d, _ in rows], [v for _, v in rows]


def how_of(aggregation: str) -> How:
    """A KPI's aggregation as the engine's literal (``sum`` for anything else)."""
    return "mean" if aggregation == "mean" else "last" if aggregation == "last" else "sum"


def direction_of(direction: str) -> Direction:
    """A KPI's direction as the engine's literal (``higher`` for anything else)."""
    return "lower" if direction == "lower" else "higher"


def status_name(status: str | None) -> StatusName | None:
    """A stored progress status as the engine's literal, or None for no_target, no_data and nothing."""
    return "on_track" if status == "on_track" else "at_risk" if status == "at_risk" else (
        "off_track" if status == "off_track" else None)


def require_edit(actor: User | None) -> None:
    """Refuse (PermissionDenied) unless the actor may change goals, KPIs and areas (edit forms check it)."""
    edit(actor)
