"""The Celery app. Broker and schedule come from settings (see settings.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iob_portal.settings")

app = Celery("iob_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
