"""The product career ladder as immutable, versioned data.

A :class:`Ladder` holds levels (ordered by ``rank``; the IC and manager tracks may share a rank), competency
areas with their competencies (each with five behavioural anchors, one per rating 1–5), the expected rating of
every competency at every level, and specialisations. Every edit returns a *new* ladder with the version
number raised by one and a change note; slugs never change on a rename, so stored ratings keep pointing at
the right competency. :func:`validate_ladder` names each problem; :func:`ladder_to_dict` and
:func:`ladder_from_dict` give plain JSON-ready data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from headway.core.errors import NotFound, ValidationError

TRACKS = ("ic", "manager")
"""Individual contributor and people-manager tracks."""

SCOPES = {
    "feature": "a feature",
    "product": "a product",
    "product_line": "a product line",
    "organisation": "the whole product organisation",
}
"""Scope keys and how they read in a sentence, from the narrowest to the widest."""

RATINGS = (1, 2, 3, 4, 5)
FORMAT = 1
"""Version of the plain-dict format written by :func:`ladder_to_dict`."""

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class Competency:
    """A skill rated 1–5; ``anchors[i]`` describes what rating ``i + 1`` looks like in behaviour."""

    slug: str
    name: str
    description: str
    anchors: tuple[str, ...]

    def anchor(self, rating: int) -> str:
        """The behavioural anchor of ``rating`` (1–5)."""
        if rating not in RATINGS:
            raise ValidationError(f"rating {rating!r} is out of range: ratings run from 1 to 5")
        return self.anchors[rating - 1]


@dataclass(frozen=True)
class CompetencyArea:
    """A group of related competencies, such as product execution."""

    slug: str
    name: str
    competencies: tuple[Competency, ...]


@dataclass(frozen=True)
class Level:
    """A rung of the ladder: title, track, typical experience, scope and expected rating per competency."""

    slug: str
    title: str
    rank: int
    track: str
    years_min: int
    years_max: int | None
    scope: str
    summary: str
    expectations: Mapping[str, int] = field(default_factory=dict)
    responsibilities: tuple[str, ...] = ()

    @property
    def years(self) -> str:
        """Typical years of experience, for example ``"2–4"`` or ``"15+"``."""
        return f"{self.years_min}+" if self.years_max is None else f"{self.years_min}–{self.years_max}"


@dataclass(frozen=True)
class Specialisation:
    """A flavour of the product role (core, growth, data, platform) with the text a job description needs."""

    slug: str
    name: str
    summary: str
    outcome: str
    responsibilities: tuple[str, ...] = ()
    must_haves: tuple[str, ...] = ()
    nice_to_haves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ladder:
    """A whole career ladder at one version."""

    name: str
    version: int
    change_note: str
    levels: tuple[Level, ...]
    areas: tuple[CompetencyArea, ...]
    specialisations: tuple[Specialisation, ...] = ()

    @property
    def competencies(self) -> tuple[Competency, ...]:
        """Every competency, area by area, in ladder order."""
        return tuple(c for area in self.areas for c in area.competencies)

    def level(self, slug: str) -> Level:
        """The level ``slug`` or NotFound naming the levels there are."""
        for level in self.levels:
            if level.slug == slug:
                return level
        raise NotFound(f"no level {slug!r} in the ladder: use one of {', '.join(lv.slug for lv in self.levels)}")

    def competency(self, slug: str) -> Competency:
        """The competency ``slug`` or NotFound naming the competencies there are."""
        for comp in self.competencies:
            if comp.slug == slug:
                return comp
        names = ", ".join(c.slug for c in self.competencies)
        raise NotFound(f"no competency {slug!r} in the ladder: use one of {names}")

    def specialisation(self, slug: str) -> Specialisation:
        """The specialisation ``slug`` or NotFound naming the specialisations there are."""
        for spec in self.specialisations:
            if spec.slug == slug:
                return spec
        names = ", ".join(s.slug for s in self.specialisations)
        raise NotFound(f"no specialisation {slug!r} in the ladder: use one of {names}")

    def next_level(self, slug: str, track: str | None = None) -> Level | None:
        """The lowest level ranked above ``slug`` on ``track`` (default: the level's own track), or None."""
        current = self.level(slug)
        wanted = track or current.track
        if wanted not in TRACKS:
            raise ValidationError(f"unknown track {wanted!r}: use one of {', '.join(TRACKS)}")
        above = [lv for lv in self.levels if lv.rank > current.rank and lv.track == wanted]
        return min(above, key=lambda lv: lv.rank) if above else None


# ---------------------------------------------------------------------------------------------- validation


def ladder_problems(ladder: Ladder) -> list[str]:
    """Every problem that makes ``ladder`` invalid, each as one sentence naming the culprit (empty if valid)."""
    problems: list[str] = []
    if ladder.version < 1:
        problems.append(f"version {ladder.version} is not positive: versions start at 1")
    if not ladder.name.strip():
        problems.append("the ladder has no name: give it one")
    if not ladder.levels:
        problems.append("the ladder has no levels: add at least one")
    if not ladder.competencies:
        problems.append("the ladder has no competencies: add at least one")
    _check_slugs("level", [lv.slug for lv in ladder.levels], problems)
    _check_slugs("area", [a.slug for a in ladder.areas], problems)
    _check_slugs("competency", [c.slug for c in ladder.competencies], problems)
    _check_slugs("specialisation", [s.slug for s in ladder.specialisations], problems)
    for area in ladder.areas:
        if not area.competencies:
            problems.append(f"area {area.slug!r} has no competencies: add one or remove the area")
    for comp in ladder.competencies:
        if len(comp.anchors) != len(RATINGS):
            problems.append(
                f"competency {comp.slug!r} has {len(comp.anchors)} anchors: give exactly 5, one per rating 1–5"
            )
        if not comp.name.strip():
            problems.append(f"competency {comp.slug!r} has no name")
    comp_slugs = [c.slug for c in ladder.competencies]
    seen: dict[tuple[str, int], str] = {}
    previous: Level | None = None
    for level in ladder.levels:
        problems.extend(_level_problems(level, comp_slugs))
        clash = seen.get((level.track, level.rank))
        if clash is not None:
            problems.append(
                f"levels {clash!r} and {level.slug!r} share rank {level.rank} on the {level.track} track: "
                "give each level of a track its own rank"
            )
        seen[(level.track, level.rank)] = level.slug
        if previous is not None and level.rank < previous.rank:
            problems.append(
                f"level {level.slug!r} (rank {level.rank}) comes after {previous.slug!r} (rank {previous.rank}): "
                "list levels from the lowest rank to the highest"
            )
        previous = level
    return problems


def _check_slugs(kind: str, slugs: Sequence[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for slug in slugs:
        if not _SLUG.match(slug):
            problems.append(f"{kind} slug {slug!r} is not a slug: use lowercase letters, digits, '-' or '_'")
        if slug in seen:
            problems.append(f"{kind} slug {slug!r} is used twice: slugs must be unique")
        seen.add(slug)


def _level_problems(level: Level, comp_slugs: Sequence[str]) -> list[str]:
    problems: list[str] = []
    name = f"level {level.slug!r}"
    if not level.title.strip():
        problems.append(f"{name} has no title")
    if level.track not in TRACKS:
        problems.append(f"{name} has track {level.track!r}: use one of {', '.join(TRACKS)}")
    if level.scope not in SCOPES:
        problems.append(f"{name} has scope {level.scope!r}: use one of {', '.join(SCOPES)}")
    if level.years_min < 0:
        problems.append(f"{name} starts at {level.years_min} years: years of experience cannot be negative")
    if level.years_max is not None and level.years_max < level.years_min:
        problems.append(f"{name} has years {level.years_min}–{level.years_max}: the maximum is below the minimum")
    for slug in comp_slugs:
        if slug not in level.expectations:
            problems.append(f"{name} has no expectation for competency {slug!r}: set a rating 1–5")
    for slug, rating in level.expectations.items():
        if slug not in comp_slugs:
            problems.append(f"{name} expects unknown competency {slug!r}: remove it or add the competency")
        elif isinstance(rating, bool) or rating not in RATINGS:
            problems.append(f"{name} expects {rating!r} for {slug!r}: expectations are whole ratings 1–5")
    return problems


def validate_ladder(ladder: Ladder) -> Ladder:
    """Return ``ladder`` unchanged, or raise ValidationError naming every problem (``details`` lists them)."""
    problems = ladder_problems(ladder)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"the ladder is invalid: {problems[0]}{more}", details={"problems": problems})
    return ladder


# ------------------------------------------------------------------------------------------------ editing


def _next_version(ladder: Ladder, note: str, **changes: Any) -> Ladder:
    new = dataclasses.replace(ladder, version=ladder.version + 1, change_note=note, **changes)
    return validate_ladder(new)


def _note(note: str | None, default: str) -> str:
    return note.strip() if note and note.strip() else default


def rename_level(ladder: Ladder, slug: str, title: str, *, note: str | None = None) -> Ladder:
    """A new version where level ``slug`` is called ``title`` (its slug stays)."""
    old = ladder.level(slug).title
    return update_level(ladder, slug, note=_note(note, f"Renamed level {old!r} to {title!r}"), title=title)


def update_level(ladder: Ladder, slug: str, /, *, note: str | None = None, **changes: Any) -> Ladder:
    """A new version where level ``slug`` has the given field values (title, years_min, scope, ...)."""
    level = ladder.level(slug)
    if "slug" in changes:
        raise ValidationError("a level's slug cannot change: add a new level and remove the old one instead")
    try:
        updated = dataclasses.replace(level, **changes)
    except TypeError as exc:
        fields = ", ".join(f.name for f in dataclasses.fields(Level) if f.name != "slug")
        raise ValidationError(f"cannot update level {slug!r}: {exc}; the fields are {fields}") from exc
    levels = tuple(updated if lv.slug == slug else lv for lv in ladder.levels)
    names = ", ".join(sorted(changes))
    return _next_version(ladder, _note(note, f"Changed {names} of level {level.title!r}"), levels=levels)


def add_level(ladder: Ladder, level: Level, *, note: str | None = None) -> Ladder:
    """A new version with ``level`` added at its rank.

    If its track already has a level at that rank, every level at or above the rank (on both tracks) moves up
    one rank to make room, so the new level slots in between without reordering the rest.
    """
    if any(lv.slug == level.slug for lv in ladder.levels):
        raise ValidationError(f"level slug {level.slug!r} is already used: choose another slug")
    levels = list(ladder.levels)
    if any(lv.rank == level.rank and lv.track == level.track for lv in levels):
        levels = [dataclasses.replace(lv, rank=lv.rank + 1) if lv.rank >= level.rank else lv for lv in levels]
    levels.append(level)
    order = {track: i for i, track in enumerate(TRACKS)}
    levels.sort(key=lambda lv: (lv.rank, order.get(lv.track, len(order))))
    return _next_version(ladder, _note(note, f"Added level {level.title!r}"), levels=tuple(levels))


def remove_level(ladder: Ladder, slug: str, *, note: str | None = None) -> Ladder:
    """A new version without level ``slug`` (the other levels keep their ranks)."""
    title = ladder.level(slug).title
    levels = tuple(lv for lv in ladder.levels if lv.slug != slug)
    return _next_version(ladder, _note(note, f"Removed level {title!r}"), levels=levels)


def set_expectation(
    ladder: Ladder, level_slug: str, competency_slug: str, rating: int, *, note: str | None = None
) -> Ladder:
    """A new version where ``level_slug`` expects ``rating`` (1–5) in ``competency_slug``."""
    level = ladder.level(level_slug)
    comp = ladder.competency(competency_slug)
    expectations = {**level.expectations, comp.slug: rating}
    default = f"{level.title} now expects {rating} in {comp.name}"
    return update_level(ladder, level_slug, note=_note(note, default), expectations=expectations)


def rename_competency(ladder: Ladder, slug: str, name: str, *, note: str | None = None) -> Ladder:
    """A new version where competency ``slug`` is called ``name`` (its slug stays)."""
    old = ladder.competency(slug).name
    return update_competency(ladder, slug, note=_note(note, f"Renamed competency {old!r} to {name!r}"), name=name)


def update_competency(ladder: Ladder, slug: str, /, *, note: str | None = None, **changes: Any) -> Ladder:
    """A new version where competency ``slug`` has the given field values (name, description, anchors)."""
    comp = ladder.competency(slug)
    if "slug" in changes:
        raise ValidationError("a competency's slug cannot change: add a new competency and remove the old one")
    if "anchors" in changes:
        changes["anchors"] = tuple(changes["anchors"])
    try:
        updated = dataclasses.replace(comp, **changes)
    except TypeError as exc:
        raise ValidationError(
            f"cannot update competency {slug!r}: {exc}; the fields are name, description, anchors"
        ) from exc
    areas = tuple(
        dataclasses.replace(a, competencies=tuple(updated if c.slug == slug else c for c in a.competencies))
        for a in ladder.areas
    )
    names = ", ".join(sorted(changes))
    return _next_version(ladder, _note(note, f"Changed {names} of competency {comp.name!r}"), areas=areas)


def add_competency(
    ladder: Ladder,
    area_slug: str,
    competency: Competency,
    expectations: Mapping[str, int],
    *,
    note: str | None = None,
) -> Ladder:
    """A new version with ``competency`` at the end of area ``area_slug``.

    ``expectations`` maps every level slug to the rating (1–5) that level expects in the new competency.
    """
    if area_slug not in {a.slug for a in ladder.areas}:
        raise NotFound(f"no area {area_slug!r}: use one of {', '.join(a.slug for a in ladder.areas)}")
    if any(c.slug == competency.slug for c in ladder.competencies):
        raise ValidationError(f"competency slug {competency.slug!r} is already used: choose another slug")
    unknown = sorted(set(expectations) - {lv.slug for lv in ladder.levels})
    if unknown:
        raise ValidationError(f"expectations name unknown levels {', '.join(unknown)}: use the ladder's level slugs")
    areas = tuple(
        dataclasses.replace(a, competencies=(*a.competencies, competency)) if a.slug == area_slug else a
        for a in ladder.areas
    )
    levels = tuple(
        dataclasses.replace(
            lv,
            expectations={**lv.expectations, competency.slug: expectations[lv.slug]}
            if lv.slug in expectations
            else dict(lv.expectations),
        )
        for lv in ladder.levels
    )
    return _next_version(
        ladder, _note(note, f"Added competency {competency.name!r}"), areas=areas, levels=levels
    )


def remove_competency(ladder: Ladder, slug: str, *, note: str | None = None) -> Ladder:
    """A new version without competency ``slug`` and without its expectations."""
    comp = ladder.competency(slug)
    areas = tuple(
        dataclasses.replace(a, competencies=tuple(c for c in a.competencies if c.slug != slug))
        for a in ladder.areas
    )
    levels = tuple(
        dataclasses.replace(lv, expectations={k: v for k, v in lv.expectations.items() if k != slug})
        for lv in ladder.levels
    )
    return _next_version(ladder, _note(note, f"Removed competency {comp.name!r}"), areas=areas, levels=levels)


def rename_area(ladder: Ladder, slug: str, name: str, *, note: str | None = None) -> Ladder:
    """A new version where competency area ``slug`` is called ``name``."""
    area = next((a for a in ladder.areas if a.slug == slug), None)
    if area is None:
        raise NotFound(f"no area {slug!r}: use one of {', '.join(a.slug for a in ladder.areas)}")
    areas = tuple(dataclasses.replace(a, name=name) if a.slug == slug else a for a in ladder.areas)
    return _next_version(ladder, _note(note, f"Renamed area {area.name!r} to {name!r}"), areas=areas)


def remove_area(ladder: Ladder, slug: str, *, note: str | None = None) -> Ladder:
    """A new version without competency area ``slug``, its competencies and their expectations."""
    area = next((a for a in ladder.areas if a.slug == slug), None)
    if area is None:
        raise NotFound(f"no area {slug!r}: use one of {', '.join(a.slug for a in ladder.areas)}")
    gone = {c.slug for c in area.competencies}
    levels = tuple(
        dataclasses.replace(lv, expectations={k: v for k, v in lv.expectations.items() if k not in gone})
        for lv in ladder.levels
    )
    areas = tuple(a for a in ladder.areas if a.slug != slug)
    return _next_version(ladder, _note(note, f"Removed area {area.name!r}"), areas=areas, levels=levels)


# ---------------------------------------------------------------------------------------------- plain data


def ladder_to_dict(ladder: Ladder) -> dict[str, Any]:
    """The ladder as plain JSON-ready data; :func:`ladder_from_dict` reads it back."""
    return {
        "format": FORMAT,
        "name": ladder.name,
        "version": ladder.version,
        "change_note": ladder.change_note,
        "levels": [
            {
                "slug": lv.slug,
                "title": lv.title,
                "rank": lv.rank,
                "track": lv.track,
                "years_min": lv.years_min,
                "years_max": lv.years_max,
                "scope": lv.scope,
                "summary": lv.summary,
                "responsibilities": list(lv.responsibilities),
                "expectations": dict(lv.expectations),
            }
            for lv in ladder.levels
        ],
        "areas": [
            {
                "slug": a.slug,
                "name": a.name,
                "competencies": [
                    {"slug": c.slug, "name": c.name, "description": c.description, "anchors": list(c.anchors)}
                    for c in a.competencies
                ],
            }
            for a in ladder.areas
        ],
        "specialisations": [
            {
                "slug": s.slug,
                "name": s.name,
                "summary": s.summary,
                "outcome": s.outcome,
                "responsibilities": list(s.responsibilities),
                "must_haves": list(s.must_haves),
                "nice_to_haves": list(s.nice_to_haves),
            }
            for s in ladder.specialisations
        ],
    }


class _Reader:
    """Reads typed values out of untrusted nested dicts, naming the path of whatever is wrong."""

    def get(self, data: Mapping[str, Any], key: str, kind: type, path: str, default: Any = ...) -> Any:
        if not isinstance(data, Mapping):
            raise ValidationError(f"ladder data is malformed: {path or 'the top level'} must be an object")
        where = f"{path}.{key}" if path else key
        if key not in data:
            if default is not ...:
                return default
            raise ValidationError(f"ladder data is malformed: {where} is missing; add it")
        value = data[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValidationError(f"ladder data is malformed: {where} must be a whole number, not {value!r}")
        if not isinstance(value, kind):
            raise ValidationError(f"ladder data is malformed: {where} must be a {kind.__name__}, not {value!r}")
        return value

    def strings(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        items = self.get(data, key, list, path, [])
        where = f"{path}.{key}"
        if not all(isinstance(item, str) for item in items):
            raise ValidationError(f"ladder data is malformed: {where} must be a list of strings")
        return tuple(items)

    def objects(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping[str, Any]]]:
        items = self.get(data, key, list, path)
        out = []
        for i, item in enumerate(items):
            where = f"{path + '.' if path else ''}{key}[{i}]"
            if not isinstance(item, Mapping):
                raise ValidationError(f"ladder data is malformed: {where} must be an object")
            out.append((where, item))
        return out


def ladder_from_dict(data: Mapping[str, Any]) -> Ladder:
    """Read a ladder written by :func:`ladder_to_dict`, validating its shape and its content."""
    r = _Reader()
    fmt = r.get(data, "format", int, "", FORMAT)
    if fmt != FORMAT:
        raise ValidationError(f"ladder data has format {fmt}: this Headway reads format {FORMAT}; upgrade Headway")
    levels = []
    for where, lv in r.objects(data, "levels", ""):
        expectations = r.get(lv, "expectations", dict, where)
        years_max = r.get(lv, "years_max", object, where, None)
        if years_max is not None and (isinstance(years_max, bool) or not isinstance(years_max, int)):
            raise ValidationError(f"ladder data is malformed: {where}.years_max must be a whole number or null")
        levels.append(
            Level(
                slug=r.get(lv, "slug", str, where),
                title=r.get(lv, "title", str, where),
                rank=r.get(lv, "rank", int, where),
                track=r.get(lv, "track", str, where),
                years_min=r.get(lv, "years_min", int, where),
                years_max=years_max,
                scope=r.get(lv, "scope", str, where),
                summary=r.get(lv, "summary", str, where, ""),
                expectations={str(k): v for k, v in expectations.items()},
                responsibilities=r.strings(lv, "responsibilities", where),
            )
        )
    areas = []
    for where, a in r.objects(data, "areas", ""):
        comps = tuple(
            Competency(
                slug=r.get(c, "slug", str, cwhere),
                name=r.get(c, "name", str, cwhere),
                description=r.get(c, "description", str, cwhere, ""),
                anchors=r.strings(c, "anchors", cwhere),
            )
            for cwhere, c in r.objects(a, "competencies", where)
        )
        areas.append(CompetencyArea(slug=r.get(a, "slug", str, where), name=r.get(a, "name", str, where),
                                    competencies=comps))
    specs = tuple(
        Specialisation(
            slug=r.get(s, "slug", str, where),
            name=r.get(s, "name", str, where),
            summary=r.get(s, "summary", str, where, ""),
            outcome=r.get(s, "outcome", str, where, ""),
            responsibilities=r.strings(s, "responsibilities", where),
            must_haves=r.strings(s, "must_haves", where),
            nice_to_haves=r.strings(s, "nice_to_haves", where),
        )
        for where, s in r.objects(data, "specialisations", "")
    ) if "specialisations" in data else ()
    ladder = Ladder(
        name=r.get(data, "name", str, ""),
        version=r.get(data, "version", int, ""),
        change_note=r.get(data, "change_note", str, "", ""),
        levels=tuple(levels),
        areas=tuple(areas),
        specialisations=specs,
    )
    return validate_ladder(ladder)
