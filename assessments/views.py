"""Pages of the DPIA and IAMA: the documents, a version's overview with the section
navigator, one section at a time (saved per section), a prefill's refresh diff, the
workflow actions, action points, participants and a side-by-side comparison.

Views read through selectors and write through one service call each; a DomainError
becomes a message or an error beside the question."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actors import actor_has_right, actor_has_role
from accounts.roles import AUTHOR_ASSESSMENTS, VIEW_ASSESSMENTS
from accounts.second_factor import step_up_redirect
from prefill import registry
from prefill.selectors import prefill_refresh, provenance_for_many
from problems import DomainError

from . import selectors, services
from .models import ActionStatus, Answer, AssessmentVersion, DocumentKind, QuestionSet, VersionStatus
from .questionsets import Question, effective_prefill, questionset_data
from .workflow import ACTION_LABELS, TRANSITIONS, actions_available

EMPTY_ROWS = 1


def _need(request: HttpRequest, perm: str) -> None:
    if not actor_has_right(request.user, perm):
        raise PermissionDenied


def _version(public_id: Any) -> AssessmentVersion:
    try:
        return selectors.version_get(public_id=public_id)
    except AssessmentVersion.DoesNotExist as error:
        raise Http404 from error


def _show(request: HttpRequest, error: DomainError) -> None:
    if error.status == 403:
        raise PermissionDenied(str(error))
    for problem in error.problems:
        messages.error(request, problem.message)


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    _need(request, VIEW_ASSESSMENTS)
    documents = []
    for kind in DocumentKind.values:
        assessment = selectors.Assessment.objects.filter(kind=kind, system="IOB").first()
        current = selectors.version_current(assessment=assessment) if assessment else None
        states = selectors.section_states(version=current) if current else []
        documents.append(
            {
                "kind": kind,
                "label": DocumentKind(kind).label,
                "assessment": assessment,
                "current": current,
                "versions": list(selectors.versions_of(assessment=assessment)) if assessment else [],
                "answered": sum(s["answered"] for s in states),
                "total": sum(s["total"] for s in states),
                "stale": sum(s["stale"] for s in states),
                "question_sets": QuestionSet.objects.filter(prefix__startswith=kind[:4]).order_by("prefix", "version"),
            }
        )
    return render(
        request,
        "assessments/list.html",
        {
            "documents": documents,
            "can_author": actor_has_right(request.user, AUTHOR_ASSESSMENTS),
            "today": date.today(),
        },
    )


@require_POST
def document_create(request: HttpRequest) -> HttpResponse:
    try:
        services.assessment_ensure(actor=request.user, kind=request.POST.get("kind", ""))
    except DomainError as error:
        _show(request, error)
    return redirect("assessments:list")


@require_POST
def version_create(request: HttpRequest) -> HttpResponse:
    _need(request, AUTHOR_ASSESSMENTS)
    assessment = selectors.Assessment.objects.filter(kind=request.POST.get("kind", ""), system="IOB").first()
    if assessment is None:
        raise Http404
    qs = QuestionSet.objects.filter(pk=request.POST.get("question_set") or 0).first()
    try:
        version = services.version_new(
            actor=request.user, assessment=assessment, question_set=qs, note=request.POST.get("note", "")
        )
    except DomainError as error:
        _show(request, error)
        return redirect("assessments:list")
    messages.success(request, _("Version %(n)d opened as a draft.") % {"n": version.number})
    return redirect("assessments:version", public_id=version.public_id)


@require_GET
def version_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    _need(request, VIEW_ASSESSMENTS)
    version = _version(public_id)
    qs = questionset_data(version.question_set)
    actions = [
        a
        for a in actions_available(status=version.status)
        if any(actor_has_role(request.user, r) for r in TRANSITIONS[a].roles)
    ]
    return render(
        request,
        "assessments/version.html",
        {
            "version": version,
            "qs": qs,
            "states": selectors.section_states(version=version),
            "actions": [(a, ACTION_LABELS[a], TRANSITIONS[a]) for a in actions],
            "action_points": version.action_points.all(),
            "participants": version.participants.all(),
            "action_statuses": ActionStatus.choices,
            "participant_roles": services.PARTICIPANT_ROLES,
            "sections": qs.sections,
            "can_edit": version.is_editable and actor_has_right(request.user, AUTHOR_ASSESSMENTS),
            "versions": selectors.versions_of(assessment=version.assessment),
            "export_params": json.dumps({"version": str(version.public_id)}),
            "export_formats": [("pdf", "PDF/A"), ("json", "JSON")],
            "authors": version.authors.select_related("user"),
        },
    )


# --- One section ----------------------------------------------------------------------------


def _payload_from_post(q: Question, post: Any) -> dict[str, Any]:
    p = f"{q.key}__"
    out: dict[str, Any] = {"text": post.get(p + "text", ""), "considerations": post.get(p + "considerations", "")}
    if q.kind == "yesno":
        out["yes"] = post.get(p + "yes", "")
    elif q.kind == "choice":
        out["choice"] = post.get(p + "choice", "")
    elif q.kind == "multiselect":
        out["choices"] = post.getlist(p + "choices")
    elif q.kind == "date":
        out["date"] = post.get(p + "date", "")
    elif q.kind == "form":
        out["fields"] = {f["name"]: post.get(f"{p}f__{f['name']}", "") for f in q.fields}
    elif q.kind == "repeatable":
        try:
            count = min(int(post.get(p + "n", "0")), services.MAX_ITEMS + EMPTY_ROWS)
        except ValueError:
            count = 0
        items = []
        for n in range(count):
            if post.get(f"{p}i{n}__remove"):
                continue
            items.append(
                {
                    "item_id": post.get(f"{p}i{n}__id", ""),
                    "values": {f["name"]: post.get(f"{p}i{n}__{f['name']}", "") for f in q.fields},
                }
            )
        out["items"] = items
    return out


def _payload_from_answer(answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        return {"items": []}
    v = answer.value or {}
    yes = v.get("yes")
    return {
        "text": v.get("text", ""),
        "considerations": answer.considerations,
        "yes": "yes" if yes is True else "no" if yes is False else "",
        "choice": v.get("choice", ""),
        "choices": v.get("choices", []),
        "date": v.get("date", ""),
        "fields": v.get("fields", {}),
        "items": [{"item_id": str(i.item_id), "values": i.value} for i in answer.items.all()],
    }


def _chosen(answer: Any) -> list[str]:
    value = (answer.value or {}) if answer else {}
    return [value["choice"]] if value.get("choice") else list(value.get("choices") or [])


def _inputs(q: Question, prefix: str, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inputs of a form or of one repeatable item: name, label, kind, options, value."""
    english = (get_language() or "nl").startswith("en")
    values = values or {}
    out = []
    for f in q.fields:
        value = values.get(f["name"], "")
        if value is True:
            value = "yes"
        elif value is False:
            value = "no"
        out.append(
            {
                "name": prefix + f["name"],
                "label": f["label"]["en" if english else "nl"],
                "kind": f.get("kind", "text"),
                "options": f.get("options", []),
                "value": value,
            }
        )
    return out


