"""The `chainlead` console command: everything manage.py does, plus our commands.

Our commands are spelt with hyphens on the command line (`chainlead chain-map ai`); Django's
modules use underscores, so the first argument is translated.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    _make_var_dir()
    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["chainlead", *args])


def _make_var_dir() -> None:
    """The settings create nothing at import; commands write the SQLite database under var/,
    and uploads go to FILE_UPLOAD_TEMP_DIR (which Django's checks want to exist)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        folders = [settings.VAR_DIR, settings.FILE_UPLOAD_TEMP_DIR]
    except ImproperlyConfigured:
        return  # the command itself reports what is missing
    for folder in filter(None, folders):
        os.makedirs(folder, exist_ok=True)


if __name__ == "__main__":
    main()
