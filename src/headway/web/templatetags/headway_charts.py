"""``{% vega_chart spec id="..." label="..." %}`` draws a chart; ``{% chart_scripts %}`` loads vega if needed."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html_join, json_script
from django.utils.safestring import SafeString

from headway.core.errors import ValidationError
from headway.web.charts import chart_table, chart_title, check_chart_id, to_spec

register = template.Library()

CHART_SCRIPTS = (
    "vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js", "headway/charts.js",
)
_FLAG = "headway_uses_charts"
_DONE = "headway_chart_scripts_emitted"


@register.inclusion_tag("web/_chart.html", takes_context=True)
def vega_chart(context: template.Context, chart: Any, id: str, label: str = "", empty: str = "",
               caption: str = "") -> dict[str, Any]:
    """A figure holding the chart (role="img" with ``label``), its data as a table and the spec as JSON.

    When the spec has no data rows the figure shows ``empty`` (what to do to get data) instead of a chart.
    """
    spec = to_spec(chart)
    chart_id = check_chart_id(id)
    label = label or chart_title(spec)
    if not label:
        raise ValidationError(f"Chart {chart_id!r} needs a label that says what it shows: add label=\"...\".")
    table = chart_table(spec)
    has_url_data = any("url" in (part.get("data") or {}) for part in [spec, *spec.get("layer", [])])
    is_empty = not table.rows and not has_url_data
    if not is_empty:
        request = context.get("request")
        if request is not None:
            setattr(request, _FLAG, True)
        context.render_context[_FLAG] = True
    return {
        "chart_id": chart_id,
        "label": label,
        "caption": caption,
        "table": table,
        "is_empty": is_empty,
        "empty": empty or "No data yet.",
        "spec_json": "" if is_empty else json_script(spec, f"{chart_id}-spec"),
    }


@register.simple_tag(takes_context=True)
def chart_scripts(context: template.Context, force: bool = False) -> SafeString:
    """The vega scripts and charts.js when the page drew a chart, or with ``force`` (charts loaded by HTMX)."""
    request = context.get("request")
    wanted = force or getattr(request, _FLAG, False) or context.render_context.get(_FLAG, False)
    if not wanted or getattr(request, _DONE, False) or context.render_context.get(_DONE, False):
        return SafeString("")  # none needed, or already on the page
    if request is not None:
        setattr(request, _DONE, True)
    context.render_context[_DONE] = True
    return format_html_join("\n", '<script src="{}" defer></script>', ((static(p),) for p in CHART_SCRIPTS))

