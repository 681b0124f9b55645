from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("Algorithm Register")

    def ready(self) -> None:
        from .exports import register_export_kind
        from .proposals import register_codes

        register_export_kind()
        register_codes()
