"""Bulk decisions of the review queue: many guesses accepted or rejected as one, or none.

One decision per membership still goes through `services.membership_review` (its permission
check, its audit event); this only makes the batch all-or-nothing and names what refuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainlead.accounts.types import Actor
from chainlead.chains import selectors, services
from chainlead.chains.models import Membership

# More than a page of the queue at once is a mistake, not a decision.
BULK_REVIEW_LIMIT = 500


@transaction.atomic
def memberships_review_bulk(
    *, actor: Actor, pks: Sequence[int], accept: bool, now: dt.datetime | None = None
) -> list[Membership]:
    """Accept (or reject) every membership of `pks`. Each must still be pending in the actor's
    queue; if one is not (decided meanwhile, or not theirs), nothing is decided and the error
    names it."""
    wanted = list(dict.fromkeys(pks))
    if not wanted:
        raise ValidationError({"pk": _("Tick at least one firm.")})
    if len(wanted) > BULK_REVIEW_LIMIT:
        raise ValidationError(
            {"pk": _("At most %(n)d decisions at once.") % {"n": BULK_REVIEW_LIMIT}}
        )
    found = {
        m.pk: m
        for m in selectors.membership_review_queue(user=actor)
        .select_for_update(of=("self",))
        .filter(pk__in=wanted)
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {
                "pk": _(
                    "Row %(rows)s: no longer waiting for your decision (decided meanwhile, or "
                    "not in your queue). Nothing was decided."
                )
                % {"rows": ", ".join(str(pk) for pk in missing)}
            }
        )
    return [
        services.membership_review(actor=actor, membership=found[pk], accept=accept, now=now)
        for pk in wanted
    ]
