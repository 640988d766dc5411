"""Writing the audit log. Field changes are caught by signals; services add business events."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import CharField, DateTimeField, IntegerField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast
from django.utils import timezone

from chainlead.audit import context
from chainlead.audit.chain import append_many, insert_sealed, sealed_row, timestamp_text
from chainlead.audit.chain import link_pending as link_pending  # for SQL writers
from chainlead.audit.models import AuditAction, AuditEntry
from chainlead.core.db import insert_select, select_columns

_REGISTERED: dict[type[models.Model], frozenset[str]] = {}


def register(model: type[models.Model], *, exclude: Iterable[str] = ()) -> type[models.Model]:
    """Audit every save and delete of `model` (admin edits included). Usable as a decorator."""
    _REGISTERED[model] = frozenset(exclude)
    return model


def is_registered(model: type[models.Model]) -> bool:
    return model in _REGISTERED


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of `instance`, JSON-ready (FKs as their ids)."""
    exclude = _REGISTERED.get(type(instance), frozenset())
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = getattr(instance, f.attname)
        if isinstance(value, Combinable):
            # Saved as an expression (e.g. version = F("version") + 1): log the stored result.
            value = (
                type(instance)
                ._default_manager.filter(pk=instance.pk)
                .values_list(f.attname, flat=True)
                .first()
            )
        if isinstance(value, decimal.Decimal) and isinstance(f, models.DecimalField):
            # As stored: 9000000 and 9000000.00 are the same amount, not a change.
            value = value.quantize(decimal.Decimal(1).scaleb(-f.decimal_places))
        data[f.attname] = _jsonable(value)
    return data


def _actor_fields() -> dict[str, Any]:
    ctx = context.current()
    actor = ctx.actor
    return {
        "actor": actor if actor is not None and getattr(actor, "pk", None) else None,
        "actor_label": (actor.get_username() if actor is not None else "system")[:150],
        "source": ctx.source,
        "remote_addr": ctx.remote_addr,
        "request_id": ctx.request_id,
    }


def record_change(
    *,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry | None:
    if action == AuditAction.UPDATE and before == after:
        return None  # a save that changed nothing is not a change
    return AuditEntry.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
        **_actor_fields(),
    )


def record_event(
    *, instance: models.Model, event: str, message: str = "", data: dict[str, Any] | None = None
) -> AuditEntry:
    """A business event (escalated, imported, SLA breached) on `instance`."""
    entry = _event_entry(instance, event, message, data)
    entry.save()
    return entry


def record_event_sealed(
    *,
    instance: models.Model,
    event: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    cursor: Any = None,
) -> None:
    """`record_event` for hot paths (a payment): the same entry, inserted sealed by one raw
    INSERT (`audit.chain.insert_sealed`, on the caller's `cursor` when given) and linked
    (PostgreSQL: after the commit; SQLite: in the same transaction), without the ORM's
    compilation. Returns nothing: the entry's id is not read
    back."""
    insert_sealed(_event_entry(instance, event, message, data), cursor=cursor)


def event_values_sealed(
    *,
    instance: models.Model,
    event: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    timestamp: dt.datetime | None = None,
) -> list[Any]:
    """The entry `record_event_sealed` inserts, sealed, as values for a writer that inserts it
    in its own SQL (`audit.chain.sealed_values`' values; the payment's function). The writer
    calls `audit.chain.link_after_commit()` afterwards. Built from the hashed fields directly,
    without an `AuditEntry` (`audit.chain.sealed_row`: a payment's hot path, issue 10)."""
    ctx = context.current()
    actor = ctx.actor
    return event_values_sealed_as(
        instance=instance,
        event=event,
        message=message,
        data=data,
        timestamp=timestamp,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.get_username() if actor is not None else "system",
        source=ctx.source,
        remote_addr=ctx.remote_addr,
        request_id=ctx.request_id,
    )


