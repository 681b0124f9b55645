from django.db.models import QuerySet

from .models import Job


def job_get(*, public_id) -> Job:
    return Job.objects.get(public_id=public_id)


def job_list_for(*, user) -> QuerySet[Job]:
    qs = Job.objects.order_by("-created_at")
    if user.is_superuser:
        return qs
    return qs.filter(created_by=user)
