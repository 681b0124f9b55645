"""Writes of profile generation: parameter sets and their workflow, runs, run review.

Every door (page, API, command, Celery beat, seed_demo) calls these. Each checks the
actor (accounts.actors), changes state with a conditional update, and writes its audit
event in the same transaction; refused attempts are audited after the rollback.
"""

from __future__ import annotations

import calendar
import time
import uuid
from datetime import date, timedelta
from typing import Any

import duckdb
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.actors import SystemActor, actor_name, actor_require, actor_require_role, actor_user
from accounts.roles import AUTHOR_PARAMETERS, AUTHOR_PROFILES, START_GENERATION, Role
from audit.refusals import audited_refusal
from audit.selectors import audit_actor_ids
from jobs.services import job_create, job_enqueue_on_commit, job_fail, job_progress, job_start, job_succeed
from problems import DomainError, Problem, conflict, forbidden
from profiles.characteristics import Characteristic
from profiles.models import ProfileKind, ProfileStatus
from profiles.selectors import active_profiles_on, catalogue_choices, catalogue_index
from profiles.services import profile_transition, profiles_generated_submit

from . import events
from .computation import compute, generated_justification, path_key, records_load
from .models import (
    DEFAULT_FEATURES_ORDERED,
    PARAMETER_OPEN_STATUSES,
    CandidateChange,
    CandidateOutcome,
    GenerationRun,
    ParameterSet,
    ParameterSetStatus,
    ParameterSetTransition,
    RunCandidate,
    RunOrigin,
    RunStatus,
)
from .tree import TreeParameters, outline
from .workflow import ACTION_LABELS, TRANSITIONS

JOB_KIND = "generation_run"
GENERATOR_ACCOUNT = "iob-generator"
# The generator proposes profiles; it holds no workflow role, so it can never approve them.
GENERATOR = SystemActor("generation", frozenset({AUTHOR_PROFILES}))
SCHEDULER = SystemActor("schedule", frozenset({START_GENERATION}))
PARAMETER_FIELDS = (
    "features_ordered",
    "min_group_size",
    "chance_max_hit_rate",
    "chance_max_refusal_rate",
    "risk_min_hit_rate",
    "min_depth",
)


# --- Parameters ----------------------------------------------------------------------------------


