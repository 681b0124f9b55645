"""Writes of bias reports: requesting, generating, the DPO's review and its follow-ups.

Every door (page, API, command, Celery beat) calls these. Each checks the actor's right,
changes state with a conditional update, and writes its audit event in the same
transaction; refused review actions are audited after the rollback, so they stay on record.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.actors import (
    SystemActor,
    actor_has_role,
    actor_name,
    actor_pk,
    actor_require,
    actor_require_role,
    actor_user,
)
from accounts.roles import GENERATE_REPORTS, Role
from audit.refusals import audited_refusal
from jobs.services import job_create, job_enqueue_on_commit, job_fail, job_progress, job_start, job_succeed
from problems import DomainError, Problem, conflict
from profiles import selectors as profile_selectors
from profiles.services import profile_transition

from . import events
from .computation import bias_figures_compute
from .models import (
    ArtifactKind,
    BiasReport,
    FindingDecision,
    FollowUpAction,
    FollowUpKind,
    FollowUpStatus,
    ReportArtifact,
    ReportFinding,
    ReportOrigin,
    ReportStatus,
    ReviewRecord,
    SubjectType,
)
from .outputs import csv_bytes, json_bytes, pdf_document, sha256
from .parameters import parameters_parse, period_parse
from .presentation import flagged_count, view_build
from .record import review_record_pdf
from .review import ROLE as REVIEW_ROLE
from .review import TRANSITIONS, review_actions_available
from .selectors import report_figures, report_findings, report_view

log = logging.getLogger(__name__)
JOB_KIND = "bias_report"

# Celery beat's monthly report: it may start a report, and nothing else.
MONTHLY_SCHEDULE = SystemActor("monthly_bias_report", frozenset({GENERATE_REPORTS}))


def command_actor() -> SystemActor:
    """`manage.py bias_report`, run by the operator: it may start a report, and nothing else."""
    import getpass

    return SystemActor(f"manage.py bias_report ({getpass.getuser()})", frozenset({GENERATE_REPORTS}))


# The worker that computes a report nobody in the portal asked for (schedule, command).
REPORT_WORKER = SystemActor("bias_report_worker")


# --- Requesting and generating -------------------------------------------------------------------


def report_request(
    *,
    actor,
    period_from: Any,
    period_to: Any,
    parameters: dict[str, Any] | None = None,
    origin: str = ReportOrigin.PORTAL,
    request_key: str | None = None,
    enqueue: bool = True,
) -> BiasReport:
    """Create a pending report and its job, and queue the computation once committed.

    A repeated request with the same `request_key` returns the report it made. The actor
    needs `reports.generate_biasreport`: a person through a role, the schedule and the
    command as system actors that hold it."""
    actor_require(actor, GENERATE_REPORTS, _("Only the DPO or an administrator may start a bias report."))
    problems: list[Problem] = []
    try:
        start, end = period_parse(period_from, period_to)
    except DomainError as error:
        problems += error.problems
    try:
        params = parameters_parse(parameters)
    except DomainError as error:
        problems += error.problems
    if problems:
        raise DomainError(problems)
    request_key = (request_key or "").strip()[:64] or None
    if request_key:
        existing = BiasReport.objects.filter(request_key=request_key).first()
        if existing is not None:
            if existing.created_by_id != actor_pk(actor):
                raise conflict("request_key_taken", _("This request key belongs to another report."))
            return existing
    try:
        with transaction.atomic():
            # The report's public id is chosen first so that its job can name it from the start.
            public_id = uuid.uuid4()
            job = job_create(kind=JOB_KIND, params={"report": str(public_id)}, created_by=actor_user(actor))
            report = BiasReport.objects.create(
                public_id=public_id,
                period_from=start,
                period_to=end,
                parameters=params.as_dict(),
                origin=origin,
                request_key=request_key,
                job=job,
                created_by=actor_user(actor),
            )
            events.report_requested(actor=actor, report=report)
            if enqueue:
                from .tasks import generate_report

                job_enqueue_on_commit(task=generate_report, job=job, report_id=report.pk)
    except IntegrityError:
        # Two identical requests at once (same key, or the same scheduled month): one row won.
        winner = BiasReport.objects.filter(request_key=request_key).first() if request_key else None
        if winner is None and origin == ReportOrigin.SCHEDULE:
            winner = BiasReport.objects.filter(origin=origin, period_from=start, period_to=end).first()
        if winner is None:
            raise
        report = winner
    return report


def report_schedule_monthly(*, today: date | None = None) -> BiasReport:
    """The report over the previous calendar month (Celery beat, monthly). Idempotent: the
    month's scheduled report is made once, however often this runs."""
    today = today or timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    existing = BiasReport.objects.filter(origin=ReportOrigin.SCHEDULE, period_from=start, period_to=end).first()
    if existing is not None:
        return existing
    return report_request(actor=MONTHLY_SCHEDULE, period_from=start, period_to=end, origin=ReportOrigin.SCHEDULE)


