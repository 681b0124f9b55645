"""Pages of profile generation: parameter sets and their review, runs (start, progress,
review with summary first, filters, paging, bulk approval of chance profiles).

Each POST calls one service and turns a DomainError into a message; nothing here
decides a rule."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.actors import actor_has_right
from accounts.permissions import PermissionRequired
from accounts.roles import (
    AUTHOR_PARAMETERS,
    REVIEW_PARAMETERS,
    REVIEW_PROFILES,
    START_GENERATION,
    VIEW_AUDIT,
    VIEW_GENERATION,
)
from accounts.second_factor import step_up_redirect
from problems import DomainError, problems_to_form

from . import selectors, services
from .forms import CandidateFilterForm, CommentForm, ParameterSetForm
from .models import GenerationRun, ParameterSet, RunOrigin
from .workflow import ACTION_LABELS, actions_available

PAGE_SIZE = 50


def _ps_or_404(public_id) -> ParameterSet:
    try:
        return selectors.parameter_set_get(public_id=public_id)
    except ParameterSet.DoesNotExist as error:
        raise Http404 from error


def _run_or_404(public_id) -> GenerationRun:
    try:
        return selectors.run_get(public_id=public_id)
    except GenerationRun.DoesNotExist as error:
        raise Http404 from error


def _error_message(request, error: DomainError) -> None:
    for problem in error.problems:
        messages.error(request, str(problem.message))


class IndexView(PermissionRequired, View):
    """Parameter sets and runs; policy officers start this month's run here."""

    def get_permission_required(self):
        return [START_GENERATION] if self.request.method == "POST" else [VIEW_GENERATION]

    def get(self, request):
        return render(
            request,
            "generation/index.html",
            {
                "parameter_sets": selectors.parameter_set_list()[:50],
                "runs": selectors.run_list()[:24],
                "current": services.parameter_set_current(),
                "can_start": actor_has_right(request.user, START_GENERATION),
                "can_author": actor_has_right(request.user, AUTHOR_PARAMETERS),
            },
        )

    def post(self, request):
        try:
            run = services.run_request(actor=request.user, origin=RunOrigin.PORTAL)
        except DomainError as error:
            _error_message(request, error)
            return redirect("generation:index")
        messages.success(request, _("The run has started."))
        return redirect("generation:run", public_id=run.public_id)


class ParameterSetCreateView(PermissionRequired, View):
    permission_required = AUTHOR_PARAMETERS

    def get(self, request):
        return render(request, "generation/parameter_set_form.html", {"form": ParameterSetForm()})

    def post(self, request):
        form = ParameterSetForm(request.POST)
        if form.is_valid():
            try:
                ps = services.parameter_set_create(actor=request.user, **form.values())
            except DomainError as error:
                problems_to_form(form, error)
            else:
                return redirect("generation:parameter_set", public_id=ps.public_id)
        return render(request, "generation/parameter_set_form.html", {"form": form}, status=400)


class ParameterSetDetailView(PermissionRequired, View):
    permission_required = VIEW_GENERATION

    def get(self, request, public_id):
        ps = _ps_or_404(public_id)
        return render(
            request,
            "generation/parameter_set.html",
            {
                "ps": ps,
                "history": selectors.parameter_set_transitions(parameter_set=ps),
                "actions": [(a, ACTION_LABELS[a]) for a in actions_available(status=ps.status)],
                "comment_form": CommentForm(),
                "can_author": actor_has_right(request.user, AUTHOR_PARAMETERS),
            },
        )


class ParameterSetActionView(PermissionRequired, View):
    """Writers and reviewers of parameter sets post here; the service checks which action
    each role may take, and four eyes (and audits a refusal)."""

    def has_permission(self):
        user = self.request.user
        return actor_has_right(user, AUTHOR_PARAMETERS) or actor_has_right(user, REVIEW_PARAMETERS)

    def post(self, request, public_id):
        ps = _ps_or_404(public_id)
        action = request.POST.get("action", "")
        try:
            if action == "new_version":
                ps = services.parameter_set_new_version(actor=request.user, parameter_set=ps)
            else:
                services.parameter_set_transition(
                    actor=request.user, parameter_set=ps, action=action, comment=request.POST.get("comment", "")
                )
        except DomainError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Done."))
        return redirect("generation:parameter_set", public_id=ps.public_id)


class RunDetailView(PermissionRequired, View):
    permission_required = VIEW_GENERATION

    def get(self, request, public_id):
        run = _run_or_404(public_id)
        context = {
            "run": run,
            "can_follow_job": run.job is not None
            and (actor_has_right(request.user, VIEW_AUDIT) or run.job.created_by_id == request.user.pk),
        }
        if run.status == "completed":
            form = CandidateFilterForm(request.GET or None)
            filters = form.cleaned_data if form.is_valid() else {}
            page = Paginator(selectors.run_candidates(run=run, filters=filters), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
            query = urlencode({k: v for k, v in filters.items() if v})
            chance_ids = [
                c.pk
                for c in page
                if c.kind == "chance" and c.outcome == "proposed" and c.profile and c.profile.status == "in_review"
            ]
            context.update(
                summary=selectors.run_summary(run=run),
                filter_form=form,
                page=page,
                query=query,
                chance_ids=chance_ids,
                can_bulk=actor_has_right(request.user, REVIEW_PROFILES),
                comment_form=CommentForm(),
            )
        return render(request, "generation/run.html", context)


class RunApproveChanceView(PermissionRequired, View):
    """Approve the chance profiles of the filtered page shown, with one comment."""

    permission_required = REVIEW_PROFILES

    def post(self, request, public_id):
        run = _run_or_404(public_id)
        ids = [int(i) for i in request.POST.getlist("candidate") if i.isdigit()]
        page = reverse("generation:run", kwargs={"public_id": run.public_id})
        if (step_up := step_up_redirect(request, "generation", "bulk_approve", back=page)) is not None:
            return step_up
        try:
            count = services.run_chance_approve(
                actor=request.user, run=run, candidate_ids=ids, comment=request.POST.get("comment", "")
            )
        except DomainError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("%(count)s chance profiles approved.") % {"count": count})
        # Back to the same filtered page: the query string only, never another address.
        back = request.POST.get("back", "")
        url = reverse("generation:run", kwargs={"public_id": run.public_id})
        return redirect(url + ("?" + back if back and "/" not in back and ":" not in back else ""))
