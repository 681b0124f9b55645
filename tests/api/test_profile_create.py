"""POST /api/profiles/: every rule of docs/characteristics.md through the API door, with nothing
saved on a refusal, and no input that gives a 500."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from profiles.models import Profile, ProfileCriterion

from .conftest import LIST_URL, codes, valid_body


@pytest.fixture
def author(api):
    return api("policy_officer")


def refused(client, body, *, format="json", error_type="validation_error", **extra):
    """POST and require a 400 that changed nothing."""
    before = (Profile.objects.count(), ProfileCriterion.objects.count())
    response = client.post(LIST_URL, body, format=format, **extra)
    assert response.status_code == 400, response.content
    assert response.json()["type"] == error_type
    assert (Profile.objects.count(), ProfileCriterion.objects.count()) == before
    return response


def criteria(*pairs):
    return [{"characteristic": name, "values": values} for name, values in pairs]


def test_policy_officer_creates_a_draft(author, users):
    response = author.post(LIST_URL, valid_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["origin"] == "manual"
    assert body["kind"] == "risk" and body["track"] == "intensive"
    assert body["created_by"] == "policy_officer" and body["approved_by"] is None
    assert body["code"].startswith("P-") and body["history"] == []
    assert body["criteria"] == valid_body()["criteria"]
    profile = Profile.objects.get(public_id=body["id"])
    assert profile.created_by == users["policy_officer"]
    assert AuditEvent.objects.filter(event_type="profile.created", target_id=body["id"]).exists()


def test_codes_are_normalised_and_evidence_is_stored(author):
    body = valid_body(
        kind="chance",
        justification={},
        criteria=criteria(
            ("nationality", ["nga", " syr "]), ("travel_purpose", ["Tourism"]), ("application_location", ["nglos"])
        ),
        evidence={
            "group_size": 1200,
            "chain_hit_rate": 0.01,
            "refusal_rate": 0.05,
            "period_from": "2021-01-01",
            "period_until": "2025-12-31",
        },
    )
    response = author.post(LIST_URL, body, format="json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["criteria"][0] == {"characteristic": "nationality", "values": ["NGA", "SYR"]}
    assert out["evidence"] == {
        "group_size": 1200,
        "chain_hit_rate": 0.01,
        "refusal_rate": 0.05,
        "period_from": "2021-01-01",
        "period_until": "2025-12-31",
    }


# --- rule 1 to 4 --------------------------------------------------------------------------


def test_two_characteristics_are_too_few(author):
    response = refused(author, valid_body(criteria=criteria(("nationality", ["NGA"]), ("travel_purpose", ["tourism"]))))
    assert codes(response) == ["too_few_characteristics"]


def test_personal_characteristics_alone_are_refused(author):
    response = refused(
        author, valid_body(criteria=criteria(("nationality", ["NGA"]), ("age_group", ["18-24"]), ("gender", ["M"])))
    )
    assert codes(response) == ["missing_application_characteristic"]


def test_application_characteristics_alone_are_refused(author):
    response = refused(
        author, valid_body(criteria=criteria(("travel_purpose", ["tourism"]), ("application_location", ["NGLOS"])))
    )
    assert set(codes(response)) == {"too_few_characteristics", "missing_personal_characteristic"}


def test_a_characteristic_named_twice_is_refused(author):
    response = refused(
        author,
        valid_body(
            criteria=criteria(("nationality", ["NGA"]), ("nationality", ["SYR"]), ("travel_purpose", ["tourism"]))
        ),
    )
    assert "duplicate_characteristic" in codes(response)
    # Named twice is still one characteristic: it cannot make up the three.
    assert "too_few_characteristics" in codes(response)


@pytest.mark.parametrize("name", ["income", "Nationality", "nationaliteit", "eye_colour", "", 5, None, ["gender"]])
def test_an_eighth_characteristic_is_unknown(author, name):
    body = valid_body(criteria=[*valid_body()["criteria"], {"characteristic": name, "values": ["x"]}])
    response = refused(author, body)
    assert "unknown_characteristic" in codes(response)


@pytest.mark.parametrize("values", [["ZZZ"], ["NGA", "Nigeria"], [5], [None], [{"code": "NGA"}], [["NGA"]], [""]])
def test_a_value_outside_the_catalogue_is_unknown(author, values):
    body = valid_body(criteria=criteria(("nationality", values), ("travel_purpose", ["tourism"]), ("gender", ["M"])))
    response = refused(author, body)
    assert codes(response) == ["unknown_value"]
    assert response.json()["errors"][0]["attr"] == "criteria.0.values"


def test_a_criterion_admitting_every_code_is_refused(author):
    response = refused(
        author,
        valid_body(
            criteria=criteria(("nationality", ["NGA"]), ("travel_purpose", ["tourism"]), ("gender", ["F", "M", "X"]))
        ),
    )
    assert codes(response) == ["criterion_admits_all_values"]


@pytest.mark.parametrize("values", [[], None, {}, 0])
def test_a_criterion_without_values_is_refused(author, values):
    response = refused(
        author,
        valid_body(criteria=criteria(("nationality", ["NGA"]), ("travel_purpose", ["tourism"]), ("gender", values))),
    )
    assert codes(response) == ["empty_values"]


def test_a_criterion_with_its_values_key_missing_is_refused(author):
    body = valid_body()
    del body["criteria"][2]["values"]
    assert codes(refused(author, body)) == ["empty_values"]


# --- rule 5: the ban ----------------------------------------------------------------------

BANNED_NAMES = [
    "ethnicity",
    "Etniciteit",
    "ETNICITEIT",
    "ethnic-origin",
    "ethnic_origin",
    "EthnicOrigin",
    "Skin Colour",
    "skin_color",
    "huidskleur",
    "r a c e",
    "R-A-S",
    "Race",
    " ras ",
    "afkomst",
    "religion",
    "Religie",
    "geloof",
    "health",
    "gezondheid",
    "sexual_orientation",
    "Seksuele geaardheid",
    "trade union",
    "vakbond",
    "political opinion",
    "genetic data",
    "biometric",
    "Ethnicité",
    "migratieachtergrond",
]


def test_a_banned_category_is_refused_as_banned_and_audited(author, users):
    # One test over every spelling (not one test each): the setup would cost more than the checks.
    wrong = []
    for i, name in enumerate(BANNED_NAMES, start=1):
        body = valid_body(criteria=[*valid_body()["criteria"], {"characteristic": name, "values": ["any"]}])
        response = refused(author, body)
        error = response.json()["errors"][0]
        events = AuditEvent.objects.filter(
            event_type="profile.banned_characteristic_refused",
            actor=users["policy_officer"],
            data__codes=["banned_characteristic"],
        ).count()
        if (codes(response), error["attr"], "banned" in error["detail"], events) != (
            ["banned_characteristic"],
            "criteria.3.characteristic",
            True,
            i,
        ):
            wrong.append((name, codes(response), events))
    assert not wrong


@pytest.mark.parametrize("value", ["ethnic_minority", "Religion", "r a c e", "Huidskleur-donker"])
def test_a_banned_value_inside_a_real_characteristic_is_refused(author, value):
    body = valid_body(
        criteria=criteria(("occupation", ["managers", value]), ("travel_purpose", ["tourism"]), ("gender", ["M"]))
    )
    response = refused(author, body)
    assert codes(response) == ["banned_characteristic"]
    assert AuditEvent.objects.filter(event_type="profile.banned_characteristic_refused").count() == 1


def test_a_banned_name_standing_in_for_a_real_one_does_not_count_towards_three(author):
    response = refused(
        author,
        valid_body(criteria=criteria(("nationality", ["NGA"]), ("travel_purpose", ["tourism"]), ("ethnicity", ["X"]))),
    )
    assert set(codes(response)) == {"banned_characteristic", "too_few_characteristics"}


def test_free_text_may_say_that_ethnicity_is_not_used(author):
    body = valid_body(title="No ethnicity, race or religion is used")
    body["justification"]["proportionality"] = "Ethnicity and health data are never used."
    assert author.post(LIST_URL, body, format="json").status_code == 201


def test_a_post_code_containing_ras_is_not_the_word_ras(author):
    body = valid_body(criteria=criteria(("nationality", ["BRA"]), ("travel_purpose", ["tourism"]), ("gender", ["M"])))
    assert author.post(LIST_URL, body, format="json").status_code == 201


# --- rules 6 and 7 ------------------------------------------------------------------------


def test_a_window_ending_before_it_starts_is_refused(author):
    start = date.today() + timedelta(days=10)
    response = refused(author, valid_body(valid_from=start.isoformat(), valid_until=start.isoformat()))
    assert codes(response) == ["invalid_validity_window"]


MALFORMED_DATES = ["2026-13-01", "2026-02-30", "tomorrow", "01-12-2026", 20261201, ["2026-12-01"], {"y": 2026}, True]


def test_a_malformed_date_is_an_invalid_validity_window(author):
    wrong = []
    for field in ("valid_from", "valid_until"):
        for raw in MALFORMED_DATES:
            errors = refused(author, valid_body(**{field: raw})).json()["errors"]
            if [(e["code"], e["attr"]) for e in errors] != [("invalid_validity_window", field)] or (
                "YYYY-MM-DD" not in errors[0]["detail"]
            ):
                wrong.append((field, raw, errors))
    assert not wrong


def test_a_missing_window_is_refused(author):
    body = valid_body()
    del body["valid_from"]
    body["valid_until"] = None
    assert codes(refused(author, body)) == ["invalid_validity_window"]


def test_a_window_longer_than_the_maximum_is_refused(author, settings):
    start = date.today() + timedelta(days=1)
    ok = valid_body(valid_from=start.isoformat(), valid_until=(start + timedelta(days=91)).isoformat())
    assert author.post(LIST_URL, ok, format="json").status_code == 201  # 92 days, both counted
    long = valid_body(valid_from=start.isoformat(), valid_until=(start + timedelta(days=92)).isoformat())
    assert codes(refused(author, long)) == ["validity_too_long"]
    settings.IOB_MAX_VALIDITY_DAYS = 30
    assert codes(
        refused(author, valid_body(valid_until=(start + timedelta(days=30)).isoformat(), valid_from=start.isoformat()))
    ) == ["validity_too_long"]


def test_a_risk_profile_needs_each_part_of_its_justification(author):
    response = refused(author, valid_body(justification={"legitimate_aim": "  ", "necessity": "x"}))
    assert codes(response) == ["justification_required"] * 4
    assert {e["attr"] for e in response.json()["errors"]} == {
        "justification.legitimate_aim",
        "justification.suitability",
        "justification.proportionality",
        "justification.nationality_use",
    }


def test_a_risk_profile_without_any_justification_is_refused(author):
    body = valid_body()
    del body["justification"]
    assert set(codes(refused(author, body))) == {"justification_required"}


def test_a_chance_profile_needs_no_justification(author):
    body = valid_body(kind="chance")
    del body["justification"]
    assert author.post(LIST_URL, body, format="json").status_code == 201


# --- every problem at once, and no 500 ------------------------------------------------------


def test_an_empty_body_lists_every_problem(author):
    response = refused(author, {})
    assert set(codes(response)) == {
        "too_few_characteristics",
        "missing_application_characteristic",
        "missing_personal_characteristic",
        "invalid_kind",
        "invalid_validity_window",
        "required",
    }


def test_a_missing_title_and_bad_evidence_are_listed_beside_the_rule_problems(author):
    response = refused(author, valid_body(title="", criteria=[], evidence={"chain_hit_rate": 2}))
    assert {"required", "invalid_rate", "too_few_characteristics"} <= set(codes(response))


def test_a_malformed_date_and_a_banned_name_are_both_reported_and_the_ban_audited(author):
    body = valid_body(
        valid_until="2026-99-99",
        criteria=[*valid_body()["criteria"], {"characteristic": "Etniciteit", "values": ["x"]}],
    )
    response = refused(author, body)
    assert set(codes(response)) == {"banned_characteristic", "invalid_validity_window"}
    assert AuditEvent.objects.filter(event_type="profile.banned_characteristic_refused").exists()


@pytest.mark.parametrize("criteria_value", ["nationality", {"nationality": ["NGA"]}, 3, None, True])
def test_criteria_that_are_not_a_list_are_refused(author, criteria_value):
    response = refused(author, valid_body(criteria=criteria_value))
    assert "criteria" in {e["attr"] for e in response.json()["errors"]}


@pytest.mark.parametrize("item", ["nationality", 7, None, ["nationality", ["NGA"]]])
def test_a_criterion_that_is_not_an_object_is_refused(author, item):
    response = refused(author, valid_body(criteria=[*valid_body()["criteria"], item]))
    assert "criteria.3" in {e["attr"] for e in response.json()["errors"]}


WRONG_TYPES = [
    {"kind": "opportunity"},
    {"kind": 5},
    {"kind": None},
    {"kind": ["risk"]},
    {"title": ["a"]},
    {"title": {"nl": "x"}},
    {"title": "x" * 201},
    {"title": "   "},
    {"justification": "because"},
    {"justification": ["aim"]},
    {"justification": {"legitimate_aim": ["x"]}},
    {"evidence": "lots"},
    {"evidence": {"group_size": "many"}},
    {"evidence": {"group_size": 10**20}},
    {"evidence": {"group_size": -1}},
    {"evidence": {"chain_hit_rate": 1.5}},
    {"evidence": {"refusal_rate": "NaN"}},
    {"evidence": {"period_from": "yesterday"}},
    {"evidence": {"period_from": "2025-01-01", "period_until": "2024-01-01"}},
]


def test_wrong_types_are_a_400_never_a_500(author):
    for changes in WRONG_TYPES:
        refused(author, valid_body(**changes))


def test_garbage_json_is_a_parse_error(author):
    response = refused(
        author,
        '{"kind": "risk", "criteria": [',
        format=None,
        content_type="application/json",
        error_type="client_error",
    )
    assert codes(response) == ["parse_error"]


@pytest.mark.parametrize("payload", ["[]", '"risk"', "null", "42"])
def test_a_body_that_is_not_an_object_is_refused(author, payload):
    refused(author, payload, format=None, content_type="application/json")


def test_a_form_encoded_body_reaches_the_same_rules(author):
    response = refused(author, {"kind": "chance", "title": "x", "criteria": "nationality"}, format="multipart")
    assert "criteria" in {e["attr"] for e in response.json()["errors"]}


def test_nothing_is_written_when_the_role_may_not_write(api):
    for username in ("reviewer", "dpo", "auditor", "register_editor", "admin", "nobody"):
        response = api(username).post(LIST_URL, valid_body(), format="json")
        assert response.status_code == 403, username
    assert Profile.objects.count() == 0


# --- whatever is sent: a 201 or a 400 that changed nothing ------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["nationality", "gender", "NGA", "M", "tourism", "2026-12-01", "Etniciteit", "r a c e"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["characteristic", "values", "legitimate_aim", "group_size", "x"]), inner, max_size=3
        )
    ),
    max_leaves=12,
)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["kind", "title", "criteria", "valid_from", "valid_until", "justification", "evidence"]),
    value=json_values,
)
def test_any_json_in_any_field_is_a_201_or_a_clean_400(author, field, value):
    before = Profile.objects.count()
    response = author.post(LIST_URL, valid_body(**{field: value}), format="json")
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert response.json()["errors"] and Profile.objects.count() == before
        assert all(e["code"] and e["detail"] for e in response.json()["errors"])
