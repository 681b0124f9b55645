"""Every default periodic task, in one place, created once in django-celery-beat's tables
(after every migrate, see `apps.py`).

Administrators edit them in the admin (Periodic tasks); a sync never overwrites an
existing entry, it only adds what is missing. (The migrations that once created the
monthly schedules are kept, as no-ops, for the migration history.)
"""

from django.db import transaction

MONTHLY = {"day_of_week": "*", "day_of_month": "1", "month_of_year": "*"}

# name -> (task, crontab fields[, description])
DEFAULT_SCHEDULES: dict[str, tuple] = {
    "Monthly profile generation run": (
        "generation.monthly_run",
        {"minute": "0", "hour": "2", **MONTHLY},
        "Decision-tree run over the five years before this month; its profiles are for next month.",
    ),
    "Monthly bias report": (
        "reports.monthly_report",
        {"minute": "0", "hour": "3", **MONTHLY},
        "Bias report over the previous calendar month, for the DPO's review.",
    ),
    "Profielstatussen bijwerken (dagelijks)": (
        "profiles.refresh_statuses",
        {"minute": "5", "hour": "0", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
    # A signed checkpoint of the audit chain's head, outside the database.
    "Audittrail-controlepunt (elke vijf minuten)": (
        "audit.checkpoint",
        {"minute": "*/5", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
    # Jobs the broker never delivered, and jobs whose worker died, are sent again.
    "Achtergrondtaken nalopen (elke minuut)": (
        "jobs.sweep",
        {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
}


@transaction.atomic
def schedules_sync() -> int:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    added = 0
    for name, (task, fields, *description) in DEFAULT_SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description="".join(description))
        added += 1
    return added
