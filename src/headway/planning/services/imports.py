"""Import initiatives from Jira and Linear CSV exports: every line checked, every bad line reported, all rows
written in one transaction or none; a row whose issue key was imported before updates that initiative."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from pydantic import BaseModel, Field

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.planning.models import Initiative, PlanningTeam
from headway.planning.services.initiatives import create_initiative, update_initiative

SECONDS_PER_PERSON_WEEK = 5 * 8 * 3600
"""Jira's "Original Estimate" is in seconds; a person-week is five eight-hour days."""
MAX_ROWS = 5000

STAGES: dict[str, tuple[str, ...]] = {
    "idea": ("backlog", "to do", "todo", "open", "triage", "new", "idea"),
    "discovery": ("discovery", "research", "in discovery", "analysis"),
    "planned": ("selected for development", "planned", "ready", "up next", "unstarted"),
    "in_progress": ("in progress", "in review", "in development", "started", "doing", "review"),
    "shipped": ("done", "closed", "resolved", "completed", "released", "shipped"),
    "parked": ("canceled", "cancelled", "won't do", "wont do", "duplicate", "parked", "on hold"),
}
KINDS: dict[str, tuple[str, ...]] = {
    "tech_debt": ("tech debt", "tech-debt", "technical debt", "techdebt", "refactor"),
    "maintain": ("bug", "defect", "maintenance", "chore", "incident"),
    "innovate": ("epic", "new feature", "feature", "initiative", "experiment"),
    "iterate": ("story", "task", "improvement", "enhancement", "sub-task"),
}


@dataclass(frozen=True)
class ExportColumns:
    """Where an export keeps each field: key, title, description, status, type-like columns, product area, team,
    estimate."""

    key: str
    title: str
    description: str
    status: str
    type: tuple[str, ...]
    area: str
    team: str
    estimate: str


COLUMNS = {
    "jira": ExportColumns(key="Issue key", title="Summary", description="Description", status="Status",
                          type=("Labels", "Issue Type"), area="Component/s", team="Team",
                          estimate="Original Estimate"),
    "linear": ExportColumns(key="ID", title="Title", description="Description", status="Status", type=("Labels",),
                            area="Project", team="Team", estimate="Estimate"),
}


@dataclass(frozen=True)
class ImportedRow:
    """One initiative read from an export; ``line`` is where its record starts (the header is line 1)."""

    line: int
    key: str
    title: str
    description: str
    stage: str
    kind: str
    product_area: str
    team: str
    weeks: float | None


class ImportReport(BaseModel):
    """The initiatives an import added and the ones it updated (by id)."""

    created: list[int] = Field(default_factory=list)
    updated: list[int] = Field(default_factory=list)


def import_error(problems: list[dict[str, Any]]) -> ValidationError:
    """One error listing every bad line; nothing was imported."""
    shown = "; ".join(f"line {p['line']}: {p['message']}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return ValidationError(f"Nothing was imported: {shown}{more}. Fix these lines and import the file again.",
                           details=problems)


def _lookup(value: str, table: dict[str, tuple[str, ...]]) -> str | None:
    text = value.strip().lower()
    return next((name for name, words in table.items() if text in words), None)


def _kind(values: list[str]) -> str:
    for value in values:
        for part in value.replace(";", ",").split(","):
            kind = _lookup(part, KINDS)
            if kind:
                return kind
    return "iterate"


def _weeks(source: str, raw: str) -> float:
    number = float(raw)
    if number < 0:
        raise ValueError("negative")
    return round(number / SECONDS_PER_PERSON_WEEK, 2) if source == "jira" else number


