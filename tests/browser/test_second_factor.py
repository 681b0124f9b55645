"""The sign-in pages in a real browser: the second factor's pages and the sign-in page with
the government sign-in pass axe-core at 1280 and 390 pixels (the helpers of
test_accessibility.py), and one full OpenID Connect redirect flow through a real provider
ends, for a reviewer, with setting up the authenticator app from the page itself."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from accounts.second_factor import demo_device_enrol
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, RunningProvider

from .test_accessibility import Visit, _walk


def _send_code(code: str, button: str):
    def step(page) -> None:
        page.get_by_label("Code uit uw authenticator-app").fill(code)
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()

    return step


@pytest.fixture
def second_factor_on(settings):
    settings.IOB_SECOND_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_the_enrolment_page_passes_axe_and_fits_390_pixels(browser, live_server, users, second_factor_on):
    visits = [
        Visit("second-factor-enrol", "/account/second-factor/enrol/"),
        Visit("second-factor-enrol-wrong", "/account/second-factor/enrol/", step=_send_code("000000", "Instellen")),
    ]
    problems = _walk(browser, live_server, "dpo", visits, None)
    assert not problems, "\n".join(problems)


def test_the_verification_and_step_up_pages_pass_axe_and_fit_390_pixels(browser, live_server, users, second_factor_on):
    demo_device_enrol(user=users["reviewer"])
    visits = [
        Visit("second-factor-verify", "/account/second-factor/?next=/profiles/"),
        Visit("second-factor-verify-wrong-code", "/account/second-factor/", step=_send_code("000000", "Bevestigen")),
        Visit("second-factor-step-up", "/account/second-factor/step-up/?next=/profiles/"),
    ]
    problems = _walk(browser, live_server, "reviewer", visits, None)
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_with_the_government_sign_in_passes_axe(browser, live_server, db, settings):
    settings.IOB_OIDC_ISSUER = "http://127.0.0.1:9/realms/iob"
    settings.IOB_OIDC_CLIENT_ID = CLIENT_ID
    problems = _walk(browser, live_server, None, [Visit("sign-in-with-oidc", "/login/")], None)
    assert not problems, "\n".join(problems)


def test_a_reviewer_signs_in_through_the_provider_and_sets_up_the_app(browser, live_server, db, settings):
    settings.IOB_SECOND_FACTOR_REQUIRED = True
    from accounts import oidc

    with RunningProvider() as provider:
        oidc._discovery.clear()
        provider.redirect_uris = {live_server.url + "/oidc/callback/"}
        provider.person = {"sub": "kc-42", "preferred_username": "r.devries", "roles": ["reviewer"]}
        settings.IOB_OIDC_ISSUER = provider.issuer
        settings.IOB_OIDC_CLIENT_ID = CLIENT_ID
        settings.IOB_OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.IOB_OIDC_ROLE_MAP = {}
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(live_server.url + "/profiles/review/")
        page.get_by_role("link", name="Inloggen met Rijksoverheid-account").click()
        page.wait_for_url("**/account/second-factor/enrol/**")
        assert "/authorize" in provider.requests and "/token" in provider.requests
        secret = page.locator("code.secret").inner_text().replace(" ", "")
        assert page.get_by_role("img", name="QR-code met de geheime sleutel voor uw authenticator-app").is_visible()
        totp = TOTP(b32decode(secret))
        totp.time = time.time()
        page.get_by_label("Code uit uw authenticator-app").fill(f"{totp.token():06d}")
        page.get_by_role("button", name="Instellen").click()
        page.wait_for_url("**/profiles/review/")
        assert page.locator(".whoami").inner_text() == "r.devries"
        assert page.get_by_role("heading", level=1).count() == 1
        context.close()
