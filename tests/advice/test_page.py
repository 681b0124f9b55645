"""The advice page: one application through a form, or a CSV file (the web side of `advise`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import current_window

from .test_engine import APPLICATION

pytestmark = pytest.mark.django_db

URL = reverse("advice:page")


def form_data(**changes) -> dict:
    data = {k: v for k, v in {**APPLICATION, **changes}.items() if not k.endswith("_hit")}
    data.update({k: "on" for k, v in {**APPLICATION, **changes}.items() if k.endswith("_hit") and v})
    return data


def test_one_application_is_advised_with_its_reasons(client, users, make_profile, activate):
    profile = activate(make_profile(kind="risk", window=current_window()))
    client.force_login(users["reviewer"])
    assert client.get(URL).status_code == 200
    html = client.post(URL, form_data(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-track="intensive"' in html and f"{profile.code}@1" in html
    html = client.post(URL, form_data(gender="F", referent_hit=1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-track="intensive"' in html and "referent" in html


def test_a_form_without_a_characteristic_is_refused(client, users):
    client.force_login(users["policy_officer"])
    response = client.post(URL, form_data(nationality=""))
    assert response.status_code == 400 and 'id="advice-result"' not in response.content.decode()


def test_a_csv_file_comes_back_advised(client, users):
    client.force_login(users["policy_officer"])
    columns = list(APPLICATION)
    content = ",".join(columns) + "\n" + ",".join(str(APPLICATION[c]) for c in columns) + "\n"
    response = client.post(URL, {"file": SimpleUploadedFile("apps.csv", content.encode(), "text/csv")})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].endswith(",track,known_party_hits,matched_profiles,reasons") and ",regular," in lines[1]


def test_a_bad_csv_file_is_explained(client, users):
    client.force_login(users["policy_officer"])
    content = "nationality,gender,etnische_afkomst\nNGA,M,x\n"
    response = client.post(URL, {"file": SimpleUploadedFile("apps.csv", content.encode(), "text/csv")},
                           HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400 and 'data-code="banned_characteristic"' in html
    assert 'data-code="missing_column"' in html


def test_other_roles_may_not_ask_for_advice(client, users):
    for name in ("dpo", "auditor", "admin", "register_editor"):
        client.force_login(users[name])
        assert client.get(URL).status_code == 403
