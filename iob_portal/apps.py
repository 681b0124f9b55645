from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_reference_data(sender, **kwargs):
    # Runs after every app's permissions exist (this app is installed last), also after
    # a test flush, so roles and built-in catalogues are always there.
    from accounts.services import roles_sync
    from profiles.services import catalogue_sync

    from .schedules import schedules_sync

    roles_sync()
    catalogue_sync()
    schedules_sync()


class IobPortalConfig(AppConfig):
    name = "iob_portal"
    verbose_name = "IOB portal"

    def ready(self) -> None:
        post_migrate.connect(_sync_reference_data, sender=self, dispatch_uid="iob_sync_reference_data")