def parameters_check(data: Any) -> tuple[dict[str, Any], list[Problem]]:
    """Every problem with a parameter set's values at once; returns the cleaned values."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return {}, [Problem("invalid", _("The parameters must be an object."), None)]
    clean: dict[str, Any] = {}
    features = data.get("features_ordered", DEFAULT_FEATURES_ORDERED)
    if isinstance(features, str):
        features = [f.strip() for f in features.split(",") if f.strip()]
    if not isinstance(features, list | tuple) or sorted(map(str, features)) != sorted(Characteristic.values):
        problems.append(
            Problem(
                "invalid_split_order",
                _("The split order names each of the seven characteristics exactly once (%(names)s).")
                % {"names": ", ".join(Characteristic.values)},
                "features_ordered",
            )
        )
    else:
        clean["features_ordered"] = [str(f) for f in features]
    size = data.get("min_group_size")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        try:
            size = int(str(size)) if str(size).strip().isdigit() else None
        except ValueError:
            size = None
    if not isinstance(size, int) or size < 1:
        problems.append(
            Problem(
                "invalid_min_group_size", _("The minimum group size is a whole number of at least 1."), "min_group_size"
            )
        )
    else:
        clean["min_group_size"] = size
    for key in ("chance_max_hit_rate", "chance_max_refusal_rate", "risk_min_hit_rate"):
        value = data.get(key)
        try:
            rate = float(value) if not isinstance(value, bool) and value is not None and value != "" else None
        except (TypeError, ValueError):
            rate = None
        if rate is None or not 0 <= rate <= 1:
            problems.append(Problem("invalid_rate", _("A rate is a fraction between 0 and 1."), key))
        else:
            clean[key] = rate
    depth = data.get("min_depth", 3)
    try:
        depth = int(depth) if not isinstance(depth, bool) and str(depth).strip().lstrip("-").isdigit() else None
    except ValueError:
        depth = None
    if depth is None or not 3 <= depth <= 7:
        problems.append(
            Problem(
                "invalid_min_depth",
                _("A profile uses at least three characteristics: the minimum depth is 3 to 7, never lower than 3."),
                "min_depth",
            )
        )
    else:
        clean["min_depth"] = depth
    return clean, problems


def _ps_refused(actor, action: str, target=None):
    return lambda error: events.parameter_set_refused(actor=actor, action=action, codes=error.codes, target=target)


def parameter_set_create(*, actor, name: str, explanation: str = "", **values: Any) -> ParameterSet:
    """A policy officer writes version 1 of a parameter set, as a draft."""
    with audited_refusal(_ps_refused(actor, "create")):
        actor_require(actor, AUTHOR_PARAMETERS, _("Only a policy officer may write parameter sets."))
        clean, problems = parameters_check(values)
        name = (name or "").strip()
        if not name or len(name) > 100:
            problems.append(Problem("required", _("Give the parameter set a name (at most 100 characters)."), "name"))
        if problems:
            raise DomainError(problems)
        if ParameterSet.objects.filter(name=name).exists():
            raise conflict("duplicate_name", _("A parameter set with this name exists; make a new version of it."))
        ps = ParameterSet.objects.create(
            name=name, explanation=(explanation or "").strip(), created_by=actor_user(actor), **clean
        )
        events.parameter_set_created(actor=actor, parameter_set=ps)
        return ps


def parameter_set_update(
    *, actor, parameter_set: ParameterSet, explanation: str | None = None, **values: Any
) -> ParameterSet:
    """Change a draft's values."""
    with audited_refusal(_ps_refused(actor, "update", parameter_set)):
        actor_require(actor, AUTHOR_PARAMETERS, _("Only a policy officer may write parameter sets."))
        current = ParameterSet.objects.select_for_update().get(pk=parameter_set.pk)
        if current.status != ParameterSetStatus.DRAFT:
            raise conflict(
                "not_editable",
                _("Only a draft can be changed; an approved version is never edited. Make a new version instead."),
            )
        before = events._parameters(current)
        merged = {**current.as_parameters(), **{k: v for k, v in values.items() if k in PARAMETER_FIELDS}}
        clean, problems = parameters_check(merged)
        if problems:
            raise DomainError(problems)
        for key, value in clean.items():
            setattr(current, key, value)
        if explanation is not None:
            current.explanation = explanation.strip()
        current.save()
        events.parameter_set_updated(actor=actor, parameter_set=current, before=before)
        return current


def parameter_set_new_version(*, actor, parameter_set: ParameterSet) -> ParameterSet:
    """Start version n+1 as a draft from the latest closed version."""
    with audited_refusal(_ps_refused(actor, "new_version", parameter_set)):
        actor_require(actor, AUTHOR_PARAMETERS, _("Only a policy officer may write parameter sets."))
        source = ParameterSet.objects.select_for_update().get(pk=parameter_set.pk)
        if ParameterSet.objects.filter(name=source.name, status__in=PARAMETER_OPEN_STATUSES).exists():
            raise conflict("version_open", _("A version of this parameter set is already being written."))
        if ParameterSet.objects.filter(name=source.name, version__gt=source.version).exists():
            raise conflict("not_latest", _("A newer version of this parameter set exists; start from the latest."))
        copy = ParameterSet.objects.create(
            name=source.name,
            version=source.version + 1,
            previous_version=source,
            explanation=source.explanation,
            created_by=actor_user(actor),
            **source.as_parameters(),
        )
        events.parameter_set_created(actor=actor, parameter_set=copy)
        return copy


def _contributor_ids(ps: ParameterSet) -> set[int]:
    ids = {ps.created_by_id}
    if ps.submitted_by_id:
        ids.add(ps.submitted_by_id)
    ids |= audit_actor_ids(
        target_type="generation.parameterset",
        target_id=str(ps.public_id),
        event_types=["parameter_set.created", "parameter_set.updated", "parameter_set.submit"],
    )
    return ids