def parse(text: str, source: str, *, default_team: str | None = None) -> list[ImportedRow]:
    """Rows of a ``jira`` or ``linear`` CSV export (nothing is written), or a ValidationError listing each bad
    line."""
    source = source.strip().lower()
    if source not in COLUMNS:
        raise ValidationError(f"Cannot import from {source!r}: choose jira or linear.", details={"source": source})
    columns = COLUMNS[source]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty: export the issues as CSV and try again.") from None
    except csv.Error as exc:
        raise import_error([{"line": 1, "message": f"not CSV ({exc})"}]) from None
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name.strip(), position)  # Jira repeats some columns: the first one counts
    missing = [c for c in (columns.title, columns.status) if c not in index]
    if missing:
        raise ValidationError(
            f"This is not a {source.capitalize()} CSV export: column(s) {', '.join(missing)} missing "
            f"from the header line (found {', '.join(header[:8])}).", details={"missing": missing})
    rows: list[ImportedRow] = []
    problems: list[dict[str, Any]] = []
    line = 2
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append({"line": line, "message": f"not valid CSV ({exc})"})
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue

        def cell(name: str, record: list[str] = record) -> str:
            position = index.get(name)
            return record[position].strip() if position is not None and position < len(record) else ""

        title = cell(columns.title)
        status = cell(columns.status)
        stage = _lookup(status, STAGES)
        raw_estimate = cell(columns.estimate)
        issues = []
        if not title:
            issues.append(f"{columns.title} is empty")
        elif len(title) > 200:
            issues.append(f"{columns.title} is longer than 200 characters")
        if stage is None:
            issues.append(f"status {status!r} is not known (use one of: "
                          + ", ".join(sorted({w for ws in STAGES.values() for w in ws})[:12]) + ", ...)")
        weeks = None
        if raw_estimate:
            try:
                weeks = _weeks(source, raw_estimate)
            except ValueError:
                issues.append(f"{columns.estimate} {raw_estimate!r} is not a non-negative number")
        if issues:
            problems.append({"line": start, "message": "; ".join(issues)})
            continue
        rows.append(ImportedRow(
            line=start, key=cell(columns.key)[:64], title=title, description=cell(columns.description),
            stage=stage or "idea", kind=_kind([cell(c) for c in columns.type]),
            product_area=cell(columns.area)[:120], team=cell(columns.team) or (default_team or ""),
            weeks=weeks,
        ))
        if len(rows) > MAX_ROWS:
            raise ValidationError(f"The file has more than {MAX_ROWS} issues: split it and import each part.")
    if problems:
        raise import_error(problems)
    if not rows:
        raise ValidationError("The file has a header but no issues: export some issues and try again.")
    return rows


@transaction.atomic
def import_csv(actor: User | None, text: str, source: str, *, team: str | None = None) -> ImportReport:
    """Import initiatives from a Jira or Linear CSV export: all rows or none; errors name each bad line.

    A row whose issue key was imported before updates that initiative instead of adding a second one.
    """
    check(actor, Perm.EDIT_IDEAS)
    rows = parse(text, source, default_team=team)
    teams = {t.name.lower(): t for t in PlanningTeam.objects.all()}
    problems: list[dict[str, Any]] = [
        {"line": r.line, "message": f"there is no team {r.team!r}: teams are "
         f"{', '.join(sorted(t.name for t in teams.values())) or 'none yet'}"}
        for r in rows if r.team and r.team.lower() not in teams]
    if problems:
        raise import_error(problems)
    report = ImportReport()
    for r in rows:
        fields = {"title": r.title, "problem": r.description, "stage": r.stage, "kind": r.kind,
                  "product_area": r.product_area, "team": teams[r.team.lower()] if r.team else None}
        effort = {teams[r.team.lower()].name: r.weeks} if r.team and r.weeks is not None else {}
        existing = Initiative.objects.filter(external_ref=r.key).first() if r.key else None
        if existing is not None:
            update_initiative(actor, existing.pk, effort=effort, **fields)
            report.updated.append(existing.pk)
        else:
            created = create_initiative(actor, effort=effort, **fields)
            Initiative.objects.filter(pk=created.pk).update(external_ref=r.key)
            report.created.append(created.pk)
    return report
