"""The DPIA/IAMA API: documents and versions, saving a section, taking over a proposal,
the workflow. Exports go through the shared `/api/exports/` with kind `dpia` or `iama`
and `{"version": id}`. Thin: serializers check shape, services decide."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import api_permission
from accounts.roles import AUTHOR_ASSESSMENTS, VIEW_ASSESSMENTS
from accounts.second_factor import step_up_require_api
from prefill.selectors import prefill_refresh

from . import selectors, services
from .models import AssessmentVersion
from .questionsets import effective_prefill, questionset_data

CanView = api_permission(VIEW_ASSESSMENTS)
CanAuthor = api_permission(AUTHOR_ASSESSMENTS)


def _version(id: Any) -> AssessmentVersion:
    try:
        return selectors.version_get(public_id=id)
    except AssessmentVersion.DoesNotExist as error:
        raise Http404 from error


def version_out(request: Any, v: AssessmentVersion) -> dict[str, Any]:
    return {
        "id": str(v.public_id),
        "kind": v.assessment.kind,
        "number": v.number,
        "status": v.status,
        "question_set": {"prefix": v.question_set.prefix, "version": v.question_set.version},
        "review_by": v.review_by,
        "content_hash": v.content_hash or None,
        "signed_by": v.signed_by.get_username() if v.signed_by is not None else None,
        "signed_at": v.signed_at,
        "url": request.build_absolute_uri(reverse("api-assessment-version", args=[v.public_id])),
        "page_url": request.build_absolute_uri(reverse("assessments:version", args=[v.public_id])),
    }


class AssessmentListApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}}, tags=["assessments"])
    def get(self, request):
        out = []
        for a in selectors.assessment_list():
            out.append(
                {
                    "id": str(a.public_id),
                    "kind": a.kind,
                    "system": a.system,
                    "title": a.title,
                    "versions": [version_out(request, v) for v in a.versions.all()],
                }
            )
        return Response(out)


class VersionDetailApi(APIView):
    """The version's content as in the JSON export, with its section states."""

    permission_classes = [CanView]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["assessments"])
    def get(self, request, id):
        version = _version(id)
        return Response(
            {
                **version_out(request, version),
                "sections_state": selectors.section_states(version=version),
                "content": selectors.version_export(version=version),
            }
        )


class SectionSaveApi(APIView):
    permission_classes = [CanAuthor]

    class SectionSaveInputSerializer(serializers.Serializer):
        answers = serializers.DictField(child=serializers.DictField())

    @extend_schema(request=SectionSaveInputSerializer, responses=OpenApiTypes.OBJECT, tags=["assessments"])
    def put(self, request, id, section):
        data = self.SectionSaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.section_save(
            actor=request.user, version=_version(id), section_id=section, answers=data.validated_data["answers"]
        )
        state = next(s for s in selectors.section_states(version=version) if s["id"] == section)
        return Response(state)


class PrefillApi(APIView):
    """GET: the proposal for a question as it is now, beside the accepted one (the diff).
    POST `{"fingerprint"}`: take it over (409 when its sources changed meanwhile)."""

    def get_permissions(self):
        return [CanAuthor() if self.request.method == "POST" else CanView()]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["assessments"])
    def get(self, request, id, key):
        version = _version(id)
        q = questionset_data(version.question_set).by_key.get(key)
        if q is None or not effective_prefill(q):
            raise Http404
        refresh = prefill_refresh(codes=effective_prefill(q), target=version.answers.filter(key=key).first())
        return Response(
            {
                "key": key,
                "proposal": refresh.new.as_dict() if refresh.new else None,
                "accepted": None
                if refresh.old is None
                else {
                    "text": refresh.old.proposal_text,
                    "sources": refresh.old.sources,
                    "fingerprint": refresh.old.fingerprint,
                    "disposition": refresh.old.disposition,
                    "stale_since": refresh.old.stale_since,
                },
                "diff": [{"op": op, "line": line} for op, line in refresh.diff],
            }
        )

    @extend_schema(
        request=inline_serializer("PrefillAccept", {"fingerprint": serializers.CharField()}),
        responses=OpenApiTypes.OBJECT,
        tags=["assessments"],
    )
    def post(self, request, id, key):
        fingerprint = str(request.data.get("fingerprint", ""))
        answer = services.prefill_accept_answer(
            actor=request.user, version=_version(id), key=key, fingerprint=fingerprint
        )
        return Response({"key": answer.key, "value": answer.value})


class TransitionApi(APIView):
    """POST `{"action": "submit"|"return"|"record_dpo_advice"|"sign", "comment", "advice",
    "review_by"}`: 403 when the role or four eyes forbids it, 409 when the state does not."""

    permission_classes = [CanView]

    class TransitionInputSerializer(serializers.Serializer):
        action = serializers.CharField()
        comment = serializers.CharField(required=False, allow_blank=True, default="")
        advice = serializers.CharField(required=False, allow_blank=True, default="")
        review_by = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(request=TransitionInputSerializer, responses=OpenApiTypes.OBJECT, tags=["assessments"])
    def post(self, request, id):
        data = self.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step_up_require_api(request, "assessments", data.validated_data["action"])
        version = services.version_transition(actor=request.user, version=_version(id), **data.validated_data)
        return Response(version_out(request, version))
