import re

from tests.conftest import RISK_JUSTIFICATION, next_month_window

CODE_RE = re.compile(r'data-code="([^"]+)"')


def problem_codes(response) -> set[str]:
    """The machine codes of the problems a page shows (each error carries its code)."""
    return set(CODE_RE.findall(response.content.decode()))


def form_data(**changes):
    """A valid chance profile as the form posts it; a value of None leaves the key out."""
    start, end = next_month_window()
    data = {
        "kind": "chance",
        "title": "Written on the web",
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat(),
        "criterion_nationality": ["NGA"],
        "criterion_travel_purpose": ["family_friends"],
        "criterion_gender": ["M"],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def risk_form_data(**changes):
    justification = {f"justification_{k}": v for k, v in RISK_JUSTIFICATION.items()}
    return form_data(kind="risk", **{**justification, **changes})


def signed_in(client, user):
    client.force_login(user)
    return client
