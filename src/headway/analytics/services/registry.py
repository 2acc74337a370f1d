"""One runner per insight behind one registry (PostHog's query runners, house rule 3).

``RUNNERS`` maps an insight kind to its :class:`Runner`: the request it validates and the three separate
steps: ``build`` the engine call from a validated request (dates in the workspace's time zone, filters parsed,
cohorts looked up), ``execute`` it on the events store, ``format`` the result as the rows every face shows.
:func:`run` is the one way every face runs an insight; :func:`persons` names the people behind any number.
``actor=None`` is the system (the CLI's operator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from headway.analytics.services import funnels, lifecycle, paths, retention, stickiness, trend
from headway.analytics.services._common import Clock, clock
from headway.analytics.services.answers import PERSONS_LIMIT, Answer, InsightAnswer, insight_answer
from headway.analytics.services.formatting import NONE_GROUP, Row
from headway.analytics.services.store import open_store
from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.core.validation import validated

if TYPE_CHECKING:
    from headway.analytics.engine import EventStore

Q = TypeVar("Q", bound=BaseModel)
A = TypeVar("A")
R = TypeVar("R")
PersonsAt = int | str | bool | None


@dataclass(frozen=True)
class Runner(Generic[Q, A, R]):
    """An insight's runner: its request model and the steps build → execute → format (rows and JSON body).

    ``persons_at`` says how to address one number of the result for :func:`persons` (None: it names no
    persons).
    """

    kind: str
    request: type[Q]
    build: Callable[[Q, Clock], A]
    execute: Callable[[EventStore, A], R]
    format: Callable[[R], list[Row]]
    body: Callable[[Answer[Q, R]], InsightAnswer | trend.TrendsAnswer]
    persons_at: str | None = None


RUNNERS: dict[str, Runner[Any, Any, Any]] = {
    "trends": Runner("trends", trend.TrendsRequest, trend.build, trend.execute, trend.trends_rows,
                     trend.trends_answer),
    "funnel": Runner("funnel", funnels.FunnelRequest, funnels.build, funnels.execute, funnels.funnel_rows,
                     insight_answer, "step (1-based) and optionally dropped=true and breakdown"),
    "retention": Runner("retention", retention.RetentionRequest, retention.build, retention.execute,
                        retention.retention_rows, retention.retention_answer,
                        "cohort (0-based row) and interval (0-based column), and optionally breakdown"),
    "stickiness": Runner("stickiness", stickiness.StickinessRequest, stickiness.build, stickiness.execute,
                         stickiness.stickiness_rows, insight_answer,
                         "intervals (how many intervals active), and optionally breakdown"),
    "lifecycle": Runner("lifecycle", lifecycle.LifecycleRequest, lifecycle.build, lifecycle.execute,
                        lifecycle.lifecycle_rows, insight_answer,
                        "interval (0-based column) and status (new, returning, resurrecting, dormant), and "
                        "optionally breakdown"),
    "paths": Runner("paths", paths.PathsRequest, paths.build, paths.execute, paths.paths_rows, insight_answer,
                    "step, source and target of an edge, and optionally breakdown"),
}
KINDS = tuple(kind for kind in RUNNERS if kind != "trends")  # the behavioural insights (a tab each)


def runner(kind: str) -> Runner[Any, Any, Any]:
    """The runner of insight ``kind``, or a ValidationError that lists the kinds."""
    found = RUNNERS.get(kind)
    if found is None:
        raise ValidationError(f"There is no insight kind {kind!r}: use one of {', '.join(RUNNERS)}.",
                              details={"kind": kind})
    return found


def make_request(kind: str, data: BaseModel | dict[str, Any]) -> BaseModel:
    """Validate a request of insight ``kind`` given as plain data, with one message that lists every problem."""
    model = runner(kind).request
    if isinstance(data, model):
        same: BaseModel = data
        return same
    plain = data if isinstance(data, dict) else data.model_dump()
    if kind == "trends":
        return trend.trends_query(plain)
    clean: BaseModel = validated(model, plain, f"The {kind} query is not valid")
    return clean


def run(actor: User | None, kind: str, query: BaseModel | dict[str, Any]) -> Answer[Any, Any]:
    """Run an insight of ``kind`` in the workspace's time zone and week start; rows as every face shows them."""
    check(actor, Perm.VIEW_WORKSPACE)
    found = runner(kind)
    clean = make_request(kind, query)
    now = clock()
    args = found.build(clean, now)
    with open_store() as store:
        result = found.execute(store, args)
    return Answer(kind, clean, result, found.format(result), now.timezone)


def answer_body(answer: Answer[Any, Any]) -> InsightAnswer | trend.TrendsAnswer:
    """The JSON body of an answer (API and CLI --json): a trend's, or a behavioural insight's rows and result."""
    return RUNNERS[answer.kind].body(answer)


def persons(actor: User | None, kind: str, query: BaseModel | dict[str, Any], **at: PersonsAt) -> list[str]:
    """The persons behind one number of an insight (at most PERSONS_LIMIT), e.g. ``step=2, dropped=True``."""
    check(actor, Perm.VIEW_WORKSPACE)
    found = runner(kind)
    if found.persons_at is None:
        raise ValidationError(f"A {kind} insight names no persons: ask for those of one of {', '.join(KINDS)}.",
                              details={"kind": kind})
    clean = make_request(kind, query)
    now = clock()
    args = found.build(clean, now)
    address: dict[str, PersonsAt] = {k: v for k, v in at.items() if v is not None}
    if address.get("breakdown") == NONE_GROUP:  # the group of persons in no cohort (or without the property)
        address["breakdown"] = None
    with open_store() as store:
        result = found.execute(store, args)
        try:
            return list(result.persons(**address, limit=PERSONS_LIMIT))
        except (TypeError, IndexError, KeyError) as exc:
            raise ValidationError(f"Cannot name the persons of {kind} at {address}: {exc}. "
                                  f"Give {found.persons_at}.", details=address) from None