def _artifacts(report: BiasReport, progress: Callable[[int, str], None]) -> tuple[dict[str, bytes], dict]:
    params = parameters_parse(report.parameters)
    figures = bias_figures_compute(
        period_from=report.period_from, period_to=report.period_to, parameters=params, progress=progress
    )
    progress(60, gettext("Figures computed; writing the files"))
    report_json = json_bytes(figures.report)
    view = view_build(report=figures.report, support=figures.support)
    content_hash = sha256(report_json)
    progress(70, gettext("Drawing the PDF"))
    pdf = pdf_document(
        report_id=str(report.public_id),
        view=view,
        content_hash=content_hash,
        report_json=report_json,
        generated_at=timezone.now(),
        record_count=figures.report["population"]["n"],
    )
    files: dict[str, bytes] = {
        ArtifactKind.JSON: report_json,
        ArtifactKind.CSV: csv_bytes(view),
        ArtifactKind.PDF: pdf.content,
        ArtifactKind.VIEW: json_bytes(view),
    }
    summary = {
        "content_hash": content_hash,
        "pdf_sha256": pdf.sha256,
        "record_count": figures.report["population"]["n"],
        "decided_count": figures.report["population"]["n_decided"],
        "flagged_count": flagged_count(figures.report),
    }
    return files, summary


def report_generate(*, report_id: int, job_id: int | None = None) -> BiasReport:
    """Compute and store a pending report's figures and files. Safe to run again: a
    report that is no longer pending is left as it is, and of two runs at once only one
    stores its files (the other's conditional update finds nothing to do)."""
    if job_id is not None and not job_start(job_id=job_id):
        return BiasReport.objects.get(pk=report_id)
    report = BiasReport.objects.get(pk=report_id)
    if report.status != ReportStatus.PENDING:
        if job_id is not None:
            job_succeed(job_id=job_id, result={"report": str(report.public_id)}, message=gettext("Already generated"))
        return report

    def progress(pct: int, message: str) -> None:
        if job_id is not None:
            job_progress(job_id=job_id, progress=pct, message=message)

    progress(5, gettext("Reading the monitoring records"))
    files, summary = _artifacts(report, progress)
    progress(95, gettext("Storing the report"))
    try:
        with transaction.atomic():
            locked = BiasReport.objects.select_for_update().get(pk=report_id)
            if locked.status != ReportStatus.PENDING:
                return locked
            ReportArtifact.objects.bulk_create(
                [
                    ReportArtifact(report=locked, kind=kind, content=content, sha256=sha256(content), size=len(content))
                    for kind, content in files.items()
                ]
            )
            now = timezone.now()
            moved = BiasReport.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
                status=ReportStatus.GENERATED, generated_at=now, **summary
            )
            if not moved:
                raise IntegrityError("report left pending meanwhile")
            locked.refresh_from_db()
            events.report_generated(
                actor=locked.created_by or REPORT_WORKER,
                report=locked,
                hashes={kind: sha256(content) for kind, content in files.items() if kind != ArtifactKind.VIEW},
            )
    except IntegrityError:
        # A parallel run stored this report first: its result stands.
        locked = BiasReport.objects.get(pk=report_id)
        if locked.status == ReportStatus.PENDING:
            raise
    if job_id is not None:
        job_succeed(job_id=job_id, result={"report": str(locked.public_id)}, message=gettext("Report ready"))
    return locked


def report_fail(*, report_id: int, job_id: int | None, error: str) -> None:
    """The job gave up: the report is marked failed with the reason (once)."""
    with transaction.atomic():
        moved = BiasReport.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
            status=ReportStatus.FAILED, failure=error[:5000]
        )
        if moved:
            report = BiasReport.objects.get(pk=report_id)
            events.report_failed(actor=report.created_by or REPORT_WORKER, report=report, error=error)
    if job_id is not None:
        job_fail(job_id=job_id, error=error)


