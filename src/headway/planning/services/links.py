"""Links to the strategy area: the goal an idea serves and the KPI it should move, each resolved once to a row of
this workspace (through the strategy services, with the actor's permissions)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.planning.models import Initiative
from headway.planning.services._common import MAX_ID, OPEN_STAGES


def _blank(ref: object) -> bool:
    return ref is None or (isinstance(ref, str) and not ref.strip())


def _row_of(rows: Sequence[Any], ref: Any, what: str, listing: str) -> Any:
    """``ref`` when it is one of ``rows`` (the workspace's goals or KPIs), else a ValidationError."""
    found = next((r for r in rows if type(r) is type(ref) and ref.pk is not None and r.pk == ref.pk), None)
    if found is None:
        raise ValidationError(f"{ref!r} is not a {what} of this workspace: link one that `{listing}` shows.",
                              details={what.lower(): str(ref)})
    return found


def _by_id(rows: Sequence[Any], ref: object, what: str, listing: str) -> Any:
    try:
        number = int(str(ref).strip().lstrip("#"))
    except ValueError:
        number = 0
    found = next((r for r in rows if r.pk == number), None) if 0 < number <= MAX_ID else None
    if found is None:
        raise ValidationError(f"There is no {what} {ref}: `{listing}` shows the {what}s of this workspace "
                              "with their ids.", details={what.lower(): str(ref)})
    return found


def _one_named(matches: list[Any], ref: str, what: str, label: Callable[[Any], str]) -> Any:
    if len(matches) > 1:
        ids = ", ".join(str(m.pk) for m in matches)
        raise ValidationError(f"{len(matches)} {what}s are called {ref!r} ({', '.join(label(m) for m in matches)}; "
                              f"ids {ids}): give the {what}'s id instead.", details={what.lower(): ref})
    return matches[0] if matches else None


def _by_pk(rows: Sequence[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: int(r.pk))


def resolve_goal(actor: User | None, ref: object) -> Any:
    """The goal an idea links to, looked up once among this workspace's goals: a goal row, its id (``12`` or
    ``"12"``), or its title (exact, else ignoring case). Blank is no goal. A title no goal has, or one several
    goals share, is a ValidationError that says what to give instead."""
    from headway.strategy import services as strategy

    if _blank(ref):
        return None
    goals = _by_pk(list(strategy.list_goals(actor)))
    if hasattr(ref, "pk"):
        return _row_of(goals, ref, "goal", "headway goal list")
    if isinstance(ref, int) and not isinstance(ref, bool):
        return _by_id(goals, ref, "goal", "headway goal list")
    text = str(ref).strip()

    def label(goal: Any) -> str:
        return str(goal.period.name)

    found = (_one_named([g for g in goals if g.title == text], text, "goal", label)
             or _one_named([g for g in goals if str(g.title).lower() == text.lower()], text, "goal", label))
    if found is not None:
        return found
    if text.lstrip("#").isdigit():
        return _by_id(goals, text, "goal", "headway goal list")
    raise ValidationError(f"There is no goal called {text!r}: `headway goal list` shows the goals of this "
                          "workspace; give one's id or exact title.", details={"goal": text})


def resolve_kpi(actor: User | None, ref: object) -> Any:
    """The KPI an idea links to, looked up once among this workspace's KPIs: a KPI row, its id, its name
    (``conversion``, exact, else ignoring case) or its label. Blank is no KPI; an unknown or shared name is a
    ValidationError that says what to give instead."""
    from headway.strategy import services as strategy

    if _blank(ref):
        return None
    kpis = _by_pk(list(strategy.list_kpis(actor)))
    if hasattr(ref, "pk"):
        return _row_of(kpis, ref, "KPI", "headway kpi list")
    if isinstance(ref, int) and not isinstance(ref, bool):
        return _by_id(kpis, ref, "KPI", "headway kpi list")
    text = str(ref).strip()

    def label(kpi: Any) -> str:
        return str(kpi.name)

    found = (next((k for k in kpis if k.name == text), None)
             or _one_named([k for k in kpis if str(k.name).lower() == text.lower()], text, "KPI", label)
             or _one_named([k for k in kpis if str(k.label).lower() == text.lower()], text, "KPI", label))
    if found is not None:
        return found
    if text.lstrip("#").isdigit():
        return _by_id(kpis, text, "KPI", "headway kpi list")
    raise ValidationError(f"There is no KPI called {text!r}: `headway kpi list` shows the KPIs of this workspace; "
                          "give one's name or id.", details={"kpi": text})


def goals_in_use() -> list[tuple[int, str]]:
    """The goals open initiatives serve (what the optimiser can be asked to cover) as (goal id, title) by title;
    a title two of them share gets the goal's id after it."""
    rows = sorted(set(Initiative.objects.filter(stage__in=OPEN_STAGES, goal__isnull=False)
                      .values_list("goal_id", "goal__title")), key=lambda r: (r[1], r[0]))
    shared = {t for t in (r[1] for r in rows) if sum(1 for r in rows if r[1] == t) > 1}
    return [(pk, f"{title} (goal {pk})" if title in shared else title) for pk, title in rows]
