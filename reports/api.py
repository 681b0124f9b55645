"""The bias report API (docs/api.md): start and list reports, follow one, fetch its
files, and the DPO's review below `/api/reports/{id}/`. Thin: input serializers check
shape, services decide."""

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import api_permission
from accounts.roles import GENERATE_REPORTS, REVIEW_PROFILES, REVIEW_REPORTS, VIEW_REPORTS
from accounts.second_factor import step_up_require_api
from problems import DomainError

from . import selectors, services
from .models import ArtifactKind, BiasReport, FollowUpAction, ReportFinding, ReportOrigin
from .outputs import sha256
from .views import CONTENT_TYPES

CanView = api_permission(VIEW_REPORTS)
CanGenerate = api_permission(GENERATE_REPORTS)
CanReview = api_permission(REVIEW_REPORTS)
CanActOnFollowUps = api_permission(REVIEW_PROFILES)


def _abs(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _user(user) -> str | None:
    return user.get_username() if user else None


def report_out(request, report: BiasReport) -> dict[str, Any]:
    job = report.job
    ready = report.is_ready
    rid = report.public_id
    actions = services.report_actions_allowed(actor=request.user, report=report)
    return {
        "id": str(rid),
        "url": _abs(request, "api-report-detail", rid),
        "page_url": _abs(request, "reports:detail", rid),
        "status": report.status,
        "origin": report.origin,
        "period": {"from": report.period_from.isoformat(), "to": report.period_to.isoformat()},
        "parameters": report.parameters,
        "created_by": _user(report.created_by),
        "created_at": report.created_at,
        "progress": 100 if ready else (job.progress if job else 0),
        "job": None
        if job is None
        else {
            "id": str(job.public_id),
            "url": _abs(request, "api-job-detail", job.public_id),
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
        },
        "generated_at": report.generated_at,
        "record_count": report.record_count,
        "decided_count": report.decided_count,
        "flagged_count": report.flagged_count,
        "content_hash": report.content_hash or None,
        "pdf_sha256": report.pdf_sha256 or None,
        "failure": report.failure or None,
        "links": {
            **{kind: (_abs(request, f"api-report-{kind}", rid) if ready else None) for kind in ("json", "csv", "pdf")},
            "findings": _abs(request, "api-report-findings", rid),
            **{name.replace("_", "-"): _abs(request, f"api-report-{name.replace('_', '-')}", rid) for name in actions},
        },
        "review": {
            "started_at": report.review_started_at,
            "decided_at": report.decided_at,
            "decided_by": _user(report.decided_by),
            "comment": report.decision_comment or None,
            "actions": actions,
        },
    }


ReportOutput = inline_serializer(
    "BiasReportOutput",
    {
        "id": serializers.UUIDField(),
        "url": serializers.URLField(),
        "page_url": serializers.URLField(),
        "status": serializers.CharField(),
        "origin": serializers.CharField(),
        "period": serializers.DictField(),
        "parameters": serializers.DictField(),
        "created_by": serializers.CharField(allow_null=True),
        "created_at": serializers.DateTimeField(),
        "progress": serializers.IntegerField(),
        "job": serializers.DictField(allow_null=True),
        "generated_at": serializers.DateTimeField(allow_null=True),
        "record_count": serializers.IntegerField(allow_null=True),
        "decided_count": serializers.IntegerField(allow_null=True),
        "flagged_count": serializers.IntegerField(allow_null=True),
        "content_hash": serializers.CharField(allow_null=True),
        "pdf_sha256": serializers.CharField(allow_null=True),
        "failure": serializers.CharField(allow_null=True),
        "links": serializers.DictField(),
        "review": serializers.DictField(),
    },
)


# For the schema only: the service checks the body (invalid_date, invalid_period,
# period_too_long, invalid_parameter, unknown_parameter), so every door says the same.
ReportRequestInput = inline_serializer(
    "BiasReportRequest",
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "min_cell": serializers.IntegerField(required=False, default=10),
        "alpha": serializers.FloatField(required=False, default=0.05),
        "ratio_low": serializers.FloatField(required=False, default=0.8),
        "ratio_high": serializers.FloatField(required=False, default=1.25),
        "follow_threshold": serializers.FloatField(required=False, default=0.95),
    },
)


def _request_body(request) -> dict[str, Any]:
    data = request.data
    if not hasattr(data, "items"):
        raise DomainError.single("invalid_body", _("Send a JSON object with “from”, “to” and any parameters."))
    return dict(data.items())


