"""Filters of the audit log (shared with any API that lists it)."""

from typing import Any

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from chainlead.audit.models import AuditAction, AuditEntry
from chainlead.core.filters import FilterSet


def _model_choices() -> list[tuple[int, str]]:
    """Content types of the platform's own models, by translated name."""
    choices = []
    for ct in ContentType.objects.filter(app_label__in=_platform_app_labels()):
        model = ct.model_class()
        if model is not None:
            choices.append((ct.pk, force_str(model._meta.verbose_name)))
    return sorted(choices, key=lambda c: c[1])


def _platform_app_labels() -> list[str]:
    from django.apps import apps

    return [a.label for a in apps.get_app_configs() if a.name.startswith("chainlead.")]


class AuditEntryFilterSet(FilterSet):
    model = django_filters.ChoiceFilter(
        label=_("Record type"),
        field_name="content_type_id",
        choices=_model_choices,
        empty_label=_("all types"),
    )
    object_id = django_filters.CharFilter(label=_("Record number"), field_name="object_id")
    actor = django_filters.CharFilter(label=_("Who"), method="filter_actor")
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("all actions")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="timestamp__date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="timestamp__date", lookup_expr="lte"
    )
    q = django_filters.CharFilter(
        label=_("Record name"), field_name="object_repr", lookup_expr="icontains"
    )

    class Meta:
        model = AuditEntry
        fields = ["model", "object_id", "actor", "action", "date_from", "date_to", "q"]

    def filter_actor(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor_label__iexact=value)
            | Q(actor__username__iexact=value)
            | Q(actor__display_name__icontains=value)
        )
