"""A pack document as Markdown and as a standalone HTML page (inline SVG charts, a print stylesheet for a clean
A4/Letter PDF from the browser). Free text is Markdown; raw HTML in it is escaped."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

from headway.reports.engine.document import Document, Section
from headway.reports.engine.svg import bar_chart, line_chart

PRINT_CSS = """
body { font-family: Helvetica, Arial, sans-serif; color: #1f2937; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 1.6rem;
     border-bottom: 1px solid #e5e7eb; padding-bottom: .2rem; }
.subtitle { color: #6b7280; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; table-layout: auto; }
th, td { border: 1px solid #e5e7eb; padding: .3rem .45rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f3f4f6; }
svg { max-width: 100%; height: auto; }
.empty { color: #6b7280; font-style: italic; }
.footer { margin-top: 2rem; color: #6b7280; font-size: 12px; }
@page { size: auto; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, figure, svg { break-inside: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .no-print { display: none; }
}
"""

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section_text(section: Section, notes: dict[str, str]) -> str:
    return notes.get(section.key, "") if section.editable else section.text


def render_markdown(doc: Document, notes: dict[str, str] | None = None) -> str:
    """The document as Markdown (charts as a line naming them: Markdown has no images of its own)."""
    notes = notes or {}
    lines = [f"# {doc.title}", "", f"_{doc.subtitle}_", ""]
    for s in doc.sections:
        lines += [f"## {s.title}", ""]
        text = _section_text(s, notes).strip()
        has_body = bool(text or s.bullets or (s.table and s.table.rows) or s.chart)
        if text:
            lines += [text, ""]
        if s.chart is not None:
            lines += [f"*Chart: {s.chart.title}*", ""]
        lines += [f"- {b}" for b in s.bullets] + ([""] if s.bullets else [])
        if s.table is not None and s.table.rows:
            lines.append("| " + " | ".join(_cell(c) for c in s.table.columns) + " |")
            lines.append("|" + "---|" * len(s.table.columns))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in s.table.rows]
            lines.append("")
        if not has_body:
            lines += [f"_{s.empty}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def chart_svg(section: Section) -> str:
    """The section's chart as SVG ("" when it has none)."""
    c = section.chart
    if c is None:
        return ""
    if c.kind == "line":
        return line_chart(c.title, c.labels, c.values, target=c.target, unit=c.unit)
    return bar_chart(c.title, c.labels, c.values, unit=c.unit)


def render_body(doc: Document, notes: dict[str, str] | None = None) -> str:
    """The document's HTML body (headings, text, charts, tables), for a page or a message."""
    notes = notes or {}
    parts = [f"<h1>{escape(doc.title)}</h1>", f'<p class="subtitle">{escape(doc.subtitle)}</p>']
    for s in doc.sections:
        parts.append(f'<section id="{escape(s.key)}"><h2>{escape(s.title)}</h2>')
        text = _section_text(s, notes).strip()
        has_body = bool(text or s.bullets or (s.table and s.table.rows) or s.chart)
        if text:
            parts.append(_MD.render(text))
        if s.chart is not None:
            parts.append(f"<figure>{chart_svg(s)}</figure>")
        if s.bullets:
            parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in s.bullets) + "</ul>")
        if s.table is not None and s.table.rows:
            head = "".join(f"<th>{escape(c)}</th>" for c in s.table.columns)
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in s.table.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        if not has_body:
            parts.append(f'<p class="empty">{escape(s.empty)}</p>')
        parts.append("</section>")
    return "\n".join(parts)


def render_html(doc: Document, notes: dict[str, str] | None = None, *, footer: str = "",
                unsubscribe_url: str = "") -> str:
    """The document as a standalone HTML page with its print stylesheet; an unsubscribe link at the foot."""
    tail = []
    if footer:
        tail.append(escape(footer))
    if unsubscribe_url:
        tail.append(f'<a href="{escape(unsubscribe_url)}">Unsubscribe</a>')
    foot = f'<p class="footer">{" · ".join(tail)}</p>' if tail else ""
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
            f"<style>{PRINT_CSS}</style></head><body>\n{render_body(doc, notes)}\n{foot}</body></html>\n")
