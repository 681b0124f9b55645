"""Pages of bias reports: the list (and the DPO's form to start one), a report's page with
its findings, charts, tables, files and the DPO's review, and the reviewers' follow-ups.

Each POST checks the permission, calls one service, and turns a DomainError into a
message (or field errors); nothing here decides a rule."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from accounts.actors import actor_has_right
from accounts.permissions import PermissionRequired
from accounts.roles import GENERATE_REPORTS, REVIEW_PROFILES, REVIEW_REPORTS, VIEW_AUDIT, VIEW_REPORTS
from problems import DomainError, problems_to_form

from . import selectors, services
from .charts import report_charts
from .forms import CommentForm, FindingForm, ReportRequestForm
from .models import ArtifactKind, BiasReport, FollowUpAction, ReportFinding, ReportStatus
from .outputs import sha256
from .presentation import CHARACTERISTIC_NAMES, group_key

CONTENT_TYPES = {ArtifactKind.JSON: "application/json", ArtifactKind.CSV: "text/csv; charset=utf-8",
                 ArtifactKind.PDF: "application/pdf"}
# Groups by two characteristics on the page: the flagged ones by default (at most this
# many), or every group of one chosen pair.
PAGE_TWO_WAY_ROWS = 300


def _report_or_404(public_id) -> BiasReport:
    try:
        return selectors.report_get(public_id=public_id)
    except BiasReport.DoesNotExist as error:
        raise Http404 from error


class ReportListView(PermissionRequired, View):
    """Reports, newest first; the DPO and administrators start a report here."""

    def get_permission_required(self):
        return [GENERATE_REPORTS] if self.request.method == "POST" else [VIEW_REPORTS]

    def get(self, request):
        form = ReportRequestForm() if actor_has_right(request.user, GENERATE_REPORTS) else None
        return self._render(request, form)

    def post(self, request):
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_request(
                    actor=request.user, period_from=form.cleaned_data["period_from"],
                    period_to=form.cleaned_data["period_to"], parameters=form.parameters(),
                    request_key=form.cleaned_data.get("request_key"))
            except DomainError as error:
                problems_to_form(form, error, lambda f: form.FIELD_OF.get(f, f))
            else:
                messages.success(request, _("The report is being computed."))
                return redirect("reports:detail", public_id=report.public_id)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        reports = selectors.report_list()[:100]
        return render(request, "reports/list.html", {"reports": reports, "form": form}, status=status)


def _subjects(view: dict, language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The finding form's choices: flagged subjects first, then every group by one
    characteristic, the officers and profiles shown in the report."""
    flagged = []
    for f in view["findings"]:
        label = f["label"].get(language) or f["label"]["en"]
        if f["subject_type"] == "group":
            flagged.append((f"group:{group_key(f['subject'])}", label))
        else:
            flagged.append((f"{f['subject_type']}:{f['subject']}", label))
    seen: set[str] = set()
    flagged = [c for c in flagged if not (c[0] in seen or seen.add(c[0]))]
    groups = [(f"group:{g['key']}", g["label"].get(language) or g["label"]["en"])
              for g in view["groups"] if g["dims"] == 1 or g["flagged"]][:2000]
    return [
        (_("Flagged"), flagged),
        (_("Groups"), groups),
        (_("Officers"), [(f"officer:{o['officer_id']}", o["officer_id"]) for o in view["officers"]]),
        (_("Profiles"), [(f"profile:{h['code']}", h["code"]) for h in view["profiles"]]),
    ]


class ReportDetailView(PermissionRequired, View):
    permission_required = VIEW_REPORTS

    def get(self, request, public_id):
        report = _report_or_404(public_id)
        return self.render_page(request, report)

    @staticmethod
    def render_page(request, report: BiasReport, *, finding_form: FindingForm | None = None, status: int = 200):
        # What the services would allow this user, asked of them (the DPO role, the state).
        context = {"report": report, "review_actions": [],
                   "can_review": services.report_may_record_findings(actor=request.user, report=report)}
        context["can_follow_job"] = bool(report.job_id) and (
            actor_has_right(request.user, VIEW_AUDIT) or report.job.created_by_id == request.user.pk)
        if report.is_ready:
            view = selectors.report_view(report=report)
            language = (request.LANGUAGE_CODE or "nl")[:2]
            pairs = [(p, " × ".join(str(CHARACTERISTIC_NAMES.get(c, c)) for c in p.split("+")))
                     for p in sorted({g["pair"] for g in view["groups"] if g["dims"] == 2})]
            pair = request.GET.get("pair", "")
            two_way = [g for g in view["groups"] if g["dims"] == 2 and (g["pair"] == pair if pair else g["flagged"])]
            context.update(
                view=view, charts=report_charts(view), one_way=[g for g in view["groups"] if g["dims"] == 1],
                two_way=two_way[:PAGE_TWO_WAY_ROWS], two_way_more=max(0, len(two_way) - PAGE_TWO_WAY_ROWS),
                pairs=pairs, pair=pair, findings=selectors.report_findings(report=report),
                review_actions=services.report_actions_allowed(actor=request.user, report=report),
                comment_form=CommentForm(),
            )
            if context["can_review"] and report.status == ReportStatus.IN_REVIEW:
                context["finding_form"] = finding_form or FindingForm(subjects=_subjects(view, language))
        return render(request, "reports/detail.html", context, status=status)


