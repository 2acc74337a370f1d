"""The workspace's career ladder: stored as versions of the engine's plain data, edited through the engine.

Reading needs ``Perm.VIEW_WORKSPACE``; every edit needs ``Perm.MANAGE_TEAM``, produces a new version with a
change note (the engine raises the version number) and is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

from django.db import transaction
from pydantic import BaseModel, ConfigDict

from headway.core import audit
from headway.core.errors import NotFound, ValidationError, validated
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.team.engine import ladder as engine
from headway.team.engine.default_ladder import default_ladder
from headway.team.engine.ladder import Competency, Ladder, Level, ladder_from_dict, ladder_to_dict
from headway.team.models import LadderVersion


def _save(actor: User | None, ladder: Ladder) -> LadderVersion:
    row = LadderVersion.objects.create(version=ladder.version, name=ladder.name, change_note=ladder.change_note,
                                       data=ladder_to_dict(ladder), created_by=actor)
    audit.record(actor, AuditEvent.Action.UPDATE if ladder.version > 1 else AuditEvent.Action.CREATE, row,
                 summary=f"ladder v{ladder.version}: {ladder.change_note}"[:300])
    return row


@transaction.atomic
def ensure_ladder(actor: User | None = None) -> LadderVersion:
    """The current ladder version, creating Headway's default ladder as version 1 when there is none."""
    row = LadderVersion.objects.order_by("-version").first()
    if row is not None:
        return row
    check(actor, Perm.MANAGE_TEAM)
    return _save(actor, default_ladder())


def current_version(actor: User | None) -> LadderVersion:
    """The newest stored ladder version (the default ladder is stored on first use)."""
    check(actor, Perm.VIEW_WORKSPACE)
    return LadderVersion.objects.order_by("-version").first() or ensure_ladder(None)


def current_ladder(actor: User | None) -> Ladder:
    """The workspace's ladder at its newest version."""
    return ladder_from_dict(current_version(actor).data)


def ladder_at(actor: User | None, version: int) -> Ladder:
    """The ladder as it was at ``version``."""
    check(actor, Perm.VIEW_WORKSPACE)
    row = LadderVersion.objects.filter(version=version).first()
    if row is None:
        raise NotFound(f"There is no ladder version {version}: `headway team ladder versions` lists them.")
    return ladder_from_dict(row.data)


def list_versions(actor: User | None) -> list[LadderVersion]:
    """Every ladder version, newest first."""
    check(actor, Perm.VIEW_WORKSPACE)
    ensure_ladder(None)
    return list(LadderVersion.objects.select_related("created_by"))


@transaction.atomic
def _edit(actor: User | None, change: Callable[[Ladder], Ladder]) -> Ladder:
    check(actor, Perm.MANAGE_TEAM)
    row = LadderVersion.objects.select_for_update().order_by("-version").first() or ensure_ladder(None)
    new = change(ladder_from_dict(row.data))
    _save(actor, new)
    return new