def report_run_now(
    *,
    actor,
    period_from: Any,
    period_to: Any,
    parameters: dict[str, Any] | None = None,
    origin: str = ReportOrigin.COMMAND,
) -> BiasReport:
    """Request and generate in this process (the `bias_report` command): the report is
    stored like any other and visible in the portal."""
    report = report_request(
        actor=actor, period_from=period_from, period_to=period_to, parameters=parameters, origin=origin, enqueue=False
    )
    try:
        return report_generate(report_id=report.pk, job_id=report.job_id)
    except Exception as error:
        report_fail(report_id=report.pk, job_id=report.job_id, error=f"{type(error).__name__}: {error}")
        raise


# --- The DPO's review ---------------------------------------------------------------------------------


def _refused(action: str, actor: Any, report: BiasReport | None) -> Callable[[DomainError], None]:
    return lambda error: events.report_refused(actor=actor, action=action, codes=error.codes, report=report)


def _require_dpo(actor) -> None:
    """Reviewing a report is a workflow action: membership of the DPO role, nothing less."""
    actor_require_role(actor, REVIEW_ROLE, _("Only the data protection officer reviews and signs bias reports."))


def report_actions_allowed(*, actor: Any, report: BiasReport) -> list[str]:
    """The review actions `actor` may take on `report` now: what the page and the API show."""
    if not actor_has_role(actor, REVIEW_ROLE):
        return []
    return review_actions_available(status=report.status)


def report_may_record_findings(*, actor: Any, report: BiasReport) -> bool:
    return actor_has_role(actor, REVIEW_ROLE) and report.status == ReportStatus.IN_REVIEW


def _locked(report: BiasReport) -> BiasReport:
    return BiasReport.objects.select_for_update().get(pk=report.pk)


def report_transition(*, actor, report: BiasReport, action: str, comment: str = "") -> BiasReport:
    """start_review, sign_off or return (with a reason). 403 for anyone but the DPO,
    409 when the report's state does not allow it. A signed report never changes again."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError.single("unknown_action", _("Unknown action."), "action")
    comment = (comment or "").strip()

    def work() -> BiasReport:
        _require_dpo(actor)
        current = _locked(report)
        if current.status not in transition.sources:
            raise conflict(
                "invalid_state",
                _("A report that is “%(status)s” cannot be %(action)s.")
                % {"status": ReportStatus(current.status).label, "action": action.replace("_", " ")},
            )
        if transition.comment_required and not comment:
            raise DomainError.single("comment_required", _("Give a reason in the comment."), "comment")
        now = timezone.now()
        updates: dict[str, Any] = {"status": transition.target}
        if action == "start_review":
            updates.update(review_started_at=now, review_started_by=actor_user(actor))
        else:
            updates.update(decided_at=now, decided_by=actor_user(actor), decision_comment=comment)
        if action == "sign_off":
            review_record_make(actor=actor, report=current, signed_at=now)
        if not BiasReport.objects.filter(pk=current.pk, status=current.status).update(**updates):
            raise conflict("invalid_state", _("The report changed meanwhile; reload and try again."))
        events.report_transitioned(
            actor=actor,
            report=current,
            action=action,
            from_status=current.status,
            to_status=transition.target,
            comment=comment,
        )
        current.refresh_from_db()
        return current

    with audited_refusal(_refused(action, actor, report)):
        return work()


def _subject(report: BiasReport, subject_type: str, subject: Any) -> dict[str, Any]:
    """The finding's subject, checked against what the report holds."""
    figures = report_figures(report=report)
    if subject_type == SubjectType.GROUP:
        wanted = subject if isinstance(subject, dict) else None
        if wanted and all(isinstance(k, str) and isinstance(v, str) for k, v in wanted.items()):
            for g in figures["groups"]:
                if g["characteristics"] == wanted:
                    return {"group": dict(g["characteristics"])}
        raise DomainError.single("unknown_subject", _("This report has no such group."), "subject")
    if subject_type == SubjectType.OFFICER:
        if isinstance(subject, str) and any(o["officer_id"] == subject for o in figures["officers"]):
            return {"officer_id": subject}
        raise DomainError.single("unknown_subject", _("This report has no such officer."), "subject")
    if subject_type == SubjectType.PROFILE:
        if isinstance(subject, str) and any(h["code"] == subject for h in figures["profiles"]):
            return {"profile_code": subject}
        raise DomainError.single("unknown_subject", _("This report has no such profile."), "subject")
    raise DomainError.single(
        "invalid_subject_type", _("A finding concerns a group, an officer or a profile."), "subject_type"
    )


