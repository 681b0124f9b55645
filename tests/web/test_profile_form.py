"""Every validation rule of docs/characteristics.md through the form door: the page names the
problem in words, carries its machine code, answers 400 and saves nothing."""

from datetime import timedelta

import pytest

from audit.models import AuditEvent
from profiles.models import Profile, ProfileStatus
from tests.conftest import next_month_window
from tests.web.helpers import form_data, problem_codes, risk_form_data, signed_in

NEW = "/profiles/new/"


@pytest.fixture
def author(client, users):
    return signed_in(client, users["policy_officer"])


def post_refused(client, data, code):
    response = client.post(NEW, data)
    assert response.status_code == 400, response.status_code
    assert code in problem_codes(response), problem_codes(response)
    assert Profile.objects.count() == 0
    return response


def test_policy_officer_writes_a_draft_through_the_form(author, users):
    response = author.post(NEW, form_data(criterion_occupation=["student", "professionals"]))
    assert response.status_code == 302
    profile = Profile.objects.get()
    assert response["Location"] == f"/profiles/{profile.public_id}/"
    assert (profile.status, profile.kind) == (ProfileStatus.DRAFT, "chance")
    assert profile.created_by == users["policy_officer"]
    assert {c.characteristic: c.values for c in profile.criteria.all()} == {
        "nationality": ["NGA"],
        "travel_purpose": ["family_friends"],
        "gender": ["M"],
        "occupation": ["professionals", "student"],
    }
    assert AuditEvent.objects.filter(event_type="profile.created", target_id=str(profile.public_id)).exists()


def test_two_characteristics_are_too_few(author):
    post_refused(author, form_data(criterion_gender=None), "too_few_characteristics")


def test_personal_characteristics_alone_are_refused(author):
    response = post_refused(
        author,
        form_data(criterion_travel_purpose=None, criterion_age_group=["18-24"]),
        "missing_application_characteristic",
    )
    assert "too_few_characteristics" not in problem_codes(response)


def test_application_characteristics_alone_are_refused(author):
    post_refused(
        author,
        form_data(
            criterion_nationality=None,
            criterion_gender=None,
            criterion_application_location=["NGLOS"],
            criterion_age_group=None,
        ),
        "missing_personal_characteristic",
    )


@pytest.mark.parametrize("name", ["etniciteit", "Ethnic-Origin", "huids kleur", "religie", "r a c e"])
def test_a_crafted_banned_characteristic_is_refused_as_banned_and_audited(author, name):
    response = post_refused(author, form_data(**{f"criterion_{name}": ["x"]}), "banned_characteristic")
    assert "unknown_characteristic" not in problem_codes(response)
    assert (
        AuditEvent.objects.filter(
            event_type="profile.banned_characteristic_refused", actor_username="policy_officer"
        ).count()
        == 1
    )


def test_a_banned_value_in_a_real_characteristic_is_refused_and_audited(author):
    post_refused(author, form_data(criterion_nationality=["etnische_groep"]), "banned_characteristic")
    assert AuditEvent.objects.filter(event_type="profile.banned_characteristic_refused").exists()


def test_an_eighth_characteristic_is_unknown(author):
    post_refused(author, form_data(criterion_eye_colour=["blue"]), "unknown_characteristic")


def test_a_value_outside_the_catalogue_is_refused(author):
    post_refused(author, form_data(criterion_nationality=["ZZZ"]), "unknown_value")


def test_choosing_every_value_constrains_nothing(author):
    post_refused(author, form_data(criterion_gender=["F", "M", "X"]), "criterion_admits_all_values")


def test_a_characteristic_posted_without_values_is_refused(author):
    post_refused(author, form_data(criterion_gender=[""]), "empty_values")


def test_start_after_end_is_refused(author):
    start, end = next_month_window()
    post_refused(
        author, form_data(valid_from=end.isoformat(), valid_until=start.isoformat()), "invalid_validity_window"
    )


def test_missing_dates_are_refused(author):
    post_refused(author, form_data(valid_from=""), "invalid_validity_window")


def test_a_window_longer_than_the_maximum_is_refused(author, settings):
    start, _end = next_month_window()
    until = start + timedelta(days=settings.IOB_MAX_VALIDITY_DAYS)
    post_refused(author, form_data(valid_until=until.isoformat()), "validity_too_long")


def test_a_risk_profile_without_justification_is_refused(author):
    response = post_refused(author, form_data(kind="risk"), "justification_required")
    assert response.content.decode().count('data-code="justification_required"') == 5  # four parts + nationality


def test_a_risk_profile_using_nationality_must_say_why(author):
    post_refused(author, risk_form_data(justification_nationality_use=""), "justification_required")


def test_a_risk_profile_without_nationality_needs_no_nationality_reason(author):
    response = author.post(
        NEW, risk_form_data(justification_nationality_use="", criterion_nationality=None, criterion_age_group=["18-24"])
    )
    assert response.status_code == 302


def test_every_problem_is_shown_at_once_in_dutch_and_linked_to_its_field(author):
    start, end = next_month_window()
    response = post_refused(
        author,
        form_data(kind="risk", criterion_gender=None, valid_from=end.isoformat(), valid_until=start.isoformat()),
        "too_few_characteristics",
    )
    assert {"too_few_characteristics", "invalid_validity_window", "justification_required"} <= problem_codes(response)
    html = response.content.decode()
    assert 'role="alert"' in html and 'href="#criteria"' in html and 'href="#id_valid_until"' in html
    assert "ten minste 3 van de 7 kenmerken" in html
    # What was typed is kept, so the author fixes rather than retypes.
    assert 'value="NGA" checked' in html and 'value="family_friends" checked' in html


def test_text_where_a_number_belongs_is_a_form_error_not_a_crash(author):
    response = author.post(NEW, form_data(evidence_group_size="many", evidence_chain_hit_rate="high"))
    assert response.status_code == 400
    assert Profile.objects.count() == 0


def test_a_rate_above_one_is_refused_by_the_service(author):
    post_refused(author, form_data(evidence_chain_hit_rate="1.5"), "invalid_rate")


def test_free_text_may_name_ethnicity(author):
    response = author.post(
        NEW,
        risk_form_data(
            title="Not based on ethnicity", justification_proportionality="Ethnicity and religion are not used."
        ),
    )
    assert response.status_code == 302


def test_edit_saves_a_draft_through_the_same_validator(author, make_profile):
    profile = make_profile()
    url = f"/profiles/{profile.public_id}/edit/"
    page = author.get(url)
    assert page.status_code == 200 and 'value="NGA" checked' in page.content.decode()
    refused = author.post(url, form_data(criterion_gender=None, title="Changed"))
    assert refused.status_code == 400 and "too_few_characteristics" in problem_codes(refused)
    profile.refresh_from_db()
    assert profile.title == "Test profile"
    saved = author.post(url, form_data(title="Changed", criterion_marital_status=["single"]))
    assert saved.status_code == 302
    profile.refresh_from_db()
    assert profile.title == "Changed" and profile.criteria.count() == 4


def test_an_approved_version_cannot_be_edited_through_the_form(author, users, make_profile):
    from profiles.services import profile_transition

    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    url = f"/profiles/{profile.public_id}/edit/"
    assert author.get(url).status_code == 302
    response = author.post(url, form_data(title="Changed in place"))
    assert response.status_code == 409 and "not_editable" in problem_codes(response)
    profile.refresh_from_db()
    assert profile.title == "Test profile"
