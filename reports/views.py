"""Pages of bias reports: the list (and the DPO's form to start one), a report's page with
its findings, charts, tables, files and the DPO's review, and the reviewers' follow-ups.

Each POST checks the permission, calls one service, and turns a DomainError into a
message (or field errors); nothing here decides a rule."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from accounts.actors import actor_has_right
from accounts.permissions import PermissionRequired
from accounts.roles import GENERATE_REPORTS, REVIEW_PROFILES, REVIEW_REPORTS, VIEW_AUDIT, VIEW_REPORTS
from accounts.second_factor import step_up_redirect
from problems import DomainError, problems_to_form

from . import selectors, services
from .charts import report_charts
from .forms import FindingDecisionForm, ReportRequestForm
from .models import ArtifactKind, BiasReport, FindingDecision, FollowUpAction, ReportFinding
from .outputs import sha256
from .presentation import CHARACTERISTIC_NAMES, finding_anchor, group_key

CONTENT_TYPES = {
    ArtifactKind.JSON: "application/json",
    ArtifactKind.CSV: "text/csv; charset=utf-8",
    ArtifactKind.PDF: "application/pdf",
}


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
                    actor=request.user,
                    period_from=form.cleaned_data["period_from"],
                    period_to=form.cleaned_data["period_to"],
                    parameters=form.parameters(),
                    request_key=form.cleaned_data.get("request_key"),
                )
            except DomainError as error:
                problems_to_form(form, error, lambda f: form.FIELD_OF.get(f, f))
            else:
                messages.success(request, _("The report is being computed."))
                return redirect("reports:detail", public_id=report.public_id)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        reports = selectors.report_list()[:100]
        return render(request, "reports/list.html", {"reports": reports, "form": form}, status=status)


def _decisions(report: BiasReport) -> dict[str, ReportFinding]:
    """The DPO's decisions on this report, by finding id."""
    return {f.finding_id: f for f in selectors.report_findings(report=report) if f.finding_id}


class ReportDetailView(PermissionRequired, View):
    """Findings first: the review panel, a summary (counts by part and direction, the top
    findings in plain words), then each finding as a row with its signals and, in review,
    its decision form in place. Every action returns to the row it was taken on."""

    permission_required = VIEW_REPORTS

    def get(self, request, public_id):
        report = _report_or_404(public_id)
        return self.render_page(request, report)

    @staticmethod
    def render_page(
        request, report: BiasReport, *, failed: dict | None = None, review_failed: dict | None = None, status: int = 200
    ):
        # What the services would allow this user, asked of them (the DPO role, the state).
        review_actions = services.report_actions_allowed(actor=request.user, report=report)
        can_decide = services.report_may_record_findings(actor=request.user, report=report)
        context = {
            "report": report,
            "review_actions": [],
            "can_review": bool(review_actions) or can_decide,
            "failed": failed or {},
            "review_failed": review_failed or {},
            "done": request.GET.get("done", ""),
        }
        context["can_follow_job"] = bool(report.job_id) and (
            actor_has_right(request.user, VIEW_AUDIT) or report.job.created_by_id == request.user.pk
        )
        if report.is_ready:
            view = selectors.report_view(report=report)
            decisions = _decisions(report)
            by_id = {f["id"]: f for f in view["findings"]}
            if failed:
                failed["known"] = failed.get("id") in by_id and failed["id"] not in decisions
            context.update(
                view=view,
                charts=report_charts(view),
                decisions=decisions,
                top=[by_id[i] for i in view["findings_summary"]["top"]],
                undecided=sum(1 for f in view["findings"] if f["id"] not in decisions),
                other_findings=[f for f in selectors.report_findings(report=report) if not f.finding_id],
                review_actions=review_actions,
                can_decide=can_decide,
                decision_choices=FindingDecision.choices,
                has_record=selectors.review_record_exists(report=report),
            )
        return render(request, "reports/detail.html", context, status=status)


TABLES = ("one_way", "two_way", "officers", "profiles", "months")
TABLE_PAGE_ROWS = 50


class ReportTablesView(PermissionRequired, View):
    """The full tables, for reference: one table at a time, filtered and paged on the server."""

    permission_required = VIEW_REPORTS

    def get(self, request, public_id):
        report = _report_or_404(public_id)
        if not report.is_ready:
            return redirect("reports:detail", public_id=report.public_id)
        view = selectors.report_view(report=report)
        table = request.GET.get("table", "one_way")
        table = table if table in TABLES else "one_way"
        query = request.GET.get("q", "").strip()
        which = request.GET.get("show", "")
        pair = request.GET.get("pair", "")
        language = (request.LANGUAGE_CODE or "nl")[:2]
        pairs = [
            (p, " × ".join(str(capfirst(CHARACTERISTIC_NAMES.get(c, c))) for c in p.split("+")))
            for p in sorted({g["pair"] for g in view["groups"] if g["dims"] == 2})
        ]
        if table in ("one_way", "two_way"):
            rows = [g for g in view["groups"] if g["dims"] == (1 if table == "one_way" else 2)]
            if table == "two_way" and pair:
                rows = [g for g in rows if g["pair"] == pair]
            if query:
                needle = query.casefold()
                rows = [
                    g
                    for g in rows
                    if needle in (g["label"].get(language) or "").casefold()
                    or needle in group_key(g["characteristics"]).casefold()
                ]
        elif table == "officers":
            rows = [o for o in view["officers"] if not query or query.casefold() in o["officer_id"].casefold()]
        elif table == "profiles":
            rows = [h for h in view["profiles"] if not query or query.casefold() in h["code"].casefold()]
        else:
            rows = [m for m in view["months"] if not query or query in m["month"]]
        if which == "flagged":
            rows = [r for r in rows if r.get("flagged")]
        elif which == "beyond" and table == "two_way":
            rows = [r for r in rows if r.get("beyond")]
        page = Paginator(rows, TABLE_PAGE_ROWS).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "reports/tables.html",
            {
                "report": report,
                "view": view,
                "table": table,
                "tables": _table_names(),
                "query": query,
                "show": which,
                "pair": pair,
                "pairs": pairs,
                "page": page,
                "rows": page.object_list,
                "params": params.urlencode(),
                "total": len(rows),
            },
        )


