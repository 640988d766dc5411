"""Link the entries written before the hash chain, in id order, and create the chain head.

The digest is copied here (not imported from audit.chain) so that this migration keeps hashing
the way it did when it was written; audit.chain.entry_digest must stay equal to it.
"""

import datetime as dt
import hashlib
import json

from django.db import migrations

FIELDS = (
    "seq", "timestamp", "actor_id", "actor_label", "source", "remote_addr", "request_id",
    "action", "event", "content_type", "object_id", "object_repr", "before", "after", "message",
)  # fmt: skip


def _normalise(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    return value


def _digest(fields, prev_hash):
    payload = {name: _normalise(fields[name]) for name in FIELDS}
    payload["prev_hash"] = prev_hash
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


def link_entries(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditChainHead")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in content_type_model.objects.all()}
    seq, prev_hash = 0, ""
    batch = []
    for entry in entry_model.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        fields = {name: getattr(entry, name) for name in FIELDS if name != "content_type"}
        fields["actor_id"] = entry.actor_id
        fields["timestamp"] = entry.timestamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        fields["content_type"] = labels.get(entry.content_type_id, "?")
        fields["seq"] = seq
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.hash = prev_hash = _digest(fields, prev_hash)
        batch.append(entry)
        if len(batch) >= 2000:
            entry_model.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        entry_model.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    head_model.objects.create(pk=1, seq=seq, last_hash=prev_hash)


def unlink_entries(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.all().delete()
    apps.get_model("audit", "AuditEntry").objects.update(seq=None, prev_hash="", hash="")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_hash_chain"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(link_entries, unlink_entries)]
