"""The assessment workflow, every transition in one table:

draft → in_review (policy officer submits) → dpo_advised (the DPO records advice) →
signed (the responsible official, never an author or the submitter of the version);
in_review or dpo_advised → draft (returned, with a comment); signed → superseded when a
later version is signed (the system). Migration 0002 repeats it in the database.
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
    roles: tuple[str, ...]  # workflow roles allowed; empty: only the system
    four_eyes: bool = False
    comment_required: bool = False
    advice_required: bool = False


# The responsible official (RESP: the controller of the DPIA, the responsible official of
# the IAMA) holds the reviewer/approver role, as the assessments spec maps it.
RESPONSIBLE_OFFICIAL = Role.REVIEWER

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", (S.DRAFT,), S.IN_REVIEW, (Role.POLICY_OFFICER,)),
        Transition(
            "return", (S.IN_REVIEW, S.DPO_ADVISED), S.DRAFT, (Role.DPO, RESPONSIBLE_OFFICIAL), comment_required=True
        ),
        Transition("record_dpo_advice", (S.IN_REVIEW,), S.DPO_ADVISED, (Role.DPO,), advice_required=True),
        Transition("sign", (S.DPO_ADVISED,), S.SIGNED, (RESPONSIBLE_OFFICIAL,), four_eyes=True),
        Transition("supersede", (S.SIGNED,), S.SUPERSEDED, ()),
    )
}

ACTION_LABELS = {
    "submit": _("Submit for review"),
    "return": _("Return to draft"),
    "record_dpo_advice": _("Record DPO advice"),
    "sign": _("Sign as responsible official"),
    "supersede": _("Supersede"),
}


def actions_available(*, status: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if t.roles and status in t.sources]
