"""The profile page puts the decision first and asks before an irreversible step; the DPO's
return; the catalogue's confirmation and retirement; machine keys shown in words; British
dates in English; the shared error summary."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from audit.labels import event_text
from audit.models import AuditEvent
from profiles.models import CatalogueCode, Profile, ProfileStatus
from profiles.services import profile_transition
from tests.web.helpers import problem_codes, signed_in

TRANSITION = "/profiles/{}/transition/"


@pytest.fixture
def risk_in_review(users, make_profile):
    profile = make_profile(kind="risk")
    return profile_transition(actor=users["policy_officer"], profile=profile, action="submit")


def test_the_decision_panel_comes_before_the_tables(client, users, risk_in_review):
    signed_in(client, users["reviewer"])
    html = client.get(f"/profiles/{risk_in_review.public_id}/").content.decode()
    assert html.index('id="decision"') < html.index('id="criteria-h"') < html.index('id="history-h"')
    assert 'value="approve"' in html and 'value="dpo_return"' not in html  # the reviewer's own actions
    signed_in(client, users["dpo"])
    html = client.get(f"/profiles/{risk_in_review.public_id}/").content.decode()
    assert 'value="dpo_sign_off"' in html and 'value="dpo_return"' in html
    assert html.index('id="decision"') < html.index('id="criteria-h"')


def test_an_irreversible_step_asks_first_and_changes_nothing_until_confirmed(client, users, risk_in_review):
    signed_in(client, users["reviewer"])
    asked = client.post(TRANSITION.format(risk_in_review.public_id), {"action": "approve", "comment": "ok"})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in html and 'value="ok"' in html
    assert Profile.objects.get(pk=risk_in_review.pk).status == ProfileStatus.IN_REVIEW
    done = client.post(
        TRANSITION.format(risk_in_review.public_id), {"action": "approve", "comment": "ok", "confirmed": "1"}
    )
    assert done.status_code == 302 and Profile.objects.get(pk=risk_in_review.pk).status == ProfileStatus.APPROVED


def test_a_reject_without_reason_is_refused_at_once_linked_to_the_comment(client, users, risk_in_review):
    signed_in(client, users["reviewer"])
    response = client.post(TRANSITION.format(risk_in_review.public_id), {"action": "reject", "comment": ""})
    html = response.content.decode()
    assert response.status_code == 400 and problem_codes(response) == {"comment_required"}
    assert 'href="#id_comment"' in html and "data-error-summary" in html
    assert 'aria-invalid="true"' in html and 'id="comment-errors"' in html
    assert AuditEvent.objects.filter(event_type="profile.refused", data__action="reject").exists()


def test_the_dpo_returns_a_profile_from_the_page(client, users, risk_in_review):
    signed_in(client, users["dpo"])
    url = TRANSITION.format(risk_in_review.public_id)
    refused = client.post(url, {"action": "dpo_return", "comment": ""})
    assert refused.status_code == 400 and problem_codes(refused) == {"comment_required"}
    done = client.post(url, {"action": "dpo_return", "comment": "Necessity is not shown."})
    assert done.status_code == 302
    assert Profile.objects.get(pk=risk_in_review.pk).status == ProfileStatus.CHANGES_REQUESTED
    page = client.get(f"/profiles/{risk_in_review.public_id}/").content.decode()
    assert "Teruggestuurd door de FG" in page  # the audit section, in words


def test_the_api_has_the_same_return(users, risk_in_review):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(users["dpo"])
    response = api.post(f"/api/profiles/{risk_in_review.public_id}/dpo-return/", {"comment": ""}, format="json")
    assert response.status_code == 400 and "comment_required" in response.content.decode()
    response = api.post(f"/api/profiles/{risk_in_review.public_id}/dpo-return/", {"comment": "No."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "changes_requested"


def test_the_catalogue_form_preselects_nothing_and_retires_with_a_confirmation(client, users):
    signed_in(client, users["admin"])
    html = client.get("/profiles/catalogues/").content.decode()
    assert '<option value="" selected>' in html or 'value="" selected' in html
    missing = client.post(
        "/profiles/catalogues/",
        {"characteristic": "", "code": "NLAMS", "label_nl": "Amsterdam", "label_en": "Amsterdam"},
    )
    assert missing.status_code == 400 and problem_codes(missing) == {"required"}
    assert 'href="#id_characteristic"' in missing.content.decode()
    url = "/profiles/catalogues/application_location/SRPBM/retire/"
    ask = client.get(url).content.decode()
    assert 'name="reason"' in ask
    no_reason = client.post(url, {"reason": ""})
    assert no_reason.status_code == 400 and 'href="#id_reason"' in no_reason.content.decode()
    assert client.post(url, {"reason": "Post closed"}).status_code == 302
    assert CatalogueCode.objects.get(code="SRPBM").retired_at is not None
    page = client.get("/profiles/catalogues/").content.decode()
    assert "Buiten gebruik sinds" in page
    form = client.get("/profiles/new/").content.decode()
    assert 'value="SRPBM"' not in form  # no longer offered


def test_event_types_and_refusal_codes_read_as_words():
    with translation.override("nl"):
        assert event_text("profile.refused", ["role_required"]) == "Profiel geweigerd (rol vereist)"
        assert event_text("catalogue.code_retired") == "Cataloguscode buiten gebruik gesteld"
    with translation.override("en"):
        assert event_text("profile.refused", ["four_eyes"]) == "Profile action refused (four eyes)"
    assert event_text("something.unregistered") == "something.unregistered"  # shown, never hidden


def test_the_audit_trail_shows_words_and_keeps_the_key(client, users, make_profile):
    profile = make_profile()
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        profile_transition(actor=users["reviewer"], profile=profile, action="submit")
    signed_in(client, users["auditor"])
    html = client.get("/audit/").content.decode()
    assert "Profiel geweigerd (rol vereist)" in html and "<code>profile.refused</code>" in html
    assert "Profiel geschreven" in html


def test_english_pages_use_british_dates():
    day = datetime.date(2026, 11, 3)
    template = Template('{{ d|date:"DATE_FORMAT" }} | {{ d|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"d": day})) == "3 November 2026 | 03/11/2026"
    with translation.override("nl"):
        assert template.render(Context({"d": day})) == "3 november 2026 | 3-11-2026"


def test_plurals_follow_the_count(client, users, make_profile):
    make_profile()
    signed_in(client, users["auditor"])
    one = client.get("/profiles/").content.decode()
    assert "1 profiel gevonden." in one
    with translation.override("nl"):
        heading = Template("{% load portal %}{% error_summary problems %}").render(Context({"problems": []}))
    assert heading.strip() == ""


def test_the_menu_folds_behind_a_button_that_script_reveals(client, users):
    signed_in(client, users["auditor"])
    html = client.get("/").content.decode()
    assert "data-menu-toggle" in html and 'aria-controls="main-menu"' in html
    # Without script the button stays hidden and the menu open.
    assert 'aria-expanded="true" hidden' in html
