"""The platform account a commissioner acts through: set, changed or removed by the city admin
from the commissioner's form (issue 15 item 7: the picker offers only commissioner-role users)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.models import User
from chainlead.accounts.types import Actor
from chainlead.commissioners import services
from chainlead.commissioners.models import Commissioner
from chainlead.commissioners.permissions import commissioner_accounts, manages_commissioners
from chainlead.core.exceptions import PermissionDenied


@transaction.atomic
def commissioner_set_account(
    *, actor: Actor | None, commissioner: Commissioner, user: User | None
) -> Commissioner:
    """Link `user` to `commissioner` (None: the commissioner has no account). A user who does
    not hold the commissioner role, or who acts for another commissioner, is refused."""
    if actor is not None and not manages_commissioners(access_for(actor)):
        raise PermissionDenied(_("Only a city administrator manages commissioners."))
    if user is None:
        if commissioner.user_id is not None:
            commissioner.user = None
            commissioner.save()
        return commissioner
    if user.pk == commissioner.user_id:
        return commissioner
    if not commissioner_accounts(commissioner=commissioner).filter(pk=user.pk).exists():
        raise ValidationError(
            {
                "user": _(
                    "%(user)s does not hold the commissioner role or acts for another commissioner."
                )
                % {"user": user}
            }
        )
    return services.commissioner_link_user(actor=actor, commissioner=commissioner, user=user)
