"""The caching protocol: cached figures and page fragments are keyed on data versions.

Each app declares, on its AppConfig, the data version keys its writes bump (`data_versions`);
readers key what they cache on `versions(*keys)`. A view that wants to know whether a template
fragment (`{% cache %}`) is already cached asks `cached_fragment`, never rebuilding its key.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

from chainlead.core.models import DataVersion


def versions(*keys: str) -> str:
    """The current versions of `keys`, in order, read in one query ("3.0.12")."""
    found = dict(DataVersion.objects.filter(key__in=keys).values_list("key", "version"))
    return ".".join(str(found.get(k, 0)) for k in keys)


def cached_fragment(name: str, *vary_on: Any) -> str | None:
    """The HTML of `{% cache … name *vary_on %}` if it is cached, else None."""
    html: str | None = cache.get(make_template_fragment_key(name, vary_on))
    return html
