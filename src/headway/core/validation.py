"""One way to validate input in a service: collect every problem, then raise one ValidationError.

``Problems`` gathers field problems (``problems.number(value, "budget")``), so a form or a request gets all its
errors at once; ``validated`` checks a pydantic model; ``raise_for_rows`` reports the bad rows of a file by line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from headway.core.errors import ValidationError, validated

__all__ = ["Problems", "actor_label", "choice_key", "form_id", "form_ids", "form_json_object", "is_id",
           "raise_for_rows", "validated"]

_ID = re.compile(r"[0-9]{1,18}")


def choice_key(value: object) -> str:
    """The key a person most likely meant: ``"In progress"`` and ``"in-progress"`` → ``"in_progress"``."""
    return str(value or "").strip().lower().replace("-", "_").replace(" ", "_")


def _allowed(choices: Any) -> Sequence[str]:
    return list(choices.values) if hasattr(choices, "values") and not isinstance(choices, Mapping) else list(choices)


class Problems(dict[str, str]):
    """Field name → what is wrong with it. Check fields, then :meth:`raise_if_any`."""

    def choice(self, value: object, choices: Any, field: str, *, blank: bool = False) -> str:
        """``value`` as the key of one of ``choices`` (Django TextChoices or a sequence of keys)."""
        key = choice_key(value)
        allowed = _allowed(choices)
        if (blank and key == "") or key in allowed:
            return key
        self[field] = f"{value!r} is not one of {', '.join(allowed)}" + (" (or blank)" if blank else "")
        return key

    def number(self, value: object, field: str, *, low: float | None = 0.0, high: float | None = None) -> float:
        """``value`` as a finite number within ``[low, high]``."""
        try:
            number = float(value)  # type: ignore[arg-type]  # any object: float() decides, errors are reported
        except (TypeError, ValueError):
            self[field] = f"{value!r} is not a number"
            return 0.0
        if not math.isfinite(number):
            self[field] = "give a finite number"
        elif low is not None and number < low:
            self[field] = f"must be {low:g} or more, got {number:g}"
        elif high is not None and number > high:
            self[field] = f"must be {high:g} or less, got {number:g}"
        return number

    def text(self, value: object, field: str, limit: int, *, required: bool = True) -> str:
        """``value`` stripped, present when ``required`` and at most ``limit`` characters long."""
        text = str(value or "").strip()
        if required and not text:
            self[field] = "required: it cannot be empty"
        elif len(text) > limit:
            self[field] = f"is {len(text)} characters long: keep it to {limit}"
        return text

    def raise_if_any(self, what: str) -> None:
        """Raise one ValidationError that names every problem: ``"<what>: field: problem; ..."``."""
        if self:
            raise ValidationError(f"{what}: " + "; ".join(f"{k}: {v}" for k, v in self.items()) + ".",
                                  details=dict(self))


def raise_for_rows(problems: Iterable[Mapping[str, Any]], what: str) -> None:
    """Refuse a whole file when any row is bad: each problem has ``line`` and ``reason``; nothing is written."""
    rows = list(problems)
    if rows:
        first = "; ".join(f"line {p['line']}: {p['reason']}" for p in rows[:5])
        more = f" (and {len(rows) - 5} more)" if len(rows) > 5 else ""
        raise ValidationError(
            f"{len(rows)} {what} row(s) are not valid, so nothing was imported — {first}{more}. "
            "Fix those rows and import the file again.",
            details=[dict(p) for p in rows],
        )


def actor_label(actor: object | None) -> str:
    """How the audit trail names who acted: the username, or ``system``."""
    name = getattr(actor, "username", "") if actor is not None else ""
    return str(name) if name else "system"


def is_id(text: object) -> bool:
    """Whether ``text`` is a row id as a form sends it: 1 to 18 ASCII digits (``"²"`` and 5,000 digits are not)."""
    return isinstance(text, str) and _ID.fullmatch(text.strip()) is not None


def form_id(value: object, field: str, *, what: str = "a choice from the list") -> int:
    """A posted id as a number, or a ValidationError naming the field and what to pick."""
    text = str(value if value is not None else "").strip().lstrip("#")
    if not is_id(text):
        raise ValidationError(f"{field}: {str(value)[:40]!r} is not {what}; pick one from the list.",
                              details={field: str(value)[:100]})
    return int(text)


def form_ids(values: Iterable[object], field: str, *, what: str = "a choice from the list") -> list[int]:
    """Posted ids (a multiple select or ticked boxes) as numbers; any other value is a ValidationError."""
    return [form_id(v, field, what=what) for v in values]


def form_json_object(text: object, field: str, example: str = '{"key": "value"}') -> dict[str, Any]:
    """A posted JSON object (blank is ``{}``), or a ValidationError saying where the JSON is wrong."""
    raw = str(text or "").strip()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValidationError(f"{field} is not valid JSON ({exc}): write an object such as {example}.",
                              details={field: raw[:100]}) from None
    if not isinstance(data, dict):
        raise ValidationError(f"{field} must be a JSON object such as {example}, not {type(data).__name__}.",
                              details={field: raw[:100]})
    return data