def _table_names() -> list[tuple[str, str]]:
    return [
        ("one_way", _("Groups by one characteristic")),
        ("two_way", _("Groups by two characteristics")),
        ("officers", _("Officers")),
        ("profiles", _("Profiles")),
        ("months", _("Months")),
    ]


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
            return HttpResponse(
                str(error.problems[0].message), status=error.status, content_type="text/plain; charset=utf-8"
            )
        response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
        name = f"iob-bias-report-{report.period_from}-{report.period_to}.{kind}"
        response["Content-Disposition"] = f'{"inline" if kind == "pdf" else "attachment"}; filename="{name}"'
        response["X-Content-SHA256"] = sha256(content)
        return response


class ReviewRecordFileView(PermissionRequired, View):
    """The signed review record (PDF/A), with its SHA-256 in a header."""

    permission_required = VIEW_REPORTS

    def get(self, request, public_id):
        report = _report_or_404(public_id)
        record = selectors.review_record_get(report=report)
        if record is None:
            raise Http404
        response = HttpResponse(bytes(record.content), content_type="application/pdf")
        name = f"iob-bias-report-review-{report.period_from}-{report.period_to}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["X-Content-SHA256"] = record.sha256
        return response


class ReportReviewView(PermissionRequired, View):
    """start_review, sign_off, return: the DPO's transitions."""

    permission_required = REVIEW_REPORTS

    def post(self, request, public_id):
        report = _report_or_404(public_id)
        action = request.POST.get("action", "")
        back = reverse("reports:detail", args=[report.public_id])
        if (step_up := step_up_redirect(request, "reports", action, back=back)) is not None:
            return step_up
        try:
            report = services.report_transition(
                actor=request.user, report=report, action=action, comment=request.POST.get("comment", "")
            )
        except DomainError as error:
            back = request.POST.get("back", "review")
            if error.status == 400 and report.is_ready and back in ("review", "review-end"):
                return ReportDetailView.render_page(
                    request,
                    report,
                    status=400,
                    review_failed={"where": back, "errors": [(p.field or "", p.message) for p in error.problems]},
                )
            for problem in error.problems:
                messages.error(request, problem.message)
        else:
            messages.success(
                request,
                {
                    "start_review": _("The review has started."),
                    "sign_off": _("You signed off the report."),
                    "return": _("The report was returned."),
                }.get(action, _("Done.")),
            )
        # After the sign-off the closing panel is gone: the one at the top offers the record.
        back = "review" if action == "sign_off" else request.POST.get("back", "review")
        return HttpResponseRedirect(reverse("reports:detail", args=[report.public_id]) + _fragment(back))


def _fragment(anchor: str) -> str:
    """Back to the part of the page the form was in (an id made of safe characters)."""
    return "#" + anchor if anchor and all(c.isalnum() or c in "-_" for c in anchor) else ""


class FindingCreateView(PermissionRequired, View):
    """The DPO's decision on one finding, posted from the finding's row. Success returns
    to that row (showing the decision); an error shows the row again with an error
    summary that links to the fields, and moves focus to it."""

    permission_required = REVIEW_REPORTS

    def post(self, request, public_id):
        report = _report_or_404(public_id)
        form = FindingDecisionForm(request.POST)
        form.is_valid()
        finding_id = form.cleaned_data.get("finding_id", "")
        anchor = finding_anchor(finding_id) if finding_id else "findings-list"
        try:
            services.report_finding_record(actor=request.user, report=report, **form.service_input())
        except DomainError as error:
            if error.status == 403 or not report.is_ready:
                for problem in error.problems:
                    messages.error(request, problem.message)
                return HttpResponseRedirect(reverse("reports:detail", args=[report.public_id]) + "#" + anchor)
            # Shown in the finding's row (or above the list when the report has no such finding).
            failed = {
                "id": finding_id,
                "data": request.POST,
                "errors": [(form.field_of(p.field), p.message) for p in error.problems],
            }
            return ReportDetailView.render_page(request, report, failed=failed, status=error.status)
        return HttpResponseRedirect(reverse("reports:detail", args=[report.public_id]) + f"?done={anchor}#{anchor}")


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
            messages.success(request, _("The decision was removed."))
        anchor = finding_anchor(finding.finding_id) if finding.finding_id else "findings-list"
        return HttpResponseRedirect(reverse("reports:detail", args=[finding.report.public_id]) + "#" + anchor)


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
            services.follow_up_resolve(
                actor=request.user,
                follow_up=follow_up,
                action=request.POST.get("action", ""),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            for problem in error.problems:
                messages.error(request, problem.message)
        else:
            messages.success(
                request,
                _("The follow-up was withdrawn as requested.")
                if request.POST.get("action") == "withdraw"
                else _("The follow-up was closed."),
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("reports:follow_ups")
        return HttpResponseRedirect(target)
