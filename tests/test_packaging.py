"""Packaging: the licence is an SPDX expression (no setuptools deprecation box on install) and the first install
says what it is doing."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_licence_is_an_spdx_expression() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in data["build-system"]["requires"]


def test_setuptools_reads_the_project_without_a_deprecation_warning() -> None:
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist = apply_configuration(Distribution(), str(ROOT / "pyproject.toml"))
    messages = [str(w.message) for w in caught if "license" in str(w.message).lower()]
    assert messages == []
    assert dist.metadata.license_expression == "Apache-2.0"


def test_the_first_install_says_what_it_is_doing() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("$(PY):", "$(VENV)/.installed:", "$(VENV)/.dev-installed:", "$(VENDOR)/.built:"):
        recipe = makefile.split("\n" + target, 1)[1].split("\n\n", 1)[0]
        first_command = recipe.split("\n")[1].strip()
        assert first_command.startswith("@echo"), f"{target} starts with {first_command!r}"
