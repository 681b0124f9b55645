"""Words for the audit events of bias reports (see `audit.labels`)."""

from django.utils.translation import gettext_lazy as _

from audit.labels import labels_register

labels_register(
    events={
        "report.requested": _("Bias report requested"),
        "report.generated": _("Bias report generated"),
        "report.failed": _("Bias report failed"),
        "report.start_review": _("Bias report review started"),
        "report.sign_off": _("Bias report signed off"),
        "report.return": _("Bias report returned"),
        "report.refused": _("Bias report action refused"),
        "report.finding_recorded": _("Finding recorded"),
        "report.finding_deleted": _("Finding deleted"),
        "report.follow_up_done": _("Follow-up carried out"),
        "report.follow_up_dismissed": _("Follow-up dismissed"),
        "report.follow_up_refused": _("Follow-up refused"),
    },
    codes={"note_required": _("note required"), "not_ready": _("not ready")},
)
