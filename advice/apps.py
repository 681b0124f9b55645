from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "advice"
    verbose_name = _("Advice")
