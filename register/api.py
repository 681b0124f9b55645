"""The register entry in the API. Thin: input serializers check shape, services decide
(roles, four eyes, the one validator); DomainErrors become 400/403/409 with codes."""

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import api_permission
from accounts.roles import VIEW_REGISTER
from accounts.second_factor import step_up_require_api

from . import selectors, services
from .exports import register_body
from .models import EntryVersion
from .workflow import TRANSITIONS, actions_available

CanView = api_permission(VIEW_REGISTER)


def _user(user) -> str | None:
    return user.get_username() if user else None


def version_out(request, version: EntryVersion, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(version.public_id),
        "url": request.build_absolute_uri(reverse("api-register-version", args=[version.public_id])),
        "entry": str(version.entry.public_id),
        "lars": version.entry.lars or None,
        "number": version.number,
        "status": version.status,
        "content_hash": version.content_hash or None,
        "created_by": _user(version.created_by),
        "created_at": version.created_at,
        "submitted_by": _user(version.submitted_by),
        "submitted_at": version.submitted_at,
        "approved_by": _user(version.approved_by),
        "approved_at": version.approved_at,
        "published_by": _user(version.published_by),
        "published_at": version.published_at,
        "actions": [a.replace("_", "-") for a in actions_available(status=version.status)],
    }
    if detail:
        out.update(
            fields=version.fields,
            provenance=version.provenance,
            stale=sorted(selectors.version_staleness(version=version)) if version.status == "draft" else [],
            register_answer=version.register_answer or None,
            history=[
                {
                    "action": t.action,
                    "from": t.from_status,
                    "to": t.to_status,
                    "by": t.actor_name,
                    "at": t.created_at,
                    "comment": t.comment,
                }
                for t in version.transitions.all()
            ],
        )
    return out


VersionOutput = inline_serializer(
    "RegisterVersionOutput",
    {
        "id": serializers.UUIDField(),
        "url": serializers.URLField(),
        "entry": serializers.UUIDField(),
        "lars": serializers.CharField(allow_null=True),
        "number": serializers.IntegerField(),
        "status": serializers.CharField(),
        "content_hash": serializers.CharField(allow_null=True),
        "fields": serializers.DictField(required=False),
        "provenance": serializers.DictField(required=False),
        "stale": serializers.ListField(child=serializers.CharField(), required=False),
        "actions": serializers.ListField(child=serializers.CharField()),
    },
)


class RegisterCreateInput(serializers.Serializer):
    prefill = serializers.BooleanField(default=True)
    # The metaclass moves declared fields out of the class, so this does not replace `Serializer.fields`.
    fields = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]


class RegisterUpdateInput(serializers.Serializer):
    fields = serializers.DictField()  # type: ignore[assignment]  # as in RegisterCreateInput


class RegisterPrefillInput(serializers.Serializer):
    keys = serializers.ListField(child=serializers.CharField(), required=False)


class RegisterCommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RegisterTranslationInput(serializers.Serializer):
    field = serializers.CharField()
    language = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


def _get(id) -> EntryVersion:
    try:
        return selectors.version_get(public_id=id)
    except EntryVersion.DoesNotExist as error:
        raise Http404 from error


@extend_schema(tags=["register"])
class VersionListApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses={200: type(VersionOutput)(many=True)}, operation_id="register_versions_list")
    def get(self, request):
        """Versions of the entry, newest first."""
        entry = selectors.entry_current()
        rows = selectors.version_list(entry=entry)[:100] if entry else []
        return Response([version_out(request, v) for v in rows])

    @extend_schema(request=RegisterCreateInput, responses={201: VersionOutput})
    def post(self, request):
        """Open a new draft (the register editor), prefilled from the portal unless `prefill` is false."""
        data = RegisterCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_create_draft(
            actor=request.user, use_prefill=data.validated_data["prefill"], fields=data.validated_data["fields"]
        )
        return Response(version_out(request, version, detail=True), status=status.HTTP_201_CREATED)


@extend_schema(tags=["register"])
class VersionDetailApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses={200: VersionOutput})
    def get(self, request, id):
        return Response(version_out(request, _get(id), detail=True))

    @extend_schema(request=RegisterUpdateInput, responses={200: VersionOutput})
    def patch(self, request, id):
        """Change fields of a draft (409 otherwise); every problem at once, with codes."""
        data = RegisterUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_update(actor=request.user, version=_get(id), fields=data.validated_data["fields"])
        return Response(version_out(request, version, detail=True))


@extend_schema(tags=["register"])
class VersionPrefillApi(APIView):
    permission_classes = [CanView]

    @extend_schema(request=RegisterPrefillInput, responses={200: VersionOutput})
    def post(self, request, id):
        """Take the portal's current proposals (all, or `keys`) into a draft, with provenance."""
        data = RegisterPrefillInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_prefill(actor=request.user, version=_get(id), keys=data.validated_data.get("keys"))
        return Response(version_out(request, version, detail=True))


@extend_schema(tags=["register"])
class VersionActionApi(APIView):
    permission_classes = [CanView]
    action_name = ""

    @extend_schema(request=RegisterCommentInput, responses={200: VersionOutput})
    def post(self, request, id):
        data = RegisterCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        step_up_require_api(request, "register", self.action_name)
        version = services.version_transition(
            actor=request.user, version=_get(id), action=self.action_name, comment=data.validated_data["comment"]
        )
        return Response(version_out(request, version, detail=True))


ACTION_VIEWS = {
    action: type(
        f"Version{action.title().replace('_', '')}Api",
        (VersionActionApi,),
        {"action_name": action, "__doc__": f"Workflow action `{action}` (see register/workflow.py)."},
    )
    for action, t in TRANSITIONS.items()
    if t.role is not None
}


@extend_schema(tags=["register"])
class VersionDiffApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses={200: inline_serializer("RegisterDiff", {"rows": serializers.ListField()})})
    def get(self, request, id, other_id):
        """Every field of two versions side by side, with `changed`."""
        return Response({"rows": selectors.version_diff(left=_get(other_id), right=_get(id))})


@extend_schema(tags=["register"])
class VersionRegisterJsonApi(APIView):
    permission_classes = [CanView]

    @extend_schema(responses={200: inline_serializer("RegisterBody", {"name": serializers.CharField()})})
    def get(self, request, id):
        """The JSON body exactly as the register's delivery API takes it (stored exports: /api/exports/)."""
        return Response(register_body(_get(id)))


@extend_schema(tags=["register"])
class VersionTranslationApi(APIView):
    permission_classes = [CanView]

    @extend_schema(
        request=RegisterTranslationInput,
        responses={
            201: inline_serializer(
                "RegisterTranslation",
                {
                    "field": serializers.CharField(),
                    "language": serializers.CharField(),
                    "text": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request, id):
        """Store a person's approved translation of one field's current Dutch text."""
        data = RegisterTranslationInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.translation_approve(actor=request.user, version=_get(id), **data.validated_data)
        return Response(
            {"field": row.field, "language": row.language, "text": row.text}, status=status.HTTP_201_CREATED
        )
