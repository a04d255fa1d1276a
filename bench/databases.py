"""Run one benchmark on each database: an SQLite file, then PostgreSQL (BENCH_PG_URL).

Each database gets a child process of its own, because Django's settings (and so
the database) are fixed when a process starts.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_each_database(script: str, measure) -> None:
    if os.environ.get("BENCH_CHILD"):
        measure()
        return
    targets = {
        "sqlite": f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}",
        "postgresql": os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    }
    for name, url in targets.items():
        env = {**os.environ, "BENCH_CHILD": "1", "DATABASE_URL": url}
        result = subprocess.run([sys.executable, script], env=env, cwd=ROOT)
        if result.returncode:
            print(f"{name}: benchmark failed (exit {result.returncode})")
