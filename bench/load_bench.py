"""Load test (issue 13): the advice API and the main pages under gunicorn, on PostgreSQL
and Redis, with production settings, driven by locust (`bench/load/locustfile.py`).

    .venv/bin/python bench/load_bench.py                       # 50 users, 90 s, 3 workers
    .venv/bin/python bench/load_bench.py --users 50 --run-time 120 --workers 3

What it does:
1. drops and creates the database `--database` (default iob_load) on the
   PostgreSQL server of `--postgres`, migrates it and runs `seed_demo --records N`, then
   makes one bias report (`bias_report`) so that there is a report page to read;
2. checks Redis (`--redis`, a database of its own) and clears that database;
3. writes the fixtures the locustfile reads: application inputs taken from the seeded
   monitoring records, profile and report ids, the demo password;
4. starts gunicorn (`--workers` sync workers) with IOB_ENV=production (DEBUG refused,
   secure cookies, HSTS, CSP, the audit key from the environment) behind a pretend TLS
   proxy (`DJANGO_SECURE_PROXY_SSL=1`; locust sends `X-Forwarded-Proto: https`);
5. runs locust headless (`--users`, `--spawn-rate`, `--run-time`) and prints, per
   endpoint class, requests, failures, throughput (req/s), median, p95 and p99 (ms), with
   the machine's load average before, during and after.

Exits non-zero if any request failed (or locust or gunicorn did not run).
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL, no database")
    parser.add_argument("--database", default="iob_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="a Redis database of this run alone")
    parser.add_argument("--records", type=int, default=20_000, help="synthetic monitoring records to seed")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=90, help="seconds")
    parser.add_argument("--keep-db", action="store_true", help="reuse the seeded database and keep it afterwards")
    parser.add_argument("--out", default="", help="folder for locust's CSV files (default: a temporary one)")
    return parser.parse_args()


def environment(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IOB_", "DATABASE_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "iob_portal.settings",
            "DATABASE_URL": f"{args.postgres}/{args.database}",
            "CELERY_BROKER_URL": args.redis,
            "IOB_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "IOB_AUDIT_KEY": secrets.token_urlsafe(32),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_PROXY_SSL": "1",
            "IOB_VAR_DIR": str(var_dir),
            "IOB_AUDIT_CHECKPOINT_DIR": str(var_dir / "checkpoints"),
        }
    )
    return env


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(c if len(c) < 100 else c[:40] + "…" for c in cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def database_prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database]).fetchone()
        if exists and args.keep_db:
            print(f"reusing database {args.database}")
            return
        if exists:
            conn.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    manage = [PYTHON, "manage.py"]
    run([*manage, "migrate", "--no-input", "-v0"], env)
    run([*manage, "seed_demo", "--records", str(args.records)], env, stdout=subprocess.DEVNULL)
    today = time.strftime("%Y-%m-%d")
    year_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 364 * 86400))
    run([*manage, "bias_report", "--from", year_ago, "--to", today], env, stdout=subprocess.DEVNULL)


def redis_prepare(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    client.ping()
    client.flushdb()  # this run's own database: no task left over from an earlier run


FIXTURES_SCRIPT = """
import json, sys
import django
django.setup()
from monitoring.models import MonitoringRecord
from profiles.models import Profile
from reports.models import BiasReport
from profiles.application_input import CHARACTERISTICS, PARTY_COLUMNS
import random
rnd = random.Random(13)
rows = list(MonitoringRecord.objects.order_by("?").values(*CHARACTERISTICS)[:2000])
for row in rows:
    # Known-party hits are rare in practice: about one application in fifty.
    for column in PARTY_COLUMNS:
        row[column] = 1 if rnd.random() < 0.02 else 0
json.dump({
    "applications": rows,
    "profiles": [str(p) for p in Profile.objects.values_list("public_id", flat=True)],
    "reports": [str(r) for r in BiasReport.objects.values_list("public_id", flat=True)],
    "password": "demo",
}, open(sys.argv[1], "w"))
print(f"fixtures: {len(rows)} applications, {Profile.objects.count()} profiles, {BiasReport.objects.count()} reports")
"""


def fixtures_write(env: dict[str, str], path: Path) -> dict:
    run([PYTHON, "-c", FIXTURES_SCRIPT, str(path)], env)
    data = json.loads(path.read_text())
    if not (data["applications"] and data["profiles"] and data["reports"]):
        raise SystemExit("seeding left no applications, profiles or reports to read")
    return data


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while locust runs (the machine is shared)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


CLASSES = ["advice API", "home page", "profile list", "profile page", "report list", "report page"]


def report(stats_csv: Path) -> int:
    """The per-class table from locust's stats CSV. Throughput is requests over the whole
    run (ramp-up included); times are milliseconds."""
    rows = list(csv.DictReader(stats_csv.open()))
    order = {name: i for i, name in enumerate([*CLASSES, "sign-in (token)", "sign-in (page)", "Aggregated"])}
    rows.sort(key=lambda row: (order.get(row["Name"], len(order)), row["Type"]))
    print()
    print("| endpoint class | requests | failures | req/s | median ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] in CLASSES or row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        if row["Name"] != "Aggregated":
            failures += int(row["Failure Count"])
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['Median Response Time']} | {row['95%']} | {row['99%']} |"
        )
    return failures


def main() -> int:
    args = parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="iob-load-"))
    out.mkdir(parents=True, exist_ok=True)
    var_dir = out / "var"
    (var_dir / "checkpoints").mkdir(parents=True, exist_ok=True)
    env = environment(args, var_dir)
    redis_prepare(args.redis)
    database_prepare(args, env)
    fixtures = out / "fixtures.json"
    fixtures_write(env, fixtures)

    host = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "iob_portal.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--error-logfile",
            str(out / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    sampler = LoadSampler()
    try:
        wait_until_up(f"{host}/login/")
        load_before = os.getloadavg()
        print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}", flush=True)
        sampler.start()
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--host",
                host,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--csv",
                str(out / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "IOB_LOAD_FIXTURES": str(fixtures)},
        )
    finally:
        sampler.stop.set()
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
    load_after = os.getloadavg()
    during = sampler.samples or [float("nan")]
    failures = report(out / "locust_stats.csv")
    print()
    print(
        f"concurrency: {args.users} users (spawn {args.spawn_rate}/s, think time 0.5-2 s), {args.run_time} s, "
        f"gunicorn {args.workers} sync workers, PostgreSQL database {args.database}, Redis {args.redis}"
    )
    print(
        f"load average (1 min) during the run: min {min(during):.2f}, mean {sum(during) / len(during):.2f}, "
        f"max {max(during):.2f}; after: {load_after[0]:.2f}; cores: {os.cpu_count()}"
    )
    print(f"failed requests: {failures}; locust exit code {locust.returncode}; files in {out}")
    if not args.keep_db:
        import psycopg

        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return 1 if failures or locust.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
