"""The permission-matrix test kit (NetBox's ViewTestCases, declared as data).

Each app lists, in `chainlead/<app>/tests/permission_matrix.py`, one `Case` per URL name and
per API operation, with the status every role must get; `chainlead/core/tests/
test_permission_walk.py` walks them all as every role, and fails when a URL or API route of
the project has no case. See docs/permissions.md.

The world the walk runs in has two sides. The "own" side holds the chain, segment, district and
firm that the scoped roles are granted (chain leader and task force of `own.chain`, district
official of `own.district`, enterprise user of `own.firm`); the "other" side holds a second chain,
district and firm that no scoped role is granted. A case whose expectation is a pair
`(own, other)` is requested twice, once with the objects of each side.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = (
    ANONYMOUS,
    "city_admin",
    "chain_leader",
    "task_force",
    "district_official",
    "commissioner",
    "enterprise",
    "researcher",
    "reviewer",
    "finance",
    "auditor",
)
# Groups, for brevity in expectations.
GOVERNMENT = ("city_admin", "chain_leader", "task_force", "district_official", "finance", "auditor")
NON_GOVERNMENT = ("commissioner", "enterprise", "researcher", "reviewer")

Status = int | frozenset[int]
Expectation = Status | tuple[Status, Status]  # one status for both sides, or (own, other)

OWN = "own"
OTHER = "other"
SIDES = (OWN, OTHER)

# URL namespaces and names the walk does not visit.
SKIPPED_NAMESPACES = frozenset({"admin", "djdt"})
SKIPPED_PREFIXES = ("admin/", "static/", "media/", "i18n/", "__debug__/")
# Pages anyone may open, logged in or not. Apps add theirs with `Public(...)` entries.
PUBLIC_URLS = frozenset({"accounts:login", "accounts:logout", "set_language"})

# The auditor reads everything and changes nothing (DOMAIN.md §1): every unsafe request of the
# walk must be refused them with one of these, except the writes below, which touch only the
# reader's own account (their password, API tokens, read marks) and which every role makes.
AUDITOR = "auditor"
AUDITOR_REFUSALS = frozenset({403, 404, 405})
OWN_ACCOUNT_WRITES = frozenset(
    {
        "accounts:password_change",
        "accounts:token_list",
        "notifications:read",
        "notifications:preferences",
        "POST /api/v1/notifications/read",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def expect(default: Expectation, **per_role: Expectation) -> dict[str, Expectation]:
    """Expected statuses: `default` for every logged-in role unless named.

    `anonymous` defaults to a redirect to the log-in page (302) for HTML pages and to 401 for
    API operations; name it to say otherwise.
    """
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles in expectation: {sorted(unknown)}")
    result: dict[str, Expectation] = {role: default for role in ROLES if role != ANONYMOUS}
    result.update(per_role)
    return result


def only(
    allowed: Iterable[str],
    *,
    yes: Expectation = 200,
    no: Expectation = 403,
    **per_role: Expectation,
) -> dict[str, Expectation]:
    """`yes` for the roles in `allowed`, `no` for the other logged-in roles."""
    allowed = set(allowed)
    result = expect(no, **dict.fromkeys(allowed, yes))
    result.update(per_role)
    return result


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

KwargsSpec = Mapping[str, Any] | Callable[["Scope"], Mapping[str, Any]]


@dataclass(frozen=True)
class Case:
    """One URL (by name, "app:name") or API operation ("GET /api/v1/…/{id}") and its statuses.

    `kwargs` builds the URL (path parameters), `query` the query string, `data` the body (form
    data for pages, JSON for the API); each is a mapping or a function of the `Scope`. `expect`
    maps roles to statuses (see `expect()` and `only()`). Unsafe requests run in a transaction
    that is rolled back, so a case may delete what the next one needs.
    """

    target: str
    expect: Mapping[str, Expectation]
    method: str = "GET"
    kwargs: KwargsSpec = field(default_factory=dict)
    query: KwargsSpec = field(default_factory=dict)
    data: KwargsSpec | None = None
    note: str = ""
    # Send the request as htmx does (HX-Request header), for views that answer a fragment.
    htmx: bool = False

    def __post_init__(self) -> None:
        if self.is_api:
            method, _, path = self.target.partition(" ")
            object.__setattr__(self, "method", method.upper())
            object.__setattr__(self, "target", f"{method.upper()} {path}")

    @property
    def is_api(self) -> bool:
        return self.target.split(" ", 1)[0].isupper() and " /" in self.target

    @property
    def key(self) -> str:
        return self.target if self.is_api else f"{self.method} {self.target}"

    def expectation(self, role: str) -> Expectation:
        if role in self.expect:
            return self.expect[role]
        if role == ANONYMOUS:
            return 401 if self.is_api else 302
        raise KeyError(f"{self.key}: no expectation for role {role!r}")

    @property
    def sided(self) -> bool:
        return any(isinstance(v, tuple) for v in self.expect.values())


@dataclass(frozen=True)
class Public:
    """A URL name anyone may open: the walk checks it answers an anonymous GET without 5xx."""

    target: str
    note: str = ""


# ---------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------


@dataclass
class Scope:
    """The objects of one side, added by the apps' test-world builders and matrix setups with
    `world.add(name, own=…, other=…)`: `scope.district`, `scope.firm` (registry), `scope.chain`,
    `scope.segment`, `scope.membership` (chains), …"""

    name: str
    world: World

    def __getattr__(self, item: str) -> Any:
        world = self.__dict__.get("world")
        if world is not None and item in world.extras:
            return world.extras[item][self.name]
        raise AttributeError(item)


@dataclass
class World:
    users: dict[str, Any]
    own: Scope = field(init=False)
    other: Scope = field(init=False)
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.own = Scope(name=OWN, world=self)
        self.other = Scope(name=OTHER, world=self)

    def side(self, name: str) -> Scope:
        return self.own if name == OWN else self.other

    def add(self, name: str, *, own: Any, other: Any = None) -> None:
        """Make an app's objects available to cases as `scope.<name>`."""
        self.extras[name] = {OWN: own, OTHER: other if other is not None else own}

    @property
    def admin(self) -> Any:
        return self.users["city_admin"]


