"""The register entry's workflow: every transition in one table.

draft → in_review (the register editor submits) → approved (a reviewer, never one who
wrote or submitted the version) → published (a reviewer; the previous published version
becomes superseded); in_review → draft (send back, with a comment); published →
retracted (a reviewer, with a comment); draft, in_review, approved or retracted →
archived (the register editor). The register's own states: draft = STATE_1, in_review
and approved = STATE_2 (released), published = PUBLISHED, superseded = EXPIRED,
archived = ARCHIVED. The database trigger of migration 0002 repeats the table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .models import VersionStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    role: str | None  # None: only the system performs it
    four_eyes: bool = False
    comment_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", (S.DRAFT,), S.IN_REVIEW, Role.REGISTER_EDITOR),
        Transition("send_back", (S.IN_REVIEW,), S.DRAFT, Role.REVIEWER, four_eyes=True, comment_required=True),
        Transition("approve", (S.IN_REVIEW,), S.APPROVED, Role.REVIEWER, four_eyes=True),
        Transition("publish", (S.APPROVED,), S.PUBLISHED, Role.REVIEWER, four_eyes=True),
        Transition("retract", (S.PUBLISHED,), S.RETRACTED, Role.REVIEWER, comment_required=True),
        Transition("archive", (S.DRAFT, S.IN_REVIEW, S.APPROVED, S.RETRACTED), S.ARCHIVED, Role.REGISTER_EDITOR),
        Transition("supersede", (S.PUBLISHED,), S.SUPERSEDED, None),
    )
}

ACTION_LABELS = {
    "submit": _("submit for approval"),
    "send_back": _("send back to the editor"),
    "approve": _("approve"),
    "publish": _("publish"),
    "retract": _("retract"),
    "archive": _("archive"),
    "supersede": _("supersede"),
}

HUMAN_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.role is not None)
# Content is fixed from submission on.
CONTENT_FROZEN = tuple(s for s in S.values if s != S.DRAFT)
# Every (from, to) the database accepts.
ALLOWED_MOVES = sorted({(src, t.target) for t in TRANSITIONS.values() for src in t.sources})


def actions_available(*, status: str) -> list[str]:
    """The human actions the state allows (roles and four eyes are checked by the service)."""
    return [a for a in HUMAN_ACTIONS if status in TRANSITIONS[a].sources]
