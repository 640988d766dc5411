"""Who reads the audit log (nobody changes it): city admins, auditors and the audit
administrator (三员分立). DOMAIN.md §1."""

from chainlead.accounts.access import Access


def reads_audit_log(access: Access) -> bool:
    return access.reads_everything or access.is_audit_admin