# The world attribute each role scope (accounts.choices.ROLE_SCOPE) is granted on the own side.
SCOPE_ATTRIBUTES = {"chain": "chain", "district": "district", "enterprise": "firm"}


def build_world() -> World:
    """One user per role and the two sides, which the apps build (`PlatformAppConfig.test_world`,
    in INSTALLED_APPS order); then each scoped role is granted its scope on the own side."""
    from chainlead.accounts.choices import ROLE_SCOPE, Role
    from chainlead.accounts.models import User
    from chainlead.accounts.services import role_grant, user_create
    from chainlead.core.plugins import test_world_builders

    admin = User.objects.create_superuser("walk_city_admin", password=None)
    users: dict[str, Any] = {"city_admin": admin}
    for role in ROLES:
        if role in (ANONYMOUS, "city_admin"):
            continue
        users[role] = user_create(actor=admin, username=f"walk_{role}", password=None)
    world = World(users=users)
    for build in test_world_builders():
        build(world)
    for role, user in users.items():
        if role == "city_admin":
            continue
        needed = ROLE_SCOPE[Role(role)]
        scope = {needed: getattr(world.own, SCOPE_ATTRIBUTES[needed])} if needed else {}
        role_grant(actor=admin, user=user, role=role, **scope)
    return world


# ---------------------------------------------------------------------------------------------
# Collecting the matrices and the project's routes
# ---------------------------------------------------------------------------------------------


@dataclass
class Matrix:
    app: str
    cases: list[Case]
    public: list[Public]
    setup: Callable[[World], None] | None
    error: str = ""  # the module failed to import: the app's walk fails with this


def matrices() -> list[Matrix]:
    """Every `chainlead.<app>.tests.permission_matrix` module's MATRIX (and optional setup)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("chainlead."):
            continue
        module_name = f"{config.name}.tests.permission_matrix"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name in (module_name, f"{config.name}.tests"):
                continue
            found.append(Matrix(config.label, [], [], None, error=repr(exc)))
            continue
        except Exception as exc:  # one app's broken matrix must not hide the others' walks
            found.append(Matrix(config.label, [], [], None, error=repr(exc)))
            continue
        entries = list(getattr(module, "MATRIX", []))
        found.append(
            Matrix(
                app=config.label,
                cases=[e for e in entries if isinstance(e, Case)],
                public=[e for e in entries if isinstance(e, Public)],
                setup=getattr(module, "setup", None),
            )
        )
    return found


def _walk_patterns(
    resolver: URLResolver, prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk_patterns(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield f"<unnamed {route}>", route


def url_names() -> dict[str, str]:
    """Every URL name of the project's URLconf → its route, except admin, static, i18n, the API.

    The API's own operations are listed by `api_operations()`; its schema and docs pages stay.
    """
    names: dict[str, str] = {}
    for name, route in _walk_patterns(get_resolver()):
        if name.split(":", 1)[0] in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
            continue
        if name.startswith("api:") and name not in ("api:openapi-json", "api:openapi-view"):
            continue
        names[name] = route
    return names


def api_operations() -> set[str]:
    """Every "METHOD /api/v1/path" of the ninja API's OpenAPI schema."""
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method in methods
        if method.lower() in {"get", "post", "put", "patch", "delete"}
    }


def _statuses(expected: Expectation) -> set[int]:
    found: set[int] = set()
    for status in expected if isinstance(expected, tuple) else (expected,):
        found |= set(status) if isinstance(status, frozenset) else {status}
    return found


def auditor_writes(case: Case) -> bool:
    """An unsafe request the auditor must be refused (see AUDITOR_REFUSALS)."""
    return case.method not in SAFE_METHODS and case.target not in OWN_ACCOUNT_WRITES


