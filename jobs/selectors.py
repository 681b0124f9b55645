from .models import Job


def job_get(*, public_id) -> Job:
    return Job.objects.get(public_id=public_id)
