"""API for roles and the hiring plan: /api/v1/planning/roles, /teams/{name}/attrition, /hiring/..."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Router, Schema, Status

from headway.core.http import AuthedRequest, actor_of
from headway.planning import services
from headway.planning.api import TeamOut

router = Router(tags=["planning"])


class RoleRequest(Schema):
    team: str
    level: str = ""
    location: str = ""
    title: str | None = None
    annual_cost: float | None = None
    hiring_cost: float | None = None
    lead_quarters: int | None = None
    ramp: list[float] | None = Field(None, description="Share of full speed in the starter's quarters, e.g. [0.5, 1].")
    mentor_weeks: float | None = None
    max_per_quarter: int | None = None
    weeks_per_person: float | None = None


class AttritionRequest(Schema):
    rate: float = Field(description="Annual attrition: 0.12 or 12 (per cent), below 100 %.")


class OpeningRequest(Schema):
    role: int | str = Field(description="The role's id or name, e.g. 'Web Engineer'.")
    start_quarter: str = Field(description="The quarter the starter should start, e.g. 2026-Q3.")
    note: str = ""


class FillRequest(Schema):
    name: str
    start_date: date | None = None
    email: str = ""
    manager: int | None = None


# --- roles and the hiring plan -------------------------------------------------------------------------


@router.get("/roles", response=list[services.RoleView])
def list_roles(request: AuthedRequest, team: str | None = None) -> list[services.RoleView]:
    """The roles teams can hire for."""
    return services.list_roles(actor_of(request), team)


@router.put("/roles", response=services.RoleView)
def save_role(request: AuthedRequest, payload: RoleRequest) -> services.RoleView:
    """Add or change the role of a team at a level and location (needs plans.edit)."""
    data = payload.dict()
    team, level, location = data.pop("team"), data.pop("level"), data.pop("location")
    return services.save_role(actor_of(request), team, level, location,
                              **{k: v for k, v in data.items() if v is not None})


@router.delete("/roles/{role_id}", response={204: None})
def delete_role(request: AuthedRequest, role_id: int) -> Status[Any]:
    """Remove a role no opening uses."""
    services.delete_role(actor_of(request), role_id)
    return Status(204, None)


@router.put("/teams/{name}/attrition", response=TeamOut)
def set_attrition(request: AuthedRequest, name: str, payload: AttritionRequest) -> Any:
    """Set a team's annual attrition rate (needs plans.edit)."""
    return services.set_attrition(actor_of(request), name, payload.rate)


@router.get("/hiring", response=services.HiringPlan)
def hiring_plan(request: AuthedRequest, status: str | None = None) -> services.HiringPlan:
    """The hiring plan: openings planned, approved, open, filled or cancelled."""
    return services.hiring_plan(actor_of(request), status)


@router.post("/hiring", response={201: services.OpeningView})
def plan_opening(request: AuthedRequest, payload: OpeningRequest) -> Status[Any]:
    """Propose one hire of a role starting in a quarter (planned until the leader approves)."""
    return Status(201, services.plan_opening(actor_of(request), payload.role, payload.start_quarter,
                                             note=payload.note))


@router.post("/hiring/{opening_id}/approve", response=services.OpeningView)
def approve_opening(request: AuthedRequest, opening_id: int) -> services.OpeningView:
    """The leader approves a planned opening (needs plans.edit)."""
    return services.approve_opening(actor_of(request), opening_id)


@router.post("/hiring/{opening_id}/open", response=services.OpeningView)
def open_opening(request: AuthedRequest, opening_id: int) -> services.OpeningView:
    """Start recruiting for an approved opening."""
    return services.open_opening(actor_of(request), opening_id)


@router.post("/hiring/{opening_id}/fill", response=services.OpeningView)
def fill_opening(request: AuthedRequest, opening_id: int, payload: FillRequest) -> services.OpeningView:
    """Fill an open opening: the starter becomes a person in the org chart (needs team.manage)."""
    return services.fill_opening(actor_of(request), opening_id, payload.name, start_date=payload.start_date,
                                 email=payload.email, manager=payload.manager)


@router.post("/hiring/{opening_id}/cancel", response=services.OpeningView)
def cancel_opening(request: AuthedRequest, opening_id: int) -> services.OpeningView:
    """Cancel an opening that is not filled."""
    return services.cancel_opening(actor_of(request), opening_id)
