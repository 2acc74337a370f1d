"""`headway team list|org|spans|add|move`, run in process against the test database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from headway.cli import app
from headway.cli.errors import run_guarded
from headway.team.models import Person

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_list_with_department_filter(org):
    result = run("team", "list", "--department", "engineering", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["name"], r["manager"], r["reports"]) for r in rows] == [("Ed", "Cora", 1), ("Fay", "Ed", 0)]
    table = run("team", "list")
    assert "People (7)" in table.output and "Product Manager, Checkout" in table.output


def test_org_prints_the_tree(org):
    result = run("team", "org")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    names = [next((n for n in ("Cora", "Vic", "Ann", "Bea", "Dan", "Ed", "Fay") if f"{n} " in line), None)
             for line in lines[1:]]
    assert names == ["Cora", "Vic", "Ann", "Bea", "Dan", "Ed", "Fay"]
    # indentation grows with depth: Cora < Vic < Ann
    indent = {n: line.index(n) for n, line in zip(names, lines[1:], strict=True)}
    assert indent["Cora"] < indent["Vic"] < indent["Ann"] and indent["Vic"] == indent["Ed"]


def test_spans(org):
    result = run("team", "spans")
    assert result.exit_code == 0, result.output
    assert "3 managers, 2.0 direct reports on average, 1 flagged." in result.output
    assert "single: one direct report" in result.output


def test_add_and_move_and_a_cycle_is_one_line_error(org, capsys):
    assert run_guarded(app, ["team", "add", "Zed", "--title", "PM", "--manager", str(org["Vic"].pk)]) == 0
    zed = Person.objects.get(name="Zed")
    assert zed.manager == org["Vic"]
    assert run_guarded(app, ["team", "move", str(zed.pk), "--to", str(org["Ed"].pk)]) == 0
    assert Person.objects.get(pk=zed.pk).manager == org["Ed"]
    capsys.readouterr()
    assert run_guarded(app, ["team", "move", str(org["Cora"].pk), "--to", str(zed.pk)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Zed cannot be Cora's manager") and "Traceback" not in err