def _follow_ups(raw: Any, *, default_profile: str) -> tuple[list[dict[str, str]], list[Problem]]:
    problems: list[Problem] = []
    out: list[dict[str, str]] = []
    if raw in (None, ""):
        return out, problems
    if not isinstance(raw, list):
        return out, [Problem("invalid_follow_ups", _("Follow-up actions are a list."), "follow_ups")]
    for i, item in enumerate(raw):
        field = f"follow_ups[{i}]"
        if not isinstance(item, dict) or item.get("kind") not in FollowUpKind.values:
            problems.append(
                Problem(
                    "invalid_follow_up_kind",
                    _("A follow-up action is a request to withdraw a profile or another action."),
                    field,
                )
            )
            continue
        note = str(item.get("note") or "").strip()
        code = str(item.get("profile_code") or "").strip() or (
            default_profile if item["kind"] == FollowUpKind.WITHDRAW_PROFILE else ""
        )
        if item["kind"] == FollowUpKind.WITHDRAW_PROFILE:
            if not code:
                problems.append(Problem("profile_required", _("Name the profile to withdraw."), field))
                continue
            if not profile_selectors.profile_versions(code=code).exists():
                problems.append(Problem("unknown_profile", _("There is no profile %(code)s.") % {"code": code}, field))
                continue
        elif not note:
            problems.append(Problem("note_required", _("Describe the action to take."), field))
            continue
        out.append({"kind": item["kind"], "profile_code": code, "note": note})
    return out, problems


def _finding_subject(report: BiasReport, finding_id: str) -> tuple[str, Any]:
    """The subject of one of the report's findings (schema /2), by its stable id."""
    for f in report_figures(report=report).get("findings", []):
        if f["id"] == finding_id:
            return f["subject_type"], f["subject"]
    raise DomainError.single("unknown_finding", _("This report has no such finding."), "finding_id")


def report_finding_record(
    *,
    actor,
    report: BiasReport,
    subject_type: str = "",
    subject: Any = None,
    decision: str,
    note: str,
    follow_ups: Any = None,
    finding_id: str = "",
) -> ReportFinding:
    """The DPO's finding on one group, officer or profile of a report in review, with a
    decision (accept, mitigate, escalate) and optional follow-up actions (e.g. a request
    to withdraw a profile, which reaches the reviewers once the report is signed off).

    Given a `finding_id` (e.g. `group:nationality=NGA`), the decision is on that finding of
    the report, whose subject it takes; a finding is decided once (remove to decide again)."""
    note = (note or "").strip()
    finding_id = (finding_id or "").strip()

    def work() -> ReportFinding:
        _require_dpo(actor)
        current = _locked(report)
        if current.status != ReportStatus.IN_REVIEW:
            raise conflict("invalid_state", _("Findings are recorded while the report is in review."))
        problems: list[Problem] = []
        fields: dict[str, Any] = {}
        kind, about = subject_type, subject
        try:
            if finding_id:
                kind, about = _finding_subject(current, finding_id)
                if ReportFinding.objects.filter(report=current, finding_id=finding_id).exists():
                    raise conflict(
                        "already_decided", _("This finding already has a decision; remove it to decide again.")
                    )
            fields = _subject(current, kind, about)
        except DomainError as error:
            if error.status != 400:
                raise
            problems += error.problems
        if decision not in FindingDecision.values:
            problems.append(Problem("invalid_decision", _("Choose accept, mitigate or escalate."), "decision"))
        if not note:
            problems.append(Problem("note_required", _("Write down the finding."), "note"))
        actions, action_problems = _follow_ups(follow_ups, default_profile=fields.get("profile_code", ""))
        problems += action_problems
        if problems:
            raise DomainError(problems)
        finding = ReportFinding.objects.create(
            report=current,
            subject_type=kind,
            decision=decision,
            note=note,
            created_by=actor_user(actor),
            finding_id=finding_id,
            **fields,
        )
        created = FollowUpAction.objects.bulk_create([FollowUpAction(finding=finding, **a) for a in actions])
        events.finding_recorded(actor=actor, finding=finding, follow_ups=created)
        return finding

    with audited_refusal(_refused("record_finding", actor, report)):
        return work()


