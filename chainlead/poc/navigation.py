"""Where researchers and reviewers land after log-in (PocConfig.home_pages)."""

from __future__ import annotations

from django.urls import reverse

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role
from chainlead.poc.permissions import reads_projects, reviews


def researcher_home(access: Access) -> str | None:
    """The researcher's own projects (the list shows a researcher only those they lead)."""
    if access.has(Role.RESEARCHER) and reads_projects(access):
        return reverse("poc:project_list")
    return None


def reviewer_home(access: Access) -> str | None:
    """The reviews assigned to the reviewer (poc's; programs' reviews have their own page)."""
    return reverse("poc:review_list") if reviews(access) else None
