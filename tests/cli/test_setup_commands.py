"""The `headway` command in a real process: init, doctor, user, token, serve, errors without tracebacks."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ADMIN_PASSWORD = "a-very-long-admin-password"


def headway(home: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 120):
    base = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    base.update({"HEADWAY_HOME": str(home), "COLUMNS": "200"})
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "headway", *args], env=base, capture_output=True, text=True,
                          timeout=timeout, check=False)


def assert_one_line_error(result, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert fragment in result.stderr
    assert result.stderr.strip().startswith("error:")


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def initialised(home) -> Path:
    result = headway(home, "init", "--workspace", "Acme", "--admin", "root", "--admin-password", ADMIN_PASSWORD)
    assert result.returncode == 0, result.stderr
    return home


def test_version(home):
    result = headway(home, "--version")
    assert result.stdout.strip() == "headway 0.1.0"


def test_init_is_idempotent(initialised):
    again = headway(initialised, "init", "--workspace", "Other", "--admin", "root", "--admin-password",
                    ADMIN_PASSWORD)
    assert again.returncode == 0
    assert "Workspace already exists; left as it was." in again.stdout
    assert "Migrations applied: 0" in again.stdout
    with sqlite3.connect(initialised / "headway.sqlite3") as db:
        assert db.execute("select name from core_workspace").fetchall() == [("Acme",)]
        assert db.execute("select username, role from core_user").fetchall() == [("root", "admin")]
        assert db.execute("pragma journal_mode").fetchone() == ("wal",)
    assert (initialised / "secret_key").stat().st_mode & 0o777 == 0o600


def test_init_with_a_weak_admin_password_creates_nothing(home):
    result = headway(home, "init", "--admin", "root", "--admin-password", "short")
    assert_one_line_error(result, "Password rejected")
    assert not (home / "headway.sqlite3").exists()


def test_unwritable_home(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = headway(blocker, "init")
    assert_one_line_error(result, "is not a writable directory")


def test_malformed_setting(home):
    result = headway(home, "init", env={"HEADWAY_DEBUG": "perhaps"})
    assert_one_line_error(result, "HEADWAY_DEBUG='perhaps' is not a yes/no value: set it to true or false.")


def test_database_that_does_not_connect(home):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgres://headway:topsecret@127.0.0.1:{port}/headway"
    result = headway(home, "init", env={"HEADWAY_DATABASE_URL": url})
    assert_one_line_error(result, f"Cannot connect to the database at postgres://headway:***@127.0.0.1:{port}/headway")
    assert "topsecret" not in result.stderr
    assert "check HEADWAY_DATABASE_URL" in result.stderr


def test_commands_before_init_say_to_run_init(home):
    result = headway(home, "user", "list")
    assert_one_line_error(result, "run `headway init`")


def test_user_commands(initialised):
    created = headway(initialised, "user", "create", "nina", "--role", "product-manager", "--password",
                      "nina-long-password-1")
    assert created.returncode == 0 and "Created nina (product_manager)." in created.stdout
    listed = headway(initialised, "user", "list")
    assert "nina" in listed.stdout and "product_manager" in listed.stdout
    bad_role = headway(initialised, "user", "set-role", "nina", "overlord")
    assert_one_line_error(bad_role, "There is no role 'overlord': choose one of admin, product_leader")
    missing = headway(initialised, "user", "set-role", "ghost", "viewer")
    assert_one_line_error(missing, "There is no user 'ghost'")
    ok = headway(initialised, "user", "set-role", "nina", "viewer")
    assert "nina is now viewer." in ok.stdout


def test_token_create_and_revoke(initialised):
    created = headway(initialised, "token", "create", "notebook", "--user", "root")
    assert created.returncode == 0
    secret = next(line for line in created.stdout.split() if line.startswith("hw_"))
    with sqlite3.connect(initialised / "headway.sqlite3") as db:
        (token_id, digest), = db.execute("select id, digest from core_apitoken").fetchall()
    assert secret not in digest
    listed = headway(initialised, "token", "list", "--user", "root")
    assert "notebook" in listed.stdout and secret not in listed.stdout
    revoked = headway(initialised, "token", "revoke", str(token_id), "--user", "root")
    assert f"Token {token_id} (notebook) revoked." in revoked.stdout
    again = headway(initialised, "token", "revoke", "999", "--user", "root")
    assert_one_line_error(again, "You have no API token with id 999")


def test_doctor_reports_problems_with_fixes(home):
    before = headway(home, "doctor")
    assert before.returncode == 1
    assert "migrations" in before.stdout and "run `headway init`" in before.stdout


def test_doctor_is_happy_after_init(initialised):
    result = headway(initialised, "doctor")
    assert "database" in result.stdout and "connected to sqlite" in result.stdout
    assert "all applied" in result.stdout
    assert result.returncode == 0, result.stdout


def test_serve_on_a_busy_port(initialised):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = headway(initialised, "serve", "--port", str(port))
    assert_one_line_error(result, f"Cannot listen on 127.0.0.1:{port}")
    assert "pick another port with --port" in result.stderr


def test_unknown_command_is_a_usage_error(home):
    result = headway(home, "frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
