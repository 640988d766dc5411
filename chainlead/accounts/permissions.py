"""Who may do what with accounts (三员分立: MLPS 2.0, GB/T 22239-2019 8.1.4.2 d)."""

from chainlead.accounts.access import Access


def manages_security(access: Access) -> bool:
    """The security administrator: roles, grants, the security policy, unlocking accounts."""
    return access.is_security_admin


def administers_records(access: Access) -> bool:
    """The records kept in the Django admin (reference tables, departments, routing rules): the
    city admin, who alone may open the admin; the page lists what the admin lets them manage."""
    return access.is_admin


def manages_accounts(access: Access) -> bool:
    """Users' accounts (create, deactivate, reset a password): the system administrator, and
    city admins as before. Neither roles nor the audit log (三员分立)."""
    return access.is_system_admin or access.is_admin
