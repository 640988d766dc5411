"""The plug-in points: each app declares its wiring on its AppConfig, the site loops over them.

NetBox lets a plugin declare its navigation, URLs, API and change logging on its `PluginConfig`;
the core names none of them. Our apps do the same by subclassing `PlatformAppConfig`:

    class FundsConfig(PlatformAppConfig):
        name = "chainlead.funds"
        label = "funds"
        url_prefix = "funds/"                    # urls.py mounted at /funds/
        api_prefix = "/funds/"                   # api.router mounted at /api/v1/funds/
        navigation = (NavItem(_("Fund"), "funds:position", order=70),)
        audited = {"Account": (), "Entry": ()}   # model name → fields left out of the audit
        data_versions = {"funds": ("Entry",)}    # version key → models whose writes bump it
        demo_steps = (DemoStep(60, "chainlead.funds.demo.load"),)
        test_world = "chainlead.funds.testing.world_setup"
        home_pages = (HomePage(40, "chainlead.funds.navigation.home"),)
        slots = (Slot("registry.enterprise_detail", "funds/partials/_firm_awards.html"),)

`config/urls.py`, `config/api.py`, the page frame's navigation, the home page, `load-demo` and the
permission walk's world read these declarations; none of them names an app. See
docs/adding-an-organ.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from django.apps import AppConfig, apps
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from chainlead.accounts.access import Access

MenuName = Literal["main", "account"]

# The main menu's groups, so that a dozen organs fit one row: an app files each link under one
# of these (or none, for a top-level link). A group with one visible link shows as that link.
NAV_GROUPS: dict[str, str | Promise] = {
    "chains": _("Chains"),
    "firms": _("Enterprises"),
    "services": _("Services"),
    "funding": _("Funding"),
    "oversight": _("Oversight"),
}


@dataclass(frozen=True)
class NavItem:
    """A link of the page frame. Who sees it is the permission the linked view declares
    (`core.views.permission_required`), so no reader is shown a link that answers 403."""

    label: str | Promise
    url_name: str
    order: int = 100
    menu: MenuName = "main"
    # An htmx fragment that replaces the link once loaded (e.g. the notification bell).
    fragment_url_name: str | None = None
    group: str | None = None  # a key of NAV_GROUPS

    def __post_init__(self) -> None:
        if self.group is not None and self.group not in NAV_GROUPS:
            raise ValueError(f"{self.url_name}: unknown menu group {self.group!r}")


@dataclass(frozen=True)
class DemoStep:
    """One step of `chainlead load-demo`, run in `order` (lower first) across all apps.

    `function` is the dotted path of `fn(context: DemoContext) -> None`."""

    order: int
    function: str


@dataclass
class DemoContext:
    """What demo steps share: options, the log, and the objects the demo's users are granted
    (`scopes["chain"]`, `scopes["district"]`, `scopes["enterprise"]`)."""

    log: Callable[[str], Any]
    options: Mapping[str, Any] = field(default_factory=dict)
    scopes: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HomePage:
    """Where a reader lands after log-in: the first page (lowest `priority`) whose function,
    `fn(access) -> url | None`, names one."""

    priority: int
    function: str


@dataclass(frozen=True)
class Slot:
    """A template an app adds to a page of a lower app (`{% plugin_slot "name" %}` there), e.g.
    governance's five ones on the chain map. `versions` are the data versions the fragment
    reads: a lower page that caches its body keys it on them too."""

    name: str
    template: str
    order: int = 100
    versions: tuple[str, ...] = ()


class PlatformAppConfig(AppConfig):
    """The AppConfig of every chainlead app: its declarations (all optional, see module doc)."""

    # Django picks the one AppConfig of an apps.py that is `default`: this base, imported
    # there, is not; every subclass is (see __init_subclass__).
    default = False

    url_prefix: ClassVar[str | None] = None
    api_prefix: ClassVar[str | None] = None
    navigation: ClassVar[Sequence[NavItem]] = ()
    audited: ClassVar[Mapping[str, Sequence[str]]] = {}
    data_versions: ClassVar[Mapping[str, Sequence[str]]] = {}
    demo_steps: ClassVar[Sequence[DemoStep]] = ()
    test_world: ClassVar[str | None] = None
    home_pages: ClassVar[Sequence[HomePage]] = ()
    slots: ClassVar[Sequence[Slot]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.core.signals import bump_version_on_writes

        for model_name, excluded in self.audited.items():
            register(self.get_model(model_name), exclude=list(excluded))
        for key, model_names in self.data_versions.items():
            bump_version_on_writes(key, *(self.get_model(name) for name in model_names))

    @property
    def urlconf(self) -> str:
        return f"{self.name}.urls"

    @property
    def api_router(self) -> str:
        return f"{self.name}.api.router"


def platform_apps() -> Iterator[PlatformAppConfig]:
    """The installed platform apps, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if isinstance(config, PlatformAppConfig):
            yield config


