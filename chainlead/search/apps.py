from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import PlatformAppConfig


class SearchConfig(PlatformAppConfig):
    """Site search: the header's search box, the results page and the API. It names no app:
    each app answers for its own records through `chainlead.core.search.register_search`."""

    name = "chainlead.search"
    label = "search"
    verbose_name = _("Search")
    url_prefix = "search/"
    api_prefix = "/search/"
