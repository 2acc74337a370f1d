"""What discovery announces to the apps that listen (discovery imports none of them).

``demand_changed`` is sent when the demand evidence of ideas may have changed (a link made or removed, feedback
added, themes computed), with ``refs``: the idea references concerned (``"initiative:12"`` or a free
reference). It is sent inside the transaction that changed the links, so a listener that stores a derived
number (planning's ``demand_score``) writes it atomically with the change: if the listener fails, nothing is
kept. ``sender`` is :class:`headway.discovery.models.DemandLink`.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["demand_changed"]

#: Sent with ``refs`` (a list of idea references) when their demand may have changed.
demand_changed = Signal()
