"""Settings come from HEADWAY_* variables; bad values give a message with the fix."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from headway.conf.config import ensure_home, load_config, local_secret_key, redact_url
from headway.core.errors import ConfigurationError


def test_defaults_live_under_headway_home(tmp_path):
    config = load_config({"HEADWAY_HOME": str(tmp_path)})
    assert config.home == tmp_path
    assert config.database_url == f"sqlite:///{tmp_path / 'headway.sqlite3'}"
    assert config.events_url == f"duckdb:///{tmp_path / 'events.duckdb'}"
    assert config.debug is False
    assert config.allowed_hosts == ["localhost", "127.0.0.1", "[::1]"]


def test_home_defaults_to_dot_headway_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config({}).home == tmp_path / ".headway"


def test_explicit_settings_are_read():
    config = load_config({
        "HEADWAY_HOME": "/srv/headway",
        "HEADWAY_DATABASE_URL": "postgres://hw:pw@db:5432/headway",
        "HEADWAY_EVENTS_URL": "duckdb:///data/events.duckdb",
        "HEADWAY_DEBUG": "yes",
        "HEADWAY_ALLOWED_HOSTS": "headway.example.com, www.example.com",
        "HEADWAY_SECRET_KEY": "k" * 40,
    })
    assert config.database_url == "postgres://hw:pw@db:5432/headway"
    assert config.events_url == "duckdb:///data/events.duckdb"
    assert config.debug is True
    assert config.allowed_hosts == ["headway.example.com", "www.example.com"]
    assert config.secret_key_from_env == "k" * 40


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"HEADWAY_DEBUG": "maybe"}, "HEADWAY_DEBUG='maybe' is not a yes/no value"),
        ({"HEADWAY_DATABASE_URL": "mysql://u:secret@h/db"}, "use sqlite:////absolute/path.sqlite3 or postgres://"),
        ({"HEADWAY_DATABASE_URL": "not a url"}, "is not a database URL"),
        ({"HEADWAY_EVENTS_URL": "events.duckdb"}, "use duckdb:///path/events.duckdb"),
        ({"HEADWAY_SECRET_KEY": "short"}, "too short"),
        ({"HEADWAY_ALLOWED_HOSTS": " , "}, "HEADWAY_ALLOWED_HOSTS is empty"),
    ],
)
def test_malformed_settings_say_how_to_fix_them(env, fragment, tmp_path):
    with pytest.raises(ConfigurationError) as info:
        load_config({"HEADWAY_HOME": str(tmp_path), **env})
    assert fragment in info.value.message


def test_database_password_never_appears_in_the_error():
    with pytest.raises(ConfigurationError) as info:
        load_config({"HEADWAY_DATABASE_URL": "mysql://admin:hunter2secret@db/x"})
    assert "hunter2secret" not in info.value.message
    assert redact_url("postgres://u:pw@h:5432/d") == "postgres://u:***@h:5432/d"


def test_secret_key_is_generated_once_and_private(tmp_path):
    config = load_config({"HEADWAY_HOME": str(tmp_path / "home")})
    first = local_secret_key(config)
    assert len(first) >= 50
    assert local_secret_key(config) == first
    mode = stat.S_IMODE(os.stat(config.secret_key_file).st_mode)
    assert mode == 0o600


def test_home_that_is_a_file_is_reported(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(ConfigurationError, match=r"HEADWAY_HOME=.* is not a writable directory"):
        ensure_home(load_config({"HEADWAY_HOME": str(not_a_dir)}))


def _run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the latter
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k not in dropped}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                          timeout=120, check=False)


def test_production_settings_refuse_to_start_without_secret_key(tmp_path):
    result = _run_python("import headway.conf.production", {"HEADWAY_HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "HEADWAY_SECRET_KEY is not set: production refuses to start" in result.stderr


def test_production_settings_pass_django_deploy_checks(tmp_path):
    code = (
        "import django, io; from django.core.management import call_command; django.setup(); "
        "out = io.StringIO(); call_command('check', deploy=True, fail_level='WARNING', stdout=out); print(out.getvalue())"
    )
    result = _run_python(code, {
        "HEADWAY_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "headway.conf.production",
        "HEADWAY_SECRET_KEY": "p" * 20 + "Q9z!x" * 10, "HEADWAY_ALLOWED_HOSTS": "headway.example.com",
    })
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_files_under_headway_home_are_private(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env["HEADWAY_HOME"] = str(home)
    code = ("import os; os.umask(0o022); import subprocess, sys; "  # a permissive umask, as a shell usually has
            "sys.exit(subprocess.call([sys.executable, '-m', 'headway', 'init', '--workspace', 'Acme', '--admin', "
            "'root', '--admin-password', 'a-very-long-admin-password']))")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "headway.sqlite3" for p in files)
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {p.name: "0o600" for p in files}
