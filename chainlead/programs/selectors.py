"""Reads of programs, restricted to the reader (docs/adding-an-organ.md §1)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.programs.models import (
    Application,
    Assignment,
    Award,
    Condition,
    Panel,
    PayoutBatch,
    Program,
    Round,
)
from chainlead.programs.permissions import (
    application_scope,
    award_scope,
    managed_program_scope,
    reads_programs,
    reviews,
)


def program_list(*, user: Reader) -> QuerySet[Program]:
    if not reads_programs(access_for(user)):
        return Program.objects.none()
    return Program.objects.select_related("policy", "district")


def program_by_slug(*, user: Reader, slug: str) -> Program:
    return program_list(user=user).get(slug=slug)


def round_list(*, user: Reader) -> QuerySet[Round]:
    if not reads_programs(access_for(user)):
        return Round.objects.none()
    return Round.objects.select_related("program")


def managed_round_list(*, user: Reader) -> QuerySet[Round]:
    scope = managed_program_scope(access_for(user))
    if scope is None:
        return Round.objects.none()
    return Round.objects.select_related("program").filter(program__in=Program.objects.filter(scope))


def application_list(*, user: Reader) -> QuerySet[Application]:
    """The applications the reader sees: officials in scope, a firm its own. A reviewer sees
    an application only through an assignment (`assignment_list`)."""
    scope = application_scope(access_for(user))
    if scope is None:
        return Application.objects.none()
    return Application.objects.filter(scope).select_related(
        "round__program", "enterprise", "applicant"
    )


def application_get(*, user: Reader, pk: int) -> Application:
    return application_list(user=user).get(pk=pk)


def assignment_list(*, user: Reader) -> QuerySet[Assignment]:
    """The reviews assigned to the reader (a reviewer); only those."""
    if not user.is_authenticated or not reviews(access_for(user)):
        return Assignment.objects.none()
    return Assignment.objects.filter(reviewer=user).select_related(
        "application__round__program", "application__enterprise", "panel"
    )


def panel_list_to_declare(*, user: Reader) -> QuerySet[Panel]:
    if not user.is_authenticated or not reviews(access_for(user)):
        return Panel.objects.none()
    return Panel.objects.filter(reviewers=user).select_related("round__program")


def managed_panel_list(*, user: Reader) -> QuerySet[Panel]:
    return Panel.objects.filter(round__in=managed_round_list(user=user)).select_related(
        "round__program"
    )


def award_list(*, user: Reader) -> QuerySet[Award]:
    scope = award_scope(access_for(user))
    if scope is None:
        return Award.objects.none()
    return Award.objects.filter(scope).select_related(
        "round__program", "enterprise", "tier", "commitment"
    )


def condition_list(*, user: Reader) -> QuerySet[Condition]:
    return Condition.objects.filter(award__in=award_list(user=user)).select_related(
        "award__enterprise", "tranche"
    )


def batch_list(*, user: Reader) -> QuerySet[PayoutBatch]:
    """Batches: the officials who read all applications or manage the program."""
    access = access_for(user)
    scope = application_scope(access)
    if scope is None or (scope != Q() and managed_program_scope(access) is None):
        return PayoutBatch.objects.none()
    if scope == Q():
        return PayoutBatch.objects.select_related("round__program")
    return PayoutBatch.objects.filter(round__in=managed_round_list(user=user)).select_related(
        "round__program"
    )
