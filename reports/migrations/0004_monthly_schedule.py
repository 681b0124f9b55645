"""The monthly bias report was once created here; every default schedule is now created in one
place, `iob_portal/schedules.py` (after every migrate). Kept, as a no-op, for the
migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_database_guards"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
