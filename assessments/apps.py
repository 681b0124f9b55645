from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Impact assessments (DPIA, IAMA)")

    def ready(self) -> None:
        # Question keys become prefill codes; the DPIA and IAMA become export kinds.
        from . import exports, prefill_sources  # noqa: F401