def event_values_sealed_as(
    *,
    instance: models.Model,
    event: str,
    actor_id: int | None,
    actor_label: str,
    source: str,
    remote_addr: str,
    request_id: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    timestamp: dt.datetime | None = None,
) -> list[Any]:
    """`event_values_sealed` for the context given (`audit_context_fields` of the process
    that acted), not this process's: the payment batcher seals its clients' events."""
    content_type = ContentType.objects.get_for_model(instance)
    timestamp = timestamp if timestamp is not None else timezone.now()
    fields = {
        "seq": None,
        "timestamp": timestamp_text(timestamp),
        "actor_id": actor_id,
        "actor_label": actor_label[:150],
        "source": source,
        "remote_addr": remote_addr,
        "request_id": request_id,
        "action": AuditAction.EVENT.value,
        "event": event,
        "content_type": f"{content_type.app_label}.{content_type.model}",
        "object_id": str(instance.pk),
        "object_repr": str(instance)[:300],
        "before": None,
        "after": _jsonable(data) if data is not None else None,
        "message": message,
    }
    return sealed_row(fields, timestamp=timestamp, content_type_id=content_type.pk)


def audit_context_fields() -> list[Any]:
    """This process's acting context as `event_values_sealed_as` takes it: [actor id, actor
    label, source, remote address, request id]."""
    ctx = context.current()
    actor = ctx.actor
    return [
        actor.pk if actor is not None else None,
        actor.get_username() if actor is not None else "system",
        ctx.source,
        ctx.remote_addr,
        ctx.request_id,
    ]


def _event_entry(
    instance: models.Model, event: str, message: str, data: dict[str, Any] | None
) -> AuditEntry:
    """The unsaved business-event entry that `record_event` and the sealed writers insert."""
    return AuditEntry(
        action=AuditAction.EVENT,
        event=event,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        after=_jsonable(data) if data is not None else None,
        message=message,
        **_actor_fields(),
    )


def record_many(entries: Iterable[AuditEntry], *, batch_size: int = 2000) -> int:
    """Append many unsaved entries to the hash chain (inserted sealed now; linked after the
    commit on PostgreSQL, in the writer's transaction on SQLite; see audit.chain); returns the
    count.

    The way for bulk writers to audit (`AuditEntry.objects.bulk_create` ends here too). A
    set-based writer that never loads its rows uses `record_events_select`; code that inserts
    audit rows with SQL of its own calls `audit.chain.link_pending()` afterwards, in the same
    transaction."""
    return append_many(entries, batch_size=batch_size)


def record_bulk_changes(
    *,
    model: type[models.Model],
    rows: Iterable[tuple[Any, str, str, dict[str, Any] | None, dict[str, Any] | None]],
    batch_size: int = 2000,
) -> int:
    """Audit many changes at once: rows of (pk, repr, action, before, after). Used by imports."""
    ct = ContentType.objects.get_for_model(model)
    actor = _actor_fields()
    now = timezone.now()
    entries = (
        AuditEntry(
            timestamp=now,
            action=action,
            content_type=ct,
            object_id=str(pk),
            object_repr=repr_[:300],
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            **actor,
        )
        for pk, repr_, action, before, after in rows
    )
    return record_many(entries, batch_size=batch_size)


def record_events_select(
    *,
    rows: models.QuerySet[Any],
    event: str,
    at: dt.datetime,
    object_repr: Any = None,
    message: str = "",
) -> int:
    """One business event per row of `rows` in one INSERT … SELECT, linked into the hash chain
    before the caller's transaction ends; returns the count.

    For set-based writers (the escalation climbs thousands of requests in one UPDATE): the
    entries never pass through Python, so they are inserted unsealed and `link_pending` adopts
    them, in the caller's transaction (see audit.chain), as the set-based imports do.
    `object_repr` is an expression over `rows` (default: the primary key).
    """
    fields = _actor_fields()
    actor = fields.pop("actor")
    values: dict[str, Any] = {
        "timestamp": Value(at, output_field=DateTimeField()),
        **{name: Value(value) for name, value in fields.items()},
        "action": Value(AuditAction.EVENT.value),
        "event": Value(event),
        "content_type": Value(
            ContentType.objects.get_for_model(rows.model).pk, output_field=IntegerField()
        ),
        "object_id": Cast("pk", CharField(max_length=64)),
        "object_repr": object_repr if object_repr is not None else Cast("pk", CharField()),
        "message": Value(message),
    }
    if actor is not None:
        values["actor"] = Value(actor.pk, output_field=IntegerField())
    with transaction.atomic(savepoint=False):
        count = insert_select(AuditEntry, list(values), select_columns(rows, list(values.values())))
        if count:
            link_pending()
    return count
