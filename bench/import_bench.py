"""Benchmark of the monitoring import (issue 3): 1,000,000 CSV rows.

Targets on the 2-core machine: under 60 s on SQLite and under 30 s on PostgreSQL, with
flat memory. The import runs in a child process of its own so that its peak resident
memory (ru_maxrss) is the import's alone; 100,000 and 1,000,000 rows are imported into
fresh databases and the two peaks compared: a streaming import keeps the same peak.
The 1,000,000-row file is then imported a second time (every row unchanged), and a
second file of 1,000,000 other records after it (new rows into a full table: on
PostgreSQL the first load into an empty table rebuilds its indexes afterwards, this one
keeps them up to date row by row).

    .venv/bin/python bench/import_bench.py                       # SQLite
    .venv/bin/python bench/import_bench.py --database both \\
        --postgres-url postgres://postgres@127.0.0.1:5432/postgres

Databases are throw-away: a temporary SQLite file, or a PostgreSQL database created and
dropped here. Rows are realistic: random pseudonymous ids, codes from the catalogues.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGETS = {"sqlite": 60.0, "postgres": 30.0}
HEADER = (
    "application_id,lodged_on,decided_on,nationality,age_group,gender,marital_status,occupation,"
    "travel_purpose,application_location,advice,matched_profiles,applicant_hit,referent_hit,employer_hit,"
    "chain_hit,decision,officer_id,refusal_ground"
)
NATIONALITIES = [
    "CHN",
    "IND",
    "TUR",
    "MAR",
    "RUS",
    "SUR",
    "NGA",
    "EGY",
    "ZAF",
    "IDN",
    "PHL",
    "THA",
    "SAU",
    "ARE",
    "GHA",
    "KEN",
    "LBN",
    "JOR",
    "PAK",
    "UKR",
    "DZA",
    "TUN",
    "SYR",
    "IRN",
    "IRQ",
    "BGD",
    "VNM",
    "XXA",
]
POSTS = [
    "CNBJS",
    "CNSHA",
    "INBOM",
    "INDEL",
    "TRIST",
    "MACAS",
    "RUMOW",
    "SRPBM",
    "NGLOS",
    "EGCAI",
    "ZAJNB",
    "IDJKT",
    "PHMNL",
    "THBKK",
    "SAJED",
    "AEDXB",
    "GHACC",
    "KENBO",
    "LBBEY",
    "JOAMM",
    "PKISB",
    "UAKBP",
]
AGES = ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
MARITAL = ["single", "married", "divorced", "widowed", "registered_partnership"]
OCCUPATIONS = [
    "managers",
    "professionals",
    "technicians",
    "clerical",
    "service_sales",
    "craft_trades",
    "student",
    "retired",
    "unemployed",
    "homemaker",
    "minor",
]
PURPOSES = ["tourism", "business", "family_friends", "cultural", "study", "medical", "airport_transit"]


def write_csv(path: Path, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    start = date(2025, 1, 1)
    days = [(start + timedelta(days=d)).isoformat() for d in range(420)]
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for _ in range(n):
            d = rnd.randrange(365)
            k = rnd.randrange(len(NATIONALITIES))
            r = rnd.random()
            decision = "refused" if r < 0.15 else "withdrawn" if r < 0.17 else "pending" if r < 0.2 else "granted"
            pending = decision == "pending"
            out.write(
                f"{rnd.getrandbits(64):016x},{days[d]},{'' if pending else days[d + rnd.randrange(1, 40)]},"
                f"{NATIONALITIES[k]},{rnd.choice(AGES)},{'MF'[rnd.getrandbits(1)]},{rnd.choice(MARITAL)},"
                f"{rnd.choice(OCCUPATIONS)},{rnd.choice(PURPOSES)},{POSTS[k % len(POSTS)]},"
                f"{'intensive' if r < 0.05 else 'fast' if r > 0.97 else 'regular'},"
                f"{'P-2025-01-0007@1' if r > 0.97 else ''},0,{int(r < 0.02)},0,{int(rnd.random() < 0.04)},{decision},"
                f"{'' if pending else f'O-{rnd.randrange(1, 41)}'},"
                f"{rnd.randrange(1, 12) if decision == 'refused' else ''}\n"
            )


def child(file: str) -> None:
    """Run one import (in this fresh process) and print its figures as JSON."""
    import resource

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iob_portal.settings")
    import django

    django.setup()
    from monitoring.services import importer, monitoring_records_import_path

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    run = monitoring_records_import_path(actor=importer("bench"), path=file)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "cpu_seconds": time.process_time() - cpu,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "baseline_mb": baseline,
                "status": run.status,
                "rows": run.row_count,
                "inserted": run.inserted_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
                "problems": run.problem_count,
            }
        )
    )


class Database:
    """A throw-away database: a SQLite file, or a PostgreSQL database created here."""

    def __init__(self, vendor: str, postgres_url: str, work: Path, label: str):
        self.vendor, self.work = vendor, work
        if vendor == "sqlite":
            self.url = f"sqlite:///{work}/{label}.sqlite3"
        else:
            self.name = f"iob_bench_import_{label}_{os.getpid()}"
            self.admin_url = postgres_url
            self.url = postgres_url.rsplit("/", 1)[0] + "/" + self.name
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "IOB_VAR_DIR": str(work),
            "DJANGO_DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "iob_portal.settings",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run([PYTHON, str(ROOT / "manage.py"), "migrate", "-v0"], env=self.env, check=True)

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def run_import(self, file: Path) -> dict:
        done = subprocess.run(
            [PYTHON, __file__, "--child", str(file)], env=self.env, check=True, capture_output=True, text=True
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    def drop(self) -> None:
        if self.vendor == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    work = Path(tempfile.mkdtemp(prefix="iob-import-bench-"))
    small, big = work / f"records-{options.small}.csv", work / f"records-{options.rows}.csv"
    other = work / f"records-{options.rows}-more.csv"
    started = time.perf_counter()
    write_csv(small, options.small, seed=1)
    write_csv(big, options.rows, seed=2)
    write_csv(other, options.rows, seed=3)
    print(
        f"files: {options.small:,} rows ({small.stat().st_size / 1e6:.0f} MB), {options.rows:,} rows "
        f"({big.stat().st_size / 1e6:.0f} MB), written in {time.perf_counter() - started:.1f} s"
    )
    vendors = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    failed = False
    for vendor in vendors:
        first = Database(vendor, options.postgres_url, work, "small")
        try:
            small_run = first.run_import(small)
        finally:
            first.drop()
        second = Database(vendor, options.postgres_url, work, "big")
        try:
            big_run = second.run_import(big)
            again = second.run_import(big)
            more = second.run_import(other)
        finally:
            second.drop()
        target = TARGETS[vendor]
        for label, run in (
            (f"{options.small:,} rows", small_run),
            (f"{options.rows:,} rows", big_run),
            (f"{options.rows:,} rows again", again),
            (f"{options.rows:,} more rows", more),
        ):
            print(
                f"{vendor:8} {label:22} {run['status']:8} {run['seconds']:6.1f} s "
                f"(cpu {run['cpu_seconds']:5.1f} s)"
                f"  peak {run['peak_mb']:6.0f} MB (after start-up {run['baseline_mb']:.0f} MB)  "
                f"new {run['inserted']:,} updated {run['updated']:,} unchanged {run['unchanged']:,}"
            )
        flat = big_run["peak_mb"] - small_run["peak_mb"]
        ok = big_run["status"] == "imported" and big_run["seconds"] < target and again["unchanged"] == options.rows
        failed |= not ok
        print(
            f"{vendor:8} target {options.rows:,} rows < {target:.0f} s: {'met' if ok else 'MISSED'} "
            f"({big_run['seconds']:.1f} s); memory {options.rows // options.small}x the rows, peak "
            f"{'+' if flat >= 0 else ''}{flat:.0f} MB"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