def parameter_set_transition(*, actor, parameter_set: ParameterSet, action: str, comment: str = "") -> ParameterSet:
    """submit, reopen, approve, request_changes, reject, withdraw. 403 for role or four
    eyes, 409 for the state."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError.single("unknown_action", _("Unknown action."), "action")
    comment = (comment or "").strip()
    with audited_refusal(_ps_refused(actor, action, parameter_set)):
        actor_require_role(actor, transition.role)
        current = ParameterSet.objects.select_for_update().get(pk=parameter_set.pk)
        if current.status not in transition.sources:
            raise conflict(
                "invalid_state",
                _("A parameter set that is “%(status)s” does not allow the action “%(action)s”.")
                % {"status": ParameterSetStatus(current.status).label, "action": ACTION_LABELS[action]},
            )
        if transition.four_eyes and actor.pk in _contributor_ids(current):
            raise forbidden(
                "four_eyes", _("You wrote or submitted this version; someone else must review it (four eyes).")
            )
        if transition.comment_required and not comment:
            raise DomainError.single("comment_required", _("Give a reason in the comment."), "comment")
        if action == "submit":
            _clean, problems = parameters_check(current.as_parameters())
            if problems:
                raise DomainError(problems)
        now = timezone.now()
        updates: dict[str, Any] = {"status": transition.target, "updated_at": now}
        if action == "submit":
            updates.update(submitted_by=actor, submitted_at=now)
        elif action == "approve":
            updates.update(approved_by=actor, approved_at=now)
        elif action == "reopen":
            updates.update(submitted_by=None, submitted_at=None)
        moved = ParameterSet.objects.filter(pk=current.pk, status=current.status).update(**updates)
        if not moved:
            raise conflict("invalid_state", _("The parameter set changed meanwhile; reload and try again."))
        ParameterSetTransition.objects.create(
            parameter_set=current,
            action=action,
            from_status=current.status,
            to_status=transition.target,
            actor=actor,
            comment=comment,
        )
        events.parameter_set_transitioned(
            actor=actor,
            parameter_set=current,
            action=action,
            from_status=current.status,
            to_status=transition.target,
            comment=comment,
        )
        current.refresh_from_db()
        return current


# --- Runs ----------------------------------------------------------------------------------------


def run_month(today: date) -> tuple[date, date, date, date]:
    """For a run made in `today`'s month: its window (the five years that end with the
    previous month) and the month its profiles are for (the next one)."""
    window_to = today.replace(day=1) - timedelta(days=1)
    start = window_to + timedelta(days=1)
    window_from = start.replace(year=start.year - 5)
    valid_from = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    valid_until = valid_from.replace(day=calendar.monthrange(valid_from.year, valid_from.month)[1])
    return window_from, window_to, valid_from, valid_until


def parameter_set_current() -> ParameterSet | None:
    """The newest approved parameter set (the one runs use unless told otherwise)."""
    return ParameterSet.objects.filter(status=ParameterSetStatus.APPROVED).order_by("-approved_at", "-id").first()


def _run_refused(actor, action: str, target=None):
    return lambda error: events.run_refused(actor=actor, action=action, codes=error.codes, target=target)


def run_request(
    *, actor, origin: str, parameter_set: ParameterSet | None = None, today: date | None = None, enqueue: bool = True
) -> GenerationRun:
    """Start (or find) the run for this month and parameter set. Idempotent: the same
    month, parameter set and window give the run already made unless it failed."""
    today = today or timezone.localdate()
    window_from, window_to, valid_from, valid_until = run_month(today)
    with audited_refusal(_run_refused(actor, "start")):
        actor_require(actor, START_GENERATION, _("Only a policy officer may start a generation run."))
        ps = parameter_set or parameter_set_current()
        if ps is None:
            raise conflict(
                "no_approved_parameter_set",
                _("No parameter set is approved; a reviewer must approve one before a run."),
            )
        ps = ParameterSet.objects.get(pk=ps.pk)
        if ps.status != ParameterSetStatus.APPROVED:
            raise conflict(
                "parameter_set_not_approved",
                _(
                    "Parameter set %(name)s is “%(status)s”: only an approved parameter set can produce "
                    "profiles for review."
                )
                % {"name": str(ps), "status": ParameterSetStatus(ps.status).label},
            )
        key = {"parameter_set": ps, "valid_from": valid_from, "window_from": window_from, "window_to": window_to}
        existing = GenerationRun.objects.filter(**key).exclude(status=RunStatus.FAILED).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                public_id = uuid.uuid4()
                job = job_create(kind=JOB_KIND, params={"run": str(public_id)}, created_by=actor_user(actor))
                run = GenerationRun.objects.create(
                    public_id=public_id,
                    parameters=ps.as_parameters(),
                    origin=origin,
                    valid_until=valid_until,
                    job=job,
                    created_by=actor_user(actor),
                    started_by_name=actor_name(actor),
                    **key,
                )
                events.run_requested(actor=actor, run=run)
        except IntegrityError:
            # The same run was requested at the same moment (a double click): that one stands.
            existing = GenerationRun.objects.filter(**key).exclude(status=RunStatus.FAILED).first()
            if existing is None:
                raise
            return existing
        if enqueue:
            from .tasks import execute_run

            job_enqueue_on_commit(task=execute_run, job=job, run_id=run.pk)
        return run


def run_schedule_monthly(*, today: date | None = None) -> GenerationRun:
    """Celery beat, monthly: the month's run with the current approved parameter set."""
    return run_request(actor=SCHEDULER, origin=RunOrigin.SCHEDULE, today=today)


