"""The second factor with the requirement ON: reviewers, the DPO and administrators give a
TOTP code after signing in, and again before an approval or sign-off when their last code
is stale; on the web and through the API. Then the ways around it are tried."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.second_factor import SESSION_AT, SESSION_USER, demo_device_enrol
from audit.models import AuditEvent
from tests.conftest import RISK_JUSTIFICATION

VERIFY = "/account/second-factor/"
STEP_UP = "/account/second-factor/step-up/"
ENROL = "/account/second-factor/enrol/"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.IOB_SECOND_FACTOR_REQUIRED = True
    settings.IOB_STEP_UP_SECONDS = 300
    # The device's own growing wait after a wrong code is tested on its own below.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` periods later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 1) % 10**device.digits:0{device.digits}d}"


def fresh_step(device: TOTPDevice) -> None:
    """Time moves on: the last code used lies in the past, a new one may be given."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def events(event_type: str, username: str | None = None):
    rows = AuditEvent.objects.filter(event_type=event_type).order_by("seq")
    return rows.filter(target_label=username) if username else rows


def signed_in(client, user, device=None):
    """Password sign-in (as the login form does), then the code, when a device is given."""
    client.post("/login/", {"username": user.username, "password": "pw-" + user.username})
    if device is not None:
        response = client.post(VERIFY, {"code": code(device), "next": "/"})
        assert response.status_code == 302, response.content[:500]
    return client


def make_stale(client, seconds: int = 400) -> None:
    session = client.session
    session[SESSION_AT] = time.time() - seconds
    session.save()


@pytest.fixture
def devices(users):
    return {name: demo_device_enrol(user=users[name]) for name in ("reviewer", "reviewer2", "dpo", "admin")}


@pytest.fixture
def in_review(users, make_profile):
    from profiles.services import profile_transition

    profile = make_profile(title="Up for approval")
    return profile_transition(actor=users["policy_officer"], profile=profile, action="submit")


