"""The DPO's review of a bias report, every transition in one table:

generated → in_review → signed_off, or in_review → returned. Only members of the DPO
role move a report (a workflow action: a superuser or administrator is no exception);
`pending → generated|failed` is the job's.
"""

from dataclasses import dataclass

from accounts.roles import REVIEW_REPORTS, Role

from .models import ReportStatus as S


@dataclass(frozen=True)
class ReviewTransition:
    action: str
    sources: tuple[str, ...]
    target: str
    comment_required: bool = False


TRANSITIONS: dict[str, ReviewTransition] = {
    t.action: t
    for t in (
        ReviewTransition("start_review", (S.GENERATED,), S.IN_REVIEW),
        ReviewTransition("sign_off", (S.IN_REVIEW,), S.SIGNED_OFF),
        ReviewTransition("return", (S.IN_REVIEW,), S.RETURNED, comment_required=True),
    )
}
PERMISSION = REVIEW_REPORTS
ROLE = Role.DPO


def review_actions_available(*, status: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if status in t.sources]
