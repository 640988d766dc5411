"""Request bodies are refused by their declared size before anything reads them (issue 9 #2)."""

from __future__ import annotations

import io

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chainlead.core.middleware import RequestBodyLimitMiddleware

MB = 1024 * 1024


def test_forms_keep_djangos_limit_and_uploads_stream_to_disk_under_var():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # Django's default, 2.5 MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 1 * MB
    assert str(settings.FILE_UPLOAD_TEMP_DIR).startswith(str(settings.VAR_DIR))
    assert settings.CHAINLEAD_MAX_UPLOAD_MB * MB > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.MIDDLEWARE[0] == "chainlead.core.middleware.RequestBodyLimitMiddleware"


def test_a_large_form_body_to_the_login_page_is_refused_unread(db):
    body = "username=" + "链" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 10) + "&password=x"
    response = Client().post(
        reverse("accounts:login"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert not AccessAttempt.objects.exists()  # nothing parsed the form, so no log-in attempt


def test_a_small_form_body_passes(db):
    response = Client().post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 200  # the form again, with its error


class _Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def _request(rf, content_type: str, length: int):
    request = rf.post("/accounts/login/", data=b"", content_type=content_type)
    request.META["CONTENT_TYPE"] = content_type  # the factory leaves it out of an empty body
    request.META["CONTENT_LENGTH"] = str(length)
    request.META["wsgi.input"] = _Unreadable()
    return request


def _reached(request) -> int:
    from django.http import HttpResponse

    return RequestBodyLimitMiddleware(lambda r: HttpResponse("view"))(request).status_code


def test_the_limit_reads_only_the_declared_length(rf):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert _reached(_request(rf, "application/x-www-form-urlencoded", 30 * MB)) == 413
    assert _reached(_request(rf, "application/json", limit + 1)) == 413
    assert _reached(_request(rf, "application/json", limit)) == 200
    assert _reached(_request(rf, "text/plain", 10**15)) == 413
    bad = _request(rf, "application/json", 1)
    bad.META["CONTENT_LENGTH"] = "lots"
    assert _reached(bad) == 400


def test_uploads_may_be_larger_up_to_their_own_limit(rf):
    upload_limit = int(settings.CHAINLEAD_MAX_UPLOAD_MB * MB)
    multipart = "multipart/form-data; boundary=xyz"
    assert _reached(_request(rf, multipart, 30 * MB)) == 200
    assert _reached(_request(rf, multipart, upload_limit)) == 200
    assert _reached(_request(rf, multipart, upload_limit + 1)) == 413


def test_a_large_upload_goes_to_a_temporary_file_in_a_folder_made_on_demand(rf, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "var" / "tmp"
    content = b"x" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1)
    request = rf.post("/", {"file": SimpleUploadedFile("big.csv", content)})
    upload = request.FILES["file"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.temporary_file_path().startswith(str(tmp_path / "var" / "tmp"))
    upload.close()