def _section_context(
    request: HttpRequest,
    version: AssessmentVersion,
    section_id: str,
    posted: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    qs = questionset_data(version.question_set)
    section = qs.section(section_id)
    if section is None:
        raise Http404
    answers = selectors.version_answers(version=version)
    provenance = provenance_for_many(model=Answer, ids=[a.pk for a in answers.values()])
    editable = version.is_editable and actor_has_right(request.user, AUTHOR_ASSESSMENTS)
    questions = []
    for q in section.questions:
        answer = answers.get(q.key)
        payload = (posted or {}).get(q.key) or _payload_from_answer(answer)
        codes = effective_prefill(q)
        proposal = registry.proposal_compute(codes) if codes and editable else None
        items = list(payload.get("items") or [])
        rows = [
            {"n": n, "item_id": it.get("item_id", ""), "inputs": _inputs(q, f"{q.key}__i{n}__", it.get("values"))}
            for n, it in enumerate(items)
        ]
        if editable and q.kind == "repeatable":
            rows += [
                {"n": len(rows) + k, "item_id": "", "inputs": _inputs(q, f"{q.key}__i{len(rows) + k}__", {})}
                for k in range(EMPTY_ROWS)
            ]
        questions.append(
            {
                "q": q,
                "answer": answer,
                # Labels of the stored option keys, for the read-only answer.
                "chosen": q.labels(_chosen(answer)),
                "payload": payload,
                "rows": rows,
                "codes": codes,
                "proposal": proposal,
                "form_inputs": _inputs(q, f"{q.key}__f__", payload.get("fields")) if q.kind == "form" else [],
                "provenance": provenance.get(str(answer.pk)) if answer else None,
                "carry_over": version.carry_over.get(q.key),
                "errors": (errors or {}).get(q.key, []),
            }
        )
    ids = [s.id for s in qs.sections]
    at = ids.index(section_id)
    return {
        "version": version,
        "qs": qs,
        "section": section,
        "questions": questions,
        "editable": editable,
        "states": selectors.section_states(version=version),
        "previous": ids[at - 1] if at > 0 else None,
        "next": ids[at + 1] if at + 1 < len(ids) else None,
        "error_count": sum(len(v) for v in (errors or {}).values()),
    }


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, public_id: Any, section_id: str) -> HttpResponse:
    _need(request, VIEW_ASSESSMENTS)
    version = _version(public_id)
    if request.method == "GET":
        return render(request, "assessments/section.html", _section_context(request, version, section_id))
    _need(request, AUTHOR_ASSESSMENTS)
    qs = questionset_data(version.question_set)
    section = qs.section(section_id)
    if section is None:
        raise Http404
    posted = {q.key: _payload_from_post(q, request.POST) for q in section.questions}
    try:
        if not request.POST.get("only"):  # the refresh page takes over a proposal and nothing else
            services.section_save(actor=request.user, version=version, section_id=section_id, answers=posted)
        accept = request.POST.get("accept", "")
        if accept:
            services.prefill_accept_answer(
                actor=request.user,
                version=version,
                key=accept,
                fingerprint=request.POST.get(f"{accept}__fingerprint", ""),
            )
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(str(error)) from error
        errors: dict[str, list[str]] = {}
        for problem in error.problems:
            where = problem.field or ""
            key = next((q.key for q in section.questions if where == q.key or where.startswith(q.key + ".")), "")
            if key:
                errors.setdefault(key, []).append(str(problem.message))
            else:
                messages.error(request, problem.message)
        return render(
            request,
            "assessments/section.html",
            _section_context(request, version, section_id, posted=posted, errors=errors),
            status=400,
        )
    messages.success(
        request,
        _("Section %(s)s saved.") % {"s": section_id}
        if not request.POST.get("accept")
        else _("The proposal was taken over with its sources."),
    )
    target = request.POST.get("go")
    ids = [s.id for s in qs.sections]
    if target in ids:
        return redirect("assessments:section", public_id=version.public_id, section_id=target)
    return redirect(f"{request.path}#{request.POST.get('accept') or 'section-form'}")


