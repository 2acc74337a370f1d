"""Release markers (the dates initiatives entered ``shipped``, read from planning) and annotations.

Markers are drawn on KPI and trends charts and the date pickers jump to them; :func:`markers` gives both kinds
for one KPI (or insight) and a date range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from headway.core import audit
from headway.core.errors import NotFound
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems, actor_label
from headway.impact.models import Annotation, Measurement


@dataclass(frozen=True)
class Marker:
    """One date on a chart: a release (``kind="release"``, with its initiative) or an annotation."""

    date: date
    text: str
    kind: str
    scope: str
    target: str
    initiative_id: int | None = None
    annotation_id: int | None = None


@dataclass(frozen=True)
class Release:
    """A shipped initiative: when it shipped and the KPI it should move."""

    initiative_id: int
    title: str
    shipped_on: date
    stage: str
    kpi: str | None


def releases(actor: User | None) -> list[Release]:
    """Every initiative that has entered ``shipped`` (now shipped or measured), with the day it first did."""
    from headway.planning import services as planning

    found: list[Release] = []
    for stage in ("shipped", "measured"):
        for initiative in planning.list_initiatives(actor, stage=stage):
            detail = planning.initiative_detail(actor, initiative.pk)
            day = _ship_day(initiative.pk, [step.at.date() for step in detail.history if step.to == "shipped"])
            if day is not None:
                found.append(Release(initiative.pk, detail.title, day, detail.stage, detail.kpi))
    return sorted(found, key=lambda r: (r.shipped_on, r.initiative_id))


def shipped_on(actor: User | None, initiative_id: int) -> date | None:
    """The day an initiative shipped: the date set on its measurement, else the first day it entered ``shipped``."""
    from headway.planning import services as planning

    detail = planning.initiative_detail(actor, initiative_id)
    return _ship_day(initiative_id, [step.at.date() for step in detail.history if step.to == "shipped"])


def _ship_day(initiative_id: int, history: list[date]) -> date | None:
    """The ship date set on the measurement (a correction), else the first day the history says shipped."""
    row = Measurement.objects.filter(initiative_id=initiative_id).only("shipped_on").first()
    if row is not None and row.shipped_on is not None:
        return row.shipped_on
    return min(history) if history else None


def add_annotation(actor: User | None, day: date | str, text: str, *, scope: str = "workspace",
                   target: str = "") -> Annotation:
    """Add a dated note (needs ideas.edit): for the workspace, a KPI (``target`` its name) or a saved insight."""
    check(actor, Perm.EDIT_IDEAS)
    problems = Problems()
    when: date | None = day if isinstance(day, date) else None
    if isinstance(day, str):
        try:
            when = date.fromisoformat(day)
        except ValueError:
            problems["date"] = f"{day!r} is not a date: use YYYY-MM-DD"
    clean_text = problems.text(text, "text", 300)
    chosen = problems.choice(scope, Annotation.Scope, "scope")
    if chosen in ("kpi", "insight") and not target:
        problems["target"] = f"a {chosen} annotation needs the {chosen}'s name or id (e.g. --kpi checkout_conversion)"
    problems.raise_if_any("The annotation is not valid")
    if chosen == "kpi":
        from headway.strategy import services as strategy

        strategy.get_kpi(actor, target)
    assert when is not None
    note = Annotation.objects.create(date=when, text=clean_text, scope=chosen, target=target,
                                     created_by=actor_label(actor))
    audit.record(actor, AuditEvent.Action.CREATE, note, summary=f"annotation {when}: {clean_text}")
    return note


def list_annotations(actor: User | None, *, kpi: str | None = None) -> list[Annotation]:
    """The annotations of the workspace, plus those of ``kpi`` when given (all when ``kpi`` is None)."""
    check(actor, Perm.VIEW_WORKSPACE)
    notes = Annotation.objects.all()
    if kpi is not None:
        notes = notes.filter(scope=Annotation.Scope.WORKSPACE) | notes.filter(scope=Annotation.Scope.KPI, target=kpi)
    return list(notes.order_by("date", "id"))


def delete_annotation(actor: User | None, annotation_id: int) -> None:
    """Remove an annotation (needs ideas.edit)."""
    check(actor, Perm.EDIT_IDEAS)
    note = Annotation.objects.filter(pk=annotation_id).first()
    if note is None:
        raise NotFound(f"No annotation #{annotation_id}; list them with `headway annotate --list`.")
    audit.record(actor, AuditEvent.Action.DELETE, note, summary=f"annotation {note.date} removed")
    note.delete()


def markers(actor: User | None, *, kpi: str | None = None, date_from: date | None = None,
            date_to: date | None = None) -> list[Marker]:
    """Release markers and annotations in a date range, oldest first (``kpi``: that KPI's and the workspace's)."""
    out = [
        Marker(date=r.shipped_on, text=f"Shipped: {r.title}", kind="release", scope="workspace", target="",
               initiative_id=r.initiative_id)
        for r in releases(actor)
    ]
    out += [
        Marker(date=n.date, text=n.text, kind="annotation", scope=n.scope, target=n.target, annotation_id=n.pk)
        for n in list_annotations(actor, kpi=kpi)
    ]
    return sorted(
        (m for m in out if (date_from is None or m.date >= date_from) and (date_to is None or m.date <= date_to)),
        key=lambda m: (m.date, m.kind, m.text),
    )
