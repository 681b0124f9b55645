"""Reads of DPIA and IAMA documents: versions, the canonical content (what is hashed,
exported and compared), per-section states, comparisons, overdue reviews."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet

from prefill.selectors import provenance_for_many

from .models import (
    ActionPoint,
    Answer,
    AnswerItem,
    Assessment,
    AssessmentVersion,
    VersionStatus,
)
from .questionsets import Question, QuestionSetData, questionset_data

SCHEMA = "iob-assessment/1"


def assessment_list() -> QuerySet[Assessment]:
    return Assessment.objects.prefetch_related(
        Prefetch("versions", queryset=AssessmentVersion.objects.select_related("question_set").order_by("-number"))
    ).order_by("kind")


def assessment_by_kind(*, kind: str) -> Assessment:
    return Assessment.objects.get(kind=kind, system="IOB")


def version_get(*, public_id: Any) -> AssessmentVersion:
    return AssessmentVersion.objects.select_related(
        "assessment", "question_set", "created_by", "submitted_by", "dpo_advice_by", "signed_by", "previous"
    ).get(public_id=public_id)


def version_current(*, assessment: Assessment) -> AssessmentVersion | None:
    """The open version if there is one, else the newest."""
    versions = AssessmentVersion.objects.filter(assessment=assessment).select_related("question_set")
    return (
        versions.exclude(status__in=[VersionStatus.SIGNED, VersionStatus.SUPERSEDED]).first()
        or versions.order_by("-number").first()
    )


def version_latest_signed(*, assessment: Assessment) -> AssessmentVersion | None:
    return (
        AssessmentVersion.objects.filter(assessment=assessment, status=VersionStatus.SIGNED).order_by("-number").first()
    )


def versions_of(*, assessment: Assessment) -> QuerySet[AssessmentVersion]:
    return (
        AssessmentVersion.objects.filter(assessment=assessment)
        .select_related("question_set", "signed_by", "dpo_advice_by")
        .order_by("-number")
    )


def version_answers(*, version: AssessmentVersion) -> dict[str, Answer]:
    qs = (
        Answer.objects.filter(version=version)
        .select_related("answered_by")
        .prefetch_related(Prefetch("items", queryset=AnswerItem.objects.order_by("position", "id")))
    )
    return {a.key: a for a in qs}


def answer_plain(q: Question, answer: Answer | None) -> str:
    """The answer as plain text (comparison, register prefill, search)."""
    if answer is None:
        return ""
    v = answer.value or {}
    lines: list[str] = []
    if "yes" in v:
        lines.append("ja" if v["yes"] else "nee")
    if v.get("choice"):
        lines.append(q.label(v["choice"]))
    if v.get("choices"):
        lines.append(", ".join(q.labels(v["choices"])))
    if v.get("date"):
        lines.append(v["date"])
    labels = {f["name"]: f["label"]["nl"] for f in q.fields}
    for name, value in (v.get("fields") or {}).items():
        lines.append(f"{labels.get(name, name)}: {_fmt(value)}")
    if v.get("text"):
        lines.append(v["text"])
    for n, item in enumerate(answer.items.all(), start=1):
        lines.append(f"{n}. " + "; ".join(f"{labels.get(k, k)}: {_fmt(x)}" for k, x in item.value.items()))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def version_content(*, version: AssessmentVersion, qs: QuestionSetData | None = None) -> dict[str, Any]:
    """The canonical content of a version: the JSON export, the PDF's data, the hash's input."""
    qs = qs or questionset_data(version.question_set)
    answers = version_answers(version=version)
    provenance = provenance_for_many(model=Answer, ids=[a.pk for a in answers.values()])
    sections = []
    for section in qs.sections:
        questions = []
        for q in section.questions:
            a = answers.get(q.key)
            p = provenance.get(str(a.pk)) if a else None
            questions.append(
                {
                    "key": q.key,
                    "number": q.number,
                    "title_nl": q.title_nl,
                    "text": q.text,
                    "kind": q.kind,
                    "by": list(q.by),
                    "fria": q.fria or None,
                    "prefill_codes": list(q.prefill),
                    "carry_over": version.carry_over.get(q.key),
                    "answer": None
                    if a is None
                    else {
                        "value": a.value,
                        "considerations": a.considerations,
                        "items": [{"item_id": str(i.item_id), "values": i.value} for i in a.items.all()],
                        "answered_by": a.answered_by.get_username() if a.answered_by else None,
                        "answered_at": a.answered_at,
                        "review_flag": a.review_flag or None,
                    },
                    "prefill": None
                    if p is None
                    else {
                        "codes": p.codes,
                        "sources": p.sources,
                        "fingerprint": p.fingerprint,
                        "disposition": p.disposition,
                        "accepted_at": p.accepted_at,
                        "stale_since": p.stale_since,
                    },
                }
            )
        sections.append({"id": section.id, "part": section.part, "title_nl": section.title_nl, "questions": questions})
    doc = version.assessment
    return {
        "schema": SCHEMA,
        "document": {"kind": doc.kind, "system": doc.system, "title": doc.title, "id": str(doc.public_id)},
        "question_set": {
            "prefix": qs.prefix,
            "version": qs.version,
            "title": qs.title,
            "edition": qs.edition,
            "source": qs.source,
            "sha256": qs.sha256,
        },
        "version": {
            "id": str(version.public_id),
            "number": version.number,
            "note": version.note,
            "created_at": version.created_at,
            "previous": version.previous.number if version.previous is not None else None,
        },
        "participants": [
            {"name": p.name, "function": p.function, "role": p.role_code, "organisation": p.organisation}
            for p in version.participants.all()
        ],
        "sections": sections,
        "action_points": [
            {
                "item_id": str(p.item_id),
                "part": p.part,
                "text": p.text,
                "owner": p.owner,
                "due_on": p.due_on,
                "status": p.status,
            }
            for p in ActionPoint.objects.filter(version=version).order_by("part", "due_on", "id")
        ],
        "dpo_advice": None
        if not version.dpo_advice
        else {
            "advice": version.dpo_advice,
            "by": version.dpo_advice_by.get_username() if version.dpo_advice_by else None,
            "at": version.dpo_advice_at,
        },
    }


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _hash_input(content: dict[str, Any]) -> dict[str, Any]:
    # Staleness is a later observation about the sources, not part of what was signed.
    out = json.loads(canonical_json(content))
    for section in out["sections"]:
        for q in section["questions"]:
            if q["prefill"]:
                q["prefill"].pop("stale_since", None)
    return out


def version_content_hash(version: AssessmentVersion, content: dict[str, Any] | None = None) -> str:
    """SHA-256 of the canonical content. For a signed version this is what was signed."""
    content = content or version_content(version=version)
    return hashlib.sha256(canonical_json(_hash_input(content))).hexdigest()


def version_export(*, version: AssessmentVersion) -> dict[str, Any]:
    """The JSON export: the content, its hash, status and signature."""
    content = version_content(version=version)
    content_hash = version.content_hash or version_content_hash(version, content)
    return {
        **content,
        "status": version.status,
        "content_hash": content_hash,
        "review_by": version.review_by,
        "signature": None
        if version.signed_by is None
        else {
            "by": version.signed_by.get_username(),
            "at": version.signed_at,
            "comment": version.sign_comment,
            "content_hash": version.content_hash,
        },
    }


# --- Working views --------------------------------------------------------------------------


def section_states(*, version: AssessmentVersion) -> list[dict[str, Any]]:
    """Per section: how many questions are answered, stale or to review, and one state:
    `stale` (a source changed, or carried over unreviewed), `answered`, `partial`, `open`."""
    qs = questionset_data(version.question_set)
    answers = {
        a.key: a
        for a in Answer.objects.filter(version=version).only("id", "key", "review_flag", "value", "considerations")
    }
    stale_ids = {
        p.target_id
        for p in provenance_for_many(model=Answer, ids=[a.pk for a in answers.values()]).values()
        if p.stale_since
    }
    out = []
    for section in qs.sections:
        keys = [q.key for q in section.questions]
        answered = [k for k in keys if k in answers]
        stale = [k for k in answered if str(answers[k].pk) in stale_ids or answers[k].review_flag]
        new = [
            k
            for k in keys
            if (version.carry_over.get(k) or {}).get("flag") in ("new", "changed", "mapped") and k not in answered
        ]
        state = "stale" if stale else ("answered" if len(answered) == len(keys) else "partial" if answered else "open")
        out.append(
            {
                "id": section.id,
                "part": section.part,
                "title_nl": section.title_nl,
                "total": len(keys),
                "answered": len(answered),
                "stale": len(stale),
                "new": len(new),
                "state": state,
            }
        )
    return out


def version_compare(*, left: AssessmentVersion, right: AssessmentVersion) -> list[dict[str, Any]]:
    """Side by side, question by question (by key; keys of either set), with the section."""
    lq, rq = questionset_data(left.question_set), questionset_data(right.question_set)
    la, ra = version_answers(version=left), version_answers(version=right)
    rows = []
    seen = set()
    for qs in (rq, lq):
        for q in qs.questions:
            if q.key in seen:
                continue
            seen.add(q.key)
            lt = answer_plain(lq.by_key.get(q.key, q), la.get(q.key)) if q.key in lq.by_key else None
            rt = answer_plain(rq.by_key.get(q.key, q), ra.get(q.key)) if q.key in rq.by_key else None
            rows.append(
                {
                    "key": q.key,
                    "number": q.number,
                    "title_nl": q.title_nl,
                    "section": q.section,
                    "left": lt,
                    "right": rt,
                    "changed": (lt or "") != (rt or ""),
                }
            )
    return rows


def reviews_overdue(*, today: date | None = None) -> list[AssessmentVersion]:
    """Signed versions whose review-by date has passed (the newest signed version of each
    document; a superseded one no longer counts)."""
    today = today or date.today()
    return list(
        AssessmentVersion.objects.filter(status=VersionStatus.SIGNED, review_by__lt=today)
        .select_related("assessment")
        .order_by("review_by")
    )


def answer_text_latest(*, kind: str, short: str) -> tuple[AssessmentVersion, list[tuple[Question, Answer]]] | None:
    """The answers to `short` (a key or a reference like `dpia3.D17`) in the newest signed
    version of the IOB document of `kind`, or its open version when none is signed."""
    assessment = Assessment.objects.filter(kind=kind, system="IOB").first()
    if assessment is None:
        return None
    version = version_latest_signed(assessment=assessment) or version_current(assessment=assessment)
    if version is None:
        return None
    qs = questionset_data(version.question_set)
    answers = version_answers(version=version)
    found = [(q, answers[q.key]) for q in qs.resolve(short) if q.key in answers]
    return version, found


def work_for(*, roles: set[str], today: date | None = None) -> dict[str, list[AssessmentVersion]]:
    """The home page's DPIA/IAMA block: overdue reviews (authors, the DPO and the
    responsible official all see them) and versions waiting for this person's step."""
    from accounts.roles import Role

    waiting_status = []
    if Role.POLICY_OFFICER in roles:
        waiting_status.append(VersionStatus.DRAFT)
    if Role.DPO in roles:
        waiting_status.append(VersionStatus.IN_REVIEW)
    if Role.REVIEWER in roles:
        waiting_status.append(VersionStatus.DPO_ADVISED)
    waiting = list(
        AssessmentVersion.objects.filter(status__in=waiting_status)
        .select_related("assessment")
        .order_by("assessment__kind")
    )
    return {"overdue": reviews_overdue(today=today), "waiting": waiting}
