"""The house rules (docs/development.md) as tests: one shape for use cases, public names across packages, typed
results, the import contracts, one way to run work in the background."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "headway"
APPS = ("analytics", "discovery", "planning", "strategy", "team")
MAX_SERVICE_LINES = 420  # "~400 lines"


def _modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _owner(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_a_services_package_with_small_modules(app):
    package = SRC / app / "services"
    assert (package / "__init__.py").is_file(), f"{app} keeps its use cases in {app}/services/"
    assert not (SRC / app / "services.py").exists()
    init = ast.parse((package / "__init__.py").read_text())
    names = [n for n in init.body if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)]
    assert names, f"{app}/services/__init__.py lists its public use cases in __all__"
    for module in package.glob("*.py"):
        lines = len(module.read_text().splitlines())
        assert lines <= MAX_SERVICE_LINES, f"{module.relative_to(SRC)} has {lines} lines: split it by noun"
        assert ast.get_docstring(ast.parse(module.read_text())), f"{module.relative_to(SRC)} needs a docstring"


def test_no_private_name_is_used_outside_its_package():
    offences = []
    for path in _modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module or not node.module.startswith("headway."):
                continue
            parts = node.module.split(".")
            home = parts[1]
            private_module = any(p.startswith("_") and not p.startswith("__") for p in parts[2:])
            private_names = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            if home != _owner(path) and (private_module or private_names):
                offences.append(f"{path.relative_to(SRC)}: from {node.module} import {private_names or '...'}")
        text = path.read_text()
        for match in re.finditer(r"\b(services|behaviour|engine)\._[a-z]\w*", text):
            if _owner(path) != "core" and path.parent.name not in ("services",):
                offences.append(f"{path.relative_to(SRC)}: {match.group(0)}")
    assert offences == []


@pytest.mark.parametrize("app", APPS)
def test_services_return_typed_results_not_dicts(app):
    offences = []
    for module in (SRC / app / "services").glob("*.py"):
        for node in ast.parse(module.read_text()).body:  # the use cases: the module's public functions
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.returns is not None:
                returned = ast.unparse(node.returns)
                if returned.startswith("dict[str, Any]") or returned == "dict":
                    offences.append(f"{module.name}:{node.lineno} {node.name} -> {returned}")
    assert offences == []


def test_no_bare_threads_outside_the_worker():
    allowed = {SRC / "core" / "worker.py"}
    offences = [p.relative_to(SRC) for p in _modules() if p not in allowed and "threading.Thread(" in p.read_text()]
    assert offences == []


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=SRC.parents[1], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_api_router_is_under_its_own_prefix():
    from headway.conf.api import api

    prefixes = sorted(prefix for prefix, _router in api._routers if prefix not in ("", "/"))
    assert {"/analytics", "/discovery", "/planning", "/strategy", "/team", "/jobs"} <= {
        "/" + p.strip("/") for p in prefixes}
