"""The monthly generation run on Celery beat's database schedule: 02:00 on the first of
each month, with the approved parameter set, for the next month. Administrators change
or disable it in the admin; this migration only creates it when it is missing."""

from django.db import migrations

TASK_NAME = "Monthly profile generation run"


def forward(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Europe/Amsterdam")
    PeriodicTask.objects.create(
        name=TASK_NAME, task="generation.monthly_run", crontab=crontab, enabled=True,
        description="Decision-tree run over the five years before this month; its profiles are for next month.")


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0002_database_guards"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