def _active_generated(*, day: date) -> dict[str, Any]:
    """Generated profiles active on `day` by group key: the set a run is compared with
    (the day before its month starts, i.e. the set its profiles replace)."""
    out = {}
    for profile in active_profiles_on(day=day).filter(origin="generated").prefetch_related("criteria"):
        criteria = {c.characteristic: c.values[0] for c in profile.criteria.all() if len(c.values) == 1}
        if len(criteria) == profile.criteria.count():
            out[path_key(criteria)] = profile
    return out


def run_execute(*, run_id: int, job_id: int | None = None) -> GenerationRun:
    """Compute a queued run and store its candidates, profiles and comparison. A run that
    is already finished is left as it is (a retry or a duplicate delivery)."""
    if job_id is not None and not job_start(job_id=job_id):
        return GenerationRun.objects.get(pk=run_id)
    run = GenerationRun.objects.get(pk=run_id)
    if run.is_finished:
        if job_id is not None:
            job_succeed(job_id=job_id, result={"run": str(run.public_id)}, message=gettext("Already done"))
        return run
    if not GenerationRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING
    ):
        return GenerationRun.objects.get(pk=run_id)

    def progress(pct: int, message: str) -> None:
        if job_id is not None:
            job_progress(job_id=job_id, progress=pct, message=message)

    started = time.monotonic()
    progress(5, gettext("Reading the decided applications of the window"))
    params = TreeParameters.from_dict(run.parameters)
    con = duckdb.connect()
    try:
        records_load(con, window_from=run.window_from, window_to=run.window_to)
        progress(30, gettext("Grouping the records (one ROLLUP pass)"))
        computed = compute(
            con=con,
            parameters=params,
            window_from=run.window_from,
            window_to=run.window_to,
            catalogue=catalogue_index(),
            valid_from=run.valid_from,
            valid_until=run.valid_until,
        )
    finally:
        con.close()
    progress(60, gettext("Proposing the profiles for review"))
    with transaction.atomic():
        locked = GenerationRun.objects.select_for_update().get(pk=run_id)
        if locked.status != RunStatus.RUNNING:
            return locked
        _store(locked, computed, params)
        locked.duration_ms = int((time.monotonic() - started) * 1000)
        locked.status = RunStatus.COMPLETED
        locked.finished_at = timezone.now()
        locked.save()
        events.run_completed(actor=locked.created_by or GENERATOR, run=locked)
    if job_id is not None:
        job_succeed(job_id=job_id, result={"run": str(locked.public_id)}, message=gettext("Run complete"))
    return locked


