"""The advice page: one application through a form, or a CSV file (the web side of `advise`)."""

from datetime import timedelta

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
    response = client.post(
        URL, {"file": SimpleUploadedFile("apps.csv", content.encode(), "text/csv")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'data-code="banned_characteristic"' in html
    assert 'data-code="missing_column"' in html


def test_other_roles_may_not_ask_for_advice(client, users):
    for name in ("dpo", "auditor", "admin", "register_editor"):
        client.force_login(users[name])
        assert client.get(URL).status_code == 403


def test_the_page_uses_the_error_summary_not_browser_pop_ups(client, users):
    client.force_login(users["policy_officer"])
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("novalidate") == 2 and " required" not in html and "manage.py" not in html
    response = client.post(URL, form_data(nationality="", gender=""), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "data-focus" in html.split('id="error-summary"')[1][:40]
    assert 'href="#id_nationality"' in summary and 'href="#id_gender"' in summary
    assert "There are 2 problems" in summary and 'id="id_nationality_error"' in html
    assert "error-summary.js" in html


def test_a_file_form_without_a_file_is_refused_in_the_summary(client, users):
    client.force_login(users["policy_officer"])
    response = client.post(URL, {"form": "file"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400 and 'href="#id_file"' in html and "Choose a CSV file." in html


def test_the_page_says_per_profile_why_it_did_or_did_not_hit(client, users, make_profile, activate):
    hit = activate(make_profile(kind="risk", window=current_window(), title="hits"))
    missed = activate(
        make_profile(
            kind="chance",
            window=current_window(),
            title="misses",
            criteria=[
                {"characteristic": "nationality", "values": ["SYR", "SUR"]},
                {"characteristic": "travel_purpose", "values": ["family_friends"]},
                {"characteristic": "gender", "values": ["F"]},
            ],
        )
    )
    client.force_login(users["reviewer"])
    html = client.post(URL, form_data(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    why = html.split('id="advice-why"')[1]
    assert f'data-profile="{hit.code}@1" data-hit="1"' in why
    missed_row = why.split(f'data-profile="{missed.code}@1" data-hit="0"')[1].split("</li>\n  \n")[0]
    assert "Nationality is Nigeria, not one of: Suriname, Syrian Arab Republic." in missed_row
    assert "Gender is Male, not one of: Female." in missed_row
    assert "Main purpose of the journey" not in missed_row  # that criterion matched


def test_a_profile_outside_its_window_is_explained_as_not_in_force(client, users, make_profile, activate):
    profile = activate(make_profile(kind="chance", window=current_window()))
    client.force_login(users["reviewer"])
    before = profile.valid_from - timedelta(days=10)
    html = client.post(URL, form_data(lodged_on=before.isoformat()), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-profile="{profile.code}@1" data-hit="0"' in html and "not in force on the day" in html


def test_explain_agrees_with_decide(make_profile, activate):
    """The page's "why" and the engine's decision come from two code paths; they must agree."""
    import itertools
    from datetime import date

    from advice.cache import advice_state

    activate(make_profile(kind="risk", window=current_window()))
    activate(
        make_profile(
            kind="chance",
            window=current_window(),
            criteria=[
                {"characteristic": "nationality", "values": ["SYR", "NGA"]},
                {"characteristic": "application_location", "values": ["NGLOS"]},
                {"characteristic": "age_group", "values": ["25-34"]},
            ],
        )
    )
    index = advice_state().index
    base = dict(APPLICATION)
    for nationality, gender, location in itertools.product(["NGA", "SYR", "CHN"], ["M", "F"], ["NGLOS", "CNBJS"]):
        values = tuple(
            {**base, "nationality": nationality, "gender": gender, "application_location": location}[c]
            for c in (
                "nationality",
                "age_group",
                "gender",
                "marital_status",
                "occupation",
                "travel_purpose",
                "application_location",
            )
        )
        for day in (date.today(), date(2000, 1, 1)):
            decided = {h.ref for h in index.decide(values, (False, False, False), day).profile_hits}
            explained = {e.profile.hit.ref for e in index.explain(values, day) if e.hit}
            assert decided == explained
