"""Web pages of profiles: lists and queues, the profile page with its workflow actions,
the draft form, version comparison and the catalogues.

Thin doors: each page parses the request, calls one service or selector and shows the
result. Refusals come back from the services as DomainError and are shown on the page
they concern, with the HTTP status the API would give (400, 403, 409).
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format, localize
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.actors import actor_has_right
from accounts.permissions import PermissionRequired
from accounts.roles import (
    AUTHOR_PROFILES,
    MANAGE_CATALOGUES,
    REVIEW_PROFILES,
    SIGN_OFF_PROFILES,
    VIEW_AUDIT,
    VIEW_PROFILES,
)
from accounts.second_factor import step_up_redirect
from audit.selectors import audit_event_list
from problems import DomainError, Problem, problems_to_form

from . import selectors, services
from .characteristics import EXTENDABLE, KIND_OF, Characteristic
from .forms import (
    EVIDENCE_LABELS,
    JUSTIFICATION_LABELS,
    CatalogueCodeForm,
    CommentForm,
    DraftCommentForm,
    ProfileFilterForm,
    ProfileForm,
    TakeOverForm,
)
from .models import OPEN_STATUSES, CatalogueCode, Profile
from .workflow import ACTION_LABELS, TRANSITIONS

PAGE_SIZE = 50
AUDIT_EVENTS_SHOWN = 100

ACTION_DONE = {
    "submit": _("The profile has been submitted for review."),
    "reopen": _("The profile is a draft again and can be edited."),
    "approve": _("The profile has been approved."),
    "request_changes": _("Changes have been requested from the author."),
    "reject": _("The profile has been rejected."),
    "withdraw": _("The profile has been withdrawn."),
    "dpo_sign_off": _("You have signed off this risk profile."),
    "dpo_return": _("The risk profile has been returned to the author with your reasons."),
}

# Steps that cannot be undone ask first, on a page of their own (no script needed).
CONFIRM_ACTIONS = {
    "approve": _("An approved version can never be changed again; a change needs a new version and a new review."),
    "reject": _("A rejected version stays rejected; it cannot be reopened."),
    "withdraw": _("A withdrawn profile no longer gives advice and cannot be brought back; a new version can."),
    "dpo_sign_off": _("Your sign-off is final: the risk profile becomes active when its validity window starts."),
}


def _profile_or_404(public_id) -> Profile:
    try:
        return selectors.profile_get(public_id=public_id)
    except Profile.DoesNotExist as missing:
        raise Http404 from missing


def _labels() -> dict[str, dict[str, str]]:
    return {c: dict(rows) for c, rows in selectors.catalogue_choices().items()}


# --- Lists and queues -----------------------------------------------------------------------


class ProfileListView(PermissionRequired, View):
    permission_required = VIEW_PROFILES

    def get(self, request: HttpRequest) -> HttpResponse:
        filter_form = ProfileFilterForm(request.GET or None)
        profiles = selectors.profile_list(filters=filter_form.filters())
        page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "profiles/list.html", {"filter_form": filter_form, "page": page})


class _QueueView(PermissionRequired, View):
    template_name = "profiles/queue.html"
    heading: Any = ""
    intro: Any = ""
    empty_text: Any = ""

    def profiles(self):
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(self.profiles(), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {"page": page, "heading": self.heading, "intro": self.intro, "empty_text": self.empty_text},
        )


class ReviewQueueView(_QueueView):
    permission_required = REVIEW_PROFILES
    heading = _("Review queue")
    intro = _("Profiles submitted for review, oldest first. You cannot review a version you wrote or submitted.")
    empty_text = _("Nothing waits for review.")

    def profiles(self):
        return selectors.review_queue()


class SignOffQueueView(_QueueView):
    permission_required = SIGN_OFF_PROFILES
    heading = _("Sign-off queue")
    intro = _(
        "Risk profiles that are in review or approved and still need the sign-off of the data protection "
        "officer before they can become active."
    )
    empty_text = _("Nothing waits for your sign-off.")

    def profiles(self):
        return selectors.sign_off_queue()


# --- One profile ------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, profile: Profile, **extra: Any) -> dict[str, Any]:
    user = request.user
    extra.setdefault("comment_form", CommentForm())
    extra.setdefault("draft_comment_form", DraftCommentForm())
    labels = _labels()
    transitions = list(selectors.profile_transitions(profile=profile))
    versions = list(selectors.profile_versions(code=profile.code))
    # Only what the services would allow this user: the same predicates decide.
    actions = [
        {
            "action": a,
            "label": ACTION_LABELS[a],
            "comment_required": TRANSITIONS[a].comment_required,
            "confirm": a in CONFIRM_ACTIONS,
        }
        for a in services.profile_actions_allowed(actor=user, profile=profile)
    ]
    is_author = actor_has_right(user, AUTHOR_PROFILES)
    criteria = [
        {
            "label": c.get_characteristic_display(),
            "kind": KIND_OF[c.characteristic].label,
            "values": [(code, labels[c.characteristic].get(code, code)) for code in c.values],
        }
        for c in profile.criteria.all()
    ]
    context = {
        "profile": profile,
        "criteria": criteria,
        "justification": [(JUSTIFICATION_LABELS[k], v) for k, v in profile.justification.items()],
        "transitions": [(t, ACTION_LABELS.get(t.action, t.action)) for t in transitions],
        "versions": versions,
        "actions": actions,
        "comment_required_for": [a["label"] for a in actions if a["comment_required"]],
        "can_edit": services.profile_may_edit(actor=user, profile=profile),
        "can_discard": services.profile_may_discard(actor=user, profile=profile),
        # A version being written belongs to its owner; others comment or take it over.
        "is_owner": profile.is_owned and profile.owner_id == getattr(user, "pk", None),
        "can_take_over": services.profile_may_take_over(actor=user, profile=profile),
        "can_comment": services.profile_may_comment(actor=user, profile=profile),
        "draft_comments": list(selectors.profile_comments(profile=profile)),
        "can_new_version": is_author
        and profile.status not in OPEN_STATUSES
        and profile.version == versions[-1].version,
        "audit_events": list(
            audit_event_list(target_type=profile._meta.label_lower, target_id=str(profile.public_id))[
                :AUDIT_EVENTS_SHOWN
            ]
        )
        if actor_has_right(user, VIEW_AUDIT)
        else None,
        "impact_url": _impact_url(profile) if profile.status in OPEN_STATUSES else None,
        "comment_anchors": {"comment": "id_comment", "action": "id_comment"},
        "confirm_needed": any(a["confirm"] for a in actions),
        **extra,
    }
    context["comment_errors"] = [p.message for p in context.get("action_problems") or [] if p.field == "comment"]
    return context


def _impact_url(profile: Profile) -> str | None:
    # The impact preview belongs to the monitoring app, which may not be installed yet:
    # the profile page offers it only when its URL exists.
    try:
        return reverse("monitoring:profile_impact", args=[profile.public_id])
    except NoReverseMatch:
        return None


class ProfileDetailView(PermissionRequired, View):
    permission_required = VIEW_PROFILES

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        return render(request, "profiles/detail.html", _detail_context(request, profile))


class ProfileTransitionView(PermissionRequired, View):
    """One workflow action with its comment. The service checks role, four eyes and state."""

    permission_required = VIEW_PROFILES

    def post(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        form = CommentForm(request.POST)
        if not form.is_valid():
            problems = [
                Problem(e.code or "invalid", " ".join(e.messages), "comment" if name == "comment" else "action")
                for name, errors in form.errors.as_data().items()
                for e in errors
            ]
            return render(
                request,
                "profiles/detail.html",
                _detail_context(request, profile, comment_form=form, action_problems=problems),
                status=400,
            )
        action = form.cleaned_data["action"]
        comment = form.cleaned_data["comment"].strip()
        transition = TRANSITIONS.get(action)
        # Ask first only when the step could go ahead; otherwise the service says why not.
        if (
            action in CONFIRM_ACTIONS
            and not request.POST.get("confirmed")
            and transition is not None
            and action in services.profile_actions_allowed(actor=request.user, profile=profile)
            and not (transition.comment_required and not comment)
        ):
            return render(
                request,
                "profiles/confirm.html",
                {
                    "profile": profile,
                    "action": action,
                    "label": ACTION_LABELS[action],
                    "comment": comment,
                    "consequence": CONFIRM_ACTIONS[action],
                },
            )
        back = reverse("profiles:detail", kwargs={"public_id": profile.public_id})
        if (step_up := step_up_redirect(request, "profiles", action, back=back)) is not None:
            return step_up
        try:
            services.profile_transition(
                actor=request.user, profile=profile, action=action, comment=form.cleaned_data["comment"]
            )
        except DomainError as error:
            profile = _profile_or_404(public_id)
            return render(
                request,
                "profiles/detail.html",
                _detail_context(
                    request,
                    profile,
                    comment_form=form,
                    action_problems=error.problems,
                    failed_action=ACTION_LABELS.get(action, action),
                ),
                status=error.status,
            )
        messages.success(request, ACTION_DONE[action])
        return redirect("profiles:detail", public_id=profile.public_id)


def _form_page(
    request: HttpRequest, form: ProfileForm, profile: Profile | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "profiles/form.html",
        {"form": form, "profile": profile, "max_validity_days": settings.IOB_MAX_VALIDITY_DAYS},
        status=status,
    )


class ProfileCreateView(PermissionRequired, View):
    permission_required = AUTHOR_PROFILES

    def get(self, request: HttpRequest) -> HttpResponse:
        return _form_page(
            request, ProfileForm(catalogue=selectors.catalogue_choices(offered_only=True), initial={"kind": "chance"})
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileForm(request.POST, catalogue=selectors.catalogue_choices(offered_only=True))
        if not form.is_valid():
            return _form_page(request, form, status=400)
        try:
            profile = services.profile_create(actor=request.user, **form.service_arguments())
        except DomainError as error:
            form.add_problems(error.problems)
            return _form_page(request, form, status=error.status)
        messages.success(
            request, _("Draft %(code)s saved. Submit it for review when it is ready.") % {"code": profile.code}
        )
        return redirect("profiles:detail", public_id=profile.public_id)


class ProfileEditView(PermissionRequired, View):
    permission_required = AUTHOR_PROFILES

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        if not profile.is_editable:
            messages.error(
                request,
                _("Only a draft can be changed; an approved version is never edited. Make a new version instead."),
            )
            return redirect("profiles:detail", public_id=profile.public_id)
        refusal = services.profile_owner_refusal(actor=request.user, profile=profile)
        if refusal is not None:
            # Not someone else's draft's form: the page says why and offers what they may do.
            return render(
                request,
                "profiles/detail.html",
                _detail_context(request, profile, action_problems=refusal.problems),
                status=refusal.status,
            )
        form = ProfileForm(
            catalogue=selectors.catalogue_choices(offered_only=True), initial=ProfileForm.initial_from(profile)
        )
        return _form_page(request, form, profile)

    def post(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        form = ProfileForm(request.POST, catalogue=selectors.catalogue_choices(offered_only=True))
        if not form.is_valid():
            return _form_page(request, form, profile, status=400)
        try:
            services.profile_update(actor=request.user, profile=profile, **form.service_arguments())
        except DomainError as error:
            form.add_problems(error.problems)
            return _form_page(request, form, profile, status=error.status)
        messages.success(request, _("Draft %(code)s saved.") % {"code": profile.code})
        return redirect("profiles:detail", public_id=profile.public_id)


class ProfileNewVersionView(PermissionRequired, View):
    permission_required = AUTHOR_PROFILES

    def post(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        try:
            copy = services.profile_new_version(actor=request.user, profile=profile)
        except DomainError as error:
            return render(
                request,
                "profiles/detail.html",
                _detail_context(request, profile, action_problems=error.problems),
                status=error.status,
            )
        messages.success(
            request,
            _("Version %(version)s is a new draft: change it and submit it for review.") % {"version": copy.version},
        )
        return redirect("profiles:edit", public_id=copy.public_id)


class ProfileDiscardView(PermissionRequired, View):
    """Asks first (GET), discards on POST: no script needed for a confirmation."""

    permission_required = AUTHOR_PROFILES

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        # The button only for whom the service would let discard; the others read why not.
        refusal = services.profile_discard_refusal(actor=request.user, profile=profile)
        return render(
            request,
            "profiles/discard.html",
            {"profile": profile, "problems": refusal.problems if refusal else None, "allowed": refusal is None},
        )

    def post(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        try:
            services.profile_delete_draft(actor=request.user, profile=profile)
        except DomainError as error:
            allowed = services.profile_may_discard(actor=request.user, profile=profile)
            return render(
                request,
                "profiles/discard.html",
                {"profile": profile, "problems": error.problems, "allowed": allowed},
                status=error.status,
            )
        messages.success(request, _("Draft %(code)s has been discarded.") % {"code": profile.code})
        return redirect("home")


class ProfileCommentView(PermissionRequired, View):
    """A comment on a draft, by its owner or another policy officer (the service decides)."""

    permission_required = AUTHOR_PROFILES

    def post(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        form = DraftCommentForm(request.POST)
        try:
            # The text as posted: the service checks that it is there and not too long.
            services.profile_comment_add(actor=request.user, profile=profile, text=request.POST.get("text", ""))
        except DomainError as error:
            return render(
                request,
                "profiles/detail.html",
                _detail_context(
                    request,
                    profile,
                    draft_comment_form=form,
                    action_problems=error.problems,
                    failed_action=_("Comment"),
                    comment_anchors={"text": "id_text"},
                ),
                status=error.status,
            )
        messages.success(request, _("Your comment has been added."))
        return redirect(reverse("profiles:detail", args=[profile.public_id]) + "#comments")


class ProfileTakeOverView(PermissionRequired, View):
    """Take over someone else's draft: a page that asks for the reason (GET), the take-over (POST)."""

    permission_required = AUTHOR_PROFILES

    def _render(self, request: HttpRequest, profile: Profile, form: TakeOverForm, status: int = 200, **extra: Any):
        return render(
            request,
            "profiles/take_over.html",
            {"profile": profile, "form": form, "reason_anchors": {"reason": "id_reason"}, **extra},
            status=status,
        )

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        refusal = services.profile_take_over_refusal(actor=request.user, profile=profile)
        return self._render(
            request, profile, TakeOverForm(), problems=refusal.problems if refusal else None, allowed=refusal is None
        )

    def post(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        form = TakeOverForm(request.POST)
        reason = form.data.get("reason", "")[: TakeOverForm.MAX_LENGTH]
        try:
            services.profile_draft_take_over(actor=request.user, profile=profile, reason=reason)
        except DomainError as error:
            allowed = services.profile_may_take_over(actor=request.user, profile=profile)
            return self._render(request, profile, form, status=error.status, problems=error.problems, allowed=allowed)
        messages.success(
            request, _("You have taken over draft %(code)s; it is yours to change now.") % {"code": profile.code}
        )
        return redirect("profiles:detail", public_id=profile.public_id)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(localize(value))


def _diff_label(field: str) -> Any:
    head, _dot, rest = field.partition(".")
    if head == "criteria":
        return Characteristic(rest).label
    if head == "justification":
        return JUSTIFICATION_LABELS[rest]
    return {
        "kind": _("Kind"),
        "title": _("Title"),
        "valid_from": _("Valid from"),
        "valid_until": _("Valid until"),
        **EVIDENCE_LABELS,
    }.get(field, field)


class ProfileCompareView(PermissionRequired, View):
    """Two versions of one profile side by side: by default this one and the one it was
    made from; `?left=N&right=M` picks any two."""

    permission_required = VIEW_PROFILES

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        profile = _profile_or_404(public_id)
        versions = {v.version: v for v in selectors.profile_versions(code=profile.code)}
        if len(versions) < 2:
            messages.info(request, _("This profile has only one version; there is nothing to compare it with."))
            return redirect("profiles:detail", public_id=profile.public_id)
        default_left = profile.previous_version.version if profile.previous_version else min(versions)
        default_right = profile.version if profile.previous_version else max(versions)
        left = versions.get(_as_int(request.GET.get("left")), versions[default_left])
        right = versions.get(_as_int(request.GET.get("right")), versions[default_right])
        rows = [
            {
                "label": _diff_label(r["field"]),
                "left": _shown(r["left"]),
                "right": _shown(r["right"]),
                "changed": r["changed"],
            }
            for r in selectors.profile_version_diff(left=left, right=right)
        ]
        return render(
            request,
            "profiles/compare.html",
            {"profile": profile, "left": left, "right": right, "versions": list(versions.values()), "rows": rows},
        )


def _as_int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


# --- Catalogues -------------------------------------------------------------------------------


class CatalogueView(PermissionRequired, View):
    """Add a code in two steps: the form, then a confirmation that shows the code as it
    will be stored (codes are never deleted, only retired)."""

    permission_required = MANAGE_CATALOGUES

    def _render(
        self,
        request: HttpRequest,
        form: CatalogueCodeForm,
        status: int = 200,
        template: str = "profiles/catalogues.html",
        **extra: Any,
    ) -> HttpResponse:
        entries = selectors.catalogue_entries()
        language = (request.LANGUAGE_CODE or "nl")[:2]
        catalogues = [
            {
                "characteristic": c,
                "kind": KIND_OF[c.value].label,
                "extendable": c.value in EXTENDABLE,
                "codes": [(e, e.label(language)) for e in entries[c.value]],
                "offered": sum(1 for e in entries[c.value] if e.retired_at is None),
            }
            for c in Characteristic
        ]
        return render(request, template, {"catalogues": catalogues, "form": form, **extra}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, CatalogueCodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CatalogueCodeForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        confirmed = request.POST.get("confirmed") == "1"
        try:
            if not confirmed:
                code = services.catalogue_code_check(actor=request.user, **form.cleaned_data)
                return self._render(
                    request,
                    form,
                    template="profiles/catalogue_confirm.html",
                    code=code,
                    characteristic=Characteristic(form.cleaned_data["characteristic"]),
                )
            entry = services.catalogue_code_add(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            problems_to_form(form, error)
            return self._render(request, form, status=error.status)
        messages.success(
            request,
            _("Code %(code)s added to the catalogue of “%(name)s”.")
            % {"code": entry.code, "name": Characteristic(entry.characteristic).label},
        )
        return redirect(reverse("profiles:catalogues") + f"#cat-{entry.characteristic}")


class CatalogueRetireView(PermissionRequired, View):
    """Retire a code: a confirmation page with the reason (GET), the retirement (POST)."""

    permission_required = MANAGE_CATALOGUES

    def _entry(self, characteristic: str, code: str) -> CatalogueCode:
        entry = selectors.catalogue_code_get(characteristic=characteristic, code=code)
        if entry is None:
            raise Http404
        return entry

    def _render(self, request: HttpRequest, entry: CatalogueCode, status: int = 200, **extra: Any) -> HttpResponse:
        language = (request.LANGUAGE_CODE or "nl")[:2]
        return render(
            request,
            "profiles/catalogue_retire.html",
            {
                "entry": entry,
                "label": entry.label(language),
                "characteristic": Characteristic(entry.characteristic),
                "extendable": entry.characteristic in EXTENDABLE,
                "reason_anchors": {"reason": "id_reason"},
                **extra,
            },
            status=status,
        )

    def get(self, request: HttpRequest, characteristic: str, code: str) -> HttpResponse:
        return self._render(request, self._entry(characteristic, code))

    def post(self, request: HttpRequest, characteristic: str, code: str) -> HttpResponse:
        entry = self._entry(characteristic, code)
        reason = request.POST.get("reason", "")[:2000]
        try:
            services.catalogue_code_retire(actor=request.user, characteristic=characteristic, code=code, reason=reason)
        except DomainError as error:
            return self._render(request, entry, status=error.status, problems=error.problems, reason=reason)
        messages.success(
            request,
            _("Code %(code)s has been retired: it is kept for history and no longer offered.") % {"code": entry.code},
        )
        return redirect(reverse("profiles:catalogues") + f"#cat-{entry.characteristic}")
