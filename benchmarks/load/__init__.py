"""Load on a real ``headway serve``: event ingestion over the API and dashboard latency (issue 15, point 5).

``python -m benchmarks load [--home DEMO_HOME] [--clients 20] [--batch 1000] [--requests 10] [--seconds 20]``

1. **Ingestion**: a fresh ``HEADWAY_HOME`` (a workspace, one admin, an API token), ``headway serve`` on a free
   port, then ``--clients`` processes each POST ``--requests`` batches of ``--batch`` events to
   ``/api/v1/analytics/events`` (keep-alive; every body built before the clock starts). Events/s = events
   acknowledged / wall time. The peer, in the same run: DuckDB's own bulk insert of the same batches (each body
   parsed with ``json.loads``, made an Arrow table and ``INSERT``-ed into a DuckDB file, one after another).
2. **Dashboard** (with ``--home``, a built demo, e.g. ``headway demo --no-serve``): ``headway serve`` on that
   home; ``--clients`` logged-in users GET ``/`` (the dashboard) for ``--seconds``: p50/p95 and requests/s;
   then one user alone, without and with 4 processes ingesting at the same time.

Prints a Markdown summary for benchmarks/RESULTS.md and writes benchmarks/out/load.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "out"
ROOT = Path(__file__).resolve().parent.parent.parent
CLI = "from headway.cli import main; main()"
PREPARE = r"""
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from headway.core import services
from headway.core.models import User
from headway.core.permissions import Role
services.ensure_workspace("Load bench")
user = User.objects.filter(username="loadbench").first() or services.create_user(
    None, "loadbench", "load-bench-password-71", role=Role.ADMIN)
token = services.create_token(user, "load bench").secret
sessions = []
for _ in range(int(sys.argv[1])):
    s = SessionStore()
    s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "headway.core.auth.ThrottledModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    sessions.append(s.session_key)
print(json.dumps({"token": token, "sessions": sessions}))
"""


def env_for(home: Path) -> dict[str, str]:
    env = {**os.environ, "HEADWAY_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("HEADWAY_DATABASE_URL", None)
    env.pop("HEADWAY_EVENTS_URL", None)
    return env


def prepare(home: Path, sessions: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PREPARE, str(sessions)], env=env_for(home), check=True,
                          capture_output=True, text=True)
    prepared: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return prepared


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-c", CLI, "serve", "--port", str(port)], env=env_for(home),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import http.client

    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            con.request("GET", "/api/v1/health")
            if con.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("headway serve did not answer /api/v1/health within 300 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_batches(client: int, requests: int, batch: int) -> list[bytes]:
    """The JSON bodies one client sends (distinct uuids; a day of events per client)."""
    names = ("page_view", "signup", "add_to_cart", "purchase", "search")
    bodies = []
    for r in range(requests):
        events = [{"uuid": str(uuid.uuid4()), "event": names[n % 5],
                   "timestamp": f"2026-03-{1 + client % 28:02d}T{n % 24:02d}:{r % 60:02d}:{n % 60:02d}Z",
                   "distinct_id": f"user-{client}-{n % 400}", "properties": {"plan": "pro", "amount": n % 97}}
                  for n in range(batch)]
        bodies.append(json.dumps({"events": events}).encode())
    return bodies


def ingest_client(args: tuple[int, int, int, int, str, Any, Any]) -> dict[str, Any]:
    """One client: POST its batches one after another; latencies and acknowledged events."""
    import http.client

    client, port, requests, batch, token, ready, go = args
    bodies = make_batches(client, requests, batch)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    ready.wait()
    go.wait()
    latencies, acknowledged, statuses = [], 0, []
    for body in bodies:
        start = time.perf_counter()
        con.request("POST", "/api/v1/analytics/events", body=body, headers=headers)
        response = con.getresponse()
        payload = response.read()
        latencies.append(time.perf_counter() - start)
        statuses.append(response.status)
        if response.status == 200:
            acknowledged += json.loads(payload)["ingested"]
    return {"latencies": latencies, "acknowledged": acknowledged, "statuses": statuses}


def run_ingestion(port: int, token: str, clients: int, requests: int, batch: int) -> dict[str, Any]:
    with mp.Manager() as manager:
        ready, go = manager.Barrier(clients + 1), manager.Event()
        with mp.Pool(clients) as pool:
            pending = pool.map_async(ingest_client, [(c, port, requests, batch, token, ready, go)
                                                     for c in range(clients)])
            ready.wait()  # every body is built
            start = time.perf_counter()
            go.set()
            results = pending.get()
            wall = time.perf_counter() - start
    latencies = sorted(x for r in results for x in r["latencies"])
    acknowledged = sum(r["acknowledged"] for r in results)
    statuses = sorted({s for r in results for s in r["statuses"]})
    return {"clients": clients, "batch": batch, "requests": clients * requests, "events": acknowledged,
            "seconds": round(wall, 2), "events_per_s": round(acknowledged / wall), "statuses": statuses,
            "request_p50_s": round(pct(latencies, 50), 3), "request_p95_s": round(pct(latencies, 95), 3)}


def run_peer(clients: int, requests: int, batch: int) -> dict[str, Any]:
    """DuckDB's own bulk insert of the same batches into a DuckDB file (json.loads, Arrow, INSERT)."""
    import duckdb
    import pyarrow as pa

    bodies = [body for c in range(clients) for body in make_batches(c, requests, batch)]
    folder = Path(tempfile.mkdtemp(prefix="headway-peer-"))
    con = duckdb.connect(str(folder / "peer.duckdb"))
    con.execute("CREATE TABLE events (uuid VARCHAR, event VARCHAR, timestamp TIMESTAMP, distinct_id VARCHAR, "
                "properties VARCHAR)")
    start, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        events = json.loads(body)["events"]
        table = pa.table({
            "uuid": [e["uuid"] for e in events], "event": [e["event"] for e in events],
            "timestamp": [e["timestamp"] for e in events], "distinct_id": [e["distinct_id"] for e in events],
            "properties": [json.dumps(e["properties"]) for e in events]})
        con.register("incoming", table)
        con.execute("INSERT INTO events SELECT uuid, event, CAST(timestamp AS TIMESTAMPTZ) AT TIME ZONE 'UTC', "
                    "distinct_id, properties FROM incoming")
        con.unregister("incoming")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    stored = con.execute("SELECT count(*) FROM events").fetchone()
    con.close()
    shutil.rmtree(folder, ignore_errors=True)
    events = int(stored[0]) if stored else 0
    return {"events": events, "seconds": round(wall, 2), "events_per_s": round(events / wall),
            "cpu_s": round(cpu, 2)}


