"""Job descriptions generated from a ladder level, a specialisation and a team; Markdown and HTML export.

A description has an outcome-focused summary, responsibilities, at most :data:`MAX_MUST_HAVES` must-haves,
nice-to-haves, a pay range and a paragraph about the company. Where the job's location has a pay
transparency law (:data:`PAY_TRANSPARENCY`), a pay range is required. This table is a convenience kept
small and dated, not legal advice: check the rules that apply to you.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from headway.core.errors import ValidationError
from headway.team.engine.inclusive import LanguageFinding, check_language
from headway.team.engine.ladder import SCOPES, Ladder

MAX_MUST_HAVES = 7
"""More must-haves than this put off qualified people who meet most but not all of them."""


@dataclass(frozen=True)
class PayRule:
    """A jurisdiction whose law requires pay ranges in job adverts (or before the interview)."""

    code: str
    name: str
    law: str
    effective: date


_EU_DIRECTIVE = "EU Pay Transparency Directive (EU) 2023/970"
_EU_DATE = date(2026, 6, 7)
_EU_MEMBERS = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus", "CZ": "Czechia",
    "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France", "DE": "Germany", "GR": "Greece",
    "HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg",
    "MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia",
    "SI": "Slovenia", "ES": "Spain", "SE": "Sweden",
}  # fmt: skip

PAY_TRANSPARENCY: tuple[PayRule, ...] = (
    PayRule("US-CO", "Colorado", "Colorado Equal Pay for Equal Work Act", date(2021, 1, 1)),
    PayRule("US-CA", "California", "California SB 1162", date(2023, 1, 1)),
    PayRule("US-WA", "Washington State", "Washington SB 5761", date(2023, 1, 1)),
    PayRule("US-NY-NYC", "New York City", "NYC Local Law 32 of 2022", date(2022, 11, 1)),
    PayRule("US-NY", "New York State", "New York Labor Law § 194-b", date(2023, 9, 17)),
    PayRule("US-IL", "Illinois", "Illinois Equal Pay Act amendment (HB 3129)", date(2025, 1, 1)),
    PayRule("CA-BC", "British Columbia", "British Columbia Pay Transparency Act", date(2023, 11, 1)),
    *(PayRule(code, name, _EU_DIRECTIVE, _EU_DATE) for code, name in _EU_MEMBERS.items()),
)
"""Jurisdictions that mandate pay transparency in hiring, with the law and the date it took effect."""

_ALIASES = {
    **{rule.name.lower(): rule.code for rule in PAY_TRANSPARENCY},
    "nyc": "US-NY-NYC", "new york": "US-NY", "washington": "US-WA", "washington state": "US-WA",
    "czech republic": "CZ", "the netherlands": "NL", "holland": "NL",
}  # fmt: skip

_CODE = re.compile(r"^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3}){0,2}$")


def location_code(location: str) -> str:
    """A jurisdiction code (``US-CO``, ``DE``) from a code or a place name ("Denver, Colorado" → ``US-CO``).

    Unknown places come back upper-cased as they are: they match no pay-transparency rule.
    """
    text = location.strip()
    if text.lower() in _ALIASES:
        return _ALIASES[text.lower()]
    if _CODE.match(text) and "," not in text:
        return text.upper()
    parts = [p.strip().lower() for p in text.split(",")]
    codes = [_ALIASES[p] for p in parts if p in _ALIASES]
    return max(codes, key=len) if codes else text.upper()


def pay_rules_for(location: str, on: date | None = None) -> tuple[PayRule, ...]:
    """The pay-transparency rules that apply at ``location`` (and are in force ``on`` that date, if given)."""
    code = location_code(location)
    return tuple(
        rule
        for rule in PAY_TRANSPARENCY
        if (code == rule.code or code.startswith(rule.code + "-")) and (on is None or on >= rule.effective)
    )


@dataclass(frozen=True)
class PayRange:
    """A pay range: minimum and maximum in ``currency`` per ``period`` (year, month or hour)."""

    minimum: float
    maximum: float
    currency: str
    period: str = "year"

    def __post_init__(self) -> None:
        if self.minimum <= 0:
            raise ValidationError(f"pay minimum {self.minimum} must be above zero: give the lowest pay offered")
        if self.maximum < self.minimum:
            raise ValidationError(
                f"pay maximum {self.maximum} is below the minimum {self.minimum}: swap them"
            )
        if self.period not in ("year", "month", "hour"):
            raise ValidationError(f"pay period {self.period!r} is unknown: use year, month or hour")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValidationError(f"currency {self.currency!r} is not an ISO code: use e.g. EUR, USD or GBP")

    def text(self) -> str:
        """The range as people read it: ``EUR 70,000–90,000 per year``."""
        return f"{self.currency} {_amount(self.minimum)}–{_amount(self.maximum)} per {self.period}"


def _amount(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@dataclass(frozen=True)
class Team:
    """The hiring team: its name and, optionally, the mission it exists for."""

    name: str
    mission: str = ""


@dataclass(frozen=True)
class Company:
    """The hiring company: its name and a paragraph about it."""

    name: str
    about: str


@dataclass(frozen=True)
class JobDescription:
    """A job description, ready to edit, check and export."""

    title: str
    company: str
    team: str
    location: str
    level: str
    specialisation: str
    summary: str
    responsibilities: tuple[str, ...]
    must_haves: tuple[str, ...]
    nice_to_haves: tuple[str, ...]
    pay: PayRange | None
    about_company: str


def validate_job_description(jd: JobDescription, *, on: date | None = None) -> JobDescription:
    """``jd`` unchanged, or a ValidationError: too many must-haves, empty parts, a missing mandated pay range.

    ``on`` limits the pay-transparency check to laws in force on that date; by default every law in the
    table counts, including ones announced for a later date.
    """
    if not jd.title.strip():
        raise ValidationError("the job description has no title: give it one")
    if not jd.must_haves:
        raise ValidationError("the job description has no must-haves: list what a candidate needs on day one")
    if len(jd.must_haves) > MAX_MUST_HAVES:
        raise ValidationError(
            f"the job description has {len(jd.must_haves)} must-haves; the most is {MAX_MUST_HAVES}: "
            "move the least essential ones to nice-to-haves",
            details={"must_haves": len(jd.must_haves), "max": MAX_MUST_HAVES},
        )
    rules = pay_rules_for(jd.location, on)
    if jd.pay is None and rules:
        rule = rules[0]
        raise ValidationError(
            f"a pay range is required for jobs in {rule.name} ({rule.law}, in force from "
            f"{rule.effective.isoformat()}): add the minimum and maximum pay",
            details={"location": jd.location, "laws": [r.law for r in rules]},
        )
    return jd


def generate_job_description(
    ladder: Ladder,
    level: str,
    specialisation: str,
    team: Team,
    company: Company,
    *,
    location: str,
    pay: PayRange | None = None,
    on: date | None = None,
) -> JobDescription:
    """A first draft of the job description for ``level`` and ``specialisation`` in ``team``.

    Responsibilities come from the level and the specialisation; must-haves are the experience the level
    typically needs, its three most demanding competencies (with their behavioural anchors) and the
    specialisation's must-haves.
    """
    lv = ladder.level(level)
    spec = ladder.specialisation(specialisation)
    title = lv.title if spec.slug == "core" else f"{lv.title}, {spec.name}"
    mission = f" ({team.mission.strip().rstrip('.')})" if team.mission.strip() else ""
    summary = (
        f"As {_article(lv.title)} {lv.title} in the {team.name} team{mission}, you will own "
        f"{SCOPES[lv.scope]} and be measured by one outcome: {spec.outcome}. In short, the role "
        f"{_lower_first(lv.summary)}"
    )
    if lv.years_min == 0:
        years = (
            f"Up to {lv.years_max} years of experience in product management or a neighbouring field "
            "(engineering, design, analytics, customer success)."
        )
    else:
        extra = ", including leading product managers" if lv.track == "manager" else ""
        years = f"{lv.years_min}+ years of product management experience or the equivalent{extra}."
    room = MAX_MUST_HAVES - 1 - len(spec.must_haves)
    ranked = sorted(ladder.competencies, key=lambda c: -lv.expectations[c.slug])[: max(0, min(3, room))]
    skills = tuple(
        f"{c.name}: {_lower_first(c.anchor(lv.expectations[c.slug]))}" for c in ranked
    )
    jd = JobDescription(
        title=title,
        company=company.name,
        team=team.name,
        location=location,
        level=lv.slug,
        specialisation=spec.slug,
        summary=summary,
        responsibilities=(*lv.responsibilities, *spec.responsibilities),
        must_haves=(years, *skills, *spec.must_haves)[:MAX_MUST_HAVES],
        nice_to_haves=spec.nice_to_haves,
        pay=pay,
        about_company=company.about,
    )
    return validate_job_description(jd, on=on)


def update_job_description(jd: JobDescription, *, on: date | None = None, **changes: Any) -> JobDescription:
    """A copy of ``jd`` with the given fields changed, validated again."""
    for key in ("responsibilities", "must_haves", "nice_to_haves"):
        if key in changes:
            changes[key] = tuple(changes[key])
    try:
        updated = dataclasses.replace(jd, **changes)
    except TypeError as exc:
        fields = ", ".join(f.name for f in dataclasses.fields(JobDescription))
        raise ValidationError(f"cannot update the job description: {exc}; the fields are {fields}") from exc
    return validate_job_description(updated, on=on)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def check_job_description(jd: JobDescription) -> tuple[LanguageFinding, ...]:
    """The inclusive-language findings of every text part of ``jd``; ``field`` names the part and item."""
    parts: list[tuple[str, str]] = [("title", jd.title), ("summary", jd.summary)]
    for name in ("responsibilities", "must_haves", "nice_to_haves"):
        parts.extend((f"{name}[{i}]", text) for i, text in enumerate(getattr(jd, name)))
    parts.append(("about_company", jd.about_company))
    return tuple(f for name, text in parts for f in check_language(text, name))


def to_markdown(jd: JobDescription) -> str:
    """The job description as Markdown."""
    lines = [f"# {jd.title}", "", f"**{jd.company}** · {jd.team} team · {jd.location}", "", jd.summary, ""]
    for heading, items in (
        ("What you will do", jd.responsibilities),
        ("What you need", jd.must_haves),
        ("Nice to have", jd.nice_to_haves),
    ):
        if items:
            lines += [f"## {heading}", "", *(f"- {item}" for item in items), ""]
    if jd.pay is not None:
        lines += ["## Pay", "", jd.pay.text(), ""]
    lines += [f"## About {jd.company}", "", jd.about_company, ""]
    return "\n".join(lines)


def to_html(jd: JobDescription) -> str:
    """The job description as an HTML fragment; every piece of text is escaped."""
    e = html.escape
    out = [
        '<article class="job-description">',
        f"<h1>{e(jd.title)}</h1>",
        f'<p class="job-meta"><strong>{e(jd.company)}</strong> · {e(jd.team)} team · {e(jd.location)}</p>',
        f"<p>{e(jd.summary)}</p>",
    ]
    for heading, items in (
        ("What you will do", jd.responsibilities),
        ("What you need", jd.must_haves),
        ("Nice to have", jd.nice_to_haves),
    ):
        if items:
            out += [f"<h2>{heading}</h2>", "<ul>", *(f"<li>{e(item)}</li>" for item in items), "</ul>"]
    if jd.pay is not None:
        out += ["<h2>Pay</h2>", f"<p>{e(jd.pay.text())}</p>"]
    out += [f"<h2>About {e(jd.company)}</h2>", f"<p>{e(jd.about_company)}</p>", "</article>"]
    return "\n".join(out)
