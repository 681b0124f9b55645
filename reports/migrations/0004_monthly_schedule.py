"""The monthly bias report on Celery beat's database schedule: 03:00 on the first of
each month, for the month before. An administrator can change or disable it in the admin
site; this migration only creates it when it is missing."""

from django.db import migrations

TASK_NAME = "Monthly bias report"


def forward(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Europe/Amsterdam")
    PeriodicTask.objects.create(
        name=TASK_NAME, task="reports.monthly_report", crontab=crontab, enabled=True,
        description="Bias report (bias-report.md) over the previous calendar month, for the DPO's review.")


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_database_guards"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
