"""Pure helpers of the reports app: the pack document and its Markdown/HTML renderings, server-side SVG charts,
webhook signatures and the next run of a schedule. Plain values in, typed results out; no Django."""

from headway.reports.engine.document import Chart, Document, Section, Table, document_from_dict
from headway.reports.engine.render import render_html, render_markdown
from headway.reports.engine.schedule import next_run
from headway.reports.engine.signing import sign_body, verify_signature
from headway.reports.engine.svg import bar_chart, line_chart

__all__ = [
    "Chart",
    "Document",
    "Section",
    "Table",
    "bar_chart",
    "document_from_dict",
    "line_chart",
    "next_run",
    "render_html",
    "render_markdown",
    "sign_body",
    "verify_signature",
]
