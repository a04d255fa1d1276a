"""Load test: N simulated students through the student journey against `make serve`, for 60 s.

    make serve            # in one terminal (PostgreSQL + Redis + gunicorn + Celery)
    make bench-load       # in another: installs locust, runs this

Prints requests per second, p50 and p95 latency per page, the error count (which
must be 0), and each page's latency as a ratio to the framework's floor (/livez,
a view that does nothing, through the same middleware). Loopback only.
"""

import csv
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("BENCH_HOST", "http://127.0.0.1:8000")
USERS = os.environ.get("BENCH_USERS", "50")
DURATION = os.environ.get("BENCH_DURATION", "60s")


def main() -> int:
    if not HOST.startswith(("http://127.", "http://localhost", "http://[::1]")):
        print("bench/load.py only targets this machine (loopback).")
        return 2
    try:
        urllib.request.urlopen(f"{HOST}/livez", timeout=3)
    except OSError:
        print(f"No server at {HOST}: start it with `make serve` first.")
        return 2
    prefix = ROOT / "var" / "load"
    prefix.parent.mkdir(exist_ok=True)
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", USERS, "-r", "10", "-t", DURATION, "--host", HOST, "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING",
    ]
    subprocess.run(command, cwd=ROOT, check=False)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    stats = {row["Name"]: row for row in rows}
    floor = stats.get("floor")
    print(f"\n{USERS} students, {DURATION}, against {HOST}")
    print(f"{'page':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}{'p50/floor':>10}{'p95/floor':>10}")
    for name, row in sorted(stats.items()):
        if name == "Aggregated":
            continue
        p50, p95 = float(row["50%"]), float(row["95%"])
        ratio50 = p50 / float(floor["50%"]) if floor and float(floor["50%"]) else float("nan")
        ratio95 = p95 / float(floor["95%"]) if floor and float(floor["95%"]) else float("nan")
        print(
            f"{name:<14}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}{p50:>8.0f}{p95:>8.0f}"
            f"{row['Failure Count']:>7}{ratio50:>10.1f}{ratio95:>10.1f}"
        )
    total = stats["Aggregated"]
    errors = int(total["Failure Count"])
    print(f"{'all':<14}{total['Request Count']:>9}{float(total['Requests/s']):>8.1f}{float(total['50%']):>8.0f}{float(total['95%']):>8.0f}{errors:>7}")
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
