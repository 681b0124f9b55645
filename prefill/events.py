"""Audit events of prefill: one function per event type."""

from typing import Any

from audit.services import audit_event_record


def prefill_accepted(*, actor: Any, provenance: Any, target_label: str) -> None:
    audit_event_record(
        event_type=f"prefill.{provenance.disposition}",
        actor=actor,
        target_type="prefill.prefillprovenance",
        target_id=str(provenance.pk),
        target_label=target_label[:200],
        data={
            "codes": provenance.codes,
            "fingerprint": provenance.fingerprint,
            "sources": provenance.sources,
            "target": f"{provenance.target_type.app_label}.{provenance.target_type.model}:{provenance.target_id}",
        },
    )


def prefill_marked_stale(*, actor: Any, reason: str, targets: list[str]) -> None:
    audit_event_record(
        event_type="prefill.marked_stale",
        actor=actor,
        target_type="prefill.prefillprovenance",
        target_label=reason[:200],
        data={"reason": reason, "count": len(targets), "targets": targets[:500]},
    )
