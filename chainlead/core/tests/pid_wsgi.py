"""A WSGI application for test_web_process: answers with its worker's process id, after a
pause when asked (`?pause=seconds`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import django

django.setup()  # the gunicorn file's post_worker_init loads the URLconf


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    pause = float(parse_qs(environ.get("QUERY_STRING", "")).get("pause", ["0"])[0])
    time.sleep(pause)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
