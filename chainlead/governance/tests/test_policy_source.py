"""A policy's source is a web address, never a script (issue 9 item 10: stored XSS through a
`javascript:` or `data:` link on the policy page)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chainlead.governance import services
from chainlead.governance.models import PolicyItem

BAD = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "https://www.hangzhou.gov.cn/a ; javascript:alert(1)",
    "//evil.example/x",
]


@pytest.mark.parametrize("url", BAD)
def test_the_service_refuses_a_non_web_source(admin, url):
    with pytest.raises(ValidationError) as error:
        services.policy_create(actor=admin, title="t", source_url=url)
    assert "source_url" in error.value.message_dict
    assert not PolicyItem.objects.exists()


@pytest.mark.parametrize("url", BAD)
def test_the_api_refuses_a_non_web_source(admin, url):
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/api/v1/governance/policies",
        {"title": "t", "source_url": url},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not PolicyItem.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_the_form_refuses_a_non_web_source(admin, url):
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("governance:policy_create"), {"title": "t", "topic": "other", "source_url": url}
    )
    assert response.status_code == 200
    assert not PolicyItem.objects.exists()


def test_web_sources_are_kept_and_linked(admin):
    urls = "https://www.hangzhou.gov.cn/art/1.html ; http://kj.hangzhou.gov.cn/2"
    policy = services.policy_create(actor=admin, title="t", source_url=urls)
    assert policy.source_urls == [
        "https://www.hangzhou.gov.cn/art/1.html",
        "http://kj.hangzhou.gov.cn/2",
    ]


def test_a_stored_script_link_is_not_rendered_as_a_link(admin):
    # Rows saved before the rule (or behind the services' back) are shown as text.
    policy = PolicyItem.objects.create(title="t", source_url="javascript:alert(1)")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("governance:policy_detail", args=[policy.pk])).content.decode()
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page
