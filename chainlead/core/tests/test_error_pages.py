"""Error pages are the platform's own, styled and in the reader's language (issue 15, item 9)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "页面不存在"), ("en", "Page not found")]
)
def test_a_missing_page_is_styled_and_translated(client, django_user_model, language, words):
    client.force_login(django_user_model.objects.create_user("reader", password=None))
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 404
    assert words in body
    assert 'class="card error-page"' in body and "core/chainlead.css" in body


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "服务器出错"), ("en", "Server error")])
def test_the_server_error_page_needs_no_context(language, words):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert words in body and 'class="card error-page"' in body


def test_the_admin_carries_the_platforms_name():
    with translation.override("en"):
        assert str(admin.site.site_header) == "chainlead administration"
    with translation.override("zh-hans"):
        assert str(admin.site.site_header) == "chainlead 管理后台"
