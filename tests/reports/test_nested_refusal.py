"""Issue 8.2 in a real service: `follow_up_resolve` runs `profile_transition` (withdraw) inside
its own transaction. When the inner withdraw is refused, the outer work rolls back, and
both refusals stay on record: the inner one is written after the outermost rollback."""

import pytest

from audit.models import AuditEvent
from problems import DomainError
from profiles import workflow
from profiles.models import ProfileStatus
from reports import services
from reports.models import FollowUpStatus
from reports.selectors import follow_ups_open

pytestmark = pytest.mark.django_db


def test_a_refused_inner_withdraw_is_on_record_after_the_outer_rollback(
    users, in_review, approved_profile, monkeypatch
):
    services.report_finding_record(
        actor=users["dpo"],
        report=in_review,
        subject_type="profile",
        subject=approved_profile.code,
        decision="escalate",
        note="Drives refusals.",
        follow_ups=[{"kind": "withdraw_profile", "note": "Please withdraw."}],
    )
    services.report_transition(actor=users["dpo"], report=in_review, action="sign_off")
    [follow_up] = follow_ups_open()
    # The workflow table says, for this test, that nothing can be withdrawn: the real
    # profile_transition refuses the withdraw (409 invalid_state) inside the follow-up's scope.
    withdraw = workflow.TRANSITIONS["withdraw"]
    monkeypatch.setitem(
        workflow.TRANSITIONS,
        "withdraw",
        workflow.Transition(**{**withdraw.__dict__, "sources": (ProfileStatus.EXPIRED,)}),
    )
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.follow_up_resolve(
            actor=users["reviewer"],
            follow_up=follow_up,
            action="withdraw",
            comment="Withdrawn after the DPO's finding.",
        )
    assert refused.value.codes == ["invalid_state"]

    new = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.event_type for e in new] == ["profile.refused", "report.follow_up_refused"]
    inner, outer = new
    assert inner.data["action"] == "withdraw" and inner.data["codes"] == ["invalid_state"]
    assert inner.target_id == str(approved_profile.public_id) and inner.actor_username == "reviewer"
    assert outer.data["codes"] == ["invalid_state"]
    # The outer work is gone: the follow-up is still open, the profile still approved.
    follow_up.refresh_from_db()
    approved_profile.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN and approved_profile.status == ProfileStatus.APPROVED
    from audit.selectors import audit_chain_verify

    assert audit_chain_verify().intact