def auditor_write_expectations(all_matrices: list[Matrix]) -> list[str]:
    """Cases that expect an auditor's write to be anything but refused (403, 404, 405)."""
    return [
        f"{case.key}: the auditor expects {case.expect.get(AUDITOR)}"
        for m in all_matrices
        for case in m.cases
        if auditor_writes(case) and not _statuses(case.expect.get(AUDITOR, 0)) <= AUDITOR_REFUSALS
    ]


def undeclared(all_matrices: list[Matrix]) -> list[str]:
    """Routes with no case and no Public entry; stale cases naming no route."""
    declared = {c.target for m in all_matrices for c in m.cases}
    declared |= {p.target for m in all_matrices for p in m.public}
    declared |= PUBLIC_URLS
    routes = set(url_names()) | api_operations()
    missing = sorted(f"no matrix entry: {r}" for r in routes - declared)
    stale = sorted(f"entry names no route: {d}" for d in declared - routes - PUBLIC_URLS)
    return missing + stale


# ---------------------------------------------------------------------------------------------
# Walking
# ---------------------------------------------------------------------------------------------


def _resolve(spec: KwargsSpec | None, scope: Scope) -> Mapping[str, Any]:
    if spec is None:
        return {}
    return spec(scope) if callable(spec) else spec


def case_url(case: Case, scope: Scope) -> str:
    kwargs = _resolve(case.kwargs, scope)
    if case.is_api:
        path = case.target.split(" ", 1)[1]
        url = path.format(**kwargs)
    else:
        url = reverse(case.target, kwargs=dict(kwargs) or None)
    query = _resolve(case.query, scope)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def clients(world: World) -> dict[str, Client]:
    """One logged-in test client per role ("anonymous" is logged out)."""
    # A view that raises is a failure of the walk, reported with the others, not a crash.
    anonymous = Client(raise_request_exception=False)
    result = {ANONYMOUS: anonymous}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        # One handler for all: building the middleware chain (whitenoise scans the static
        # files) costs more than a dozen requests.
        client.handler = anonymous.handler
        client.force_login(user)
        result[role] = client
    return result


def _matches(status: int, expected: Status) -> bool:
    return status in expected if isinstance(expected, frozenset) else status == expected


def request(client: Client, case: Case, scope: Scope) -> Any:
    url = case_url(case, scope)
    method = case.method.lower()
    data = _resolve(case.data, scope) if case.data is not None else None
    extra: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    if method == "get":
        return client.get(url, **extra)
    if case.is_api:
        body = json.dumps(data or {}, default=str)
        return getattr(client, method)(url, body, content_type="application/json", **extra)
    return getattr(client, method)(url, data or {}, **extra)


def walk(matrix: Matrix, world: World, role_clients: Mapping[str, Client]) -> list[str]:
    """Request every case as every role (and side); return the mismatches, or []."""
    login_url = resolve_url(settings.LOGIN_URL)
    failures = []
    for case in matrix.cases:
        for role in ROLES:
            expected = case.expectation(role)
            pairs = expected if isinstance(expected, tuple) else (expected, expected)
            sides = SIDES if case.sided else (OWN,)
            for side, want in zip(sides, pairs, strict=False):
                scope = world.side(side)
                safe = case.method in ("GET", "HEAD")
                with transaction.atomic():
                    response = request(role_clients[role], case, scope)
                    if not safe:
                        transaction.set_rollback(True)
                if not safe:
                    cache.clear()  # figures cached while the rolled-back write was visible
                where = f"{case.key} as {role}" + (f" ({side})" if case.sided else "")
                if not _matches(response.status_code, want):
                    error = getattr(response, "exc_info", None)
                    detail = f" ({error[1]!r})" if error else ""
                    failures.append(f"{where}: got {response.status_code}, expected {want}{detail}")
                elif (
                    role == AUDITOR
                    and auditor_writes(case)
                    and response.status_code not in AUDITOR_REFUSALS
                ):
                    failures.append(f"{where}: the auditor was not refused")
                elif (
                    role == ANONYMOUS
                    and response.status_code == 302
                    and not response["Location"].startswith(login_url)
                ):
                    failures.append(f"{where}: redirected to {response['Location']}, not log-in")
    for public in matrix.public:
        response = role_clients[ANONYMOUS].get(reverse(public.target))
        if response.status_code >= 500:
            failures.append(f"GET {public.target} (public): got {response.status_code}")
    return failures


def planner_row_estimate(table: str) -> float | None:
    """How many rows the database's query planner believes `table` holds (None: no statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cursor.fetchone()[0]
            return None if value is None or value < 0 else float(value)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return float(row[0].split()[0]) if row else None


def forget_planner_statistics(table: str) -> None:
    """Drop the planner's statistics of `table` (inside the test's transaction)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE relname = %s", [table])
        else:
            cursor.execute("ANALYZE sqlite_master")  # creates sqlite_stat1 if missing
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