def report_finding_delete(*, actor, finding: ReportFinding) -> None:
    """The DPO takes back a finding (and its follow-ups) while the report is still in review."""

    def work() -> None:
        _require_dpo(actor)
        current = _locked(finding.report)
        if current.status != ReportStatus.IN_REVIEW:
            raise conflict("invalid_state", _("Findings change only while the report is in review."))
        events.finding_deleted(actor=actor, finding=finding)
        finding.follow_ups.all().delete()
        finding.delete()

    with audited_refusal(_refused("delete_finding", actor, finding.report)):
        work()


def review_record_make(*, actor, report: BiasReport, signed_at) -> ReviewRecord:
    """The signed review record (PDF/A, tagged): every finding of the report with the DPO's
    decision, note and follow-ups, the signer and time, and the report's hashes. Made in
    the sign-off's transaction, stored beside the report PDF and audited with its hash."""
    content = review_record_pdf(
        report=report,
        view=report_view(report=report),
        decisions=list(report_findings(report=report)),
        signer=actor_name(actor),
        signed_at=signed_at,
    )
    record = ReviewRecord.objects.create(
        report=report,
        content=content.content,
        sha256=content.sha256,
        size=len(content.content),
        signed_by=actor_user(actor),
        signed_at=signed_at,
        report_content_hash=report.content_hash,
        report_pdf_sha256=report.pdf_sha256,
    )
    events.review_record_made(actor=actor, report=report, record=record)
    return record


FOLLOW_UP_OUTCOMES: dict[str, dict[str, FollowUpStatus]] = {
    FollowUpKind.WITHDRAW_PROFILE: {"withdraw": FollowUpStatus.DONE, "dismiss": FollowUpStatus.DISMISSED},
    FollowUpKind.OTHER: {"done": FollowUpStatus.DONE, "dismiss": FollowUpStatus.DISMISSED},
}


def follow_up_resolve(*, actor, follow_up: FollowUpAction, action: str, comment: str) -> FollowUpAction:
    """A reviewer carries out a signed report's follow-up (withdrawing the profile through
    the profile workflow) or dismisses it; either way with a reason."""
    comment = (comment or "").strip()

    def work() -> FollowUpAction:
        actor_require_role(actor, Role.REVIEWER, _("Only a reviewer acts on follow-up requests."))
        outcomes = FOLLOW_UP_OUTCOMES[follow_up.kind]
        if action not in outcomes:
            raise DomainError.single(
                "invalid_action", _("This follow-up can be: %(actions)s.") % {"actions": ", ".join(outcomes)}, "action"
            )
        if not comment:
            raise DomainError.single("comment_required", _("Give a reason in the comment."), "comment")
        current = FollowUpAction.objects.select_for_update().select_related("finding__report").get(pk=follow_up.pk)
        if current.finding.report.status != ReportStatus.SIGNED_OFF:
            raise conflict("invalid_state", _("Follow-ups are acted on after the DPO has signed the report."))
        if current.status != FollowUpStatus.OPEN:
            raise conflict("invalid_state", _("This follow-up has already been resolved."))
        profile = None
        if action == "withdraw":
            profile = (
                profile_selectors.profile_versions(code=current.profile_code)
                .filter(status__in=["approved", "active"])
                .order_by("-version")
                .first()
            )
            if profile is None:
                raise conflict(
                    "nothing_to_withdraw",
                    _("No approved or active version of %(code)s exists; dismiss the request instead.")
                    % {"code": current.profile_code},
                )
            profile = profile_transition(
                actor=actor,
                profile=profile,
                action="withdraw",
                comment=f"{comment} (bias report {current.finding.report.public_id})",
            )
        if not FollowUpAction.objects.filter(pk=current.pk, status=FollowUpStatus.OPEN).update(
            status=outcomes[action],
            resolved_by=actor_user(actor),
            resolved_at=timezone.now(),
            resolution_comment=comment,
        ):
            raise conflict("invalid_state", _("This follow-up has already been resolved."))
        current.refresh_from_db()
        events.follow_up_resolved(
            actor=actor,
            follow_up=current,
            outcome="dismissed" if action == "dismiss" else "done",
            comment=comment,
            profile=profile,
        )
        return current

    # The withdraw inside runs its own audited scope: a refused withdraw stays on record
    # even though this scope rolls back (audit.refusals writes it after the outermost one).
    with audited_refusal(lambda error: events.follow_up_refused(actor=actor, follow_up=follow_up, codes=error.codes)):
        return work()
