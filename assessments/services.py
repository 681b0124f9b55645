"""The only writers of DPIA and IAMA documents.

Every write checks the actor's role (accounts/roles.py), that the version is a draft,
and writes its audit event in the same transaction; refusals are audited. The database
repeats the draft-only and four-eyes rules (migration 0002).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.actors import actor_require, actor_require_role, actor_user
from accounts.roles import AUTHOR_ASSESSMENTS
from audit.refusals import audited_refusal
from prefill import registry
from prefill import services as prefill_services
from prefill.selectors import provenance_for
from problems import DomainError, Problem, conflict, forbidden

from . import events
from .models import (
    ActionPoint,
    ActionStatus,
    Answer,
    AnswerItem,
    Assessment,
    AssessmentVersion,
    DocumentKind,
    Participant,
    QuestionSet,
    ReviewFlag,
    VersionAuthor,
    VersionStatus,
)
from .questionsets import (
    CURRENT,
    Question,
    carry_over_mapping,
    content_sha256,
    effective_prefill,
    questionset_data,
    questionset_files,
)
from .selectors import version_content_hash
from .workflow import TRANSITIONS

TITLES: dict[str, str] = {DocumentKind.DPIA: "DPIA IOB", DocumentKind.IAMA: "IAMA IOB"}
REVIEW_PERIOD_DAYS = 365
MAX_TEXT = 20_000
MAX_ITEMS = 200


def _refused(actor: Any, action: str, target: Any = None):
    return audited_refusal(
        lambda error: events.assessment_refused(actor=actor, action=action, codes=error.codes, target=target)
    )


# --- Question sets --------------------------------------------------------------------------


def questionset_sync() -> list[QuestionSet]:
    """Store every question-set file not stored yet; refuse a stored set whose file changed."""
    out = []
    with transaction.atomic():
        for (prefix, version), data in questionset_files().items():
            sha = content_sha256(data)
            row = QuestionSet.objects.filter(prefix=prefix, version=version).first()
            if row is None:
                row = QuestionSet.objects.create(
                    prefix=prefix,
                    version=version,
                    title=data["title"],
                    edition=str(data.get("edition", "")),
                    content=data,
                    content_sha256=sha,
                )
                events.questionset_loaded(qs=row)
            elif row.content_sha256 != sha:
                raise DomainError.single(
                    "questionset_changed",
                    _("Question set %(set)s is in use and its file has changed: save the change under a new version.")
                    % {"set": f"{prefix} v{version}"},
                )
            out.append(row)
    return out


def questionset_latest(prefix: str) -> QuestionSet:
    row = QuestionSet.objects.filter(prefix=prefix).order_by("-version").first()
    if row is None:
        questionset_sync()
        row = QuestionSet.objects.filter(prefix=prefix).order_by("-version").first()
    if row is None:
        raise DomainError.single("questionset_missing", _("No question set %(p)s is installed.") % {"p": prefix})
    return row


# --- Documents and versions -----------------------------------------------------------------


def assessment_ensure(*, actor: Any, kind: str, question_set: QuestionSet | None = None) -> Assessment:
    """The IOB DPIA or IAMA, created with a first draft on the current question set (or
    the one given: an IAMA begun on the 2021 edition)."""
    with _refused(actor, "create"):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        if kind not in DocumentKind.values:
            raise DomainError.single("invalid_kind", _("Unknown document kind."), "kind")
        assessment, created = Assessment.objects.get_or_create(
            kind=kind, system="IOB", defaults={"title": TITLES[kind]}
        )
        if created:
            events.assessment_created(actor=actor, assessment=assessment)
            version = AssessmentVersion.objects.create(
                assessment=assessment,
                number=1,
                question_set=question_set or questionset_latest(CURRENT[kind]),
                created_by=actor_user(actor),
            )
            events.version_created(actor=actor, version=version, carry_over={})
        return assessment


def _locked(version: AssessmentVersion) -> AssessmentVersion:
    return AssessmentVersion.objects.select_for_update().select_related("question_set", "assessment").get(pk=version.pk)


def _require_draft(version: AssessmentVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise conflict(
            "not_draft",
            _("Only a draft version can be changed; this one is %(status)s.")
            % {"status": version.get_status_display()},
        )


def _author(version: AssessmentVersion, actor: Any) -> None:
    user = actor_user(actor)
    if user is not None:
        VersionAuthor.objects.get_or_create(version=version, user=user)


def version_new(
    *, actor: Any, assessment: Assessment, question_set: QuestionSet | None = None, note: str = ""
) -> AssessmentVersion:
    """Open the next draft from the newest version: answers, items, action points,
    participants and prefill provenance copied; with another question set, answers
    carried over by key (or the crosswalk) and every new or changed question marked."""
    with _refused(actor, "new_version", assessment):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        latest = (
            AssessmentVersion.objects.select_for_update()
            .filter(assessment=assessment)
            .order_by("-number")
            .select_related("question_set")
            .first()
        )
        if latest is None:
            raise DomainError.single("no_version", _("This document has no version yet."))
        if latest.status != VersionStatus.SIGNED and latest.status != VersionStatus.SUPERSEDED:
            raise conflict(
                "open_version_exists",
                _("Version %(n)d is still open: finish or return it before starting a new one.") % {"n": latest.number},
            )
        target_set = question_set or latest.question_set
        if target_set.prefix.startswith("dpia") != (assessment.kind == DocumentKind.DPIA):
            raise DomainError.single("wrong_question_set", _("That question set belongs to the other document."))
        version = AssessmentVersion.objects.create(
            assessment=assessment,
            number=latest.number + 1,
            question_set=target_set,
            previous=latest,
            note=note[:2000],
            created_by=actor_user(actor),
        )
        notes = _carry_over(latest, version)
        AssessmentVersion.objects.filter(pk=version.pk).update(carry_over=notes)
        version.carry_over = notes
        events.version_created(actor=actor, version=version, carry_over=notes)
        return version


def _copy_answer(old: Answer, version: AssessmentVersion, key: str, flag: str) -> Answer:
    new = Answer.objects.create(
        version=version,
        key=key,
        value=old.value,
        considerations=old.considerations,
        review_flag=flag,
        answered_by=old.answered_by,
        answered_at=old.answered_at,
    )
    AnswerItem.objects.bulk_create(
        [AnswerItem(answer=new, item_id=i.item_id, position=i.position, value=i.value) for i in old.items.all()]
    )
    prefill_services.prefill_copy(source=old, target=new)
    return new


def _carry_over(old_version: AssessmentVersion, version: AssessmentVersion) -> dict[str, Any]:
    old_set, new_set = questionset_data(old_version.question_set), questionset_data(version.question_set)
    answers = {a.key: a for a in old_version.answers.prefetch_related("items")}
    notes: dict[str, Any] = {}
    if old_set.sha256 == new_set.sha256:
        for key, answer in answers.items():
            _copy_answer(answer, version, key, answer.review_flag)
    else:
        mapping = carry_over_mapping(old_set, new_set)
        for key, old_key in mapping.same.items():
            if old_key in answers:
                _copy_answer(answers[old_key], version, key, ReviewFlag.CARRIED)
                notes[key] = {"flag": "carried", "from": [old_key]}
        for key, old_key in mapping.changed.items():
            notes[key] = {"flag": "changed", "from": [old_key], "old_question": old_set.by_key[old_key].text}
            if old_key in answers:
                copied = _copy_answer(answers[old_key], version, key, ReviewFlag.CARRIED)
                lost = _drop_unknown_choices(copied, old_set.by_key[old_key], new_set.by_key[key])
                if lost:
                    # The new edition no longer offers them: they go beside the question,
                    # as the old texts of a split question do, for the author to rework.
                    notes[key]["old"] = ", ".join(lost)
        for key, old_keys in mapping.mapped.items():
            present = [k for k in old_keys if k in answers]
            notes[key] = {"flag": "mapped", "from": old_keys}
            if (
                len(present) == 1
                and len(old_keys) == 1
                and _same_shape(old_set.by_key[present[0]], new_set.by_key[key])
            ):
                _copy_answer(answers[present[0]], version, key, ReviewFlag.MAPPED)
            elif present:
                # Split or merged: the old texts go beside the new question, for the author to rework.
                notes[key]["old"] = "\n\n".join(f"[{k}] {answers[k].value.get('text', '')}".strip() for k in present)
        for key in mapping.new:
            notes[key] = {"flag": "new", "from": []}
    for point in old_version.action_points.all():
        ActionPoint.objects.create(
            version=version,
            item_id=point.item_id,
            part=point.part,
            text=point.text,
            owner=point.owner,
            due_on=point.due_on,
            status=point.status,
            created_by=point.created_by,
        )
    Participant.objects.bulk_create(
        [
            Participant(
                version=version, name=p.name, function=p.function, role_code=p.role_code, organisation=p.organisation
            )
            for p in old_version.participants.all()
        ]
    )
    return notes


def _drop_unknown_choices(answer: Answer, old: Question, new: Question) -> list[str]:
    """Remove from a copied answer the options the new question does not offer (the
    answer would not validate again); return their old labels."""
    value = dict(answer.value or {})
    chosen = [value["choice"]] if value.get("choice") else list(value.get("choices") or [])
    lost = [c for c in chosen if c not in new.options]
    if not lost:
        return []
    if value.get("choice"):
        del value["choice"]
    else:
        kept = [c for c in value["choices"] if c in new.options]
        if kept:
            value["choices"] = kept
        else:
            del value["choices"]
    Answer.objects.filter(pk=answer.pk).update(value=value)
    answer.value = value
    return old.labels(lost)


def _same_shape(a: Question, b: Question) -> bool:
    return a.kind == b.kind == "text"


# --- Answers --------------------------------------------------------------------------------


def _clean_text(value: Any, key: str, problems: list[Problem], limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem("invalid_value", _("Expected text."), key))
        return ""
    if len(value) > limit:
        problems.append(Problem("too_long", _("At most %(n)d characters.") % {"n": limit}, key))
    return value.replace("\r\n", "\n").strip()


def _clean_field(field: dict[str, Any], raw: Any, key: str, problems: list[Problem]) -> Any:
    where = f"{key}.{field['name']}"
    if field.get("kind") == "yesno":
        if raw in (None, ""):
            return None
        if raw in (True, "yes", "true", "1", "on"):
            return True
        if raw in (False, "no", "false", "0"):
            return False
        problems.append(Problem("invalid_value", _("Answer yes or no."), where))
        return None
    text = _clean_text(raw, where, problems, 5000)
    if field.get("kind") == "choice" and text and text not in field.get("options", ()):
        problems.append(Problem("invalid_choice", _("Choose one of the listed options."), where))
    return text


def _clean_answer(
    q: Question, payload: dict[str, Any], problems: list[Problem]
) -> tuple[dict[str, Any], str, list[dict[str, Any]] | None]:
    value: dict[str, Any] = {}
    text = _clean_text(payload.get("text"), q.key, problems)
    if text:
        value["text"] = text
    if q.kind == "yesno":
        raw = payload.get("yes")
        if raw in (True, "yes", "true"):
            value["yes"] = True
        elif raw in (False, "no", "false"):
            value["yes"] = False
        elif raw not in (None, ""):
            problems.append(Problem("invalid_value", _("Answer yes or no."), q.key))
    elif q.kind == "choice":
        choice = payload.get("choice") or ""
        if choice and choice not in q.options:
            problems.append(Problem("invalid_choice", _("Choose one of the listed options."), q.key))
        elif choice:
            value["choice"] = choice
    elif q.kind == "multiselect":
        choices = payload.get("choices") or []
        if not isinstance(choices, list) or any(c not in q.options for c in choices):
            problems.append(Problem("invalid_choice", _("Choose from the listed options."), q.key))
        elif choices:
            value["choices"] = [c for c in q.options if c in choices]
    elif q.kind == "date":
        raw = payload.get("date") or ""
        if raw:
            try:
                value["date"] = date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                problems.append(Problem("invalid_date", _("Enter a date as YYYY-MM-DD."), q.key))
    elif q.kind == "form":
        fields = payload.get("fields") or {}
        cleaned = {f["name"]: _clean_field(f, fields.get(f["name"]), q.key, problems) for f in q.fields}
        cleaned = {k: v for k, v in cleaned.items() if v not in (None, "")}
        if cleaned:
            value["fields"] = cleaned
    items: list[dict[str, Any]] | None = None
    if q.kind == "repeatable":
        raw_items = payload.get("items") or []
        if not isinstance(raw_items, list) or len(raw_items) > MAX_ITEMS:
            problems.append(Problem("invalid_items", _("At most %(n)d items.") % {"n": MAX_ITEMS}, q.key))
            raw_items = []
        items = []
        for raw in raw_items:
            fields = (raw or {}).get("values") or {}
            cleaned = {f["name"]: _clean_field(f, fields.get(f["name"]), q.key, problems) for f in q.fields}
            cleaned = {k: v for k, v in cleaned.items() if v not in (None, "")}
            if not cleaned:
                continue  # an empty row in the form: nothing to keep
            item_id = (raw or {}).get("item_id") or None
            try:
                item_id = uuid.UUID(str(item_id)) if item_id else None
            except ValueError:
                item_id = None
            items.append({"item_id": item_id, "values": cleaned})
    considerations = _clean_text(payload.get("considerations"), q.key, problems)
    return value, considerations, items


def _answer_state(answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        return {}
    return {
        "value": answer.value,
        "considerations": answer.considerations,
        "items": [{"item_id": str(i.item_id), "values": i.value} for i in answer.items.all()],
    }


def section_save(
    *, actor: Any, version: AssessmentVersion, section_id: str, answers: dict[str, dict[str, Any]]
) -> AssessmentVersion:
    """Save the answers of one section at once (all or nothing). Keys not in the section
    are refused; an answer left the same is not touched (its author and time stay)."""
    with _refused(actor, "save_section", version):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        version = _locked(version)
        _require_draft(version)
        qs = questionset_data(version.question_set)
        section = qs.section(section_id)
        if section is None:
            raise DomainError.single("unknown_section", _("This question set has no such section."), "section")
        in_section = {q.key: q for q in section.questions}
        unknown = sorted(set(answers) - set(in_section))
        if unknown:
            raise DomainError([Problem("unknown_question", _("Not a question of this section."), k) for k in unknown])
        problems: list[Problem] = []
        cleaned = {key: _clean_answer(in_section[key], payload or {}, problems) for key, payload in answers.items()}
        if problems:
            raise DomainError(problems)
        existing = {a.key: a for a in version.answers.filter(key__in=list(cleaned)).prefetch_related("items")}
        changes: dict[str, Any] = {}
        now = timezone.now()
        for key, (value, considerations, items) in cleaned.items():
            answer = existing.get(key)
            before = _answer_state(answer)
            after: dict[str, Any] = {
                "value": value,
                "considerations": considerations,
                "items": [
                    {"item_id": str(i["item_id"]) if i["item_id"] else None, "values": i["values"]}
                    for i in (items or [])
                ],
            }
            same_items = [i["values"] for i in before.get("items", [])] == [i["values"] for i in after["items"]]
            if (
                answer is not None
                and before["value"] == value
                and before["considerations"] == considerations
                and same_items
            ):
                if answer.review_flag:
                    Answer.objects.filter(pk=answer.pk).update(review_flag="")  # saved again: reviewed
                    changes[key] = {"reviewed": True}
                continue
            if answer is None:
                if not value and not considerations and not items:
                    continue
                answer = Answer.objects.create(
                    version=version,
                    key=key,
                    value=value,
                    considerations=considerations,
                    answered_by=actor_user(actor),
                    answered_at=now,
                )
            else:
                Answer.objects.filter(pk=answer.pk).update(
                    value=value,
                    considerations=considerations,
                    answered_by=actor_user(actor),
                    answered_at=now,
                    review_flag="",
                )
            if items is not None:
                _items_replace(answer, items)
            provenance = provenance_for(target=answer)
            if provenance is not None and value.get("text", "") != provenance.proposal_text:
                prefill_services.prefill_mark_edited(target=answer)
            changes[key] = {"before": before, "after": after}
        if changes:
            _author(version, actor)
            events.section_saved(actor=actor, version=version, section=section_id, changes=changes)
        return version


def _items_replace(answer: Answer, items: list[dict[str, Any]]) -> None:
    keep: set[uuid.UUID] = set()
    current = {i.item_id: i for i in answer.items.all()}
    for position, item in enumerate(items):
        item_id = item["item_id"] if item["item_id"] in current else None
        if item_id is not None and item_id not in keep:
            AnswerItem.objects.filter(pk=current[item_id].pk).update(position=position, value=item["values"])
            keep.add(item_id)
        else:
            keep.add(AnswerItem.objects.create(answer=answer, position=position, value=item["values"]).item_id)
    AnswerItem.objects.filter(answer=answer).exclude(item_id__in=keep).delete()


def prefill_accept_answer(*, actor: Any, version: AssessmentVersion, key: str, fingerprint: str) -> Answer:
    """Take the portal's proposal as the answer's text. `fingerprint` is the one the
    author saw: when the sources changed since, the author must look again."""
    with _refused(actor, "accept_prefill", version):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        version = _locked(version)
        _require_draft(version)
        qs = questionset_data(version.question_set)
        q = qs.by_key.get(key)
        if q is None or not prefill_codes(q):
            raise DomainError.single("no_prefill", _("This question has no proposal."), key)
        proposal = registry.proposal_compute(prefill_codes(q))
        if proposal is None:
            raise DomainError.single("no_prefill", _("The portal has nothing to propose for this question."), key)
        if proposal.fingerprint != fingerprint:
            raise conflict(
                "proposal_changed",
                _("The sources of this proposal changed while you looked at it: review the new proposal."),
            )
        answer = version.answers.filter(key=key).first()
        now = timezone.now()
        before = _answer_state(answer)
        if answer is None:
            answer = Answer.objects.create(
                version=version, key=key, value={"text": proposal.text}, answered_by=actor_user(actor), answered_at=now
            )
        else:
            Answer.objects.filter(pk=answer.pk).update(
                value={**answer.value, "text": proposal.text},
                answered_by=actor_user(actor),
                answered_at=now,
                review_flag="",
            )
            answer.refresh_from_db()
        prefill_services.prefill_accept(actor=actor, target=answer, proposal=proposal, edited=False)
        _author(version, actor)
        events.section_saved(
            actor=actor,
            version=version,
            section=q.section,
            changes={key: {"before": before, "after": _answer_state(answer), "prefill": proposal.codes}},
        )
        return answer


def prefill_codes(q: Question) -> tuple[str, ...]:
    return effective_prefill(q)


# --- Action points and participants ---------------------------------------------------------


def _point_dict(p: ActionPoint) -> dict[str, Any]:
    return {
        "item_id": str(p.item_id),
        "part": p.part,
        "text": p.text,
        "owner": p.owner,
        "due_on": p.due_on.isoformat() if p.due_on else None,
        "status": p.status,
    }


def action_point_save(
    *,
    actor: Any,
    version: AssessmentVersion,
    text: str,
    owner: str,
    part: str = "",
    due_on: date | None = None,
    status: str = ActionStatus.OPEN,
    item_id: Any = None,
) -> ActionPoint:
    with _refused(actor, "action_point", version):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        version = _locked(version)
        _require_draft(version)
        problems: list[Problem] = []
        text = _clean_text(text, "text", problems, 5000)
        owner = _clean_text(owner, "owner", problems, 200)
        if not text:
            problems.append(Problem("required", _("Describe the action."), "text"))
        if not owner:
            problems.append(Problem("required", _("Name an owner."), "owner"))
        if status not in ActionStatus.values:
            problems.append(Problem("invalid_choice", _("Unknown status."), "status"))
        if (
            part
            and questionset_data(version.question_set).section(part) is None
            and part not in {s.id.split(".")[0] for s in questionset_data(version.question_set).sections}
        ):
            problems.append(Problem("unknown_section", _("This question set has no such section."), "part"))
        if problems:
            raise DomainError(problems)
        point = version.action_points.filter(item_id=item_id).first() if item_id else None
        before = _point_dict(point) if point else None
        if point is None:
            point = ActionPoint.objects.create(
                version=version,
                part=part,
                text=text,
                owner=owner,
                due_on=due_on,
                status=status,
                created_by=actor_user(actor),
            )
        else:
            ActionPoint.objects.filter(pk=point.pk).update(
                part=part, text=text, owner=owner, due_on=due_on, status=status
            )
            point.refresh_from_db()
        _author(version, actor)
        events.action_point_saved(actor=actor, version=version, before=before, after=_point_dict(point))
        return point


def action_point_delete(*, actor: Any, version: AssessmentVersion, item_id: Any) -> None:
    with _refused(actor, "action_point_delete", version):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        version = _locked(version)
        _require_draft(version)
        point = version.action_points.filter(item_id=item_id).first()
        if point is None:
            raise DomainError.single("not_found", _("No such action point."), status=404)
        before = _point_dict(point)
        point.delete()
        _author(version, actor)
        events.action_point_deleted(actor=actor, version=version, before=before)


PARTICIPANT_ROLES = ("PO", "PL", "DS", "JUR", "DOM", "SEC", "COM", "ETH", "GL", "DPO", "RESP")


def participant_add(
    *, actor: Any, version: AssessmentVersion, name: str, role_code: str, function: str = "", organisation: str = ""
) -> Participant:
    with _refused(actor, "participant", version):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        version = _locked(version)
        _require_draft(version)
        problems: list[Problem] = []
        name = _clean_text(name, "name", problems, 200)
        function = _clean_text(function, "function", problems, 200)
        organisation = _clean_text(organisation, "organisation", problems, 200)
        if not name:
            problems.append(Problem("required", _("Enter a name."), "name"))
        if role_code not in PARTICIPANT_ROLES:
            problems.append(Problem("invalid_choice", _("Choose a role."), "role_code"))
        if problems:
            raise DomainError(problems)
        person = Participant.objects.create(
            version=version, name=name, role_code=role_code, function=function, organisation=organisation
        )
        _author(version, actor)
        events.participant_saved(
            actor=actor,
            version=version,
            after={"name": name, "role_code": role_code, "function": function, "organisation": organisation},
        )
        return person


def participant_delete(*, actor: Any, version: AssessmentVersion, participant_id: int) -> None:
    with _refused(actor, "participant_delete", version):
        actor_require(actor, AUTHOR_ASSESSMENTS)
        version = _locked(version)
        _require_draft(version)
        person = version.participants.filter(pk=participant_id).first()
        if person is None:
            raise DomainError.single("not_found", _("No such participant."), status=404)
        before = {"name": person.name, "role_code": person.role_code}
        person.delete()
        _author(version, actor)
        events.participant_deleted(actor=actor, version=version, before=before)


# --- Workflow -------------------------------------------------------------------------------


def _blockers(version: AssessmentVersion) -> list[Problem]:
    """What stops a version from being finalised, whatever the actor."""
    problems = []
    prohibited = version.answers.filter(key="iama26.1.3.1_prohibited_ai").values_list("value", flat=True).first()
    if prohibited and prohibited.get("yes") is True:
        problems.append(
            Problem(
                "prohibited_ai",
                _(
                    "Question 1.3.1 says this is a prohibited AI practice (AI Act art. 5): "
                    "the IAMA cannot be finalised."
                ),
            )
        )
    return problems


def version_transition(
    *,
    actor: Any,
    version: AssessmentVersion,
    action: str,
    comment: str = "",
    advice: str = "",
    review_by: date | None = None,
) -> AssessmentVersion:
    """Move a version along the workflow table (workflow.py)."""
    with _refused(actor, action, version):
        t = TRANSITIONS.get(action)
        if t is None or not t.roles:
            raise DomainError.single("unknown_action", _("Unknown action."), "action")
        if not any(_has_role(actor, role) for role in t.roles):
            actor_require_role(actor, t.roles[0])
        version = _locked(version)
        if version.status not in t.sources:
            raise conflict(
                "invalid_transition",
                _("This action is not possible while the version is %(s)s.") % {"s": version.get_status_display()},
            )
        comment = (comment or "").strip()
        if t.comment_required and not comment:
            raise DomainError.single("comment_required", _("A comment is required for this action."), "comment")
        now = timezone.now()
        changes: dict[str, Any] = {"status": t.target}
        extra: dict[str, Any] = {}
        if action == "submit":
            problems = _blockers(version)
            if problems:
                raise DomainError(problems, status=409)
            _author(version, actor)
            changes.update(submitted_by=actor_user(actor), submitted_at=now)
        elif action == "return":
            changes.update(submitted_by=None, submitted_at=None, dpo_advice="", dpo_advice_by=None, dpo_advice_at=None)
        elif action == "record_dpo_advice":
            advice = (advice or "").strip()
            if not advice:
                raise DomainError.single("advice_required", _("Write the DPO's advice."), "advice")
            if len(advice) > MAX_TEXT:
                raise DomainError.single("too_long", _("At most %(n)d characters.") % {"n": MAX_TEXT}, "advice")
            changes.update(dpo_advice=advice, dpo_advice_by=actor_user(actor), dpo_advice_at=now)
            extra["advice"] = advice
        elif action == "sign":
            user = actor_user(actor)
            authors = set(version.authors.values_list("user_id", flat=True))
            if user is None or user.pk in authors or user.pk == version.submitted_by_id:
                raise forbidden("four_eyes", _("You wrote or submitted this version: someone else must sign it."))
            problems = _blockers(version)
            if problems:
                raise DomainError(problems, status=409)
            review_by = review_by or (now.date() + timedelta(days=REVIEW_PERIOD_DAYS))
            if review_by <= now.date():
                raise DomainError.single("invalid_date", _("The review-by date must lie in the future."), "review_by")
            # Signed over the exact content, DPO advice included; the hash is in every footer.
            content_hash = version_content_hash(version)
            changes.update(
                signed_by=user, signed_at=now, sign_comment=comment, content_hash=content_hash, review_by=review_by
            )
            extra.update(content_hash=content_hash, review_by=review_by.isoformat())
        updated = AssessmentVersion.objects.filter(pk=version.pk, status=version.status).update(**changes)
        if not updated:
            raise conflict("invalid_transition", _("The version changed meanwhile; reload and try again."))
        from_status = version.status
        version.refresh_from_db()
        events.version_transitioned(
            actor=actor,
            version=version,
            action=action,
            from_status=from_status,
            to_status=t.target,
            comment=comment,
            extra=extra,
        )
        if action == "sign":
            for older in AssessmentVersion.objects.filter(
                assessment=version.assessment, status=VersionStatus.SIGNED
            ).exclude(pk=version.pk):
                AssessmentVersion.objects.filter(pk=older.pk, status=VersionStatus.SIGNED).update(
                    status=VersionStatus.SUPERSEDED
                )
                events.version_transitioned(
                    actor=actor,
                    version=older,
                    action="supersede",
                    from_status=VersionStatus.SIGNED,
                    to_status=VersionStatus.SUPERSEDED,
                    comment="",
                    extra={"by_version": version.number},
                )
        return version


def _has_role(actor: Any, role: str) -> bool:
    from accounts.actors import actor_has_role

    return actor_has_role(actor, role)
