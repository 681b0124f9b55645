"""Words for the audit events of monitoring (see `audit.labels`)."""

from django.utils.translation import gettext_lazy as _

from audit.labels import labels_register

labels_register(
    events={
        "monitoring.imported": _("Monitoring data imported"),
        "monitoring.import_rejected": _("Monitoring import rejected"),
        "monitoring.banned_characteristic_refused": _("Import with a banned column refused"),
    },
    codes={"too_many_records": _("too many records"), "invalid_format": _("file in the wrong format")},
    values={"fast": _("Fast"), "regular": _("Regular"), "intensive": _("Intensive")},
)
