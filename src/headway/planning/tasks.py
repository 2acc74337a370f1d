"""The planning area's background work: optimiser runs that may take longer than a page should wait."""

from __future__ import annotations

from typing import Any

from headway.core.jobs import Progress, job_handler


@job_handler("planning.optimise", label="Optimise the portfolio", max_attempts=2)
def optimise(progress: Progress, username: str | None, request: dict[str, Any], scenario: str | None = None,
             explain: bool = True) -> dict[str, Any]:
    """Run the optimiser as the user who asked (their permissions apply) and keep the plan as the result."""
    from headway.core import services as core
    from headway.planning import services

    actor = core.get_user(username) if username else None
    progress(0.1, "solving" + (" and explaining the plan" if explain else ""))
    plan = services.optimise(actor, request, scenario=scenario, explain=explain)
    return plan.model_dump(mode="json")
