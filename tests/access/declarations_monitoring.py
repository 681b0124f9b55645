"""Who may use the monitoring pages and API and the impact preview."""

from .matrix import (
    MONITORING_IMPORTERS,
    MONITORING_READERS,
    PROFILE_READERS,
    SIGNED_IN,
    access,
)


def _import_run(w):
    """A (rejected) run of the administrator, made through the import service."""
    from monitoring.services import monitoring_records_import_batch

    run = monitoring_records_import_batch(actor=w.users["admin"], records=[{"application_id": "matrix"}])
    return {"public_id": run.public_id}


def _preview(w):
    """A kept (running) preview of a profile in review, as a large period leaves one."""
    from monitoring.previews import impact_preview_start

    preview = impact_preview_start(
        actor=w.users["reviewer"],
        profile=w.in_review,
        period_from=w.in_review.valid_from,
        period_until=w.in_review.valid_until,
        data_stamp=0,
    )
    return {"public_id": preview.public_id}


IMPORT_READERS = MONITORING_IMPORTERS | MONITORING_READERS

ROUTES = [
    # --- pages ---------------------------------------------------------------------------
    access("monitoring:index", GET=SIGNED_IN, note="redirects to the upload page, which checks the role"),
    access("monitoring:upload", GET=MONITORING_IMPORTERS, POST=MONITORING_IMPORTERS),
    access("monitoring:import_example", GET=MONITORING_IMPORTERS),
    access("monitoring:import_detail", kwargs=_import_run, GET=IMPORT_READERS),
    access("monitoring:import_report_csv", kwargs=_import_run, GET=IMPORT_READERS),
    access("monitoring:profile_impact", kwargs=lambda w: {"public_id": w.in_review.public_id}, GET=PROFILE_READERS),
    access("monitoring:impact_progress", kwargs=_preview, GET=PROFILE_READERS),
    # --- API -------------------------------------------------------------------------------
    access("api-monitoring-records", GET=MONITORING_READERS, POST=MONITORING_IMPORTERS, body={}),
    access("api-profile-impact", kwargs=lambda w: {"id": w.in_review.public_id}, GET=PROFILE_READERS),
]