def demo_steps() -> list[DemoStep]:
    return sorted((s for a in platform_apps() for s in a.demo_steps), key=lambda s: s.order)


def run_demo(context: DemoContext) -> None:
    for step in demo_steps():
        import_string(step.function)(context)


def slot_items(name: str) -> list[Slot]:
    return sorted((s for a in platform_apps() for s in a.slots if s.name == name), key=_order)


def slot_versions(name: str) -> tuple[str, ...]:
    """The data versions the fragments of slot `name` read."""
    return tuple(sorted({v for s in slot_items(name) for v in s.versions}))


def _order(slot: Slot) -> int:
    return slot.order


# Records of upper apps that belong to an object's history (a firm's chain memberships…):
# model label → functions of the object returning them. Apps register in ready().
_related: dict[str, list[Callable[[Any], Iterable[Any]]]] = {}


def register_related(model_label: str, function: Callable[[Any], Iterable[Any]]) -> None:
    functions = _related.setdefault(model_label, [])
    if function not in functions:
        functions.append(function)


def related_records(instance: Any) -> list[Any]:
    """The records other apps attach to `instance`'s history (`register_related`)."""
    label = instance._meta.label
    return [record for function in _related.get(label, []) for record in function(instance)]


# Links that upper apps offer on a lower page's object, e.g. on a gap of the chain map: its
# ranked candidates and "add to recruitment targets" (recruitment). An anchor names the place
# ("chains.segment_gap"); a provider, `fn(access, **target) -> links`, offers only links the
# reader may open, deciding by the reader and the target's chain, never by the data shown (the
# page may cache them per reader's rights). Apps register in ready().


@dataclass(frozen=True)
class RelatedLink:
    label: str | Promise
    url: str
    kind: str = ""  # a stable name for styling and tests ("ranking", "add-target")


LinkProvider = Callable[..., Sequence[RelatedLink]]
_link_providers: dict[str, list[LinkProvider]] = {}


def register_links(anchor: str, provider: LinkProvider) -> None:
    providers = _link_providers.setdefault(anchor, [])
    if provider not in providers:
        providers.append(provider)


def related_links(anchor: str, access: Access, **target: Any) -> list[RelatedLink]:
    """The links the apps offer `access` at `anchor` for `target`."""
    return [
        link for provider in _link_providers.get(anchor, []) for link in provider(access, **target)
    ]


def test_world_builders() -> list[Callable[..., None]]:
    return [import_string(a.test_world) for a in platform_apps() if a.test_world]


# --- navigation and home ------------------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    check: Callable[[Access], bool] | None
    menu: MenuName
    fragment_url: str | None
    group: str | None


@dataclass(frozen=True)
class NavEntry:
    """One entry of the rendered main menu: a link, or a group of links under a label."""

    label: str | Promise
    url: str = ""
    links: tuple[NavLink, ...] = ()


@functools.cache
def _nav_links(script_prefix: str) -> tuple[NavLink, ...]:
    # Reversed and resolved once per process (and deployment prefix), not on every page view.
    items = sorted((i for a in platform_apps() for i in a.navigation), key=lambda i: i.order)
    links = []
    for item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        view = resolve(url).func
        links.append(
            NavLink(
                label=item.label,
                url=url,
                check=getattr(view, "permission_check", None),
                menu=item.menu,
                fragment_url=reverse(item.fragment_url_name) if item.fragment_url_name else None,
                group=item.group,
            )
        )
    return tuple(links)


def nav_links(access: Access, script_prefix: str, menu: MenuName = "main") -> list[NavLink]:
    """The links of `menu` that `access` may open."""
    if not access.authenticated:
        return []
    return [
        link
        for link in _nav_links(script_prefix)
        if link.menu == menu and (link.check is None or link.check(access))
    ]


def nav_entries(access: Access, script_prefix: str) -> list[NavEntry]:
    """The main menu for `access`: links in order, each group at the place of its first link."""
    links = nav_links(access, script_prefix, "main")
    entries: list[NavEntry] = []
    placed: set[str] = set()
    for link in links:
        if link.group is None:
            entries.append(NavEntry(label=link.label, url=link.url))
            continue
        if link.group in placed:
            continue
        placed.add(link.group)
        members = tuple(m for m in links if m.group == link.group)
        if len(members) == 1:
            entries.append(NavEntry(label=link.label, url=link.url))
        else:
            entries.append(NavEntry(label=NAV_GROUPS[link.group], links=members))
    return entries


def home_url(access: Access) -> str | None:
    """The first declared home page that names a page for `access`, or None."""
    pages = sorted((p for a in platform_apps() for p in a.home_pages), key=lambda p: p.priority)
    for page in pages:
        url: str | None = import_string(page.function)(access)
        if url:
            return url
    return None
