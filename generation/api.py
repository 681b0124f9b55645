"""The profile-generation API (docs/api.md): parameter sets (write, workflow) and runs
(start: 202 with the job's URL; follow; candidates; the run as iob-profile-run/1; bulk
approval of chance profiles). Thin: serializers check shape, services decide."""

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import api_permission
from accounts.roles import AUTHOR_PARAMETERS, START_GENERATION, VIEW_GENERATION
from accounts.second_factor import step_up_require_api

from . import selectors, services
from .models import GenerationRun, ParameterSet, RunOrigin
from .workflow import TRANSITIONS

CanView = api_permission(VIEW_GENERATION)


def _abs(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def parameter_set_out(request, ps: ParameterSet) -> dict[str, Any]:
    return {
        "id": str(ps.public_id),
        "url": _abs(request, "api-parameter-set-detail", ps.public_id),
        "name": ps.name,
        "version": ps.version,
        "status": ps.status,
        **ps.as_parameters(),
        "explanation": ps.explanation,
        "created_by": ps.created_by.get_username(),
        "approved_by": ps.approved_by.get_username() if ps.approved_by else None,
        "history": [
            {
                "action": t.action,
                "from": t.from_status,
                "to": t.to_status,
                "actor": t.actor.get_username() if t.actor else None,
                "comment": t.comment,
                "at": t.created_at,
            }
            for t in selectors.parameter_set_transitions(parameter_set=ps)
        ],
    }


def run_out(request, run: GenerationRun) -> dict[str, Any]:
    job = run.job
    return {
        "id": str(run.public_id),
        "url": _abs(request, "api-generation-run-detail", run.public_id),
        "page_url": _abs(request, "generation:run", run.public_id),
        "status": run.status,
        "origin": run.origin,
        "parameter_set": {
            "id": str(run.parameter_set.public_id),
            "name": run.parameter_set.name,
            "version": run.parameter_set.version,
        },
        "window": {"from": run.window_from, "to": run.window_to},
        "valid": {"from": run.valid_from, "until": run.valid_until},
        "started_by": run.started_by_name,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "n_records": run.n_records,
        "input_checksum": run.input_checksum or None,
        "counts": run.counts,
        "duration_ms": run.duration_ms,
        "error": run.error or None,
        "job": None
        if job is None
        else {
            "id": str(job.public_id),
            "url": _abs(request, "api-job-detail", job.public_id),
            "status": job.status,
            "progress": job.progress,
        },
        "links": {
            "document": _abs(request, "api-generation-run-document", run.public_id),
            "candidates": _abs(request, "api-generation-run-candidates", run.public_id),
        },
    }


class ParameterSetIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    features_ordered = serializers.ListField(child=serializers.CharField(), required=False)
    min_group_size = serializers.JSONField()
    chance_max_hit_rate = serializers.JSONField()
    chance_max_refusal_rate = serializers.JSONField()
    risk_min_hit_rate = serializers.JSONField()
    # The stub only allows a mapping as a JSONField default; any JSON value is valid.
    min_depth = serializers.JSONField(required=False, default=3)  # type: ignore[arg-type]
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


def _ps(public_id) -> ParameterSet:
    try:
        return selectors.parameter_set_get(public_id=public_id)
    except ParameterSet.DoesNotExist as error:
        raise Http404 from error


def _run(public_id) -> GenerationRun:
    try:
        return selectors.run_get(public_id=public_id)
    except GenerationRun.DoesNotExist as error:
        raise Http404 from error


class ParameterSetListApi(APIView):
    def get_permissions(self):
        return [api_permission(AUTHOR_PARAMETERS)()] if self.request.method == "POST" else [CanView()]

    @extend_schema(
        operation_id="parameter_sets_list",
        responses=inline_serializer("ParameterSetList", {"results": serializers.ListField()}),
    )
    def get(self, request):
        return Response({"results": [parameter_set_out(request, ps) for ps in selectors.parameter_set_list()[:200]]})

    @extend_schema(request=ParameterSetIn, responses={201: inline_serializer("ParameterSetOut", {})})
    def post(self, request):
        data = ParameterSetIn(data=request.data)
        data.is_valid(raise_exception=True)
        ps = services.parameter_set_create(actor=request.user, **data.validated_data)
        return Response(parameter_set_out(request, ps), status=status.HTTP_201_CREATED)


class ParameterSetDetailApi(APIView):
    def get_permissions(self):
        return [api_permission(AUTHOR_PARAMETERS)()] if self.request.method == "PATCH" else [CanView()]

    @extend_schema(responses=inline_serializer("ParameterSetDetail", {}))
    def get(self, request, id):
        return Response(parameter_set_out(request, _ps(id)))

    @extend_schema(request=ParameterSetIn(partial=True), responses=inline_serializer("ParameterSetPatched", {}))
    def patch(self, request, id):
        ps = _ps(id)
        data = ParameterSetIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("name", None)
        ps = services.parameter_set_update(actor=request.user, parameter_set=ps, **values)
        return Response(parameter_set_out(request, ps))


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ParameterSetActionApi(APIView):
    """POST {"comment"} to submit/, reopen/, approve/, request-changes/, reject/, withdraw/.
    The service answers 403 (role, four eyes) or 409 (state)."""

    permission_classes = [CanView]
    action_name = ""

    @extend_schema(request=CommentIn, responses=inline_serializer("ParameterSetAfterAction", {}))
    def post(self, request, id):
        ps = _ps(id)
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        ps = services.parameter_set_transition(
            actor=request.user, parameter_set=ps, action=self.action_name, comment=data.validated_data["comment"]
        )
        return Response(parameter_set_out(request, ps))


def action_view(action: str):
    assert action in TRANSITIONS
    view_class = type(f"ParameterSet_{action}_Api", (ParameterSetActionApi,), {"action_name": action})
    return view_class.as_view()  # type: ignore[attr-defined]  # stub: type() returns plain `type`


class RunStartIn(serializers.Serializer):
    parameter_set = serializers.UUIDField(required=False, help_text="an approved version; default the newest")


class RunListApi(APIView):
    def get_permissions(self):
        return [api_permission(START_GENERATION)()] if self.request.method == "POST" else [CanView()]

    @extend_schema(
        operation_id="generation_runs_list",
        responses=inline_serializer("GenerationRunList", {"results": serializers.ListField()}),
    )
    def get(self, request):
        return Response({"results": [run_out(request, r) for r in selectors.run_list()[:100]]})

    @extend_schema(request=RunStartIn, responses={202: inline_serializer("GenerationRunStarted", {})})
    def post(self, request):
        data = RunStartIn(data=request.data)
        data.is_valid(raise_exception=True)
        ps = _ps(data.validated_data["parameter_set"]) if data.validated_data.get("parameter_set") else None
        run = services.run_request(actor=request.user, origin=RunOrigin.API, parameter_set=ps)
        body = run_out(request, run)
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        response["Location"] = body["job"]["url"] if body["job"] else body["url"]
        return response


class RunDetailApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses=inline_serializer("GenerationRunDetail", {}))
    def get(self, request, id):
        run = _run(id)
        body = run_out(request, run)
        if run.status == "completed":
            summary = selectors.run_summary(run=run)
            body["summary"] = {
                "risk_by_characteristic": summary["risk_by_characteristic"],
                "risk_by_nationality": summary["risk_by_nationality"],
            }
        return Response(body)


class RunDocumentApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses=inline_serializer("GenerationRunDocument", {}))
    def get(self, request, id):
        return Response(selectors.run_document_stored(run=_run(id)))


class CandidatePage(PageNumberPagination):
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"


class RunCandidatesApi(APIView):
    """GET ?kind=&change=&outcome=&characteristic=&value= (paged)."""

    permission_classes = [CanView]

    @extend_schema(responses=inline_serializer("GenerationRunCandidates", {}))
    def get(self, request, id):
        run = _run(id)
        qs = selectors.run_candidates(
            run=run, filters={k: request.query_params.get(k) for k in selectors.CANDIDATE_FILTERS}
        )
        pager = CandidatePage()
        page = pager.paginate_queryset(qs, request, view=self)
        assert page is not None  # None only when pagination is off; CandidatePage has a page_size
        return pager.get_paginated_response(
            [
                {
                    "id": c.pk,
                    "outcome": c.outcome,
                    "change": c.change or None,
                    "type": c.kind,
                    "previous_type": c.previous_kind or None,
                    "depth": c.depth,
                    "characteristics": c.characteristics,
                    "n": c.n,
                    "hit_rate": c.hit_rate,
                    "refusal_rate": c.refusal_rate,
                    "reasons": c.reasons,
                    "profile": None
                    if c.profile is None
                    else {
                        "id": str(c.profile.public_id),
                        "code": c.profile.code,
                        "status": c.profile.status,
                        "url": _abs(request, "api-profile-detail", c.profile.public_id),
                    },
                }
                for c in page
            ]
        )


class BulkApproveIn(serializers.Serializer):
    candidates = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=5000)
    comment = serializers.CharField(allow_blank=True)


class RunBulkApproveApi(APIView):
    """POST {"candidates": [ids], "comment"}: approve those chance profiles (reviewers)."""

    permission_classes = [CanView]

    @extend_schema(
        request=BulkApproveIn,
        responses=inline_serializer("GenerationBulkApproved", {"approved": serializers.IntegerField()}),
    )
    def post(self, request, id):
        run = _run(id)
        data = BulkApproveIn(data=request.data)
        data.is_valid(raise_exception=True)
        step_up_require_api(request, "generation", "bulk_approve")
        count = services.run_chance_approve(
            actor=request.user,
            run=run,
            candidate_ids=data.validated_data["candidates"],
            comment=data.validated_data["comment"],
        )
        return Response({"approved": count})
