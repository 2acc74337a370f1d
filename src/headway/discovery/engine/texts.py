"""Checking texts before they are embedded: empty ones are rejected, very long ones are cut and flagged."""

from __future__ import annotations

import re
from collections.abc import Sequence

from headway.core.errors import ValidationError

#: Characters of a text that the lexical methods read; longer texts are cut and flagged.
MAX_CHARS = 2000

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def clean_texts(texts: Sequence[str]) -> list[str]:
    """Return ``texts`` as a list, or raise ``ValidationError`` naming every empty or non-text entry.

    ``details`` lists ``{"index": i, "reason": ...}`` for each bad entry (0-based, in input order).
    """
    if isinstance(texts, str):
        raise ValidationError(
            "Expected a sequence of texts but got a single string; pass a list such as [text].",
            details=[{"index": None, "reason": "a single string"}],
        )
    bad: list[dict[str, object]] = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            bad.append({"index": index, "reason": f"not text ({type(text).__name__})"})
        elif not text.strip():
            bad.append({"index": index, "reason": "empty or only whitespace"})
    if bad:
        where = ", ".join(str(b["index"]) for b in bad[:10]) + (" ..." if len(bad) > 10 else "")
        raise ValidationError(
            f"{len(bad)} text(s) are empty or not text (index {where}); remove them or fill them in.",
            details=bad,
        )
    return [" ".join(text.split()) for text in texts]


def cut(text: str, limit: int = MAX_CHARS) -> tuple[str, bool]:
    """The first ``limit`` characters of ``text`` (at a word boundary when one is near) and whether it was cut."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit * 0.8 else head), True


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (letters and digits, with English contractions kept)."""
    return _WORD.findall(text.lower())
