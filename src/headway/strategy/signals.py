"""Signals the strategy app sends, for apps above it to listen to (it imports none of them).

``alert_raised(sender=Alert, alert_id=int, kpi=str)`` — sent once an alert is stored (after the transaction
commits), so the reports app can deliver it the moment it is raised.
"""

from __future__ import annotations

from django.dispatch import Signal

alert_raised = Signal()
