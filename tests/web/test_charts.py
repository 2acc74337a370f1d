"""The chart component: specs from Altair or dicts, the template tag's markup, the table fallback."""

from __future__ import annotations

import json
import re
from datetime import date

import altair as alt
import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from headway.core.errors import ValidationError
from headway.web.charts import bar_chart, chart_rows, chart_table, check_chart_id, to_spec

SPEC = {
    "title": "Signups per day",
    "data": {"values": [{"day": date(2025, 1, 1), "signups": 3}, {"day": date(2025, 1, 2), "signups": 5}]},
    "mark": "line",
    "encoding": {"x": {"field": "day", "type": "temporal"}, "y": {"field": "signups", "type": "quantitative"}},
}


def render(template: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template("{% load headway_charts %}" + template).render(Context({"request": request, **context}))


def test_to_spec_copies_a_dict_makes_dates_json_and_fills_the_container():
    spec = to_spec(SPEC)
    assert spec["data"]["values"][0] == {"day": "2025-01-01", "signups": 3}
    assert spec["width"] == "container"
    assert "width" not in SPEC  # the input is not changed


def test_to_spec_from_altair_keeps_its_dataset_rows():
    chart = alt.Chart(alt.Data(values=[{"k": "a", "v": 1}, {"k": "b", "v": 2}])).mark_bar().encode(x="v:Q", y="k:N")
    spec = to_spec(chart)
    assert spec["mark"] == {"type": "bar"}
    assert chart_rows(spec) == [{"k": "a", "v": 1}, {"k": "b", "v": 2}]


def test_rows_of_a_named_dataset_and_of_layers():
    named = {"data": {"name": "d"}, "datasets": {"d": [{"a": 1}]}, "mark": "bar"}
    layered = {"layer": [{"data": {"values": [{"b": 2}]}, "mark": "line"}]}
    assert chart_rows(named) == [{"a": 1}]
    assert chart_rows(layered) == [{"b": 2}]
    assert chart_rows({"mark": "bar"}) == []


def test_composite_specs_get_no_width():
    assert "width" not in to_spec({"hconcat": [SPEC, SPEC]})


def test_chart_table_lists_columns_and_counts_rows_left_out():
    spec = {"data": {"values": [{"a": i, "b": i * i} for i in range(5)] + [{"a": 9, "c": "x"}]}}
    table = chart_table(spec, limit=3)
    assert table.columns == ["a", "b", "c"]
    assert table.headings == ["a", "b", "c"]
    assert table.rows == [[0, 0, ""], [1, 1, ""], [2, 4, ""]]
    assert table.left_out == 3


def test_not_a_chart_is_a_clear_error():
    with pytest.raises(ValidationError, match="Altair chart or a Vega-Lite dict, not int"):
        to_spec(42)


@pytest.mark.parametrize("bad", ["", "1chart", "has space", "x" * 65, 'q"><script>'])
def test_chart_ids_must_be_html_ids(bad):
    with pytest.raises(ValidationError, match="cannot be an HTML id"):
        check_chart_id(bad)


def test_tag_emits_the_json_spec_and_the_accessible_name():
    html = render('{% vega_chart spec id="signups" label="Signups per day, January" %}{% chart_scripts %}',
                  spec=SPEC)
    assert '<figure class="chart" id="signups" data-vega-chart data-spec="signups-spec">' in html
    assert '<div class="chart-canvas" role="img" aria-label="Signups per day, January"></div>' in html
    payload = re.search(r'<script id="signups-spec" type="application/json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(payload) == to_spec(SPEC)
    assert "<noscript>" in html
    assert re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", html) == [("2025-01-01", "3"), ("2025-01-02", "5")]
    assert '<script src="/static/vendor/vega.min.js" defer></script>' in html
    assert '<script src="/static/headway/charts.js" defer></script>' in html


def test_tag_takes_the_label_from_the_title_and_escapes_data():
    spec = {**SPEC, "data": {"values": [{"day": "</script><script>alert(1)</script>", "signups": 1}]}}
    html = render('{% vega_chart spec id="evil" %}', spec=spec)
    assert 'aria-label="Signups per day"' in html
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html  # json_script escapes < and >


def test_tag_shows_the_empty_state_and_loads_no_vega_when_there_is_no_data():
    empty = {**SPEC, "data": {"values": []}}
    html = render('{% vega_chart spec id="signups" empty="No signups yet: load events first." %}{% chart_scripts %}',
                  spec=empty)
    assert '<div class="chart-empty" role="img" aria-label="Signups per day: no data yet">' in html
    assert "<p>No signups yet: load events first.</p>" in html
    assert "application/json" not in html and "data-vega-chart" not in html
    assert "vega" not in html.replace("chart-empty", "")


def test_chart_scripts_can_be_forced_for_charts_loaded_later():
    assert render("{% chart_scripts %}") == ""
    assert render("{% chart_scripts force=True %}").count("<script src=") == 4


def test_chart_scripts_appear_once_per_page():
    html = render('{% chart_scripts force=True %}{% vega_chart spec id="a" %}{% chart_scripts %}', spec=SPEC)
    assert html.count('<script src="/static/vendor/vega.min.js" defer></script>') == 1


def test_tag_without_any_label_is_an_error():
    with pytest.raises((ValidationError, TemplateSyntaxError), match="needs a label"):
        render('{% vega_chart spec id="x" %}', spec={"data": {"values": [{"a": 1}]}, "mark": "bar"})


def test_bar_chart_keeps_the_row_order():
    spec = bar_chart([{"team": "B", "n": 2}, {"team": "A", "n": 1}], category="team", value="n", title="Teams")
    assert spec["encoding"]["y"]["sort"] is None
    assert chart_rows(spec) == [{"team": "B", "n": 2}, {"team": "A", "n": 1}]
    assert spec["title"] == "Teams"
    assert chart_table(spec).headings == ["Team", "n"]  # the tooltip titles name the columns
