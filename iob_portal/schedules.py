"""Default periodic tasks, created once in django-celery-beat's tables.

Administrators edit them in the admin (Periodic tasks); a sync never overwrites an
existing entry, it only adds what is missing.
"""

from django.db import transaction

# name -> (task, crontab fields)
DEFAULT_SCHEDULES = {
    "Profielstatussen bijwerken (dagelijks)": (
        "profiles.refresh_statuses", {"minute": "5", "hour": "0", "day_of_week": "*", "day_of_month": "*",
                                      "month_of_year": "*"}),
    # A signed checkpoint of the audit chain's head, outside the database.
    "Audittrail-controlepunt (elke vijf minuten)": (
        "audit.checkpoint", {"minute": "*/5", "hour": "*", "day_of_week": "*", "day_of_month": "*",
                             "month_of_year": "*"}),
    # Jobs the broker never delivered, and jobs whose worker died, are sent again.
    "Achtergrondtaken nalopen (elke minuut)": (
        "jobs.sweep", {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}),
}


@transaction.atomic
def schedules_sync() -> int:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    added = 0
    for name, (task, fields) in DEFAULT_SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab)
        added += 1
    return added
