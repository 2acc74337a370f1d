"""What running an insight gives every face: the :class:`Answer` (validated request, the engine's result, the
rows) and its JSON body, :class:`InsightAnswer`, which the API answers and the CLI's --json prints."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, JsonValue

from headway.analytics.services.formatting import Row

Q = TypeVar("Q", bound=BaseModel)
R = TypeVar("R")
PERSONS_LIMIT = 200


@dataclass(frozen=True)
class Answer(Generic[Q, R]):
    """An insight's validated request, the engine's result and its rows (what every face shows)."""

    kind: str
    query: Q
    result: R
    rows: list[Row]
    timezone: str


class InsightAnswer(BaseModel):
    """The JSON body of a behavioural insight (API and CLI --json): kind, time zone, rows and the engine's
    result."""

    kind: str
    timezone: str
    rows: list[Row] = Field(..., description="The table every face shows (see docs/analytics.md).")
    result: dict[str, JsonValue] = Field(..., description="The engine's result as JSON.")
    curve: list[Row] | None = Field(None, description="Retention only: retained share per interval.")


class PersonList(BaseModel):
    """The persons behind one number (at most ``limit`` of them)."""

    persons: list[str]
    limit: int = PERSONS_LIMIT


def insight_answer(answer: Answer[Any, Any], curve: list[Row] | None = None) -> InsightAnswer:
    """The JSON body of a behavioural answer (``curve``: retention's average curve)."""
    return InsightAnswer(kind=answer.kind, timezone=answer.timezone, rows=answer.rows,
                         result=jsonable(answer.result.as_dict()), curve=curve)


def jsonable(value: dict[str, Any]) -> dict[str, JsonValue]:
    """An engine result's ``as_dict()`` with dates as ISO text and every key as text."""
    return {str(k): _json(v) for k, v in value.items()}


def _json(value: object) -> JsonValue:
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, numbers.Integral):  # a numpy integer
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)