# --- at sign-in -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reviewer_without_a_device_is_sent_to_enrolment_before_any_page(client, users):
    signed_in(client, users["reviewer"])
    response = client.get("/profiles/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL) and "next=%2Fprofiles%2F" in response["Location"]
    # The verification page itself sends there too: there is nothing to verify against.
    assert client.get(VERIFY)["Location"].startswith(ENROL)


@pytest.mark.django_db
def test_enrolment_shows_an_inline_qr_code_and_the_secret_and_is_confirmed_by_a_first_code(client, users):
    user = users["dpo"]
    signed_in(client, user)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<script" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    # A wrong first code leaves the device unconfirmed.
    assert client.post(ENROL, {"code": wrong(device)}).status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    response = client.post(ENROL, {"code": code(device), "next": "/audit/"})
    assert response.status_code == 302 and response["Location"] == "/audit/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert events("auth.second_factor_enrolled", "dpo").count() == 1
    assert client.get("/audit/").status_code == 200
    # Enrolled: the page does not offer a second device (a stolen password brings none).
    assert client.get(ENROL)["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_roles_without_a_second_factor_are_never_asked(client, users):
    for name in ("policy_officer", "register_editor", "auditor", "nobody"):
        client.logout()
        signed_in(client, users[name])
        assert client.get("/").status_code == 200, name


@pytest.mark.django_db
def test_the_requirement_off_asks_nobody(client, users, settings):
    settings.IOB_SECOND_FACTOR_REQUIRED = False
    signed_in(client, users["reviewer"])
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_reviewer_gives_the_code_after_the_password_and_every_attempt_is_audited(client, users, devices):
    device = devices["reviewer"]
    signed_in(client, users["reviewer"])
    response = client.get("/profiles/review/")
    assert response["Location"] == VERIFY + "?next=%2Fprofiles%2Freview%2F"
    refused = client.post(VERIFY, {"code": wrong(device), "next": "/profiles/review/"})
    assert refused.status_code == 400
    assert "De code is onjuist, al gebruikt of verlopen." in refused.content.decode()
    (failed,) = events("auth.second_factor_failed", "reviewer")
    assert failed.data["reason"] == "wrong_code" and failed.data["purpose"] == "sign_in"
    assert str(wrong(device)) not in str(failed.data)  # the code tried is not kept
    assert client.get("/profiles/review/").status_code == 302  # still owed
    accepted = client.post(VERIFY, {"code": code(device), "next": "/profiles/review/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/profiles/review/"
    assert events("auth.second_factor_verified", "reviewer").count() == 1
    assert client.get("/profiles/review/").status_code == 200


@pytest.mark.django_db
def test_a_replayed_code_is_refused(client, users, devices):
    device = devices["reviewer"]
    used = code(device)
    signed_in(client, users["reviewer"])
    assert client.post(VERIFY, {"code": used}).status_code == 302
    # Signed out and in again (same browser): the earlier code no longer opens anything.
    client.post("/logout/")
    signed_in(client, users["reviewer"])
    assert client.get("/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": used}).status_code == 400
    assert events("auth.second_factor_failed", "reviewer").last().data["reason"] == "wrong_code"


@pytest.mark.django_db
def test_the_code_of_another_users_device_is_refused(client, users, devices):
    signed_in(client, users["reviewer"])
    assert client.post(VERIFY, {"code": code(devices["reviewer2"])}).status_code == 400
    assert client.get("/")["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_a_second_sign_in_owes_its_own_code(client, users, devices):
    signed_in(client, users["reviewer"], devices["reviewer"])
    assert client.get("/").status_code == 200
    client.post("/login/", {"username": "reviewer", "password": "pw-reviewer"})
    assert client.get("/")["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_wrong_codes_count_toward_the_lock_out(client, users, devices, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = devices["reviewer"]
    signed_in(client, users["reviewer"])
    assert client.post(VERIFY, {"code": wrong(device)}).status_code == 400
    assert client.post(VERIFY, {"code": wrong(device)}).status_code == 400
    locked = client.post(VERIFY, {"code": wrong(device)})
    assert locked.status_code == 429
    # The half-finished sign-in ended, and the right password is refused while locked.
    assert client.get("/")["Location"].startswith("/login/")
    again = client.post("/login/", {"username": "reviewer", "password": "pw-reviewer"})
    assert again.status_code == 429
    assert events("auth.second_factor_failed", "reviewer").count() == 3


@pytest.mark.django_db
def test_the_device_waits_longer_after_each_wrong_code(client, users, devices, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = devices["reviewer"]
    signed_in(client, users["reviewer"])
    assert client.post(VERIFY, {"code": wrong(device)}).status_code == 400
    # Even the right code is not checked during the wait: guessing gains nothing.
    assert client.post(VERIFY, {"code": code(device)}).status_code == 400
    assert events("auth.second_factor_failed", "reviewer").last().data["reason"] == "throttled"


@pytest.mark.django_db
def test_a_session_that_owes_its_code_is_no_api_session(users, devices, in_review):
    api = APIClient()
    api.post("/login/", {"username": "reviewer", "password": "pw-reviewer"})
    assert api.get("/api/profiles/").status_code in (401, 403)
    response = api.post(f"/api/profiles/{in_review.public_id}/approve/", {"comment": ""}, format="json")
    assert response.status_code in (401, 403)
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


# --- step-up on the web -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fresh_code_lets_the_reviewer_approve_at_once(client, users, devices, in_review):
    signed_in(client, users["reviewer"], devices["reviewer"])
    response = client.post(
        f"/profiles/{in_review.public_id}/transition/", {"action": "approve", "comment": "", "confirmed": "1"}
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "approved"


@pytest.mark.django_db
def test_a_stale_code_is_asked_again_and_the_reviewer_returns_to_the_profile(client, users, devices, in_review):
    device = devices["reviewer"]
    signed_in(client, users["reviewer"], device)
    make_stale(client)
    detail = f"/profiles/{in_review.public_id}/"
    response = client.post(
        f"/profiles/{in_review.public_id}/transition/",
        {"action": "approve", "comment": "", "confirmed": "1"},
        HTTP_REFERER="http://testserver" + detail,
    )
    assert response.status_code == 302
    assert response["Location"] == STEP_UP + "?next=" + detail.replace("/", "%2F")
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    assert not events("profile.approved").exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    fresh_step(device)
    # A wrong code: refused, audited as a step-up, nothing approved.
    assert client.post(STEP_UP, {"code": wrong(device), "next": detail}).status_code == 400
    assert events("auth.second_factor_failed", "reviewer").last().data["purpose"] == "step_up"
    back = client.post(STEP_UP, {"code": code(device), "next": detail})
    assert back.status_code == 302 and back["Location"] == detail
    done = client.post(
        f"/profiles/{in_review.public_id}/transition/", {"action": "approve", "comment": "", "confirmed": "1"}
    )
    assert done.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "approved"


@pytest.mark.django_db
def test_actions_that_bind_nobody_need_no_step_up(client, users, devices, in_review):
    signed_in(client, users["reviewer"], devices["reviewer"])
    make_stale(client)
    response = client.post(
        f"/profiles/{in_review.public_id}/transition/", {"action": "request_changes", "comment": "More evidence."}
    )
    assert response.status_code == 302 and not response["Location"].startswith(STEP_UP)
    in_review.refresh_from_db()
    assert in_review.status == "changes_requested"


@pytest.mark.django_db
def test_posting_straight_to_the_action_without_any_code_changes_nothing(client, users, devices, in_review):
    signed_in(client, users["reviewer"])  # password only
    response = client.post(
        f"/profiles/{in_review.public_id}/transition/", {"action": "approve", "comment": "", "confirmed": "1"}
    )
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


@pytest.mark.django_db
def test_a_step_up_mark_of_another_user_counts_for_nothing(client, users, devices, in_review):
    signed_in(client, users["reviewer"], devices["reviewer"])
    session = client.session
    session[SESSION_USER] = users["reviewer2"].pk
    session.save()
    assert client.get("/")["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_the_step_up_page_returns_only_to_this_site(client, users, devices):
    device = devices["reviewer"]
    signed_in(client, users["reviewer"], device)
    fresh_step(device)
    response = client.post(STEP_UP, {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def _report(users):
    from reports.services import report_request

    return report_request(
        actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", parameters={"min_cell": 5}, enqueue=False
    )


def _risk_in_review(users, make_profile):
    from profiles.services import profile_transition

    profile = make_profile(kind="risk", title="Risk", justification=RISK_JUSTIFICATION)
    return profile_transition(actor=users["policy_officer"], profile=profile, action="submit")


def _dpia_version(users):
    from assessments import services
    from assessments.models import DocumentKind

    return services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.DPIA).versions.get()


def _register_version(users):
    from register.services import version_create_draft

    return version_create_draft(actor=users["register_editor"])


def _generation_run(users):
    from generation.models import RunOrigin
    from generation.services import parameter_set_create, parameter_set_transition, run_request

    values = {
        "min_group_size": 10,
        "chance_max_hit_rate": 0.1,
        "chance_max_refusal_rate": 0.2,
        "risk_min_hit_rate": 0.3,
        "min_depth": 3,
    }
    ps = parameter_set_create(actor=users["policy_officer"], name="Standaard", **values)
    ps = parameter_set_transition(actor=users["policy_officer"], parameter_set=ps, action="submit")
    parameter_set_transition(actor=users["reviewer2"], parameter_set=ps, action="approve", comment="ok")
    return run_request(actor=users["policy_officer"], origin=RunOrigin.API, enqueue=False)


# (who, web URL, form, back page, API URL, API body) for every act that needs a step-up.
def _doors(users, make_profile):
    run = _generation_run(users)
    risk = _risk_in_review(users, make_profile)
    report = _report(users)
    dpia = _dpia_version(users)
    entry = _register_version(users)
    return [
        ("dpo", f"/profiles/{risk.public_id}/transition/", {"action": "dpo_sign_off", "confirmed": "1"},
         f"/profiles/{risk.public_id}/", f"/api/profiles/{risk.public_id}/dpo-sign-off/", {"comment": ""}),
        ("dpo", f"/reports/{report.public_id}/review/", {"action": "sign_off"},
         f"/reports/{report.public_id}/", f"/api/reports/{report.public_id}/sign-off/", {"comment": ""}),
        ("reviewer", f"/assessments/v/{dpia.public_id}/transition/", {"action": "sign"},
         f"/assessments/v/{dpia.public_id}/", f"/api/assessments/versions/{dpia.public_id}/transition/",
         {"action": "sign"}),
        ("reviewer", f"/register/versions/{entry.public_id}/approve/", {},
         f"/register/versions/{entry.public_id}/", f"/api/register/versions/{entry.public_id}/approve/", {}),
        ("reviewer", f"/register/versions/{entry.public_id}/publish/", {},
         f"/register/versions/{entry.public_id}/", f"/api/register/versions/{entry.public_id}/publish/", {}),
        ("reviewer", f"/generation/runs/{run.public_id}/approve-chance/", {"candidate": "1"},
         f"/generation/runs/{run.public_id}/", f"/api/generation-runs/{run.public_id}/approve-chance/",
         {"candidates": [1], "comment": ""}),
    ]  # fmt: skip


@pytest.mark.django_db
def test_every_approval_and_sign_off_door_asks_a_stale_session_for_a_code(client, users, devices, make_profile):
    doors = _doors(users, make_profile)
    for who, url, form, back, _api, _body in doors:
        client.logout()
        fresh_step(devices[who])
        signed_in(client, users[who], devices[who])
        make_stale(client)
        before = AuditEvent.objects.count()
        response = client.post(url, form)
        assert response.status_code == 302, url
        assert response["Location"] == STEP_UP + "?next=" + back.replace("/", "%2F"), url
        # Nothing happened: not even a refusal was needed.
        assert AuditEvent.objects.count() == before, url


@pytest.mark.django_db
def test_every_approval_and_sign_off_api_door_asks_a_stale_token_for_a_code(users, devices, make_profile):
    doors = _doors(users, make_profile)
    for who, _url, _form, _back, api_url, body in doors:
        fresh_step(devices[who])
        api = token_client(users[who], devices[who])
        from accounts.models import ApiToken

        ApiToken.objects.filter(user=users[who]).update(second_factor_at=timezone.now() - timedelta(minutes=10))
        before = AuditEvent.objects.count()
        response = api.post(api_url, body, format="json")
        assert response.status_code == 403, (api_url, response.content)
        assert response.json()["errors"][0]["code"] == "second_factor_required"
        assert AuditEvent.objects.count() == before, api_url


# --- the API --------------------------------------------------------------------------------------


def token_client(user, device=None) -> APIClient:
    api = APIClient()
    body = {"username": user.username, "password": "pw-" + user.username}
    if device is not None:
        body["otp"] = code(device)
    response = api.post("/api/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    api.credentials(HTTP_AUTHORIZATION="Token " + response.json()["token"])
    return api


@pytest.mark.django_db
def test_the_token_door_asks_the_roles_that_need_it_for_a_code(users, devices):
    api = APIClient()
    missing = api.post("/api/auth/token/", {"username": "reviewer", "password": "pw-reviewer"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["code"] == "second_factor_required"
    bad = api.post(
        "/api/auth/token/",
        {"username": "reviewer", "password": "pw-reviewer", "otp": wrong(devices["reviewer"])},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "second_factor_invalid"
    assert events("auth.second_factor_failed", "reviewer").last().data["purpose"] == "api_token"
    good = api.post(
        "/api/auth/token/",
        {"username": "reviewer", "password": "pw-reviewer", "otp": code(devices["reviewer"])},
        format="json",
    )
    assert good.status_code == 200 and good.json()["token"].startswith("iob_")
    # A role without a second factor keeps the old request shape.
    plain = api.post("/api/auth/token/", {"username": "policy_officer", "password": "pw-policy_officer"}, format="json")
    assert plain.status_code == 200


@pytest.mark.django_db
def test_the_token_door_tells_an_account_without_a_device_to_enrol_on_the_web(users):
    response = APIClient().post("/api/auth/token/", {"username": "dpo", "password": "pw-dpo", "otp": "123456"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "second_factor_not_enrolled"


@pytest.mark.django_db
def test_api_approval_with_a_fresh_token_then_a_stale_one_then_the_header(users, devices, make_profile):
    from accounts.models import ApiToken
    from profiles.services import profile_transition

    device = devices["reviewer"]
    first = profile_transition(actor=users["policy_officer"], profile=make_profile(title="First"), action="submit")
    second = profile_transition(actor=users["policy_officer"], profile=make_profile(title="Second"), action="submit")
    api = token_client(users["reviewer"], device)
    assert api.post(f"/api/profiles/{first.public_id}/approve/", {"comment": ""}, format="json").status_code == 200
    ApiToken.objects.filter(user=users["reviewer"]).update(second_factor_at=timezone.now() - timedelta(minutes=10))
    url = f"/api/profiles/{second.public_id}/approve/"
    assert api.post(url, {"comment": ""}, format="json").status_code == 403
    fresh_step(device)
    wrong_header = api.post(url, {"comment": ""}, format="json", HTTP_IOB_OTP=wrong(device))
    assert wrong_header.status_code == 403
    assert wrong_header.json()["errors"][0]["code"] == "second_factor_invalid"
    assert events("auth.second_factor_failed", "reviewer").last().data["purpose"] == "step_up:profiles.approve"
    second.refresh_from_db()
    assert second.status == "in_review"
    ok = api.post(url, {"comment": ""}, format="json", HTTP_IOB_OTP=code(device))
    assert ok.status_code == 200
    second.refresh_from_db()
    assert second.status == "approved"
    # The header's code refreshed the token: the next approval within the window needs none.
    token = ApiToken.objects.filter(user=users["reviewer"]).get()
    assert timezone.now() - token.second_factor_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_a_header_code_is_good_once(users, devices, make_profile):
    from accounts.models import ApiToken
    from profiles.services import profile_transition

    device = devices["reviewer"]
    api = token_client(users["reviewer"], device)
    fresh_step(device)
    used = code(device, steps_ahead=1)
    profiles = [
        profile_transition(actor=users["policy_officer"], profile=make_profile(title=t), action="submit")
        for t in ("One", "Two")
    ]
    for profile, expected in zip(profiles, (200, 403), strict=True):
        ApiToken.objects.filter(user=users["reviewer"]).update(second_factor_at=None)
        response = api.post(f"/api/profiles/{profile.public_id}/approve/", {}, format="json", HTTP_IOB_OTP=used)
        assert response.status_code == expected, response.content


@pytest.mark.django_db
def test_a_policy_officer_uses_the_api_as_before(users, make_profile):
    api = token_client(users["policy_officer"])
    profile = make_profile(title="Mine")
    assert api.post(f"/api/profiles/{profile.public_id}/submit/", {"comment": ""}, format="json").status_code == 200


# --- the demo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_code_command_prints_a_code_that_signs_in(client, users, devices, capsys):
    from django.core.management import call_command

    call_command("demo_totp", "reviewer")
    printed = capsys.readouterr().out.strip().split()[-1]
    signed_in(client, users["reviewer"])
    assert client.post(VERIFY, {"code": printed}).status_code == 302


@pytest.mark.django_db
def test_the_demo_code_command_refuses_a_device_it_did_not_make_and_production(users, settings):
    from django.core.management import CommandError, call_command

    TOTPDevice.objects.create(user=users["dpo"], name="phone", confirmed=True)
    with pytest.raises(CommandError):
        call_command("demo_totp", "dpo")
    demo_device_enrol(user=users["reviewer"])
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_totp", "reviewer")


@pytest.mark.django_db
def test_a_reset_removes_the_device_and_the_user_enrols_again(client, users, devices):
    from django.core.management import call_command

    call_command("second_factor_reset", "reviewer")
    assert not TOTPDevice.objects.filter(user=users["reviewer"]).exists()
    assert events("auth.second_factor_reset", "reviewer").count() == 1
    signed_in(client, users["reviewer"])
    assert client.get("/")["Location"].startswith(ENROL)


def test_the_step_up_actions_exist_in_their_workflows():
    """A renamed action would silently lose its step-up."""
    from accounts.second_factor import STEP_UP_ACTIONS
    from assessments.workflow import TRANSITIONS as ASSESSMENT
    from profiles.workflow import TRANSITIONS as PROFILE
    from register.workflow import TRANSITIONS as REGISTER

    assert STEP_UP_ACTIONS["profiles"] <= set(PROFILE)
    assert STEP_UP_ACTIONS["assessments"] <= set(ASSESSMENT)
    assert STEP_UP_ACTIONS["register"] <= set(REGISTER)
    assert STEP_UP_ACTIONS["reports"] == {"sign_off"}
    assert STEP_UP_ACTIONS["generation"] == {"bulk_approve"}
    assert reverse("second-factor-step-up") == STEP_UP


@pytest.mark.django_db
def test_the_admin_site_waits_for_the_administrators_code(client, users, devices):
    users["admin"].is_staff = True
    users["admin"].save()
    signed_in(client, users["admin"])
    assert client.get("/admin/auth/user/")["Location"].startswith(VERIFY)
    assert client.get("/api/docs/").status_code in (401, 403)
    client.post(VERIFY, {"code": code(devices["admin"])})
    assert client.get("/admin/auth/user/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_by_many_requests_at_once_passes_once(users, on_postgres):
    """The device row is locked while a code is checked: racing requests cannot all use it."""
    import threading

    from django.db import connection
    from django.test import RequestFactory

    from accounts.second_factor import second_factor_verify

    device = demo_device_enrol(user=users["reviewer"])
    used = code(device)
    results: list[bool] = []
    start = threading.Barrier(4)

    def attempt() -> None:
        try:
            request = RequestFactory().post(VERIFY)
            start.wait()
            results.append(second_factor_verify(request=request, user=users["reviewer"], code=used, purpose="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert events("auth.second_factor_verified", "reviewer").count() == 1
