"""Who may use the Algorithm Register pages and API (accounts/roles.py):

- readers of the register (register editor, reviewer, DPO, auditor, administrator) see
  the entry, its versions, diffs, translations and its register JSON;
- only the register editor writes: new drafts, edits, prefill, translations, submit and
  archive;
- only reviewers approve, send back, publish and retract (never a version they wrote);
- the public page and the applicant factsheet need no login.
"""

from .matrix import PUBLIC, REGISTER_EDITOR, REVIEWER, access, only

READERS = only(REGISTER_EDITOR, REVIEWER, "dpo", "auditor", "administrator")
EDITOR = only(REGISTER_EDITOR)
APPROVER = only(REVIEWER)


def _world(w):
    """A published v1 and an open draft v2 of IOB's entry, and an in-review version of a second entry."""
    if not hasattr(w, "_register"):
        from register.services import entry_get_or_create, version_create_draft, version_transition

        editor, reviewer = w.users["register_editor"], w.users["reviewer"]
        v1 = version_create_draft(actor=editor)
        v1 = version_transition(actor=editor, version=v1, action="submit")
        v1 = version_transition(actor=reviewer, version=v1, action="approve")
        published = version_transition(actor=reviewer, version=v1, action="publish")
        draft = version_create_draft(actor=editor)
        other = version_create_draft(actor=editor, entry=entry_get_or_create(system_code="MATRIX"))
        in_review = version_transition(actor=editor, version=other, action="submit")
        w._register = {"published": published, "draft": draft, "in_review": in_review}
    return w._register


def _v(name):
    return lambda w: {"public_id": _world(w)[name].public_id}


def _api(name):
    return lambda w: {"id": _world(w)[name].public_id}


def _action(name, action):
    return lambda w: {"public_id": _world(w)[name].public_id, "action": action}


def _published_exists(w):
    _world(w)
    return {}


def _diff(w):
    world = _world(w)
    return {"public_id": world["draft"].public_id, "other_id": world["published"].public_id}


def _api_diff(w):
    world = _world(w)
    return {"id": world["draft"].public_id, "other_id": world["published"].public_id}


ROUTES = [
    access("register:home", GET=READERS),
    access("register:create", POST=EDITOR, note="the editor gets 'open version exists' (a message), others 403"),
    access("register:version", kwargs=_v("draft"), GET=READERS),
    access("register:edit", kwargs=_v("draft"), GET=EDITOR, POST=EDITOR, body={"name": "IOB"}),
    access("register:prefill", kwargs=_v("draft"), POST=EDITOR),
    access(
        "register:translations",
        kwargs=_v("published"),
        GET=READERS,
        POST=EDITOR,
        body={"field": "name", "language": "en", "text": "IOB"},
    ),
    access("register:diff", kwargs=_diff, GET=READERS),
    # One URL name, one declaration: the approver's step (the editor's submit is the API row below).
    access("register:action", kwargs=_action("in_review", "approve"), POST=APPROVER),
    access("register_public:nl", kwargs=_published_exists, GET=PUBLIC),
    access("register_public:en", kwargs=_published_exists, GET=PUBLIC),
    access("register_public:factsheet", kwargs=lambda w: {**_published_exists(w), "language": "nl"}, GET=PUBLIC),
    access("api-register-versions", GET=READERS, POST=EDITOR, body={"prefill": True}),
    access("api-register-version", kwargs=_api("draft"), GET=READERS, PATCH=EDITOR, body={"fields": {"name": "IOB"}}),
    access("api-register-prefill", kwargs=_api("draft"), POST=EDITOR, body={}),
    access("api-register-diff", kwargs=_api_diff, GET=READERS),
    access("api-register-json", kwargs=_api("published"), GET=READERS),
    access(
        "api-register-translations",
        kwargs=_api("published"),
        POST=EDITOR,
        body={"field": "name", "language": "fr", "text": "IOB"},
    ),
    access("api-register-submit", kwargs=_api("draft"), POST=EDITOR, body={}),
    access("api-register-archive", kwargs=_api("draft"), POST=EDITOR, body={}),
    access("api-register-approve", kwargs=_api("in_review"), POST=APPROVER, body={}),
    access("api-register-send-back", kwargs=_api("in_review"), POST=APPROVER, body={"comment": "Nee"}),
    access("api-register-publish", kwargs=_api("in_review"), POST=APPROVER, body={}),
    access("api-register-retract", kwargs=_api("published"), POST=APPROVER, body={"comment": "Fout"}),
]
