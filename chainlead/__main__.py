"""The `chainlead` console command: everything manage.py does, plus our commands.

Our commands are spelt with hyphens on the command line (`chainlead chain-map ai`); Django's
modules use underscores, so the first argument is translated.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["chainlead", *args])


if __name__ == "__main__":
    main()
