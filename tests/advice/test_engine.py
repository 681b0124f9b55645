"""The advice engine (docs/characteristics.md, "The advice for one application"): every branch,
overlapping profiles, validity windows, expired and withdrawn profiles; the API and the
command."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from rest_framework.test import APIClient

from accounts.actors import SystemActor
from accounts.roles import REQUEST_ADVICE
from advice.cache import advice_index_current
from advice.engine import AdviceIndex, Application, IndexedProfile, ProfileHit
from advice.selectors import advice_for_applications
from advice.services import advice_request
from problems import DomainError
from profiles.services import profile_statuses_refresh, profile_transition
from tests.conftest import current_window

pytestmark = pytest.mark.django_db

ADVISOR = SystemActor("test", rights=frozenset({REQUEST_ADVICE}))

# Hits DEFAULT_CRITERIA of tests/conftest.py (NGA, family_friends, M).
APPLICATION = {
    "nationality": "NGA",
    "age_group": "25-34",
    "gender": "M",
    "marital_status": "single",
    "occupation": "craft_trades",
    "travel_purpose": "family_friends",
    "application_location": "NGLOS",
    "applicant_hit": 0,
    "referent_hit": 0,
    "employer_hit": 0,
}
CHANCE_BUSINESS = [
    {"characteristic": "travel_purpose", "values": ["business"]},
    {"characteristic": "application_location", "values": ["CNBJS"]},
    {"characteristic": "age_group", "values": ["35-44"]},
]
BUSINESS = {
    **APPLICATION,
    "nationality": "CHN",
    "age_group": "35-44",
    "travel_purpose": "business",
    "application_location": "CNBJS",
}


def advise(**changes) -> dict:
    return advice_request(actor=ADVISOR, data={**APPLICATION, **changes})


@pytest.fixture
def chance(make_profile, activate):
    return activate(make_profile(kind="chance", window=current_window()))


@pytest.fixture
def risk(make_profile, activate):
    return activate(make_profile(kind="risk", window=current_window()))


# --- the rule, branch by branch ----------------------------------------------------------------------


def test_no_hit_at_all_is_regular():
    result = advise()
    assert result["track"] == "regular"
    assert result["known_party_hits"] == [] and result["profile_hits"] == [] and result["matched_profiles"] == ""
    assert len(result["reasons"]) == 1


@pytest.mark.parametrize("party", ["applicant", "referent", "employer"])
def test_any_known_party_hit_is_intensive(party):
    result = advise(**{f"{party}_hit": 1})
    assert result["track"] == "intensive" and result["known_party_hits"] == [party]


def test_every_party_is_named_among_the_reasons():
    result = advise(applicant_hit=True, employer_hit="1")
    assert result["known_party_hits"] == ["applicant", "employer"]


def test_active_chance_profile_hit_is_fast(chance):
    result = advise()
    assert result["track"] == "fast"
    assert result["profile_hits"] == [{"code": chance.code, "version": 1, "kind": "chance"}]
    assert result["matched_profiles"] == f"{chance.code}@1"


def test_active_risk_profile_hit_is_intensive(risk):
    result = advise()
    assert result["track"] == "intensive" and result["matched_profiles"] == f"{risk.code}@1"
    assert result["known_party_hits"] == []


def test_known_party_hit_beats_a_chance_profile(chance):
    result = advise(referent_hit=1)
    assert result["track"] == "intensive"
    assert result["known_party_hits"] == ["referent"] and result["profile_hits"][0]["code"] == chance.code


def test_a_miss_on_one_criterion_is_no_hit(chance):
    assert advise(gender="F")["track"] == "regular"
    assert advise(travel_purpose="tourism")["track"] == "regular"


def test_characteristics_the_profile_does_not_use_do_not_matter(chance):
    assert advise(age_group="65+", occupation="retired", marital_status="widowed")["track"] == "fast"


# --- overlapping profiles ---------------------------------------------------------------------------------


def test_risk_beats_chance_when_both_hit_and_both_are_reasons(make_profile, activate):
    chance = activate(make_profile(kind="chance", window=current_window()))
    risk = activate(
        make_profile(
            kind="risk",
            window=current_window(),
            criteria=[
                {"characteristic": "application_location", "values": ["NGLOS", "GHACC"]},
                {"characteristic": "gender", "values": ["M"]},
                {"characteristic": "age_group", "values": ["18-24", "25-34"]},
            ],
        )
    )
    result = advise()
    assert result["track"] == "intensive"
    assert result["matched_profiles"] == f"{risk.code}@1;{chance.code}@1"  # risk first
    assert [h["kind"] for h in result["profile_hits"]] == ["risk", "chance"]


def test_two_chance_profiles_both_hit(make_profile, activate):
    first = activate(make_profile(kind="chance", window=current_window()))
    second = activate(
        make_profile(
            kind="chance",
            window=current_window(),
            criteria=[
                {"characteristic": "nationality", "values": ["NGA", "GHA"]},
                {"characteristic": "application_location", "values": ["NGLOS"]},
                {"characteristic": "occupation", "values": ["craft_trades"]},
            ],
        )
    )
    result = advise()
    assert result["track"] == "fast"
    assert {h["code"] for h in result["profile_hits"]} == {first.code, second.code}


def test_overlapping_profiles_hit_only_where_each_matches(make_profile, activate):
    wide = activate(
        make_profile(
            kind="chance",
            window=current_window(),
            criteria=[
                {"characteristic": "travel_purpose", "values": ["family_friends", "tourism"]},
                {"characteristic": "gender", "values": ["M", "F"]},
                {"characteristic": "application_location", "values": ["NGLOS"]},
            ],
        )
    )
    narrow = activate(
        make_profile(
            kind="risk",
            window=current_window(),
            criteria=[
                {"characteristic": "travel_purpose", "values": ["family_friends"]},
                {"characteristic": "gender", "values": ["M"]},
                {"characteristic": "application_location", "values": ["NGLOS"]},
            ],
        )
    )
    assert advise()["matched_profiles"] == f"{narrow.code}@1;{wide.code}@1"
    only_wide = advise(gender="F", travel_purpose="tourism")
    assert (only_wide["track"], only_wide["matched_profiles"]) == ("fast", f"{wide.code}@1")


# --- validity windows and statuses ---------------------------------------------------------------------


def test_profile_counts_only_inside_its_window(chance):
    start, end = chance.valid_from, chance.valid_until
    assert advise(lodged_on=start.isoformat())["track"] == "fast"
    assert advise(lodged_on=end.isoformat())["track"] == "fast"
    assert advise(lodged_on=(start - timedelta(days=1)).isoformat())["track"] == "regular"
    assert advise(lodged_on=(end + timedelta(days=1)).isoformat())["track"] == "regular"


def test_each_application_of_a_batch_uses_its_own_day(chance):
    before = (chance.valid_from - timedelta(days=3)).isoformat()
    results = advice_request(
        actor=ADVISOR,
        data=[
            {**APPLICATION, "application_id": "in", "lodged_on": date.today().isoformat()},
            {**APPLICATION, "application_id": "before", "lodged_on": before},
        ],
    )
    assert [(r["application_id"], r["track"]) for r in results] == [("in", "fast"), ("before", "regular")]


def test_profiles_that_are_not_active_are_not_used(make_profile, activate, users):
    make_profile(kind="chance", window=current_window())  # a draft
    approved_later = make_profile(
        kind="chance", window=(date.today() + timedelta(days=5), date.today() + timedelta(days=30))
    )
    approved_later = profile_transition(actor=users["policy_officer"], profile=approved_later, action="submit")
    approved_later = profile_transition(actor=users["reviewer"], profile=approved_later, action="approve")
    assert approved_later.status == "approved"
    # Even on a day inside its window: an approved profile is not in force until it is active.
    assert advise(lodged_on=(date.today() + timedelta(days=10)).isoformat())["track"] == "regular"
    assert advise()["track"] == "regular"


def test_risk_profile_without_dpo_sign_off_is_not_used(make_profile, users):
    risk = make_profile(kind="risk", window=current_window())
    risk = profile_transition(actor=users["policy_officer"], profile=risk, action="submit")
    risk = profile_transition(actor=users["reviewer"], profile=risk, action="approve")
    assert risk.status == "approved"
    assert advise()["track"] == "regular"


def test_withdrawn_profile_is_not_used(chance, users):
    assert advise()["track"] == "fast"
    profile_transition(actor=users["reviewer2"], profile=chance, action="withdraw", comment="too narrow")
    assert advise()["track"] == "regular"


def test_expired_profile_is_not_used_even_for_a_day_inside_its_window(chance):
    day_inside = date.today().isoformat()
    profile_statuses_refresh(today=chance.valid_until + timedelta(days=1))
    chance.refresh_from_db()
    assert chance.status == "expired"
    assert advise(lodged_on=day_inside)["track"] == "regular"


def test_a_new_active_version_replaces_the_old_one(chance, users, activate):
    from profiles.services import profile_new_version

    draft = profile_new_version(actor=users["policy_officer2"], profile=chance)
    newer = activate(draft)
    assert newer.status == "active"
    assert advise()["matched_profiles"] == f"{chance.code}@2"


# --- the index ---------------------------------------------------------------------------------------------


def _indexed(code: str, kind: str, criteria: dict, window=(date(2026, 1, 1), date(2026, 3, 31))) -> IndexedProfile:
    return IndexedProfile(hit=ProfileHit(code, 1, kind), valid_from=window[0], valid_until=window[1], criteria=criteria)


def test_index_matches_a_scan_of_every_profile():
    """The bitset index gives exactly the profiles that a plain scan finds."""
    import random

    rnd = random.Random(7)
    values = {
        "nationality": ["NGA", "SYR", "CHN", "IND"],
        "age_group": ["18-24", "25-34", "35-44"],
        "gender": ["F", "M", "X"],
        "marital_status": ["single", "married"],
        "occupation": ["student", "managers"],
        "travel_purpose": ["tourism", "business", "study"],
        "application_location": ["NGLOS", "CNBJS", "INBOM"],
    }
    profiles = []
    for i in range(300):
        chosen = rnd.sample(list(values), rnd.randint(3, 5))
        criteria = {c: tuple(rnd.sample(values[c], rnd.randint(1, len(values[c]) - 1))) for c in chosen}
        start = date(2026, 1, 1) + timedelta(days=rnd.randint(0, 60))
        profiles.append(
            _indexed(
                f"P-{i}", rnd.choice(["chance", "risk"]), criteria, (start, start + timedelta(days=rnd.randint(1, 60)))
            )
        )
    index = AdviceIndex(profiles)
    order = list(values)
    for _ in range(500):
        app = {c: rnd.choice(v) for c, v in values.items()}
        day = date(2026, 1, 1) + timedelta(days=rnd.randint(0, 120))
        result = index.decide([app[c] for c in order], (False, False, False), day)
        expected = {
            p.hit
            for p in profiles
            if p.valid_from <= day <= p.valid_until and all(app[c] in codes for c, codes in p.criteria.items())
        }
        assert set(result.profile_hits) == expected
        kinds = {h.kind for h in expected}
        assert result.track == ("intensive" if "risk" in kinds else "fast" if "chance" in kinds else "regular")


def test_an_index_without_profiles_advises_on_known_parties_only():
    index = AdviceIndex([])
    app = Application(
        values=tuple(
            APPLICATION[c]
            for c in (
                "nationality",
                "age_group",
                "gender",
                "marital_status",
                "occupation",
                "travel_purpose",
                "application_location",
            )
        ),
        parties=(False, True, False),
        lodged_on=date(2026, 1, 1),
    )
    assert [r.track for r in advice_for_applications(applications=[app], index=index)] == ["intensive"]


def test_the_cached_index_follows_profile_changes(chance, users):
    assert len(advice_index_current()[0]) == 1
    profile_transition(actor=users["reviewer2"], profile=chance, action="withdraw", comment="gone")
    assert len(advice_index_current()[0]) == 0


# --- bad input ----------------------------------------------------------------------------------------------


def test_every_problem_of_an_application_is_reported():
    with pytest.raises(DomainError) as excinfo:
        advice_request(
            actor=ADVISOR,
            data={
                **APPLICATION,
                "nationality": "ZZZ",
                "gender": None,
                "referent_hit": "yes",
                "lodged_on": "01-02-2026",
                "religion": "x",
                "shoe_size": 44,
            },
        )
    assert sorted((p.code, p.field) for p in excinfo.value.problems) == sorted(
        [
            ("unknown_value", "nationality"),
            ("required", "gender"),
            ("invalid_flag", "referent_hit"),
            ("invalid_date", "lodged_on"),
            ("banned_characteristic", "religion"),
            ("unknown_characteristic", "shoe_size"),
        ]
    )


def test_a_list_names_the_bad_item_by_its_index():
    with pytest.raises(DomainError) as excinfo:
        advice_request(actor=ADVISOR, data=[APPLICATION, {**APPLICATION, "application_location": "XXXXX"}])
    assert [(p.code, p.field) for p in excinfo.value.problems] == [("unknown_value", "1.application_location")]


@pytest.mark.parametrize("data", [[], "text", 5, None])
def test_what_is_not_an_application_is_refused(data):
    with pytest.raises(DomainError):
        advice_request(actor=ADVISOR, data=data)


# --- the API -------------------------------------------------------------------------------------------------


def test_api_advises_one_application_and_a_list(users, chance):
    client = APIClient()
    client.force_authenticate(users["reviewer"])
    one = client.post(
        "/api/advice/", {**APPLICATION, "application_id": "X-1"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert one.status_code == 200
    assert one.json()["track"] == "fast" and one.json()["application_id"] == "X-1"
    assert any(chance.code in reason for reason in one.json()["reasons"])
    many = client.post("/api/advice/", [APPLICATION, {**APPLICATION, "employer_hit": 1}], format="json")
    assert [r["track"] for r in many.json()] == ["fast", "intensive"]


def test_api_refuses_bad_input_with_codes_and_other_roles(users):
    client = APIClient()
    client.force_authenticate(users["policy_officer"])
    response = client.post("/api/advice/", {**APPLICATION, "ethnicity": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "banned_characteristic"
    assert "banned" in response.json()["errors"][0]["detail"]
    for name in ("dpo", "auditor", "register_editor", "admin"):
        client.force_authenticate(users[name])
        assert client.post("/api/advice/", APPLICATION, format="json").status_code == 403


def test_reasons_are_in_the_request_language(chance):
    with translation.override("en"):
        english = advise(applicant_hit=1)["reasons"]
    with translation.override("nl"):
        dutch = advise(applicant_hit=1)["reasons"]
    assert any("applicant" in r for r in english) and len(dutch) == len(english)


# --- the command -----------------------------------------------------------------------------------------------


def _csv(rows: list[dict], columns: list[str]) -> str:
    return "\n".join([",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in rows]) + "\n"


def test_command_advises_a_csv(tmp_path: Path, chance):
    columns = ["application_id", *APPLICATION.keys()]
    source = tmp_path / "in.csv"
    source.write_text(
        _csv(
            [
                {**APPLICATION, "application_id": "A"},
                {**APPLICATION, "application_id": "B", "applicant_hit": 1},
                {**APPLICATION, "application_id": "C", "gender": "F"},
            ],
            columns,
        )
    )
    target = tmp_path / "out" / "advice.csv"
    call_command("advise", str(source), "--out", str(target), "--language", "en", stdout=io.StringIO())
    lines = target.read_text().splitlines()
    assert lines[0].endswith("track,known_party_hits,matched_profiles,reasons")
    assert [line.split(",")[len(columns)] for line in lines[1:]] == ["fast", "intensive", "regular"]
    assert f"{chance.code}@1" in lines[1]


def test_command_refuses_a_bad_file_and_writes_nothing(tmp_path: Path):
    source = tmp_path / "in.csv"
    columns = [*APPLICATION.keys(), "ethnicity"]
    source.write_text(_csv([{**APPLICATION, "ethnicity": "x"}], columns))
    target = tmp_path / "advice.csv"
    with pytest.raises(CommandError) as excinfo:
        call_command("advise", str(source), "--out", str(target))
    assert "banned_characteristic" in str(excinfo.value)
    source.write_text(_csv([{**APPLICATION, "gender": "Q"}], list(APPLICATION.keys())))
    with pytest.raises(CommandError) as excinfo:
        call_command("advise", str(source), "--out", str(target))
    assert "row 2.gender: unknown_value" in str(excinfo.value)
    assert not target.exists() and list(tmp_path.iterdir()) == [source]