class ReportFileView(PermissionRequired, View):
    """The report's JSON, CSV or PDF, named after its period, with its SHA-256 in a header."""

    permission_required = VIEW_REPORTS

    def get(self, request, public_id, kind):
        report = _report_or_404(public_id)
        if kind not in CONTENT_TYPES:
            raise Http404
        try:
            content = selectors.report_artifact(report=report, kind=kind)
        except DomainError as error:
            return HttpResponse(str(error.problems[0].message), status=error.status,
                                content_type="text/plain; charset=utf-8")
        response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
        name = f"iob-bias-report-{report.period_from}-{report.period_to}.{kind}"
        response["Content-Disposition"] = f'{"inline" if kind == "pdf" else "attachment"}; filename="{name}"'
        response["X-Content-SHA256"] = sha256(content)
        return response


class ReportReviewView(PermissionRequired, View):
    """start_review, sign_off, return: the DPO's transitions."""

    permission_required = REVIEW_REPORTS

    def post(self, request, public_id):
        report = _report_or_404(public_id)
        action = request.POST.get("action", "")
        try:
            report = services.report_transition(actor=request.user, report=report, action=action,
                                                comment=request.POST.get("comment", ""))
        except DomainError as error:
            for problem in error.problems:
                messages.error(request, problem.message)
        else:
            messages.success(request, {
                "start_review": _("The review has started."), "sign_off": _("You signed off the report."),
                "return": _("The report was returned."),
            }.get(action, _("Done.")))
        return redirect("reports:detail", public_id=report.public_id)


class FindingCreateView(PermissionRequired, View):
    permission_required = REVIEW_REPORTS

    def post(self, request, public_id):
        report = _report_or_404(public_id)
        subjects = []
        if report.is_ready:
            subjects = _subjects(selectors.report_view(report=report), (request.LANGUAGE_CODE or "nl")[:2])
        form = FindingForm(request.POST, subjects=subjects)
        if form.is_valid():
            try:
                services.report_finding_record(actor=request.user, report=report, **form.service_input())
            except DomainError as error:
                if error.status != 400:
                    for problem in error.problems:
                        messages.error(request, problem.message)
                    return redirect("reports:detail", public_id=report.public_id)
                problems_to_form(form, error, lambda f: form.FIELD_OF.get(f, f))
            else:
                messages.success(request, _("The finding was recorded."))
                return HttpResponseRedirect(reverse("reports:detail", args=[report.public_id]) + "#findings")
        if not report.is_ready:
            messages.error(request, _("Findings are recorded while the report is in review."))
            return redirect("reports:detail", public_id=report.public_id)
        return ReportDetailView.render_page(request, report, finding_form=form, status=400)


class FindingDeleteView(PermissionRequired, View):
    permission_required = REVIEW_REPORTS

    def post(self, request, public_id):
        try:
            finding = selectors.finding_get(public_id=public_id)
        except ReportFinding.DoesNotExist as error:
            raise Http404 from error
        try:
            services.report_finding_delete(actor=request.user, finding=finding)
        except DomainError as error:
            for problem in error.problems:
                messages.error(request, problem.message)
        else:
            messages.success(request, _("The finding was removed."))
        return HttpResponseRedirect(reverse("reports:detail", args=[finding.report.public_id]) + "#findings")


class FollowUpListView(PermissionRequired, View):
    """The reviewers' queue of follow-up requests from signed bias reports."""

    permission_required = REVIEW_PROFILES

    def get(self, request):
        return render(request, "reports/follow_ups.html", {"follow_ups": selectors.follow_ups_open()})


class FollowUpResolveView(PermissionRequired, View):
    permission_required = REVIEW_PROFILES

    def post(self, request, public_id):
        try:
            follow_up = selectors.follow_up_get(public_id=public_id)
        except FollowUpAction.DoesNotExist as error:
            raise Http404 from error
        try:
            services.follow_up_resolve(actor=request.user, follow_up=follow_up, action=request.POST.get("action", ""),
                                       comment=request.POST.get("comment", ""))
        except DomainError as error:
            for problem in error.problems:
                messages.error(request, problem.message)
        else:
            messages.success(request, _("The follow-up was withdrawn as requested.")
                             if request.POST.get("action") == "withdraw" else _("The follow-up was closed."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("reports:follow_ups")
        return HttpResponseRedirect(target)

