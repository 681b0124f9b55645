from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefillConfig(AppConfig):
    name = "prefill"
    verbose_name = _("Prefill and staleness")

    def ready(self) -> None:
        # The built-in prefill codes register themselves; the audit trail tells us when a
        # source changed (see signals.py).
        from . import signals, sources  # noqa: F401
