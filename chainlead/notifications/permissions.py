"""Who may do what with notices: everyone logged in, with their own (the selectors scope)."""

from chainlead.accounts.access import Access


def reads_own_notifications(access: Access) -> bool:
    """Every logged-in user reads, marks and sets the preferences of their own notices only."""
    return access.authenticated
