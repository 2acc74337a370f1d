"""A report pack as a document: titled sections of text, bullets, a table and a chart, and free-text sections the
leader edits. Stored as JSON (:meth:`Document.as_dict`), rendered to Markdown and HTML by :mod:`.render`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    """A table: column headings and rows of already formatted cells."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """A chart drawn server-side as SVG: ``bar`` (one value per label) or ``line`` (values in order, a target)."""

    title: str
    kind: str
    labels: list[str]
    values: list[float]
    target: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Section:
    """One section. ``editable`` sections take their text from the pack's notes (the leader writes them)."""

    key: str
    title: str
    text: str = ""
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: Chart | None = None
    editable: bool = False
    empty: str = "Nothing this period."


@dataclass(frozen=True)
class Document:
    """A whole pack: its title, a subtitle (period, audience, as-of date) and its sections."""

    title: str
    subtitle: str
    sections: list[Section]

    def as_dict(self) -> dict[str, Any]:
        """The document as JSON values (what a pack stores and the API returns)."""
        return asdict(self)

    def section(self, key: str) -> Section:
        """The section named ``key`` (KeyError when there is none)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def document_from_dict(data: dict[str, Any]) -> Document:
    """The document stored by :meth:`Document.as_dict`."""
    sections = []
    for s in data.get("sections", []):
        table = Table(**s["table"]) if s.get("table") else None
        chart = Chart(**s["chart"]) if s.get("chart") else None
        sections.append(Section(key=s["key"], title=s["title"], text=s.get("text", ""),
                                bullets=list(s.get("bullets", [])), table=table, chart=chart,
                                editable=bool(s.get("editable")), empty=s.get("empty", "Nothing this period.")))
    return Document(title=data.get("title", ""), subtitle=data.get("subtitle", ""), sections=sections)