def _store(run: GenerationRun, computed, params: TreeParameters) -> None:
    from accounts.services import service_account_get

    active = _active_generated(day=run.valid_from - timedelta(days=1))
    proposed = [leaf for leaf in computed.leaves if leaf.proposed]
    author = run.created_by or service_account_get(username=GENERATOR_ACCOUNT)
    # Titles in the portal's language, with the catalogue's labels: a reviewer reads
    # "Istanbul · Toerisme · Turkije", not "application_location=TRIST, …".
    labels = {c: dict(rows) for c, rows in catalogue_choices(language="nl").items()}

    def title(characteristics: dict[str, str]) -> str:
        words = " · ".join(labels.get(c, {}).get(v) or v for c, v in characteristics.items())
        return ("Gegenereerd: " + words)[:200]

    profiles = profiles_generated_submit(
        actor=GENERATOR,
        author=author,
        generation_run_id=run.public_id,
        candidates=[
            {
                "kind": leaf.kind,
                "title": title(leaf.characteristics),
                "criteria": [{"characteristic": c, "values": [v]} for c, v in leaf.characteristics.items()],
                "valid_from": run.valid_from,
                "valid_until": run.valid_until,
                "justification": generated_justification(
                    characteristics=leaf.characteristics,
                    n=leaf.node.n,
                    hit_rate=leaf.node.hit_rate,
                    refusal_rate=leaf.node.refusal_rate,
                )
                if leaf.kind == ProfileKind.RISK
                else None,
                "evidence": {
                    "evidence_group_size": leaf.node.n,
                    "evidence_chain_hit_rate": leaf.node.hit_rate,
                    "evidence_refusal_rate": leaf.node.refusal_rate,
                    "evidence_period_from": run.window_from,
                    "evidence_period_until": run.window_to,
                },
            }
            for leaf in proposed
        ],
    )
    rows = []
    seen: set[str] = set()
    counts = {"chance": 0, "risk": 0, "dropped": 0, "new": 0, "unchanged": 0, "changed_type": 0, "gone": 0}
    for leaf, profile in zip(proposed, profiles, strict=True):
        key = path_key(leaf.characteristics)
        seen.add(key)
        before = active.get(key)
        change = (
            CandidateChange.NEW
            if before is None
            else CandidateChange.UNCHANGED
            if before.kind == leaf.kind
            else CandidateChange.CHANGED_TYPE
        )
        counts[leaf.kind] += 1
        counts[change] += 1
        rows.append(
            RunCandidate(
                run=run,
                outcome=CandidateOutcome.PROPOSED,
                change=change,
                kind=leaf.kind,
                previous_kind=before.kind if before else "",
                depth=leaf.node.depth,
                characteristics=leaf.characteristics,
                path_key=key,
                n=leaf.node.n,
                hit_rate=leaf.node.hit_rate,
                refusal_rate=leaf.node.refusal_rate,
                profile=profile,
                previous_profile=before,
            )
        )
    for leaf in computed.leaves:
        if not leaf.proposed:
            counts["dropped"] += 1
            rows.append(
                RunCandidate(
                    run=run,
                    outcome=CandidateOutcome.DROPPED,
                    kind=leaf.kind,
                    depth=leaf.node.depth,
                    characteristics=leaf.characteristics,
                    path_key=path_key(leaf.characteristics),
                    n=leaf.node.n,
                    hit_rate=leaf.node.hit_rate,
                    refusal_rate=leaf.node.refusal_rate,
                    reasons=leaf.reasons,
                )
            )
    for key, before in active.items():
        if key not in seen:
            counts["gone"] += 1
            characteristics = {c.characteristic: c.values[0] for c in before.criteria.all()}
            rows.append(
                RunCandidate(
                    run=run,
                    outcome=CandidateOutcome.GONE,
                    change=CandidateChange.GONE,
                    kind=before.kind,
                    previous_kind=before.kind,
                    depth=len(characteristics),
                    characteristics=characteristics,
                    path_key=key,
                    n=before.evidence_group_size or 0,
                    hit_rate=before.evidence_chain_hit_rate or 0,
                    refusal_rate=before.evidence_refusal_rate or 0,
                    previous_profile=before,
                )
            )
    RunCandidate.objects.bulk_create(rows, batch_size=500)
    run.n_records = computed.tree.n_records
    run.input_checksum = computed.checksum
    run.counts = {**counts, "nodes_after_cut": computed.tree.nodes_after_cut}
    run.outline = outline(computed.tree)