@require_GET
def prefill_diff(request: HttpRequest, public_id: Any, key: str) -> HttpResponse:
    _need(request, VIEW_ASSESSMENTS)
    version = _version(public_id)
    qs = questionset_data(version.question_set)
    q = qs.by_key.get(key)
    if q is None or not effective_prefill(q):
        raise Http404
    answer = version.answers.filter(key=key).first()
    refresh = prefill_refresh(codes=effective_prefill(q), target=answer)
    return render(
        request,
        "assessments/refresh.html",
        {
            "version": version,
            "q": q,
            "refresh": refresh,
            "answer": answer,
            "editable": version.is_editable and actor_has_right(request.user, AUTHOR_ASSESSMENTS),
        },
    )


# --- Workflow, action points, participants --------------------------------------------------


@require_POST
def version_transition(request: HttpRequest, public_id: Any) -> HttpResponse:
    _need(request, VIEW_ASSESSMENTS)
    version = _version(public_id)
    action = request.POST.get("action", "")
    review_by = None
    if request.POST.get("review_by"):
        try:
            review_by = date.fromisoformat(request.POST["review_by"])
        except ValueError:
            messages.error(request, _("Enter the review-by date as YYYY-MM-DD."))
            return redirect("assessments:version", public_id=version.public_id)
    if (step_up := step_up_redirect(request, "assessments", action, back=version_url(version))) is not None:
        return step_up
    try:
        services.version_transition(
            actor=request.user,
            version=version,
            action=action,
            comment=request.POST.get("comment", ""),
            advice=request.POST.get("advice", ""),
            review_by=review_by,
        )
    except DomainError as error:
        _show(request, error)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS.get(action, action)})
    return redirect("assessments:version", public_id=version.public_id)


