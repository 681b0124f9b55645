from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import RetrieveAPIView

from accounts.actors import actor_has_right
from accounts.roles import VIEW_AUDIT

from .models import Job


class JobOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "message",
            "result",
            "error",
            "attempts",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]


@extend_schema(tags=["jobs"])
class JobDetailApi(RetrieveAPIView):
    """Status and progress of one background job (its creator, or anyone who may read the trail)."""

    serializer_class = JobOutputSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        user = self.request.user
        qs = Job.objects.select_related("created_by")
        if actor_has_right(user, VIEW_AUDIT):
            return qs
        return qs.filter(created_by=user)
