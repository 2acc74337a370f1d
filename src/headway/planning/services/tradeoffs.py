"""Trade-offs: open initiatives on two axes with the Pareto frontier marked, and the innovate / iterate / maintain
mix of a plan (shares of its cost) against a target mix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.engine import scoring
from headway.planning.models import Initiative, Kind
from headway.planning.services._common import ids_into, with_relations
from headway.planning.services.initiatives import cost, list_initiatives
from headway.planning.services.inputs import known_fields, score_fields
from headway.planning.services.scoring import get_scoring_model, latest_scores

MIX_KINDS = ("innovate", "iterate", "maintain")
"""The mix is innovate / iterate / maintain; tech debt counts as maintain."""


class TradeoffPoint(BaseModel):
    """One open initiative on the trade-off chart."""

    id: int
    title: str
    kind: str
    x: float
    y: float
    frontier: bool


def _axis_values(axis: str, initiatives: list[Initiative]) -> dict[int, float]:
    if axis.startswith("score:"):
        model = get_scoring_model(None, axis.split(":", 1)[1])
        return {pk: v for pk, (v, _) in latest_scores(model).items()}
    values = {}
    for i in initiatives:
        fields = score_fields(i)
        if axis not in fields:
            raise ValidationError(f"Cannot plot {axis!r}: use a field ({', '.join(known_fields())}) or "
                                  "score:SETUP.", details={"axis": axis})
        values[i.pk] = fields[axis]
    return values


def tradeoffs(actor: User | None, x: str = "user_value", y: str = "business_value") -> list[TradeoffPoint]:
    """Open initiatives on two axes (fields or ``score:SETUP``), the Pareto frontier (maximising both) marked."""
    check(actor, Perm.VIEW_WORKSPACE)
    initiatives = list(list_initiatives(None, open_only=True))
    xs, ys = _axis_values(x, initiatives), _axis_values(y, initiatives)
    points = {str(i.pk): (xs[i.pk], ys[i.pk]) for i in initiatives if i.pk in xs and i.pk in ys}
    frontier = set(scoring.pareto_frontier(points))
    return [TradeoffPoint(id=i.pk, title=i.title, kind=i.kind, x=xs[i.pk], y=ys[i.pk],
                          frontier=str(i.pk) in frontier) for i in initiatives if str(i.pk) in points]


def mix_kind(kind: str) -> str:
    """The mix bucket of a kind: tech debt counts as maintain."""
    return "maintain" if kind == Kind.TECH_DEBT else kind


class MixRow(BaseModel):
    """One kind of work in a plan: its cost, its share of the plan's cost, the target share and the difference."""

    kind: str
    cost: float
    share: float
    target: float
    difference: float


def parse_mix(text: str | Mapping[str, object]) -> dict[str, float]:
    """A target mix from ``70/20/10`` (innovate/iterate/maintain) or a mapping; shares sum to 1."""
    try:
        if isinstance(text, Mapping):
            parts = [float(str(text.get(k, 0))) for k in MIX_KINDS]
        else:
            parts = [float(p) for p in str(text).replace(",", "/").split("/")]
    except ValueError:
        parts = []
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) <= 0:
        raise ValidationError(f"{text!r} is not a mix: give innovate/iterate/maintain shares such as 70/20/10.",
                              details={"mix": str(text)})
    total = sum(parts)
    return {k: p / total for k, p in zip(MIX_KINDS, parts, strict=True)}


def mix_of(initiatives: Iterable[Initiative], target: str | Mapping[str, object]) -> list[MixRow]:
    """The mix of these initiatives (with their effort loaded) against a target mix."""
    wanted = parse_mix(target)
    totals = dict.fromkeys(MIX_KINDS, 0.0)
    for i in initiatives:
        totals[mix_kind(i.kind)] += cost(i)
    whole = sum(totals.values())
    return [MixRow(kind=k, cost=round(totals[k], 2), share=round(totals[k] / whole, 4) if whole else 0.0,
                   target=round(wanted[k], 4), difference=round((totals[k] / whole if whole else 0.0) - wanted[k], 4))
            for k in MIX_KINDS]


def initiative_ids(values: str | Iterable[object]) -> tuple[int, ...]:
    """Initiative ids from ``"1,2,#3"`` or a list, or a ValidationError."""
    problems = Problems()
    ids = ids_into(values, "ids", problems)
    problems.raise_if_any("The ids are not valid")
    return ids


def mix(actor: User | None, ids: Iterable[int], target: str | Mapping[str, object] = "70/20/10") -> list[MixRow]:
    """The innovate/iterate/maintain mix of a plan (shares of its cost) against a target mix."""
    check(actor, Perm.VIEW_WORKSPACE)
    return mix_of(with_relations(Initiative.objects.filter(pk__in=list(ids))), target)