class ReportListCreateApi(APIView):
    """GET: bias reports, newest first. POST: start one (202, computed in the background)."""

    def get_permissions(self):
        return [CanGenerate()] if self.request.method == "POST" else [CanView()]

    @extend_schema(
        responses=inline_serializer(
            "BiasReportPage",
            fields={
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        ),
        tags=["reports"],
        operation_id="reports_list",
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, required=False)],
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.report_list(), request, view=self)
        return paginator.get_paginated_response([report_out(request, r) for r in page])

    @extend_schema(
        request=ReportRequestInput,
        responses={202: ReportOutput},
        tags=["reports"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Repeat a request safely: the same key returns the same report.",
            )
        ],
    )
    def post(self, request):
        data = _request_body(request)
        unknown_top = {k: v for k, v in data.items() if k not in ("from", "to")}
        report = services.report_request(
            actor=request.user,
            period_from=data.get("from"),
            period_to=data.get("to"),
            parameters=unknown_top,
            origin=ReportOrigin.API,
            request_key=request.headers.get("Idempotency-Key"),
        )
        body = report_out(request, report)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


def _report(public_id) -> BiasReport:
    try:
        return selectors.report_get(public_id=public_id)
    except BiasReport.DoesNotExist as error:
        raise Http404 from error


class ReportDetailApi(APIView):
    """Status, progress, hashes and links to the files and the review actions."""

    permission_classes = [CanView]

    @extend_schema(responses=ReportOutput, tags=["reports"])
    def get(self, request, id):
        return Response(report_out(request, _report(id)))


def _file_api(kind: str):
    class ReportFileApi(APIView):
        permission_classes = [CanView]

        @extend_schema(
            responses={
                (200, CONTENT_TYPES[kind].split(";")[0]): OpenApiTypes.BINARY,
                409: OpenApiResponse(description="The report is not ready yet."),
            },
            tags=["reports"],
            summary=f"The report's {kind.upper()} file",
        )
        def get(self, request, id):
            report = _report(id)
            content = selectors.report_artifact(report=report, kind=kind)  # 409 not_ready, 404 not_found
            response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
            response["Content-Disposition"] = (
                f'attachment; filename="iob-bias-report-{report.period_from}-{report.period_to}.{kind}"'
            )
            response["X-Content-SHA256"] = sha256(content)
            return response

    ReportFileApi.__name__ = f"Report{kind.capitalize()}Api"
    return ReportFileApi


ReportJsonApi = _file_api(ArtifactKind.JSON)
ReportCsvApi = _file_api(ArtifactKind.CSV)
ReportPdfApi = _file_api(ArtifactKind.PDF)


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _transition_api(action: str):
    class ReportTransitionApi(APIView):
        # The door lets readers through; the service answers 403 for anyone but the DPO
        # (and audits the attempt).
        permission_classes = [CanView]

        @extend_schema(
            request=CommentInput,
            responses=ReportOutput,
            tags=["reports"],
            summary=f"Review: {action.replace('_', ' ')}",
        )
        def post(self, request, id):
            data = CommentInput(data=request.data)
            data.is_valid(raise_exception=True)
            step_up_require_api(request, "reports", action)
            report = services.report_transition(
                actor=request.user, report=_report(id), action=action, comment=data.validated_data["comment"]
            )
            return Response(report_out(request, report))

    ReportTransitionApi.__name__ = "Report" + "".join(w.capitalize() for w in action.split("_")) + "Api"
    return ReportTransitionApi


ReportStartReviewApi = _transition_api("start_review")
ReportSignOffApi = _transition_api("sign_off")
ReportReturnApi = _transition_api("return")


def finding_out(request, finding: ReportFinding) -> dict[str, Any]:
    return {
        "id": str(finding.public_id),
        "subject_type": finding.subject_type,
        "group": finding.group,
        "officer_id": finding.officer_id or None,
        "profile_code": finding.profile_code or None,
        "decision": finding.decision,
        "note": finding.note,
        "created_by": _user(finding.created_by),
        "created_at": finding.created_at,
        "follow_ups": [follow_up_out(request, f, with_report=False) for f in finding.follow_ups.all()],
    }


def follow_up_out(request, f: FollowUpAction, *, with_report: bool = True) -> dict[str, Any]:
    out = {
        "id": str(f.public_id),
        "kind": f.kind,
        "profile_code": f.profile_code or None,
        "note": f.note,
        "status": f.status,
        "resolved_by": _user(f.resolved_by),
        "resolved_at": f.resolved_at,
        "resolution_comment": f.resolution_comment or None,
        "resolve_url": _abs(request, "api-report-follow-up-resolve", f.public_id),
    }
    if with_report:
        out["report"] = _abs(request, "api-report-detail", f.finding.report.public_id)
        out["finding"] = {"id": str(f.finding.public_id), "note": f.finding.note, "decision": f.finding.decision}
    return out


