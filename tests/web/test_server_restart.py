"""`headway serve` says it is up only once it listens, and restarts at once after a crash (issue 15, point 4):
the port probe binds with SO_REUSEADDR, as waitress does, so the crashed server's TIME_WAIT connections do not
block the new one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from headway.core.errors import Conflict
from headway.web.server import check_port_free
from tests.cli.test_setup_commands import ADMIN_PASSWORD, headway


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_wait_on(port: int) -> None:
    """Leave a connection of ``port`` in TIME_WAIT on the listening side (the side that closes first)."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(1)
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = server.accept()
        conn.close()  # the server side closes first: its end waits in TIME_WAIT
        time.sleep(0.1)
        client.close()


def test_a_port_in_time_wait_is_free_and_a_listening_port_is_not() -> None:
    port = free_port()
    time_wait_on(port)
    check_port_free("127.0.0.1", port)  # no Conflict
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(Conflict, match="another program uses it"):
            check_port_free("127.0.0.1", busy.getsockname()[1])


def start(home: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"HEADWAY_HOME": str(home), "COLUMNS": "200", "PYTHONUNBUFFERED": "1"})
    return subprocess.Popen([sys.executable, "-m", "headway", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until_up(process: subprocess.Popen[str], port: int) -> None:
    assert process.stdout is not None
    deadline = time.monotonic() + 90
    output = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if "Headway is up" in line:  # said only once the port listens: the first request succeeds
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=60) as response:
                assert response.status == 200
            return
    raise AssertionError("the server did not come up: " + "".join(output)[-2000:])


def test_serve_restarts_at_once_after_kill_9(tmp_path) -> None:
    home = tmp_path / "home"
    result = headway(home, "init", "--workspace", "Acme", "--admin", "root", "--admin-password", ADMIN_PASSWORD)
    assert result.returncode == 0, result.stderr
    port = free_port()
    first = start(home, port)
    try:
        wait_until_up(first, port)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    second = start(home, port)  # at once: the first one's closed connections are in TIME_WAIT
    try:
        wait_until_up(second, port)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait(10)
