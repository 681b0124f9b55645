"""The engine trusts nothing it did not check: an active profile changed in the database
around the services and their triggers is re-validated when the index is built, left
out, and reported in the audit trail, the log, the API answer, the page and the command."""

import io
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from advice.cache import advice_state
from audit.models import AuditEvent
from tests.conftest import current_window

from .test_engine import ADVISOR, APPLICATION, advise

pytestmark = pytest.mark.django_db


def _guards_off() -> None:
    """As an insider with database rights would: every guard of the criteria table gone
    (inside the test's transaction, so the next test has them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Every ordinary trigger off for this transaction only, as a superuser can.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                "('profiles_profilecriterion', 'profiles_profile')"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')


@pytest.fixture
def corrupted(make_profile, activate):
    """Two active profiles hit the application; one of them loses its gender criterion by
    direct SQL, so it has two characteristics left (three of seven broken)."""
    sound = activate(make_profile(kind="chance", window=current_window(), title="sound"))
    broken = activate(make_profile(kind="risk", window=current_window(), title="broken"))
    assert advise()["track"] == "intensive"  # before: the risk profile hits
    _guards_off()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM profiles_profilecriterion WHERE profile_id = %s AND characteristic = 'gender'", [broken.pk]
        )
    return sound, broken


def test_a_profile_broken_in_the_database_is_not_used_and_is_named(corrupted, caplog):
    sound, broken = corrupted
    with caplog.at_level(logging.ERROR, logger="advice"):
        result = advise()
    # Without the broken risk profile the sound chance profile decides.
    assert result["track"] == "fast" and result["matched_profiles"] == f"{sound.code}@1"
    assert result["refused_profiles"] == [
        {"code": broken.code, "version": 1, "kind": "risk", "problems": ["too_few_characteristics"]}
    ]
    assert f"{broken.code}@1" in caplog.text and "too_few_characteristics" in caplog.text
    events = AuditEvent.objects.filter(event_type="advice.profile_refused")
    assert [(e.target_id, e.data["codes"], e.actor_username) for e in events] == [
        (str(broken.public_id), ["too_few_characteristics"], "system:advice-engine")
    ]


def test_the_refusal_is_audited_once_however_often_the_index_is_built(corrupted):
    advise()
    advice_state.__globals__["_cached"]["stamp"] = None  # force rebuilds
    advise()
    advise()
    assert AuditEvent.objects.filter(event_type="advice.profile_refused").count() == 1


def test_a_banned_value_written_into_an_active_profile_is_refused(make_profile, activate):
    profile = activate(make_profile(kind="chance", window=current_window()))
    _guards_off()
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE profiles_profilecriterion SET "values" = %s WHERE profile_id = %s
                          AND characteristic = 'nationality'""",
            ['["NGA", "еthnicity_arab"]', profile.pk],
        )
    result = advise()
    assert result["track"] == "regular" and result["profile_hits"] == []
    assert result["refused_profiles"][0]["code"] == profile.code
    assert "banned_characteristic" in result["refused_profiles"][0]["problems"]


def test_a_criterion_moved_into_an_active_profile_breaks_the_mix_and_is_refused(make_profile, activate):
    """Issue 7's attack the other way round: the active profile is left with only personal
    characteristics (no application characteristic)."""
    profile = activate(make_profile(kind="chance", window=current_window()))
    draft = make_profile(
        kind="chance",
        criteria=[
            {"characteristic": "application_location", "values": ["NGLOS"]},
            {"characteristic": "age_group", "values": ["25-34"]},
            {"characteristic": "occupation", "values": ["craft_trades"]},
        ],
    )
    _guards_off()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE profiles_profilecriterion SET profile_id = %s WHERE profile_id = %s "
            "AND characteristic = 'travel_purpose'",
            [draft.pk, profile.pk],
        )
    codes = advise()["refused_profiles"][0]["problems"]
    assert {"missing_application_characteristic", "too_few_characteristics"} <= set(codes)


def test_the_page_api_and_command_show_the_refused_profile(corrupted, client, users, tmp_path: Path):
    _sound, broken = corrupted
    client.force_login(users["reviewer"])
    html = client.get(reverse("advice:page"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-refused="{broken.code}@1"' in html and "A profile uses at least 3 of the 7" in html

    api = APIClient()
    api.force_authenticate(users["policy_officer"])
    body = api.post("/api/advice/", APPLICATION, format="json").json()
    assert body["refused_profiles"][0]["code"] == broken.code

    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(",".join(APPLICATION) + "\n" + ",".join(str(v) for v in APPLICATION.values()) + "\n")
    err = io.StringIO()
    call_command("advise", str(source), "--out", str(target), stdout=io.StringIO(), stderr=err)
    assert f"{broken.code}@1" in err.getvalue() and "too_few_characteristics" in err.getvalue()
    assert target.read_text().splitlines()[1].split(",")[len(APPLICATION)] == "fast"


def test_sound_profiles_are_never_reported(make_profile, activate):
    activate(make_profile(kind="chance", window=current_window()))
    assert advise()["refused_profiles"] == []
    assert advice_state().refused == ()
    assert not AuditEvent.objects.filter(event_type="advice.profile_refused").exists()
    assert ADVISOR.rights  # the tests' advisor holds only the advice right
