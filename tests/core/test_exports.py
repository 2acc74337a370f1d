"""CSV exports and the CLI's --csv neutralise formula prefixes in every cell, list cells included (issue 15,
point 8)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from headway.core.exports import csv_cell, csv_text
from headway.planning import services as planning


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=x", "'\t=x"),
     ("\r=x", "'\r=x"), (["=HYPERLINK(\"http://evil\")", "Web"], "'=HYPERLINK(\"http://evil\");Web"),
     (("Web", "Mobile"), "Web;Mobile"), ("plain", "plain"), (-5, -5), (2.5, 2.5), (None, None)],
)
def test_a_cell_is_neutralised(value, written) -> None:
    assert csv_cell(value) == written


def test_header_and_mapping_rows() -> None:
    text = csv_text(["=h", "b"], [{"=h": "@x", "b": ["-1", "2"]}, ["ok", 3]])
    assert list(csv.reader(io.StringIO(text))) == [["'=h", "b"], ["'@x", "'-1;2"], ["ok", "3"]]


@pytest.mark.django_db
def test_the_roadmap_export_neutralises_a_team_in_a_list_cell(workspace) -> None:
    planning.save_team(None, "Web", cost_per_week=4000, headcount=2, weeks_per_quarter=12)
    planning.save_team(None, "=HYPERLINK(1)", cost_per_week=4000, headcount=1, weeks_per_quarter=12)
    idea = planning.create_initiative(None, title="@evil", kind="innovate", team="Web", user_value=1,
                                      business_value=1, effort={"=HYPERLINK(1)": 2, "Web": 1})
    planning.place(None, idea.pk, "2026-Q2")
    rows = list(csv.reader(io.StringIO(planning.export_csv(None, "engineering", today=date(2026, 5, 10)))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["title"] == "'@evil"
    assert row["teams"] == "'=HYPERLINK(1);Web"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in rows[1])
