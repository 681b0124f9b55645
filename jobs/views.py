from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from accounts.actors import actor_has_right
from accounts.roles import VIEW_AUDIT

from .models import Job


def job_progress_json(request, id):
    """Polled by the progress bar on pages (same visibility as the API)."""
    qs = Job.objects.all() if actor_has_right(request.user, VIEW_AUDIT) else Job.objects.filter(created_by=request.user)
    job = get_object_or_404(qs, public_id=id)
    return JsonResponse(
        {
            "id": str(job.public_id),
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "result": job.result,
            "error": job.error,
        }
    )