@require_POST
def action_point_save(request: HttpRequest, public_id: Any) -> HttpResponse:
    _need(request, AUTHOR_ASSESSMENTS)
    version = _version(public_id)
    due_on = None
    if request.POST.get("due_on"):
        try:
            due_on = date.fromisoformat(request.POST["due_on"])
        except ValueError:
            messages.error(request, _("Enter the due date as YYYY-MM-DD."))
            return redirect(f"{version_url(version)}#action-points")
    try:
        if request.POST.get("delete"):
            services.action_point_delete(actor=request.user, version=version, item_id=request.POST["delete"])
        else:
            services.action_point_save(
                actor=request.user,
                version=version,
                text=request.POST.get("text", ""),
                owner=request.POST.get("owner", ""),
                part=request.POST.get("part", ""),
                due_on=due_on,
                status=request.POST.get("status", ActionStatus.OPEN),
                item_id=request.POST.get("item_id") or None,
            )
    except DomainError as error:
        _show(request, error)
    except ValueError:
        messages.error(request, _("No such action point."))
    else:
        messages.success(request, _("Action points saved."))
    return redirect(f"{version_url(version)}#action-points")


@require_POST
def participant_save(request: HttpRequest, public_id: Any) -> HttpResponse:
    _need(request, AUTHOR_ASSESSMENTS)
    version = _version(public_id)
    try:
        if request.POST.get("delete"):
            services.participant_delete(actor=request.user, version=version, participant_id=int(request.POST["delete"]))
        else:
            services.participant_add(
                actor=request.user,
                version=version,
                name=request.POST.get("name", ""),
                role_code=request.POST.get("role_code", ""),
                function=request.POST.get("function", ""),
                organisation=request.POST.get("organisation", ""),
            )
    except DomainError as error:
        _show(request, error)
    except ValueError:
        messages.error(request, _("No such participant."))
    else:
        messages.success(request, _("Participants saved."))
    return redirect(f"{version_url(version)}#participants")


def version_url(version: AssessmentVersion) -> str:
    from django.urls import reverse

    return reverse("assessments:version", kwargs={"public_id": version.public_id})


@require_GET
def compare(request: HttpRequest, kind: str) -> HttpResponse:
    _need(request, VIEW_ASSESSMENTS)
    assessment = selectors.Assessment.objects.filter(kind=kind, system="IOB").first()
    if assessment is None:
        raise Http404
    versions = list(selectors.versions_of(assessment=assessment))
    by_number = {str(v.number): v for v in versions}
    left = by_number.get(request.GET.get("left", "")) or (versions[1] if len(versions) > 1 else None)
    right = by_number.get(request.GET.get("right", "")) or (versions[0] if versions else None)
    rows = selectors.version_compare(left=left, right=right) if left and right else []
    only_changed = request.GET.get("all") != "1"
    shown = [r for r in rows if r["changed"]] if only_changed else rows
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": assessment,
            "versions": versions,
            "left": left,
            "right": right,
            "rows": shown,
            "changed": sum(1 for r in rows if r["changed"]),
            "total": len(rows),
            "only_changed": only_changed,
        },
    )


OVERDUE_STATUSES = (VersionStatus.SIGNED,)
