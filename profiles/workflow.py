"""The profile workflow of characteristics.md: every transition, in one table.

draft → in_review → approved → active → expired; in_review → changes_requested → draft;
in_review → rejected; approved/active → withdrawn. A risk profile becomes active only
after a DPO sign-off; instead of signing off, the DPO may return it with reasons
(in_review/approved → changes_requested), after which it is reviewed again. `activate`
and `expire` are the system's own, driven by the validity window (see services.profile_statuses_refresh).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import AUTHOR_PROFILES, REVIEW_PROFILES, SIGN_OFF_PROFILES

from .models import ProfileStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (a sign-off)
    permission: str | None  # None: only the system performs it
    four_eyes: bool = False
    comment_required: bool = False
    risk_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", (S.DRAFT,), S.IN_REVIEW, AUTHOR_PROFILES),
        Transition("reopen", (S.CHANGES_REQUESTED,), S.DRAFT, AUTHOR_PROFILES),
        Transition("approve", (S.IN_REVIEW,), S.APPROVED, REVIEW_PROFILES, four_eyes=True),
        Transition("request_changes", (S.IN_REVIEW,), S.CHANGES_REQUESTED, REVIEW_PROFILES,
                   four_eyes=True, comment_required=True),
        Transition("reject", (S.IN_REVIEW,), S.REJECTED, REVIEW_PROFILES, four_eyes=True, comment_required=True),
        Transition("withdraw", (S.APPROVED, S.ACTIVE), S.WITHDRAWN, REVIEW_PROFILES, comment_required=True),
        Transition("dpo_sign_off", (S.IN_REVIEW, S.APPROVED), None, SIGN_OFF_PROFILES, four_eyes=True,
                   risk_only=True),
        Transition("dpo_return", (S.IN_REVIEW, S.APPROVED), S.CHANGES_REQUESTED, SIGN_OFF_PROFILES,
                   four_eyes=True, comment_required=True, risk_only=True),
        Transition("activate", (S.APPROVED,), S.ACTIVE, None),
        Transition("expire", (S.APPROVED, S.ACTIVE), S.EXPIRED, None),
    )
}

ACTION_LABELS = {
    "submit": _("submit for review"), "reopen": _("reopen as draft"), "approve": _("approve"),
    "request_changes": _("request changes"), "reject": _("reject"), "withdraw": _("withdraw"),
    "dpo_sign_off": _("DPO sign-off"),
    "dpo_return": _("return to the author (DPO)"), "activate": _("activate"), "expire": _("expire"),
}

HUMAN_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.permission is not None)


def actions_available(*, status: str, kind: str, signed_off: bool) -> list[str]:
    """The human actions the state allows (roles and four eyes are checked by the service)."""
    out = []
    for action in HUMAN_ACTIONS:
        t = TRANSITIONS[action]
        if status not in t.sources:
            continue
        if t.risk_only and (kind != "risk" or signed_off):
            continue
        out.append(action)
    return out
