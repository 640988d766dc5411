"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# The settings create nothing at import: the server makes var/ (the SQLite database, uploads).
for folder in filter(None, [settings.VAR_DIR, settings.FILE_UPLOAD_TEMP_DIR]):
    os.makedirs(folder, exist_ok=True)