def run_fail(*, run_id: int, job_id: int | None, error: str) -> None:
    """The job gave up: the run is marked failed with the reason (once); a new request may
    then start the month again."""
    with transaction.atomic():
        moved = GenerationRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
            status=RunStatus.FAILED, error=error[:5000], finished_at=timezone.now()
        )
        if moved:
            run = GenerationRun.objects.get(pk=run_id)
            events.run_failed(actor=run.created_by or GENERATOR, run=run, error=error)
    if job_id is not None:
        job_fail(job_id=job_id, error=error)


def run_dry(
    *,
    parameters: dict[str, Any],
    today: date | None = None,
    window_from: date | None = None,
    window_to: date | None = None,
) -> dict[str, Any]:
    """The run's document (iob-profile-run/1) without storing anything (`--dry-run`)."""
    from .computation import run_document

    clean, problems = parameters_check(parameters)
    if problems:
        raise DomainError(problems)
    default_from, default_to, valid_from, valid_until = run_month(today or timezone.localdate())
    window_from, window_to = window_from or default_from, window_to or default_to
    if window_from > window_to:
        raise DomainError.single("invalid_window", _("The window ends before it starts."), "to")
    con = duckdb.connect()
    try:
        records_load(con, window_from=window_from, window_to=window_to)
        computed = compute(
            con=con,
            parameters=TreeParameters.from_dict(clean),
            window_from=window_from,
            window_to=window_to,
            catalogue=catalogue_index(),
            valid_from=valid_from,
            valid_until=valid_until,
        )
    finally:
        con.close()
    return run_document(computed=computed, window_from=window_from, window_to=window_to)


# --- Review ----------------------------------------------------------------------------------------


def run_chance_approve(*, actor, run: GenerationRun, candidate_ids: list[int], comment: str) -> int:
    """Approve a filtered selection of a run's chance profiles with one comment, each
    through the profile workflow (role and four eyes hold for every one). All or none."""
    comment = (comment or "").strip()
    with audited_refusal(_run_refused(actor, "bulk_approve", run)):
        actor_require_role(actor, Role.REVIEWER, _("Only a reviewer may approve profiles."))
        if not comment:
            raise DomainError.single("comment_required", _("Give one comment for the whole selection."), "comment")
        candidates = list(
            RunCandidate.objects.select_related("profile").filter(
                run=run, pk__in=candidate_ids, outcome=CandidateOutcome.PROPOSED
            )
        )
        if not candidates:
            raise DomainError.single("empty_selection", _("The selection holds no profile to approve."), None)
        if any(c.kind != ProfileKind.CHANCE for c in candidates):
            raise DomainError.single(
                "risk_in_selection", _("Risk profiles are approved one by one, with the DPO's sign-off."), None
            )
        count = 0
        for candidate in candidates:
            assert candidate.profile is not None  # a proposed candidate always has its profile (PROTECT)
            if candidate.profile.status != ProfileStatus.IN_REVIEW:
                continue
            profile_transition(actor=actor, profile=candidate.profile, action="approve", comment=comment)
            count += 1
        if not count:
            raise conflict("nothing_to_approve", _("Every profile in the selection has already been decided."))
        events.run_bulk_approved(
            actor=actor, run=run, count=count, filters={"ids": len(candidate_ids)}, comment=comment
        )
        return count
