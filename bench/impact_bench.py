"""Benchmark of the impact preview (issue 3) over 1,000,000 monitoring records.

Target on the 2-core machine: a preview over 1,000,000 records in under 3 s.

The records are the synthetic demo data (`monitoring/demo.py`, a year of applications)
under the seeded demo's active profiles; the previewed profiles are drafts of a chance
and a risk profile. Measured: `impact_compute` over the whole year, cold (nothing is
cached between runs), three times each; and GET /api/profiles/{id}/impact/ with the
synchronous limit raised so that the request itself computes it. Above 200,000 records
the portal hands the same computation to a background job.

    .venv/bin/python bench/impact_bench.py                      # throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iob .venv/bin/python bench/impact_bench.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK_DIR = tempfile.mkdtemp(prefix="iob-impact-bench-")
os.environ["IOB_VAR_DIR"] = WORK_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iob_portal.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK_DIR}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_S = 3.0
CHANCE = [
    {"characteristic": "application_location", "values": ["NGLOS", "GHACC"]},
    {"characteristic": "travel_purpose", "values": ["family_friends"]},
    {"characteristic": "age_group", "values": ["55-64", "65+"]},
]
RISK = [
    {"characteristic": "application_location", "values": ["MACAS", "DZALG", "TNTUN"]},
    {"characteristic": "travel_purpose", "values": ["tourism", "family_friends"]},
    {"characteristic": "marital_status", "values": ["single"]},
    {"characteristic": "age_group", "values": ["18-24", "25-34"]},
]
JUSTIFICATION = {
    "legitimate_aim": "Benchmark.",
    "suitability": "Benchmark.",
    "necessity": "Benchmark.",
    "proportionality": "Benchmark.",
}


def make_database() -> str | None:
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
        return None
    connection.settings_dict["TEST"]["NAME"] = f"iob_bench_impact_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    options = parser.parse_args()
    old_name = make_database()
    try:
        from django.conf import settings
        from rest_framework.test import APIClient

        from monitoring.demo import monitoring_demo_records_generate
        from monitoring.impact import impact_compute
        from profiles.services import profile_create

        started = time.perf_counter()
        call_command("seed_demo", "--password", "bench-pw-123", verbosity=0)  # users, catalogues, demo profiles
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="admin")
        monitoring_demo_records_generate(n=options.records, seed=0, actor=admin)
        author = get_user_model().objects.get(username="policy_officer")
        today = timezone.localdate()
        profiles = [
            profile_create(
                actor=author,
                kind=kind,
                title=f"Bench {kind}",
                criteria=criteria,
                valid_from=today + timedelta(days=1),
                valid_until=today + timedelta(days=60),
                justification=JUSTIFICATION if kind == "risk" else {},
            )
            for kind, criteria in (("chance", CHANCE), ("risk", RISK))
        ]
        print(
            f"{connection.vendor}: {options.records:,} demo records and the profiles made in "
            f"{time.perf_counter() - started:.1f} s (setup, not measured)"
        )

        period = (today - timedelta(days=364), today)
        worst = 0.0
        for profile in profiles:
            cold, warm = [], []
            for _ in range(3):
                cache.clear()  # nothing known: both passes over the million records
                began = time.perf_counter()
                result = impact_compute(profile=profile, period_from=period[0], period_until=period[1])
                cold.append(time.perf_counter() - began)
                began = time.perf_counter()  # the population of the year already known
                impact_compute(profile=profile, period_from=period[0], period_until=period[1])
                warm.append(time.perf_counter() - began)
            worst = max(worst, statistics.median(cold))
            print(
                f"impact_compute, {profile.kind} profile, {result['population']['n']:,} records: cold "
                f"{' / '.join(f'{t:.2f}' for t in cold)} s, population cached "
                f"{' / '.join(f'{t:.2f}' for t in warm)} s; {result['hits']['n']:,} hits, "
                f"{result['tracks']['changed_records']:,} would change track"
            )

        settings.IOB_IMPACT_SYNC_MAX_RECORDS = 10**9  # let the request compute it itself
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username="reviewer"))
        url = f"/api/profiles/{profiles[0].public_id}/impact/"
        client.get("/api/advice/")  # the first request of a process loads the URL conf: not the preview's cost
        cache.clear()
        began = time.perf_counter()
        response = client.get(url, {"from": period[0].isoformat(), "to": period[1].isoformat()})
        api_s = time.perf_counter() - began
        assert response.status_code == 200, response.content[:300]
        print(f"GET /api/profiles/{{id}}/impact/ over the year (cold): {api_s:.2f} s")
        worst = max(worst, api_s)
        print(f"  target < {TARGET_S:.0f} s: {'met' if worst < TARGET_S else 'MISSED'} (slowest median {worst:.2f} s)")
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
