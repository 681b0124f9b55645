"""Key the audit chain (HMAC with IOB_AUDIT_KEY, see audit/chain.py).

Events already written keep their plain SHA-256 hashes: rewriting them would need the
append-only trigger dropped and would bless whatever they hold. Instead one keyed event,
`audit.chain_keyed`, is appended after them: its keyed hash covers the last plain hash,
so editing any earlier event breaks the link into it, and no one without the key can
make a new one. It also records whether the plain chain was intact when it was sealed.
An empty trail (a fresh install) needs no seal: every event is keyed from the first.
"""

from django.db import migrations
from django.utils import timezone

GENESIS = "0" * 64


def seal(apps, schema_editor):
    from audit.chain import KEYED_MARKER, event_hash, event_mac

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    if not AuditEvent.objects.exists() or AuditEvent.objects.filter(event_type=KEYED_MARKER).exists():
        return
    expected_prev, intact, count = GENESIS, True, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        recomputed = event_hash(seq=event.seq, prev_hash=event.prev_hash, created_at=event.created_at.isoformat(),
                                actor_username=event.actor_username, event_type=event.event_type,
                                target_type=event.target_type, target_id=event.target_id,
                                target_label=event.target_label, data=event.data)
        if event.seq != count or event.prev_hash != expected_prev or recomputed != event.hash:
            intact = False
        expected_prev = event.hash
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=True)
    seq, created_at = head.seq + 1, timezone.now()
    data = {"plain_events": count, "plain_chain_intact": intact, "plain_head": head.hash}
    digest = event_mac(seq=seq, prev_hash=head.hash, created_at=created_at.isoformat(), actor_username="system",
                       event_type=KEYED_MARKER, target_type="", target_id="", target_label="", data=data)
    AuditEvent.objects.create(seq=seq, created_at=created_at, actor_username="system", event_type=KEYED_MARKER,
                              data=data, prev_hash=head.hash, hash=digest)
    AuditChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_guard_every_way")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
