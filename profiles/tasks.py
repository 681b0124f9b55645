from celery import shared_task

from .services import profile_statuses_refresh


@shared_task(name="profiles.refresh_statuses", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def refresh_statuses() -> dict[str, int]:
    """Daily: approved profiles become active inside their window, active ones expire after it."""
    return profile_statuses_refresh()
