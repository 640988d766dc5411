"""Who may search: every logged-in user. What each finds is what each app's own list shows them
(the providers filter by the apps' selectors), so no rule beyond log-in belongs here."""

from chainlead.accounts.access import Access


def searches(access: Access) -> bool:
    return access.authenticated
