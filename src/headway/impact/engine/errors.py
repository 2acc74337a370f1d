"""The impact engine's one error: input that cannot give an honest read-out."""

from __future__ import annotations

from headway.core.errors import ValidationError


class ImpactInputError(ValidationError):
    """Data too thin or malformed for a read-out; the message says what to change."""

    code = "impact_input"
