"""One answer to "may this user …": every door asks the role-based predicate
(`accounts.actors.actor_has_right` / `actor_has_role`, or the backend's role-only
permission set), never Django's `has_perm`, which says yes to any superuser."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every app of ours (a folder with an apps.py), so that a new app is covered the day it comes.
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
ASKS_DJANGO = re.compile(r"\.has_perms?\(|\bis_superuser\b(?!\s*=)")
ALLOWED = {
    # Creating accounts and showing the flag in the user admin is not asking it.
    ("accounts/services.py", "is_superuser"),
    ("accounts/admin.py", "is_superuser"),
}


def test_no_door_asks_djangos_has_perm_or_the_superuser_flag():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            for number, line in enumerate(path.read_text().splitlines(), 1):
                stripped = line.strip()
                if stripped.startswith("#") or '"""' in stripped:
                    continue
                for match in ASKS_DJANGO.finditer(line):
                    word = "is_superuser" if "superuser" in match.group() else "has_perm"
                    if (relative, word) not in ALLOWED:
                        found.append(f"{relative}:{number}: {stripped}")
    assert not found, "\n".join(found)


def test_templates_ask_perms_only_through_the_role_based_wrapper(rf, users):
    from accounts.context_processors import roles

    request = rf.get("/")
    request.user = users["reviewer"]
    perms = roles(request)["perms"]
    assert perms["profiles"]["review_profile"] and not perms["profiles"]["author_profile"]
    assert "profiles.review_profile" in perms and "profiles.dpo_sign_off_profile" not in perms