def _level(data: Mapping[str, Any], existing: Ladder) -> Level:
    try:
        return Level(
            slug=str(data["slug"]), title=str(data["title"]), rank=int(data["rank"]),
            track=str(data.get("track", "ic")), years_min=int(data.get("years_min", 0)),
            years_max=None if data.get("years_max") in (None, "") else int(data["years_max"]),
            scope=str(data.get("scope", "product")), summary=str(data.get("summary", "")),
            expectations={c.slug: int(data.get("expectations", {}).get(c.slug, data.get("default_rating", 3)))
                          for c in existing.competencies},
            responsibilities=tuple(data.get("responsibilities", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            f"The new level is incomplete ({exc}): give slug, title and rank, and optionally track, years_min, "
            "years_max, scope, summary and expectations.") from None


EditOp = Literal["rename-level", "update-level", "add-level", "remove-level", "set-expectation", "rename-competency",
                 "update-competency", "add-competency", "remove-competency", "rename-area", "remove-area"]
EDIT_OPS: tuple[str, ...] = get_args(EditOp)


class LadderEditArgs(BaseModel):
    """The arguments a ladder edit may take (each op uses some of them, see :func:`edit_ladder`), typed so
    that a wrong value is refused with its name before the engine sees it."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    slug: str = ""
    title: str = ""
    name: str = ""
    area: str = ""
    level: str = ""
    competency: str = ""
    description: str = ""
    track: str = ""
    scope: str = ""
    summary: str = ""
    rank: int = 0
    years_min: int = 0
    years_max: int | None = None
    rating: int = 0
    default_rating: int = 3
    anchors: list[str] = []
    responsibilities: list[str] = []
    expectations: dict[str, int] = {}


def _edit_args(op: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The edit's arguments checked against :class:`LadderEditArgs`: only those given, with their types."""
    checked = validated(LadderEditArgs, args, f"The {op} edit's arguments are not valid", whole="arguments",
                        hint=f" Its arguments are among {', '.join(LadderEditArgs.model_fields)}.")
    return checked.model_dump(exclude_unset=True)


def edit_ladder(actor: User | None, op: str, **args: Any) -> Ladder:
    """Apply one edit and store the new version.

    ``op`` is one of ``rename-level`` (slug, title), ``update-level`` (slug, fields...), ``add-level`` (slug,
    title, rank, track, years_min, years_max, scope, summary, expectations or default_rating),
    ``remove-level`` (slug), ``set-expectation`` (level, competency, rating), ``rename-competency`` (slug,
    name), ``update-competency`` (slug, name/description/anchors), ``add-competency`` (area, slug, name,
    description, anchors, expectations or default_rating), ``remove-competency`` (slug), ``rename-area``
    (slug, name), ``remove-area`` (slug); ``note`` overrides the change note.
    """
    note = args.pop("note", None) or None
    if op not in EDIT_OPS:
        raise ValidationError(f"Unknown ladder edit {op!r}: use one of {', '.join(EDIT_OPS)}.")
    args = _edit_args(op, args)
    ops: dict[str, Callable[[Ladder], Ladder]] = {
        "rename-level": lambda lad: engine.rename_level(lad, args["slug"], args["title"], note=note),
        "update-level": lambda lad: engine.update_level(
            lad, args["slug"], note=note, **{k: v for k, v in args.items() if k != "slug"}),
        "add-level": lambda lad: engine.add_level(lad, _level(args, lad), note=note),
        "remove-level": lambda lad: engine.remove_level(lad, args["slug"], note=note),
        "set-expectation": lambda lad: engine.set_expectation(
            lad, args["level"], args["competency"], int(args["rating"]), note=note),
        "rename-competency": lambda lad: engine.rename_competency(lad, args["slug"], args["name"], note=note),
        "update-competency": lambda lad: engine.update_competency(
            lad, args["slug"], note=note, **{k: v for k, v in args.items() if k != "slug"}),
        "add-competency": lambda lad: engine.add_competency(
            lad, args["area"],
            Competency(args["slug"], args["name"], args.get("description", ""), tuple(args.get("anchors", ()))),
            {lv.slug: int(args.get("expectations", {}).get(lv.slug, args.get("default_rating", 3)))
             for lv in lad.levels},
            note=note),
        "remove-competency": lambda lad: engine.remove_competency(lad, args["slug"], note=note),
        "rename-area": lambda lad: engine.rename_area(lad, args["slug"], args["name"], note=note),
        "remove-area": lambda lad: engine.remove_area(lad, args["slug"], note=note),
    }
    try:
        return _edit(actor, ops[op])
    except KeyError as exc:
        raise ValidationError(f"The {op} edit needs {exc.args[0]!r}: add it and retry.",
                              details={"missing": exc.args[0]}) from None


def level_choices(actor: User | None = None) -> list[tuple[str, str]]:
    """(slug, title) of the current ladder's levels, lowest rank first."""
    return [(lv.slug, lv.title) for lv in current_ladder(actor).levels]
