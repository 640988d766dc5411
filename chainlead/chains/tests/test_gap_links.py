"""A gap on the chain map links to what other apps offer (recruitment), to those who may open it."""

from django.test import Client
from django.urls import reverse

from chainlead.chains.models import Segment


def _links(world, role: str) -> dict[str, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users[role])
    page = client.get(reverse("chains:chain_detail", args=[world.own.chain.slug]))
    assert page.status_code == 200
    rows = {r["s"].slug: r for r in page.context["rows"]()}
    return {link.kind: link.url for link in rows["empty"]["gap_links"]}


def test_gap_links_follow_the_readers_rights(world):
    Segment.objects.create(chain=world.own.chain, slug="empty", name="空白环节", order=2)
    as_task_force = _links(world, "task_force")
    assert set(as_task_force) == {"ranking", "add-target"}
    assert as_task_force["ranking"] == reverse(
        "recruitment:rank", args=[world.own.chain.slug, "empty"]
    )
    assert set(_links(world, "chain_leader")) == {"ranking"}  # reads, adds nothing
    assert _links(world, "district_official") == {}
    # What the links open, they open: the candidates and the pre-filled new target.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["task_force"])
    assert client.get(as_task_force["ranking"]).status_code == 200
    form = client.get(as_task_force["add-target"]).context["form"]
    assert form.initial["chain"] == world.own.chain
    assert form.initial["segment"].slug == "empty"


def test_a_present_segment_has_no_gap_links(world):
    client = Client()
    client.force_login(world.admin)
    page = client.get(reverse("chains:chain_detail", args=[world.own.chain.slug]))
    rows = page.context["rows"]()
    ok = [r for r in rows if r["s"].status == "ok"]
    assert all(r["gap_links"] == [] for r in ok)
    assert b"data-gap-link" not in page.content or any(r["gap_links"] for r in rows)
