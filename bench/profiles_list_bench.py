"""Benchmark: the profile list page and GET /api/profiles/ with 10,000 profiles.

For page sizes 10, 50 and 200 it measures the number of SQL queries of one request and the
median and 95th percentile of the server time over 50 requests (Django's test Client,
in-process: the whole middleware stack, view, serializer or template, no network).
Target (issue 2): a number of queries independent of the page size, median under 100 ms.

    .venv/bin/python bench/profiles_list_bench.py            # throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iob .venv/bin/python bench/profiles_list_bench.py
    .venv/bin/python bench/profiles_list_bench.py --newest-first-index

`--newest-first-index` adds, in the throw-away database only, an index on the lists' order
(created_at, id descending), to show what such an index would change.

With DATABASE_URL set it never touches that database: Django's test-database machinery
creates a separate throw-away database beside it and drops it at the end.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK_DIR = tempfile.mkdtemp(prefix="iob-bench-")
os.environ["IOB_VAR_DIR"] = WORK_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iob_portal.settings")
os.environ["DJANGO_DEBUG"] = "false"  # as in production: no per-query bookkeeping
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK_DIR}/bench.sqlite3")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

PROFILES = int(os.environ.get("BENCH_PROFILES", "10000"))
PAGE_SIZES = (10, 50, 200)
REQUESTS = 50
WARM_UP = 3


def make_database() -> str | None:
    """A fresh, migrated database. Returns the name of the test database to drop after, if any."""
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
        return None
    connection.settings_dict["TEST"]["NAME"] = f"iob_bench_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def make_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    users = {}
    for name in ("policy_officer", "reviewer", "dpo", "auditor"):
        user = User.objects.create(username=f"bench_{name}")
        user.groups.set([Group.objects.get(name=name)])
        users[name] = user
    return users


def make_profiles(users) -> None:
    """10,000 valid profiles in the mix of states a year of use leaves behind.

    Written with bulk_create and bulk updates, not through profile_create: the services'
    one-by-one path (validation, audit event, transition) would take minutes, and this
    measures reading. The data obeys every rule nonetheless (three of seven with the
    mix, catalogue codes, proper subsets, justified risk profiles, four eyes), and takes
    the workflow's path draft → in_review → approved → active, so the database guards
    (PostgreSQL or SQLite triggers) accept it.
    """
    from profiles.models import Profile, ProfileCriterion, ProfileTransition
    from profiles.selectors import catalogue_index

    catalogue = {c: sorted(codes) for c, codes in catalogue_index().items()}
    author, reviewer, dpo = users["policy_officer"], users["reviewer"], users["dpo"]
    today = date.today()
    justification = {
        f"justification_{k}": f"Benchmark {k.replace('_', ' ')}."
        for k in ("legitimate_aim", "suitability", "necessity", "proportionality", "nationality_use")
    }
    profiles = []
    for i in range(PROFILES):
        start = today - timedelta(days=i % 60)
        profiles.append(
            Profile(
                code=f"P-BENCH-{i:05d}",
                version=1,
                kind="risk" if i % 10 == 0 else "chance",
                title=f"Benchmark profile {i}",
                valid_from=start,
                valid_until=start + timedelta(days=89),
                created_by=author,
                owner=author,
                evidence_group_size=500 + i,
                evidence_chain_hit_rate=0.02,
                evidence_refusal_rate=0.1,
                **justification,
            )
        )
    with transaction.atomic():
        Profile.objects.bulk_create(profiles, batch_size=1000)
    ids = list(Profile.objects.order_by("id").values_list("id", "kind"))
    personal = ["nationality", "age_group", "gender", "marital_status", "occupation"]
    application = ["travel_purpose", "application_location"]
    criteria = []
    for n, (pk, _kind) in enumerate(ids):
        chosen = [application[n % 2], personal[n % 5], personal[(n + 2) % 5]]
        if n % 3 == 0:
            chosen.append(application[(n + 1) % 2])
        for position, characteristic in enumerate(chosen):
            codes = catalogue[characteristic]
            values = sorted({codes[(n + k) % len(codes)] for k in range(1 + n % 3)})
            criteria.append(
                ProfileCriterion(profile_id=pk, characteristic=characteristic, values=values, position=position)
            )
    with transaction.atomic():
        ProfileCriterion.objects.bulk_create(criteria, batch_size=2000)

    now = timezone.now()
    all_ids = [pk for pk, _ in ids]
    risk_ids = {pk for pk, kind in ids if kind == "risk"}
    submitted = [pk for n, pk in enumerate(all_ids) if n % 20 != 0]  # 5% stay drafts
    approved = [pk for n, pk in enumerate(submitted) if n % 10 != 0]  # some stay in review
    active = [pk for n, pk in enumerate(approved) if n % 4 != 0]
    transitions = []

    def moved(pks, from_status, to_status, action, actor, **fields):
        for chunk in range(0, len(pks), 500):
            part = pks[chunk : chunk + 500]
            Profile.objects.filter(pk__in=part, status=from_status).update(status=to_status, **fields)
        transitions.extend(
            ProfileTransition(
                profile_id=pk,
                action=action,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                comment="benchmark",
            )
            for pk in pks
        )

    with transaction.atomic():
        moved(submitted, "draft", "in_review", "submit", author, submitted_by=author, submitted_at=now)
        moved(approved, "in_review", "approved", "approve", reviewer, approved_by=reviewer, approved_at=now)
        signed = [pk for pk in active if pk in risk_ids]
        for chunk in range(0, len(signed), 500):
            Profile.objects.filter(pk__in=signed[chunk : chunk + 500]).update(
                dpo_signed_off_by=dpo, dpo_signed_off_at=now
            )
        moved(active, "approved", "active", "activate", None)
        ProfileTransition.objects.bulk_create(transitions, batch_size=2000)


@dataclass
class Case:
    door: str
    size: int
    url: str
    prepare: Callable[[], None] = lambda: None
    queries: int = 0
    times: list[float] = field(default_factory=list)


def measure(client: Client, cases: list[Case]) -> None:
    """Query count of one request per case, then REQUESTS timed requests per case taken in
    turns, so that a burst of load from other processes falls on every case alike."""
    for case in cases:
        case.prepare()
        for _ in range(WARM_UP):
            assert client.get(case.url).status_code == 200, case.url
        with CaptureQueriesContext(connection) as queries:
            client.get(case.url)
        # Counted now: the next request clears the connection's query log.
        case.queries = len(queries.captured_queries)
    gc.collect()  # the setup's garbage is not the requests' cost
    for _ in range(REQUESTS):
        for case in cases:
            case.prepare()
            start = time.perf_counter()
            response = client.get(case.url)
            case.times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, case.url


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--newest-first-index",
        action="store_true",
        help="index profiles on (created_at DESC, id DESC) first, in the throw-away database",
    )
    options = parser.parse_args()
    setup_test_environment()  # lets CaptureQueriesContext see queries with DEBUG off
    old_name = make_database()
    try:
        users = make_users()
        started = time.perf_counter()
        make_profiles(users)
        if options.newest_first_index:
            with connection.cursor() as cursor:
                cursor.execute("CREATE INDEX bench_profile_newest_first ON profiles_profile (created_at DESC, id DESC)")
                cursor.execute("ANALYZE")
        print(
            f"database: {connection.vendor}, {PROFILES} profiles made in {time.perf_counter() - started:.1f} s"
            + (", with the newest-first index" if options.newest_first_index else "")
        )
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(users["auditor"])
        cases = []
        try:
            list_url = reverse("profiles:list")
        except NoReverseMatch:
            list_url = None
        if list_url:
            import profiles.views as views

            def page_size(size: int) -> Callable[[], None]:
                # The page has a fixed page size; the benchmark sets it per request.
                return lambda: setattr(views, "PAGE_SIZE", size)

            cases += [Case("page " + list_url, size, list_url, page_size(size)) for size in PAGE_SIZES]
        cases += [Case("GET /api/profiles/", size, f"/api/profiles/?page_size={size}") for size in PAGE_SIZES]
        cases.append(
            Case(
                "GET /api/profiles/ status+characteristic",
                50,
                "/api/profiles/?page_size=50&status=active&characteristic=gender",
            )
        )
        measure(client, cases)
        print(f"{'door':44} {'page size':>9} {'queries':>8} {'median ms':>10} {'p95 ms':>8}")
        for case in cases:
            print(
                f"{case.door:44} {case.size:>9} {case.queries:>8} {statistics.median(case.times):>10.1f} "
                f"{percentile(case.times, 0.95):>8.1f}"
            )
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
