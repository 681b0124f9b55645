"""The profile workflow of docs/characteristics.md: every transition, in one table.

draft → in_review → approved → active → expired; in_review → changes_requested → draft;
in_review → rejected; approved/active → withdrawn. A risk profile becomes active only
after a DPO sign-off; instead of signing off, the DPO may return it with reasons
(in_review/approved → changes_requested), after which it is reviewed again. `activate`
and `expire` are the system's own, driven by the validity window (see services.profile_statuses_refresh).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import AUTHOR_PROFILES, REVIEW_PROFILES, SIGN_OFF_PROFILES, Role

from .models import ProfileStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (a sign-off)
    permission: str | None  # None: only the system performs it
    role: str | None = None  # the workflow role whose members may do it (checked by membership)
    four_eyes: bool = False
    comment_required: bool = False
    risk_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", (S.DRAFT,), S.IN_REVIEW, AUTHOR_PROFILES, Role.POLICY_OFFICER),
        Transition("reopen", (S.CHANGES_REQUESTED,), S.DRAFT, AUTHOR_PROFILES, Role.POLICY_OFFICER),
        Transition("approve", (S.IN_REVIEW,), S.APPROVED, REVIEW_PROFILES, Role.REVIEWER, four_eyes=True),
        Transition(
            "request_changes",
            (S.IN_REVIEW,),
            S.CHANGES_REQUESTED,
            REVIEW_PROFILES,
            Role.REVIEWER,
            four_eyes=True,
            comment_required=True,
        ),
        Transition(
            "reject", (S.IN_REVIEW,), S.REJECTED, REVIEW_PROFILES, Role.REVIEWER, four_eyes=True, comment_required=True
        ),
        Transition(
            "withdraw", (S.APPROVED, S.ACTIVE), S.WITHDRAWN, REVIEW_PROFILES, Role.REVIEWER, comment_required=True
        ),
        Transition(
            "dpo_sign_off", (S.IN_REVIEW, S.APPROVED), None, SIGN_OFF_PROFILES, Role.DPO, four_eyes=True, risk_only=True
        ),
        Transition(
            "dpo_return",
            (S.IN_REVIEW, S.APPROVED),
            S.CHANGES_REQUESTED,
            SIGN_OFF_PROFILES,
            Role.DPO,
            four_eyes=True,
            comment_required=True,
            risk_only=True,
        ),
        Transition("activate", (S.APPROVED,), S.ACTIVE, None),
        Transition("expire", (S.APPROVED, S.ACTIVE), S.EXPIRED, None),
    )
}

# The one name of each action: buttons, the history and refusal messages use it.
ACTION_LABELS = {
    "submit": _("Submit for review"),
    "reopen": _("Reopen for editing"),
    "approve": _("Approve"),
    "request_changes": _("Request changes"),
    "reject": _("Reject"),
    "withdraw": _("Withdraw"),
    "dpo_sign_off": _("Sign off as DPO"),
    "dpo_return": _("Return to the author (DPO)"),
    # The system's own transitions, as the history shows them.
    "activate": _("Activated (validity window started)"),
    "expire": _("Expired"),
}

HUMAN_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.permission is not None)


def actions_available(*, status: str, kind: str, signed_off: bool) -> list[str]:
    """The human actions the state allows, whoever asks. Who may take them is
    `services.profile_actions_allowed`, which the doors ask."""
    out = []
    for action in HUMAN_ACTIONS:
        t = TRANSITIONS[action]
        if status not in t.sources:
            continue
        if t.risk_only and (kind != "risk" or signed_off):
            continue
        out.append(action)
    return out
