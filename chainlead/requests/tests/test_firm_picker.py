"""Officials raising a request, and PoC officers naming a host firm, get the firm picker
(issue 15, item 7): suggestions as they type, a plain input without script."""

from django.urls import reverse

from chainlead.poc.forms import SupportForm
from chainlead.requests.forms import RequestForm


def test_the_raise_form_and_the_support_form_suggest_firms(world):
    suggest = reverse("registry:enterprise_suggest")
    raise_html = str(RequestForm(official=True, user=world.admin)["credit_code"])
    assert suggest in raise_html and '<datalist id="id_credit_code-suggestions">' in raise_html
    support_html = str(SupportForm()["host_firm"])
    assert suggest in support_html and 'list="id_host_firm-suggestions"' in support_html