class FollowUpInput(serializers.Serializer):
    kind = serializers.CharField()
    profile_code = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingInput(serializers.Serializer):
    subject_type = serializers.CharField(help_text="group, officer or profile")
    group = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text='e.g. {"nationality": "SYR", "travel_purpose": "family_friends"}',
    )
    officer_id = serializers.CharField(required=False)
    profile_code = serializers.CharField(required=False)
    decision = serializers.CharField(help_text="accept, mitigate or escalate")
    note = serializers.CharField(allow_blank=True)
    follow_ups = FollowUpInput(many=True, required=False)


FindingOutput = inline_serializer(
    "BiasReportFindingOutput",
    many=False,
    fields={
        "id": serializers.UUIDField(),
        "subject_type": serializers.CharField(),
        "group": serializers.DictField(allow_null=True),
        "officer_id": serializers.CharField(allow_null=True),
        "profile_code": serializers.CharField(allow_null=True),
        "decision": serializers.CharField(),
        "note": serializers.CharField(),
        "created_by": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "follow_ups": serializers.ListField(child=serializers.DictField()),
    },
)


class ReportFindingsApi(APIView):
    """GET: the DPO's findings on a report. POST: record one (DPO, report in review)."""

    def get_permissions(self):
        return [CanReview()] if self.request.method == "POST" else [CanView()]

    @extend_schema(
        responses=inline_serializer(
            "BiasReportFindingList",
            many=True,
            fields={
                "id": serializers.UUIDField(),
                "subject_type": serializers.CharField(),
                "decision": serializers.CharField(),
                "note": serializers.CharField(),
                "follow_ups": serializers.ListField(child=serializers.DictField()),
            },
        ),
        tags=["reports"],
    )
    def get(self, request, id):
        return Response([finding_out(request, f) for f in selectors.report_findings(report=_report(id))])

    @extend_schema(request=FindingInput, responses={201: FindingOutput}, tags=["reports"])
    def post(self, request, id):
        report = _report(id)
        data = FindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        subject = {"group": v.get("group"), "officer": v.get("officer_id"), "profile": v.get("profile_code")}.get(
            v["subject_type"]
        )
        finding = services.report_finding_record(
            actor=request.user,
            report=report,
            subject_type=v["subject_type"],
            subject=subject,
            decision=v["decision"],
            note=v["note"],
            follow_ups=[dict(f) for f in v.get("follow_ups", [])],
        )
        finding = selectors.finding_get(public_id=finding.public_id)
        return Response(finding_out(request, finding), status=status.HTTP_201_CREATED)


class ReportFindingDeleteApi(APIView):
    permission_classes = [CanReview]

    @extend_schema(responses={204: None}, tags=["reports"])
    def delete(self, request, id, finding_id):
        try:
            finding = selectors.finding_get(public_id=finding_id)
        except ReportFinding.DoesNotExist as error:
            raise Http404 from error
        if finding.report.public_id != id:
            raise Http404
        services.report_finding_delete(actor=request.user, finding=finding)
        return Response(status=status.HTTP_204_NO_CONTENT)


FollowUpOutput = inline_serializer(
    "BiasReportFollowUpOutput",
    fields={
        "id": serializers.UUIDField(),
        "kind": serializers.CharField(),
        "profile_code": serializers.CharField(allow_null=True),
        "note": serializers.CharField(),
        "status": serializers.CharField(),
        "report": serializers.URLField(),
        "resolve_url": serializers.URLField(),
    },
)


class FollowUpListApi(APIView):
    """Open follow-up requests of signed reports: the reviewers' queue."""

    permission_classes = [CanActOnFollowUps]

    @extend_schema(
        responses=inline_serializer(
            "BiasReportFollowUpList",
            many=True,
            fields={
                "id": serializers.UUIDField(),
                "kind": serializers.CharField(),
                "status": serializers.CharField(),
                "profile_code": serializers.CharField(allow_null=True),
                "resolve_url": serializers.URLField(),
            },
        ),
        tags=["reports"],
    )
    def get(self, request):
        return Response([follow_up_out(request, f) for f in selectors.follow_ups_open()])


class ResolveInput(serializers.Serializer):
    action = serializers.CharField(help_text="withdraw or dismiss (withdraw requests); done or dismiss (others)")
    comment = serializers.CharField(allow_blank=True)


class FollowUpResolveApi(APIView):
    permission_classes = [CanActOnFollowUps]

    @extend_schema(request=ResolveInput, responses=FollowUpOutput, tags=["reports"])
    def post(self, request, id):
        try:
            follow_up = selectors.follow_up_get(public_id=id)
        except FollowUpAction.DoesNotExist as error:
            raise Http404 from error
        data = ResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.follow_up_resolve(actor=request.user, follow_up=follow_up, **data.validated_data)
        return Response(follow_up_out(request, selectors.follow_up_get(public_id=follow_up.public_id)))
