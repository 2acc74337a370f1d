"""``python -m benchmarks.demo.fingerprint HOME OUT``: write what a demo build holds, table by table, as
sorted text, so two builds (before and after a speed-up) can be compared with ``diff -r OUT1 OUT2``.

Every SQLite table (every column but secrets) and a hash of every DuckDB table. What differs between two
runs of the same code is masked: times of "now" (today's date with a time), random uuids, the seconds a
solve took; floats are kept to 9 significant digits (DuckDB adds up sums in parallel, in varying order).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import sqlite3
import sys
import zlib
from pathlib import Path
from typing import Any

SECRETS = re.compile(r"^(password|session_data|key_hash)$")
SKIPPED = ("django_migrations", "django_session", "sqlite_")
UUID = re.compile(r"\b[0-9a-f]{32}\b")
LONG_FLOAT = re.compile(r"-?\d+\.\d{7,}(e[-+]?\d+)?")
SECONDS = re.compile(r'"seconds": [0-9.e-]+')


def canonical(value: Any, now: re.Pattern[str]) -> Any:
    """A value with what varies between identical builds masked."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, bytes):  # a compressed JSON document (a theme model) is compared as its text
        try:
            value = zlib.decompress(value).decode()
        except (zlib.error, UnicodeDecodeError):
            return hashlib.sha256(value).hexdigest()
    if isinstance(value, str):
        value = UUID.sub("<uuid>", now.sub("<now>", value))
        value = SECONDS.sub('"seconds": <s>', value)
        return LONG_FLOAT.sub(lambda m: repr(float(f"{float(m.group(0)):.9g}")), value)
    return value


def sqlite_tables(path: Path, out: Path) -> dict[str, tuple[int, str]]:
    """Write each table as sorted JSON lines; return its row count and a digest."""
    now = re.compile(datetime.date.today().isoformat() + r"[T ][0-9:.]+(\+00:00|Z)?")
    db = sqlite3.connect(path)
    summary: dict[str, tuple[int, str]] = {}
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if table.startswith(SKIPPED):
            continue
        columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")') if not SECRETS.match(r[1])]
        selected = ", ".join(f'"{c}"' for c in columns)
        lines = sorted(json.dumps([canonical(v, now) for v in row], default=str, ensure_ascii=False)
                       for row in db.execute(f'SELECT {selected} FROM "{table}"'))
        text = "\n".join(lines)
        (out / f"{table}.txt").write_text("\t".join(columns) + "\n" + text + "\n", encoding="utf-8")
        summary[table] = (len(lines), hashlib.sha256(text.encode()).hexdigest()[:12])
    return summary


def duckdb_tables(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent hash of each events-store table."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    summary: dict[str, tuple[int, str]] = {}
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall():
        columns = ", ".join(f'"{r[0]}"' for r in con.execute(f'DESCRIBE "{table}"').fetchall())
        count, digest = con.execute(f'SELECT count(*), sum(hash({columns})::HUGEINT) FROM "{table}"').fetchone()
        summary[f"duckdb:{table}"] = (int(count), str(digest))
    return summary


def main(argv: list[str]) -> int:
    """Fingerprint the build in HOME (a HEADWAY_HOME) into the folder OUT."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    home, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    summary = {**sqlite_tables(home / "headway.sqlite3", out), **duckdb_tables(home / "events.duckdb")}
    (out / "SUMMARY.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(summary)} tables fingerprinted into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
