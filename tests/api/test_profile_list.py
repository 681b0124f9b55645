"""GET /api/profiles/: filters, pagination, and a number of queries that does not grow with
the page."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles.api import ProfilePagination
from profiles.services import profile_create, profile_new_version, profile_transition
from tests.conftest import DEFAULT_CRITERIA, current_window, next_month_window

from .conftest import LIST_URL, codes


def ids(response) -> set[str]:
    return {p["id"] for p in response.json()["results"]}


@pytest.fixture
def assorted(users, make_profile):
    chance = make_profile(kind="chance", title="Chance A")
    risk = make_profile(
        kind="risk",
        title="Risk B",
        criteria=[
            {"characteristic": "age_group", "values": ["18-24"]},
            {"characteristic": "application_location", "values": ["NGLOS"]},
            {"characteristic": "occupation", "values": ["student"]},
        ],
    )
    profile_transition(actor=users["policy_officer"], profile=risk, action="submit")
    start, end = next_month_window()
    run = uuid.uuid4()
    generated = profile_create(
        actor=users["policy_officer"],
        kind="chance",
        title="Generated C",
        criteria=DEFAULT_CRITERIA,
        valid_from=start,
        valid_until=end,
        origin="generated",
        generation_run_id=run,
    )
    return {"chance": chance, "risk": risk, "generated": generated, "run": run}


def test_every_reader_sees_the_list(api, assorted):
    for username in ("policy_officer", "reviewer", "dpo", "register_editor", "auditor", "admin"):
        response = api(username).get(LIST_URL)
        assert response.status_code == 200, username
        assert response.json()["count"] == 3


@pytest.mark.parametrize(
    "query,expected",
    [
        ("status=in_review", {"risk"}),
        ("status=draft", {"chance", "generated"}),
        ("kind=risk", {"risk"}),
        ("origin=generated", {"generated"}),
        ("origin=manual", {"chance", "risk"}),
        ("characteristic=occupation", {"risk"}),
        ("characteristic=nationality", {"chance", "generated"}),
        ("kind=chance&origin=manual", {"chance"}),
        ("q=Risk", {"risk"}),
    ],
)
def test_filters(api, assorted, query, expected):
    response = api("reviewer").get(f"{LIST_URL}?{query}")
    assert ids(response) == {str(assorted[name].public_id) for name in expected}


def test_filter_by_run(api, assorted):
    response = api("reviewer").get(f"{LIST_URL}?run={assorted['run']}")
    assert ids(response) == {str(assorted["generated"].public_id)}
    assert response.json()["results"][0]["generation_run"] == str(assorted["run"])
    assert api("reviewer").get(f"{LIST_URL}?run={uuid.uuid4()}").json()["count"] == 0


@pytest.mark.parametrize(
    "query,attr",
    [
        ("status=live", "status"),
        ("kind=ethnic", "kind"),
        ("characteristic=ethnicity", "characteristic"),
        ("run=42", "run"),
        ("origin=x", "origin"),
    ],
)
def test_a_bad_filter_is_a_400(api, assorted, query, attr):
    response = api("reviewer").get(f"{LIST_URL}?{query}")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == attr


def test_pagination_and_page_size(api, assorted, monkeypatch):
    first = api("reviewer").get(f"{LIST_URL}?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = api("reviewer").get(f"{LIST_URL}?page_size=2&page=2").json()
    assert len(second["results"]) == 1 and not (
        {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}
    )
    assert api("reviewer").get(f"{LIST_URL}?page=9").status_code == 404
    assert ProfilePagination.max_page_size == 200
    monkeypatch.setattr(ProfilePagination, "max_page_size", 2)
    assert len(api("reviewer").get(f"{LIST_URL}?page_size=500").json()["results"]) == 2


def test_a_bad_page_size_falls_back_to_the_default(api, assorted):
    for value in ("abc", "-3", "0"):
        response = api("reviewer").get(f"{LIST_URL}?page_size={value}")
        assert response.status_code == 200 and len(response.json()["results"]) == 3


def test_newest_first(api, users, make_profile):
    made = [make_profile(title=f"P{i}") for i in range(3)]
    listed = [p["id"] for p in api("auditor").get(LIST_URL).json()["results"]]
    assert listed == [str(p.public_id) for p in reversed(made)]


def _profiles(users, make_profile, n: int) -> None:
    # Each with a history and an approver, so every relation the list shows is exercised.
    for i in range(n):
        profile = make_profile(title=f"Profile {i}", kind="risk" if i % 3 == 0 else "chance")
        profile_transition(actor=users["policy_officer"], profile=profile, action="submit", comment="c")
        if i % 2:
            profile_transition(actor=users["reviewer"], profile=profile, action="approve")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [5, 60])
def test_the_list_costs_a_fixed_number_of_queries(api, users, make_profile, django_assert_max_num_queries, n):
    _profiles(users, make_profile, n)
    client = api("auditor")
    client.get(LIST_URL)  # the first request of a session reads the session and user once more
    with django_assert_max_num_queries(8):
        response = client.get(f"{LIST_URL}?page_size=100")
    assert len(response.json()["results"]) == n
    assert all(p["history"] for p in response.json()["results"])


def test_the_number_of_queries_does_not_depend_on_the_page_size(api, users, make_profile):
    _profiles(users, make_profile, 12)
    client = api("auditor")
    client.get(LIST_URL)
    counts = {size: _queries(client, f"{LIST_URL}?page_size={size}") for size in (1, 5, 12)}
    assert len(set(counts.values())) == 1, counts
    assert _queries(client, f"{LIST_URL}?page_size=12&characteristic=gender&kind=risk") == counts[1]


def test_list_filters_are_validated_in_the_listed_language(api, assorted):
    response = api("reviewer", language="nl").get(f"{LIST_URL}?status=live")
    assert codes(response) == ["invalid_choice"]
    assert "live" in response.json()["errors"][0]["detail"]


def test_the_fast_representation_equals_the_declared_one(api, users, make_profile):
    """The output serializer writes its dict by hand for speed; it must say exactly what
    its declared fields (which the OpenAPI schema shows) would say."""
    from rest_framework import serializers

    from profiles.api import _presentable
    from profiles.selectors import profile_list
    from profiles.serializers import ProfileOutputSerializer

    _profiles(users, make_profile, 4)
    start, end = next_month_window()
    profile_create(
        actor=users["policy_officer"],
        kind="chance",
        title="With evidence",
        criteria=DEFAULT_CRITERIA,
        valid_from=start,
        valid_until=end,
        origin="generated",
        generation_run_id=uuid.uuid4(),
        evidence={
            "evidence_group_size": 10,
            "evidence_chain_hit_rate": 0.5,
            "evidence_refusal_rate": 0,
            "evidence_period_from": start,
            "evidence_period_until": end,
        },
    )
    active = make_profile(kind="risk", window=current_window(), title="Active risk")
    for actor, action in (("policy_officer", "submit"), ("reviewer", "approve"), ("dpo", "dpo_sign_off")):
        active = profile_transition(actor=users[actor], profile=active, action=action, comment="c")
    assert active.status == "active"  # moved by the system: a transition without an actor
    profile_new_version(actor=users["policy_officer"], profile=active)
    from django.utils import timezone

    profiles = list(_presentable(profile_list()))
    assert len(profiles) == 7
    for zone in ("Europe/Amsterdam", "UTC"):  # UTC is written with a Z
        with timezone.override(zone):
            for profile in profiles:
                serializer = ProfileOutputSerializer(profile)
                assert serializer.data == serializers.ModelSerializer.to_representation(serializer, profile)
