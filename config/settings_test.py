"""The test suite's settings: production's (DEBUG off), with a key and hosts of its own.

pytest-django imports the settings before any conftest could set the environment, so the
variables the production settings insist on are given here, before importing them. Only tests
use this module (pyproject's DJANGO_SETTINGS_MODULE); the key is public and signs nothing real.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-public-worthless-key-" + "0123456789" * 2)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The permission walk and most tests log users in with force_login, without a second factor;
# the two-factor tests turn it on (chainlead/accounts/tests/test_two_factor.py).
os.environ.setdefault("CHAINLEAD_2FA_ENFORCED", "0")

from config.settings import *  # noqa: F403
