"""The impact preview, checked against counts made by hand on a small set of records."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jobs.models import Job, JobStatus
from monitoring.impact import impact_compute
from monitoring.models import ImpactPreview, PreviewStatus
from monitoring.previews import impact_preview_for
from monitoring.services import monitoring_records_import_batch

from .conftest import record

pytestmark = pytest.mark.django_db

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))
# The profile of tests/conftest.py's DEFAULT_CRITERIA: NGA, family_friends, M.
HIT = {"nationality": "NGA", "travel_purpose": "family_friends", "gender": "M", "application_location": "NGLOS"}


def rec(n: int, *, advice="regular", decision="granted", chain=0, **changes) -> dict:
    extra = {"decided_on": "", "officer_id": ""} if decision == "pending" else {}
    return record(application_id=f"R-{n}", advice=advice, decision=decision, chain_hit=str(chain), **extra, **changes)


RECORDS = [
    rec(1, **HIT),  # hit
    rec(2, decision="refused", chain=1, **HIT),  # hit
    rec(3, advice="intensive", decision="refused", age_group="18-24", **HIT),  # hit
    rec(4, advice="fast", decision="pending", **HIT),  # hit, not decided
    rec(5, **{**HIT, "gender": "F"}),
    rec(6, **{**HIT, "travel_purpose": "tourism"}),
    rec(
        7,
        decision="refused",
        chain=1,
        nationality="SYR",
        application_location="LBBEY",
        travel_purpose="family_friends",
        gender="M",
    ),
    rec(8, advice="fast", nationality="CHN", application_location="CNBJS", travel_purpose="business", gender="F"),
    rec(9, decision="withdrawn", nationality="CHN", application_location="CNBJS", travel_purpose="tourism", gender="M"),
    rec(10, lodged_on="2025-12-15", decided_on="2025-12-20", **HIT),  # outside the period
]


@pytest.fixture
def data(users):
    run = monitoring_records_import_batch(actor=users["policy_officer"], records=RECORDS)
    assert run.status == "imported", run.problems
    return run


def by_code(rows: list[dict]) -> dict[str, dict]:
    return {r["code"]: r for r in rows}


def test_chance_profile_preview_matches_hand_counts(data, make_profile):
    result = impact_compute(profile=make_profile(kind="chance"), period_from=JANUARY[0], period_until=JANUARY[1])
    population, hits = result["population"], result["hits"]
    assert (population["n"], population["n_decided"], population["refused"], population["chain_hits"]) == (9, 7, 3, 2)
    assert population["refusal_rate"] == pytest.approx(3 / 7)
    assert population["chain_hit_rate"] == pytest.approx(2 / 7)
    assert (hits["n"], hits["n_decided"], hits["refused"], hits["chain_hits"]) == (4, 3, 2, 1)
    assert hits["refusal_rate"] == pytest.approx(2 / 3) and hits["chain_hit_rate"] == pytest.approx(1 / 3)
    assert hits["share_of_population"] == pytest.approx(4 / 9)

    nationality = by_code(result["groups"]["nationality"])
    assert {c: (r["population"], r["hits"]) for c, r in nationality.items()} == {
        "NGA": (6, 4),
        "CHN": (2, 0),
        "SYR": (1, 0),
    }
    assert nationality["NGA"]["hits_share"] == 1.0
    assert nationality["NGA"]["population_share"] == pytest.approx(6 / 9)
    assert nationality["NGA"]["hit_rate"] == pytest.approx(4 / 6)
    assert [r["code"] for r in result["groups"]["nationality"]] == ["NGA", "CHN", "SYR"]  # largest first
    assert {c: (r["population"], r["hits"]) for c, r in by_code(result["groups"]["gender"]).items()} == {
        "M": (7, 4),
        "F": (2, 0),
    }
    age = by_code(result["groups"]["age_group"])
    assert {c: (r["population"], r["hits"]) for c, r in age.items()} == {"25-34": (8, 3), "18-24": (1, 1)}
    assert age["18-24"]["hits_share"] == pytest.approx(1 / 4)
    assert {c: (r["population"], r["hits"]) for c, r in by_code(result["groups"]["application_location"]).items()} == {
        "NGLOS": (6, 4),
        "CNBJS": (2, 0),
        "LBBEY": (1, 0),
    }

    # As recorded: fast 4 and 8; intensive 3; the rest regular. A chance profile turns its
    # regular hits (1 and 2) fast and leaves the intensive one alone.
    tracks = result["tracks"]
    assert tracks["without"] == {"fast": 2, "regular": 6, "intensive": 1}
    assert tracks["with"] == {"fast": 4, "regular": 4, "intensive": 1}
    assert tracks["change"] == {"fast": 2, "regular": -2, "intensive": 0}
    assert tracks["changed_records"] == 2
    assert tracks["with_share"]["fast"] == pytest.approx(4 / 9)


def test_risk_profile_turns_every_hit_intensive(data, make_profile):
    result = impact_compute(profile=make_profile(kind="risk"), period_from=JANUARY[0], period_until=JANUARY[1])
    assert result["tracks"]["with"] == {"fast": 1, "regular": 4, "intensive": 4}
    assert result["tracks"]["changed_records"] == 3


def test_the_period_decides_which_records_count(data, make_profile):
    result = impact_compute(profile=make_profile(), period_from=date(2025, 12, 1), period_until=date(2026, 1, 31))
    assert (result["population"]["n"], result["hits"]["n"]) == (10, 5)
    empty = impact_compute(
        profile=make_profile(
            title="other",
            criteria=[
                {"characteristic": "nationality", "values": ["SUR"]},
                {"characteristic": "travel_purpose", "values": ["tourism"]},
                {"characteristic": "gender", "values": ["F"]},
            ],
        ),
        period_from=JANUARY[0],
        period_until=JANUARY[1],
    )
    assert empty["hits"]["n"] == 0 and empty["hits"]["refusal_rate"] is None
    assert empty["tracks"]["change"] == {"fast": 0, "regular": 0, "intensive": 0}


def test_api_gives_the_preview_to_every_profile_reader(data, make_profile, users):
    profile = make_profile()
    url = f"/api/profiles/{profile.public_id}/impact/"
    client = APIClient()
    for name in ("policy_officer", "reviewer", "dpo", "auditor", "register_editor", "admin"):
        client.force_authenticate(users[name])
        response = client.get(url, {"from": "2026-01-01", "to": "2026-01-31"})
        assert response.status_code == 200
        assert response.json()["hits"]["n"] == 4 and response.json()["status"] == "ready"
    client.force_authenticate(users["nobody"])
    assert client.get(url).status_code == 403


def test_api_refuses_a_bad_period(make_profile, users):
    client = APIClient()
    client.force_authenticate(users["reviewer"])
    url = f"/api/profiles/{make_profile().public_id}/impact/"
    assert client.get(url, {"from": "2026-02-01", "to": "2026-01-01"}).json()["errors"][0]["code"] == "invalid_period"
    assert client.get(url, {"from": "soon"}).status_code == 400
    assert client.get("/api/profiles/00000000-0000-0000-0000-000000000000/impact/").status_code == 404


def test_a_large_period_is_computed_by_a_job_and_kept(
    data, make_profile, users, settings, django_capture_on_commit_callbacks
):
    settings.IOB_IMPACT_SYNC_MAX_RECORDS = 3
    profile = make_profile()
    client = APIClient()
    client.force_authenticate(users["reviewer"])
    url = f"/api/profiles/{profile.public_id}/impact/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url, {"from": "2026-01-01", "to": "2026-01-31"})
    assert first.status_code == 202 and first.json()["status"] == "running"
    job = Job.objects.get(public_id=first.json()["job"])
    assert job.status == JobStatus.SUCCEEDED
    second = client.get(url, {"from": "2026-01-01", "to": "2026-01-31"})
    assert second.status_code == 200 and second.json()["hits"]["n"] == 4
    assert ImpactPreview.objects.get().status == PreviewStatus.READY
    # The same question again is answered from what was kept, without a new job.
    client.get(url, {"from": "2026-01-01", "to": "2026-01-31"})
    assert Job.objects.filter(kind="monitoring.impact_preview").count() == 1


def test_a_kept_preview_is_not_used_after_the_data_changed(
    data, make_profile, users, settings, django_capture_on_commit_callbacks
):
    settings.IOB_IMPACT_SYNC_MAX_RECORDS = 3
    profile = make_profile()
    with django_capture_on_commit_callbacks(execute=True):
        impact_preview_for(actor=users["reviewer"], profile=profile, period_from=JANUARY[0], period_until=JANUARY[1])
    monitoring_records_import_batch(actor=users["policy_officer"], records=[rec(11, **HIT)])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = impact_preview_for(
            actor=users["reviewer"], profile=profile, period_from=JANUARY[0], period_until=JANUARY[1]
        )
    assert not outcome.ready and ImpactPreview.objects.count() == 2
    outcome = impact_preview_for(
        actor=users["reviewer"], profile=profile, period_from=JANUARY[0], period_until=JANUARY[1]
    )
    assert outcome.result["hits"]["n"] == 5


def test_page_and_fragment(data, make_profile, client, users):
    profile = make_profile()
    client.force_login(users["reviewer"])
    url = reverse("monitoring:profile_impact", args=[profile.public_id])
    page = client.get(url, {"from": "2026-01-01", "to": "2026-01-31"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html and 'id="impact-summary"' in html
    assert 'data-code="NGA"' in html and "66.7" in html  # the hits' refusal rate, 2 of 3
    fragment = client.get(url, {"from": "2026-01-01", "to": "2026-01-31"}, HTTP_X_REQUESTED_WITH="fetch")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'id="impact-summary"' in fragment.content.decode()
    assert "<html" not in client.get(url, {"fragment": "1"}).content.decode()
    bad = client.get(url, {"from": "2026-02-01", "to": "2026-01-01"})
    assert bad.status_code == 400


def test_page_of_a_large_period_shows_a_progress_bar(data, make_profile, client, users, settings):
    settings.IOB_IMPACT_SYNC_MAX_RECORDS = 3
    client.force_login(users["reviewer"])
    profile = make_profile()
    html = client.get(
        reverse("monitoring:profile_impact", args=[profile.public_id]), {"from": "2026-01-01", "to": "2026-01-31"}
    ).content.decode()
    preview = ImpactPreview.objects.get()
    progress_url = reverse("monitoring:impact_progress", args=[preview.public_id])
    assert f'data-job-progress-url="{progress_url}"' in html
    # Any reader of profiles may follow it, not only whoever started the job.
    client.force_login(users["auditor"])
    assert client.get(progress_url).json() == {
        "id": str(preview.public_id),
        "status": "running",
        "progress": 0,
        "message": "",
        "error": "",
    }


def test_the_population_follows_every_import(data, make_profile, users):
    profile = make_profile()
    first = impact_compute(profile=profile, period_from=JANUARY[0], period_until=JANUARY[1])
    monitoring_records_import_batch(
        actor=users["policy_officer"],
        records=[rec(12, nationality="CHN", application_location="CNBJS", travel_purpose="tourism", gender="F")],
    )
    second = impact_compute(profile=profile, period_from=JANUARY[0], period_until=JANUARY[1])
    assert (first["population"]["n"], second["population"]["n"]) == (9, 10)
    assert by_code(second["groups"]["nationality"])["CHN"]["population"] == 3
