"""A user's own API tokens and signing out of the API: every signed-in user, for themselves.
Another user's token does not exist for you (404)."""

from .matrix import POLICY_OFFICER, PUBLIC, SIGNED_IN, access


def _policy_officers_token(w):
    from accounts.tokens import token_issue

    token, _secret = token_issue(user=w.users["policy_officer"])
    return {"id": token.public_id}


ROUTES = [
    access("api-token-list", GET=SIGNED_IN),
    access("api-token-revoke", kwargs=_policy_officers_token, denied_status=404, DELETE={POLICY_OFFICER}),
    access("api-logout", POST=SIGNED_IN),
    # Every signed-in user may set up and give a second factor (the roles that must are sent there).
    access("second-factor-verify", GET=SIGNED_IN, POST=SIGNED_IN, body={"code": "000000"}),
    access("second-factor-step-up", GET=SIGNED_IN, POST=SIGNED_IN, body={"code": "000000"}),
    access("second-factor-enrol", GET=SIGNED_IN, POST=SIGNED_IN, body={"code": "000000"}),
    # OpenID Connect sign-in is open to anyone (it is how one signs in); off, it leads to /login/.
    access("oidc_authentication_init", GET=PUBLIC),
    access("oidc_authentication_callback", GET=PUBLIC),
]
