"""Every page against every role: allowed → 200, signed in without the right → 403,
anonymous → the sign-in page."""

import pytest

from profiles.models import ProfileStatus

ROLES = ["policy_officer", "reviewer", "dpo", "register_editor", "auditor", "admin", "nobody"]
READERS = {"policy_officer", "reviewer", "dpo", "register_editor", "auditor", "admin"}
AUTHORS = {"policy_officer"}
TRAIL = {"dpo", "auditor", "admin"}

PAGES = {
    "/": set(ROLES),
    "/profiles/": READERS,
    "/profiles/new/": AUTHORS,
    "/profiles/review/": {"reviewer"},
    "/profiles/sign-off/": {"dpo"},
    "/profiles/catalogues/": {"admin"},
    "/profiles/{id}/": READERS,
    "/profiles/{id}/edit/": AUTHORS,
    "/profiles/{id}/discard/": AUTHORS,
    "/audit/": TRAIL,
    "/audit/verify/": TRAIL,
}


@pytest.fixture
def draft(make_profile):
    profile = make_profile()
    assert profile.status == ProfileStatus.DRAFT
    return profile


@pytest.mark.parametrize("path", PAGES)
def test_every_page_against_every_role(client, users, draft, path):
    url = path.format(id=draft.public_id)
    for role in ROLES:
        client.force_login(users[role])
        expected = 200 if role in PAGES[path] else 403
        assert client.get(url).status_code == expected, (url, role)
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    "path", ["/profiles/{id}/transition/", "/profiles/{id}/new-version/", "/profiles/new/", "/profiles/catalogues/"]
)
def test_writes_are_refused_to_roles_without_the_right(client, users, draft, path):
    client.force_login(users["nobody"])
    assert client.post(path.format(id=draft.public_id), {"action": "submit"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ProfileStatus.DRAFT


def test_unknown_profile_is_not_found(client, users):
    client.force_login(users["auditor"])
    assert client.get("/profiles/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/profiles/not-a-uuid/").status_code == 404
