#!/usr/bin/env python
"""Django's manage.py; `.venv/bin/chainlead` does the same."""

from chainlead.__main__ import main

if __name__ == "__main__":
    main()
