"""Look-alike letters do not get a special category past the ban: "ethnıcity" (dotless ı),
"еthnicity" (Cyrillic е) and friends are refused as banned, not as unknown, and written
to the audit trail as banned attempts, in every door: the profile form and API, the
catalogue (service and page), the monitoring import (header and value), and the advice
API, page and command."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from audit.models import AuditEvent
from monitoring.models import ImportDoor, ImportFormat
from monitoring.services import monitoring_records_import
from problems import DomainError
from profiles.characteristics import banned_term_in
from profiles.services import catalogue_code_add
from tests.advice.test_engine import ADVISOR, APPLICATION
from tests.api.conftest import valid_body
from tests.monitoring.conftest import csv_bytes, record
from tests.web.helpers import form_data

pytestmark = pytest.mark.django_db

DOTLESS = "ethn\u0131city"  # ı, LATIN SMALL LETTER DOTLESS I
CYRILLIC = "\u0435thnicity"  # е, CYRILLIC SMALL LETTER IE
SPELLINGS = [
    DOTLESS,
    CYRILLIC,
    "ETHN\u0406CITY",
    "r\u0430ce",
    "\u0455kin_colour",
    "g\u0435zondh\u0435id",
    "R\u0435ligion",
    "\u0435tnische_afkomst",
]


@pytest.mark.parametrize("name", SPELLINGS)
def test_look_alike_letters_fold_to_the_banned_word(name):
    assert not name.isascii() and banned_term_in(name)


@pytest.mark.parametrize(
    "innocent",
    ["Istanb\u0131l", "\u041cосква", "family_friends", "NGLOS", "0-17", "65+", "Caïro", "Curaçao", "modern", "Mumbai"],
)
def test_innocent_names_stay_innocent(innocent):
    """ASCII is never folded (the data would make "m" "rn"), and other scripts' words stay unbanned."""
    assert banned_term_in(innocent) is None


def _events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


@pytest.mark.parametrize("name", [DOTLESS, CYRILLIC])
def test_profile_api_and_form_refuse_them_as_banned(users, client, name):
    api = APIClient()
    api.force_authenticate(users["policy_officer"])
    body = valid_body(criteria=[*valid_body()["criteria"], {"characteristic": name, "values": ["x"]}])
    response = api.post("/api/profiles/", body, format="json")
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["banned_characteristic"]

    client.force_login(users["policy_officer"])
    response = client.post("/profiles/new/", form_data(criterion_nationality=["NGA", name]))
    assert response.status_code == 400 and 'data-code="banned_characteristic"' in response.content.decode()
    assert _events("profile.banned_characteristic_refused") == 2


@pytest.mark.parametrize("name", [DOTLESS, CYRILLIC])
def test_catalogue_refuses_them_as_banned(users, client, name):
    with pytest.raises(DomainError) as excinfo:
        catalogue_code_add(
            actor=users["admin"], characteristic="occupation", code=f"{name}_group", label_nl="Groep", label_en="Group"
        )
    assert "banned_characteristic" in excinfo.value.codes
    client.force_login(users["admin"])
    response = client.post(
        "/profiles/catalogues/",
        {"characteristic": "occupation", "code": "pilot", "label_nl": "Piloot", "label_en": f"{name} pilot"},
    )
    assert response.status_code == 400
    assert _events("catalogue.banned_code_refused") == 2


@pytest.mark.parametrize("name", [DOTLESS, CYRILLIC])
def test_import_refuses_them_as_banned_in_a_header_and_a_value(users, name):
    def run(data: bytes):
        return monitoring_records_import(
            actor=users["policy_officer"],
            door=ImportDoor.COMMAND,
            file_format=ImportFormat.CSV,
            stream=io.BytesIO(data),
            filename="t.csv",
        )

    header = run(csv_bytes([{**record(), name: "x"}]))
    value = run(csv_bytes([record(occupation=name)]))
    assert [p["code"] for p in header.problems] == ["banned_characteristic"]
    assert [(p["column"], p["code"]) for p in value.problems] == [("occupation", "banned_characteristic")]
    assert _events("monitoring.banned_characteristic_refused") == 2


@pytest.mark.parametrize("name", [DOTLESS, CYRILLIC])
def test_advice_api_page_and_command_refuse_them_as_banned(users, client, tmp_path: Path, name):
    from advice.services import advice_request

    with pytest.raises(DomainError) as excinfo:
        advice_request(actor=ADVISOR, data={**APPLICATION, name: "x"})
    assert excinfo.value.codes == ["banned_characteristic"]

    api = APIClient()
    api.force_authenticate(users["reviewer"])
    response = api.post("/api/advice/", {**APPLICATION, "occupation": name}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "banned_characteristic"

    source = tmp_path / "in.csv"
    source.write_text(",".join([*APPLICATION, name]) + "\n" + ",".join([*map(str, APPLICATION.values()), "x"]) + "\n")
    with pytest.raises(CommandError) as refused:
        call_command("advise", str(source), "--out", str(tmp_path / "out.csv"))
    assert "banned_characteristic" in str(refused.value)

    client.force_login(users["policy_officer"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        "/monitoring/advice/", {"form": "file", "file": SimpleUploadedFile("a.csv", source.read_bytes(), "text/csv")}
    )
    assert page.status_code == 400 and 'data-code="banned_characteristic"' in page.content.decode()
    events = AuditEvent.objects.filter(event_type="advice.banned_characteristic_refused")
    assert sorted(e.data["door"] for e in events) == ["api", "api", "command", "page"]
