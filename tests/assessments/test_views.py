"""The pages: every section renders, saving a section keeps the user there, a prefill is
taken over from the page, errors show beside the question, the API saves and refuses."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Answer
from assessments.questionsets import questionset_data
from prefill import registry

pytestmark = pytest.mark.django_db


def _login(client, users, name):
    client.force_login(users[name])
    return client


def test_every_section_of_both_documents_renders(client, users, draft, iama):
    _login(client, users, "policy_officer")
    for version in (draft, iama.versions.get()):
        for section in questionset_data(version.question_set).sections:
            url = reverse("assessments:section", args=[version.public_id, section.id])
            response = client.get(url)
            assert response.status_code == 200, section.id
        assert client.get(reverse("assessments:version", args=[version.public_id])).status_code == 200
    assert client.get(reverse("assessments:list")).status_code == 200


def test_saving_a_section_from_the_page(client, users, draft):
    _login(client, users, "policy_officer")
    url = reverse("assessments:section", args=[draft.public_id, "A02"])
    response = client.post(
        url,
        {
            "dpia3.A02_personal_data__text": "Seven characteristics.",
            "dpia3.A02_personal_data__n": "1",
            "dpia3.A02_personal_data__i0__id": "",
            "dpia3.A02_personal_data__i0__item": "nationality",
            "dpia3.A02_personal_data__i0__data_type": "gewoon",
            "go": "",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(url)
    answer = Answer.objects.get(key="dpia3.A02_personal_data")
    assert answer.value == {"text": "Seven characteristics."}
    assert [i.value for i in answer.items.all()] == [{"item": "nationality", "data_type": "gewoon"}]
    # Save and next goes to the next section.
    response = client.post(url, {"dpia3.A02_personal_data__text": "Seven.", "go": "A03"})
    assert response["Location"].endswith("/s/A03/")


def test_bad_choice_shows_beside_the_question_and_saves_nothing(client, users, draft):
    _login(client, users, "policy_officer")
    url = reverse("assessments:section", args=[draft.public_id, "A02"])
    response = client.post(
        url,
        {
            "dpia3.A02_personal_data__n": "1",
            "dpia3.A02_personal_data__i0__item": "x",
            "dpia3.A02_personal_data__i0__data_type": "etnisch",
        },
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Answer.objects.exists()


def test_taking_over_a_proposal_from_the_page(client, users, draft):
    _login(client, users, "policy_officer")
    proposal = registry.proposal_compute(["LEG"])
    url = reverse("assessments:section", args=[draft.public_id, "A09"])
    page = client.get(url).content.decode()
    assert proposal.fingerprint in page
    response = client.post(
        url,
        {
            "accept": "dpia3.A09_legal_policy_framework",
            "dpia3.A09_legal_policy_framework__fingerprint": proposal.fingerprint,
            "dpia3.A09_legal_policy_framework__n": "0",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.get(key="dpia3.A09_legal_policy_framework").value["text"] == proposal.text


def test_readers_see_but_cannot_save(client, users, draft):
    _login(client, users, "auditor")
    url = reverse("assessments:section", args=[draft.public_id, "A01"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"dpia3.A01_proposal__text": "x"}).status_code == 403


def test_workflow_and_compare_pages(client, users, signed, dpia):
    services.version_new(actor=users["policy_officer"], assessment=dpia)
    _login(client, users, "auditor")
    response = client.get(reverse("assessments:compare", args=["dpia"]) + "?left=1&right=2&all=1")
    assert response.status_code == 200 and "IOB advises a track." in response.content.decode()
    _login(client, users, "policy_officer")
    home = client.get(reverse("home")).content.decode()
    assert "DPIA IOB v2" in home


def test_overdue_review_shows_on_home(client, users, signed):
    from datetime import date, timedelta

    from assessments.selectors import work_for

    assert work_for(roles={"dpo"}, today=signed.review_by + timedelta(days=1))["overdue"] == [signed]
    assert work_for(roles={"dpo"}, today=date.today())["overdue"] == []


def test_api_saves_a_section_and_maps_refusals(client, users, draft):
    _login(client, users, "policy_officer")
    url = reverse("api-assessment-section", args=[draft.public_id, "A01"])
    response = client.put(
        url, {"answers": {"dpia3.A01_proposal": {"text": "Via the API."}}}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["answered"] == 1
    response = client.put(url, {"answers": {"dpia3.B11_legal_basis": {"text": "x"}}}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_question"
    response = client.post(
        reverse("api-assessment-transition", args=[draft.public_id]),
        {"action": "sign"},
        content_type="application/json",
    )
    assert response.status_code == 403
    detail = client.get(reverse("api-assessment-version", args=[draft.public_id])).json()
    assert detail["content"]["schema"] == "iob-assessment/1"


def test_rights_clusters_are_ticked_by_key_and_read_by_label(client, users, iama):
    version = iama.versions.get()
    key = "iama26.4.1.1.1_rights_negative"
    url = reverse("assessments:section", args=[version.public_id, "4.1"])
    _login(client, users, "policy_officer")
    page = client.get(url).content.decode()
    assert f'name="{key}__choices" value="profiling"' in page and "Verbod van profilering" in page
    response = client.post(url, {f"{key}__choices": ["profiling", "indirect_distinction"], "go": ""})
    assert response.status_code == 302
    assert Answer.objects.get(key=key).value == {"choices": ["indirect_distinction", "profiling"]}
    _login(client, users, "auditor")  # a reader gets the answer, not the form
    page = client.get(url).content.decode()
    assert "Verbod van indirect onderscheid op bepaalde gronden, Verbod van profilering" in page
