"""The parameter-set workflow: every transition in one table, as for profiles.

draft → in_review → approved → withdrawn; in_review → changes_requested → draft;
in_review → rejected. Policy officers write and submit, reviewers decide; nobody
decides on a version they wrote, edited or submitted (four eyes).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .models import ParameterSetStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    role: str
    four_eyes: bool = False
    comment_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", (S.DRAFT,), S.IN_REVIEW, Role.POLICY_OFFICER),
        Transition("reopen", (S.CHANGES_REQUESTED,), S.DRAFT, Role.POLICY_OFFICER),
        Transition("approve", (S.IN_REVIEW,), S.APPROVED, Role.REVIEWER, four_eyes=True),
        Transition(
            "request_changes", (S.IN_REVIEW,), S.CHANGES_REQUESTED, Role.REVIEWER, four_eyes=True, comment_required=True
        ),
        Transition("reject", (S.IN_REVIEW,), S.REJECTED, Role.REVIEWER, four_eyes=True, comment_required=True),
        Transition("withdraw", (S.APPROVED,), S.WITHDRAWN, Role.REVIEWER, comment_required=True),
    )
}

ACTION_LABELS = {
    "submit": _("submit for review"),
    "reopen": _("reopen as draft"),
    "approve": _("approve"),
    "request_changes": _("request changes"),
    "reject": _("reject"),
    "withdraw": _("withdraw"),
}

# For the database guards (migration 0002): the moves a status may make.
ALLOWED_MOVES = sorted({(src, t.target) for t in TRANSITIONS.values() for src in t.sources})


def actions_available(*, status: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if status in t.sources]
