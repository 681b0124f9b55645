"""Pages of the Algorithm Register entry: the editor's overview, a version with its
provenance and workflow, the edit form, the diff of two versions, approved translations;
and, without login, the public page (Dutch and English) and the applicant factsheet.
Each POST calls one service and shows a DomainError as messages or field errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.actors import actor_has_right, actor_has_role
from accounts.roles import EDIT_REGISTER, VIEW_REGISTER
from accounts.second_factor import step_up_redirect
from problems import DomainError, problems_to_form

from . import factsheet, selectors, services
from .forms import CommentForm, EntryForm, TranslationForm
from .models import EntryVersion, TranslationLanguage
from .standard import FIELDS, TABS, TRANSLATABLE, entry_validate
from .workflow import ACTION_LABELS, TRANSITIONS, actions_available


def _require(request, perm: str) -> None:
    if not actor_has_right(request.user, perm):
        raise PermissionDenied


def _version(public_id) -> EntryVersion:
    try:
        return selectors.version_get(public_id=public_id)
    except (EntryVersion.DoesNotExist, ValueError) as error:
        raise Http404 from error


def _show_error(request, error: DomainError) -> None:
    for problem in error.problems:
        messages.error(request, problem.message)


@require_GET
def home(request):
    _require(request, VIEW_REGISTER)
    entry = selectors.entry_current()
    versions = list(selectors.version_list(entry=entry)[:50]) if entry else []
    return render(
        request,
        "register/home.html",
        {
            "entry": entry,
            "versions": versions,
            "published": selectors.version_published(entry=entry) if entry else None,
            "can_edit": actor_has_right(request.user, EDIT_REGISTER),
            "has_open": any(v.status in ("draft", "in_review", "approved") for v in versions),
        },
    )


@require_POST
def create(request):
    _require(request, VIEW_REGISTER)
    try:
        version = services.version_create_draft(actor=request.user)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        _show_error(request, error)
        return redirect("register:home")
    messages.success(request, _("Draft version %(n)s created and prefilled from the portal.") % {"n": version.number})
    return redirect("register:version", version.public_id)


def _tabs(version: EntryVersion, stale: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": tab,
            "label": label_nl,
            "fields": [
                {
                    "key": f.key,
                    "label": f.label_nl,
                    "kind": f.kind,
                    "value": version.fields.get(f.key),
                    "provenance": version.provenance.get(f.key),
                    "stale": stale.get(f.key),
                }
                for f in FIELDS
                if f.tab == tab and f.kind != "readonly"
            ],
        }
        for tab, (label_nl, _en) in TABS.items()
    ]


@require_GET
def version_detail(request, public_id):
    _require(request, VIEW_REGISTER)
    version = _version(public_id)
    stale = selectors.version_staleness(version=version) if version.status in ("draft", "published") else {}
    checked = entry_validate({k: v for k, v in version.fields.items()}, for_release=True)
    actions = [
        a
        for a in actions_available(status=version.status)
        if (role := TRANSITIONS[a].role) is not None and actor_has_role(request.user, role)
    ]
    previous = selectors.version_list(entry=version.entry).filter(number__lt=version.number).first()
    return render(
        request,
        "register/version.html",
        {
            "version": version,
            "tabs": _tabs(version, stale),
            "stale": stale,
            "check": checked,
            "actions": [(a, ACTION_LABELS[a], TRANSITIONS[a].comment_required) for a in actions],
            "can_edit": version.is_editable and actor_has_right(request.user, EDIT_REGISTER),
            "previous": previous,
            "transitions": version.transitions.all(),
            "comment_form": CommentForm(),
            "export_formats": [("pdf", "PDF"), ("json", "JSON")],
            "export_params": f'{{"version": "{version.public_id}"}}',
        },
    )


def version_edit(request, public_id):
    _require(request, EDIT_REGISTER)
    version = _version(public_id)
    if not version.is_editable:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("register:version", version.public_id)
    form = EntryForm(request.POST or None, initial_fields=version.fields)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(actor=request.user, version=version, fields=form.entry_fields())
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            problems_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("register:version", version.public_id)
    return render(request, "register/edit.html", {"version": version, "form": form})


@require_POST
def version_prefill(request, public_id):
    _require(request, EDIT_REGISTER)
    version = _version(public_id)
    keys = request.POST.getlist("keys") or None
    try:
        services.version_prefill(actor=request.user, version=version, keys=keys)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        _show_error(request, error)
    else:
        messages.success(request, _("The portal's current proposals were taken into the draft."))
    return redirect("register:version", version.public_id)


@require_POST
def version_action(request, public_id, action):
    _require(request, VIEW_REGISTER)
    version = _version(public_id)
    if action not in TRANSITIONS:
        raise Http404
    back = reverse("register:version", args=[version.public_id])
    if (step_up := step_up_redirect(request, "register", action, back=back)) is not None:
        return step_up
    try:
        version = services.version_transition(
            actor=request.user, version=version, action=action, comment=request.POST.get("comment", "")
        )
    except DomainError as error:
        if error.status == 403 and "four_eyes" not in error.codes:
            raise PermissionDenied from error
        _show_error(request, error)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("register:version", version.public_id)


@require_GET
def version_diff(request, public_id, other_id):
    _require(request, VIEW_REGISTER)
    left, right = _version(other_id), _version(public_id)
    return render(
        request,
        "register/diff.html",
        {"left": left, "right": right, "rows": selectors.version_diff(left=left, right=right)},
    )


def translations(request, public_id):
    _require(request, VIEW_REGISTER)
    version = _version(public_id)
    if request.method == "POST":
        _require(request, EDIT_REGISTER)
        form = TranslationForm(request.POST)
        if form.is_valid():
            try:
                services.translation_approve(actor=request.user, version=version, **form.cleaned_data)
            except DomainError as error:
                _show_error(request, error)
            else:
                messages.success(request, _("Translation saved."))
        return redirect(f"{request.path}#t-{request.POST.get('field', '')}-{request.POST.get('language', '')}")
    approved = {lang: selectors.translations_for(version=version, language=lang) for lang in TranslationLanguage.values}
    rows = [
        {
            "key": k,
            "label": f"{f.label_nl} ({k})",
            "dutch": version.fields.get(k),
            "langs": [
                {"code": lang, "label": label, "text": approved[lang].get(k)}
                for lang, label in TranslationLanguage.choices
            ],
        }
        for k in TRANSLATABLE
        if (f := next(x for x in FIELDS if x.key == k)) and version.fields.get(k)
    ]
    return render(
        request,
        "register/translations.html",
        {"version": version, "rows": rows, "can_edit": actor_has_right(request.user, EDIT_REGISTER)},
    )


# --- Public, no login ----------------------------------------------------------------------------------


def _public(request, language: str):
    version = selectors.version_published()
    with translation.override(language):
        if version is None:
            return render(request, "register/public_none.html", {"language": language}, status=404)
        view = selectors.public_view(version=version, language=language)
        return render(
            request,
            "register/public.html",
            {"version": version, "view": view, "language": language, "factsheets": factsheet.LANGUAGES},
        )


@login_not_required
@require_GET
def public_nl(request):
    return _public(request, "nl")


@login_not_required
@require_GET
def public_en(request):
    return _public(request, "en")


@login_not_required
@require_GET
def public_factsheet(request, language):
    if language not in factsheet.LANGUAGES:
        raise Http404
    version = selectors.version_published()
    if version is None:
        raise Http404
    pdf = factsheet.factsheet_pdf(version=version, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="iob-factsheet-{language}.pdf"'
    return response
