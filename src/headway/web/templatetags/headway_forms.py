"""Form pieces with accessible errors: ``{% field %}`` (label, hint, error tied by aria-describedby) and
``{% error_summary %}`` (every problem at the top, each linking to its field)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("web/_field.html")
def field(name: str, label: str, value: Any = "", errors: Mapping[str, str] | None = None, *,
          type: str = "text", hint: str = "", options: Iterable[Any] | None = None, required: bool = False,
          autocomplete: str = "", prefix: str = "", disabled: bool = False) -> dict[str, Any]:
    """One labelled input (or a select when ``options`` are given as values or (value, label) pairs)."""
    field_id = f"{prefix}{name}"
    error = (errors or {}).get(name, "")
    described = " ".join(part for part, shown in ((f"{field_id}-hint", hint), (f"{field_id}-error", error)) if shown)
    choices = None
    if options is not None:
        choices = [(str(o[0]), o[1]) if isinstance(o, list | tuple) else (str(o), o) for o in options]
    return {
        "id": field_id, "name": name, "label": label, "value": "" if type == "password" else value,
        "error": error, "hint": hint, "type": type, "choices": choices, "selected": str(value),
        "required": required, "autocomplete": autocomplete, "described": described, "disabled": disabled,
    }


@register.inclusion_tag("web/_error_summary.html")
def error_summary(errors: Mapping[str, str] | None, labels: Mapping[str, str] | None = None,
                  prefix: str = "") -> dict[str, Any]:
    """The list of problems with links to the fields (``__all__`` is a problem with no field)."""
    labels = labels or {}
    items = [
        {"anchor": "" if key == "__all__" else f"{prefix}{key}", "label": labels.get(key, key.replace("_", " ")),
         "message": message}
        for key, message in (errors or {}).items()
    ]
    return {"items": items}
