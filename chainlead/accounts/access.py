"""What a user may see and do: their role grants folded into one object.

What each role may do is decided by each app's `permissions.py` (one home per rule), which
views, the API, selectors, services and navigation all read; this module only gathers the
grants. The rules follow DOMAIN.md §1.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chainlead.accounts.choices import Role

if TYPE_CHECKING:
    # Only for annotations: this module is imported before the app registry is ready.
    from chainlead.accounts.models import User
    from chainlead.accounts.types import Actor

_CACHE_ATTR = "_chainlead_access"


@dataclass(frozen=True)
class Access:
    user_id: int | None
    roles: frozenset[Role]
    leader_chain_ids: frozenset[int]
    task_force_chain_ids: frozenset[int]
    district_ids: frozenset[int]
    enterprise_ids: frozenset[int]

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return Role.CITY_ADMIN in self.roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles

    @property
    def reads_everything(self) -> bool:
        """City admins and auditors read every chain's, firm's and organ's records (DOMAIN.md
        §1); the apps' permission modules build their reading rules on this."""
        return self.is_admin or self.is_auditor

    @property
    def is_security_admin(self) -> bool:
        """Roles, grants, security policy and unlocking accounts (三员分立)."""
        return Role.SECURITY_ADMIN in self.roles

    @property
    def is_system_admin(self) -> bool:
        """Configuration and users' accounts (三员分立)."""
        return Role.SYSTEM_ADMIN in self.roles

    @property
    def is_audit_admin(self) -> bool:
        """Reads and exports the audit log, changes nothing (三员分立)."""
        return Role.AUDIT_ADMIN in self.roles

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def chain_ids(self) -> frozenset[int]:
        """Chains the user works on as leader or task-force member."""
        return self.leader_chain_ids | self.task_force_chain_ids


ANONYMOUS = Access(None, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


@functools.cache
def _grants_select() -> tuple[str, str]:
    """The grants' SELECT by user, and the database it reads."""
    from django.db import connections, router

    from chainlead.accounts.models import RoleGrant

    database = router.db_for_read(RoleGrant)
    quote = connections[database].ops.quote_name
    meta = RoleGrant._meta
    fields = {f.name: f for f in meta.concrete_fields}
    columns = ", ".join(
        quote(str(fields[name].column)) for name in ("role", "chain", "district", "enterprise")
    )
    column = quote(str(fields["user"].column))
    table = quote(meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {column} = %s", database  # noqa: S608 (names of the model)


def _grants_of(user_id: int) -> list[tuple[str, int | None, int | None, int | None]]:
    """(role, chain id, district id, enterprise id) of the user's grants, in one plain
    statement: every request reads them, and the ORM's compiling of the same query cost
    ~0.5 ms of CPU against ~0.07 ms."""
    from django.db import connections

    sql, database = _grants_select()
    with connections[database].cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows: list[tuple[str, int | None, int | None, int | None]] = cursor.fetchall()
    return rows


def access_for(user: Actor) -> Access:
    """The user's access, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if isinstance(cached, Access):
        return cached
    roles: set[Role] = set()
    leader: set[int] = set()
    task_force: set[int] = set()
    districts: set[int] = set()
    enterprises: set[int] = set()
    if user.is_superuser:
        roles.add(Role.CITY_ADMIN)
    for role, chain_id, district_id, enterprise_id in _grants_of(user.pk):
        roles.add(Role(role))
        if role == Role.CHAIN_LEADER and chain_id:
            leader.add(chain_id)
        elif role == Role.TASK_FORCE and chain_id:
            task_force.add(chain_id)
        if district_id:
            districts.add(district_id)
        if enterprise_id:
            enterprises.add(enterprise_id)
    access = Access(
        user.pk,
        frozenset(roles),
        frozenset(leader),
        frozenset(task_force),
        frozenset(districts),
        frozenset(enterprises),
    )
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: User) -> None:
    """Drop the cached access after grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
