"""Who may do what with accounts (三员分立: MLPS 2.0, GB/T 22239-2019 8.1.4.2 d)."""

from chainlead.accounts.access import Access


def manages_security(access: Access) -> bool:
    """The security administrator: roles, grants, the security policy, unlocking accounts."""
    return access.is_security_admin
