"""The firm picker suggests only firms the reader may see, and works as a plain input too."""

from django.test import Client
from django.urls import reverse

from chainlead.chains.forms import MembershipAddForm
from chainlead.registry.pickers import firm_suggestions


def test_suggestions_are_scoped_to_the_reader(world):
    own, other = world.own.firm, world.other.firm
    assert own in firm_suggestions(user=world.admin, text=own.name[:4])
    assert other in firm_suggestions(user=world.admin, text=other.name[:4])
    mine = list(firm_suggestions(user=world.users["enterprise"], text=own.name[:4]))
    assert mine == [own]
    assert other not in firm_suggestions(user=world.users["enterprise"], text=other.name[:4])
    assert list(firm_suggestions(user=world.admin, text="x")) == []  # too short to ask


def test_the_fragment_and_the_widget(world):
    client = Client()
    client.force_login(world.users["enterprise"])
    own = world.own.firm
    field = "enterprise"
    response = client.get(
        reverse("registry:enterprise_suggest"),
        {"field": field, field: own.name[:4]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert own.name in response.content.decode()
    assert world.other.firm.name not in response.content.decode()
    html = str(MembershipAddForm(user=world.admin)["enterprise"])
    assert 'list="id_enterprise-suggestions"' in html
    assert '<datalist id="id_enterprise-suggestions">' in html
    assert reverse("registry:enterprise_suggest") in html
    # Without script the typed name (or credit code) still resolves.
    form = MembershipAddForm({"enterprise": own.name, "role": "member"}, user=world.admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["enterprise"] == own
