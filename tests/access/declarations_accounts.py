"""A user's own API tokens and signing out of the API: every signed-in user, for themselves.
Another user's token does not exist for you (404)."""

from .matrix import POLICY_OFFICER, SIGNED_IN, access


def _policy_officers_token(w):
    from accounts.tokens import token_issue

    token, _secret = token_issue(user=w.users["policy_officer"])
    return {"id": token.public_id}


ROUTES = [
    access("api-token-list", GET=SIGNED_IN),
    access("api-token-revoke", kwargs=_policy_officers_token, denied_status=404, DELETE={POLICY_OFFICER}),
    access("api-logout", POST=SIGNED_IN),
]