def page_user(args: tuple[int, str, float, Any, Any]) -> list[float]:
    """One logged-in user: GET the dashboard again and again for ``seconds``; the latencies."""
    import http.client

    port, session, seconds, ready, go = args
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Cookie": f"sessionid={session}"}
    ready.wait()
    go.wait()
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        con.request("GET", "/", headers=headers)
        response = con.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"the dashboard answered {response.status}")
        latencies.append(time.perf_counter() - start)
    return latencies


def run_dashboard(port: int, sessions: list[str], users: int, seconds: float, *, token: str = "",
                  ingesters: int = 0, batch: int = 1000, server_pid: int = 0) -> dict[str, Any]:
    cpu_before = cpu_seconds(server_pid)
    with mp.Manager() as manager:
        ready, go = manager.Barrier(users + ingesters + 1), manager.Event()
        with mp.Pool(users + ingesters) as pool:
            pages = pool.map_async(page_user, [(port, sessions[u % len(sessions)], seconds, ready, go)
                                               for u in range(users)])
            feeding = pool.map_async(ingest_client, [(100 + c, port, 20, batch, token, ready, go)
                                                     for c in range(ingesters)]) if ingesters else None
            del feeding
            # each ingesting client sends 20 batches (more than the run lasts here); the pool ends them after
            ready.wait()
            start = time.perf_counter()
            go.set()
            latencies = sorted(x for r in pages.get() for x in r)
            wall = time.perf_counter() - start
            pool.terminate()
    server_cpu = cpu_seconds(server_pid) - cpu_before  # with ingesters: their requests' CPU too
    return {"users": users, "ingesting_clients": ingesters, "requests": len(latencies),
            "requests_per_s": round(len(latencies) / wall, 1), "p50_s": round(pct(latencies, 50), 3),
            "p95_s": round(pct(latencies, 95), 3), "load": load_average(),
            "server_cpu_ms_per_request": round(server_cpu / max(len(latencies), 1) * 1000, 1)}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))
    return sorted(values)[index]


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks load", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a built demo's HEADWAY_HOME for the dashboard runs")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=10, help="batches per client")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each dashboard run")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                              "load_before": load_average()}
    if not args.skip_ingest:
        home = Path(tempfile.mkdtemp(prefix="headway-load-"))
        prepared = prepare(home, 1)
        port = free_port()
        server = start_server(home, port)
        try:
            cpu_before = cpu_seconds(server.pid)
            result["ingest"] = run_ingestion(port, prepared["token"], args.clients, args.requests, args.batch)
            result["ingest"]["server_cpu_s"] = round(cpu_seconds(server.pid) - cpu_before, 2)
        finally:
            server.terminate()
            server.wait(60)
        result["peer_duckdb"] = run_peer(args.clients, args.requests, args.batch)
        result["ratio_headway_to_peer"] = round(result["ingest"]["events_per_s"]
                                                / max(result["peer_duckdb"]["events_per_s"], 1), 3)
        shutil.rmtree(home, ignore_errors=True)
        print(json.dumps(result, indent=1), flush=True)
    if args.home is not None:
        prepared = prepare(args.home, args.clients)
        port = free_port()
        server = start_server(args.home, port)
        try:
            pid = server.pid
            result["dashboard_alone"] = run_dashboard(port, prepared["sessions"], 1, args.seconds, server_pid=pid)
            result["dashboard_alone_while_ingesting"] = run_dashboard(
                port, prepared["sessions"], 1, args.seconds, token=prepared["token"], ingesters=4,
                batch=args.batch, server_pid=pid)
            result["dashboard_concurrent"] = run_dashboard(port, prepared["sessions"], args.clients, args.seconds,
                                                           server_pid=pid)
        finally:
            server.terminate()
            server.wait(60)
    result["load_after"] = load_average()
    OUT.mkdir(exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0
