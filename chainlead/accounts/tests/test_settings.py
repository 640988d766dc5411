"""The settings refuse an unsafe production configuration, create nothing at import, and pass
`check --deploy` with the production environment the README gives (docs/security.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config import settings as loaded_settings

BASE_DIR = Path(__file__).resolve().parents[3]
CHAINLEAD = str(Path(sys.executable).with_name("chainlead"))
DEVELOPMENT_KEY = "chainlead-insecure-development-key-change-me"


def _environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """A clean environment: none of the test run's DJANGO_* / CHAINLEAD_* variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CHAINLEAD_", "DATABASE_", "REDIS_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["CHAINLEAD_VAR_DIR"] = str(tmp_path / "var")
    env["CHAINLEAD_ENV_FILE"] = str(tmp_path / "no.env")
    env.update(variables)
    return env


def _import_settings(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s\n{code}"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_environment() -> dict[str, str]:
    """The production environment of README.md "Configuration", parsed from its code block."""
    readme = (BASE_DIR / "README.md").read_text()
    block = re.search(r"```sh\n# production\n(.*?)```", readme, re.S)
    assert block, "README.md shows the production environment in a ```sh # production block"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


@pytest.mark.parametrize(
    "variables",
    [
        {},  # no key at all
        {"DJANGO_SECRET_KEY": DEVELOPMENT_KEY, "DJANGO_ALLOWED_HOSTS": "chainlead.example"},
        {"DJANGO_SECRET_KEY": "change-me", "DJANGO_ALLOWED_HOSTS": "chainlead.example"},
        {"DJANGO_SECRET_KEY": "k" * 20 + "abcdefghij" * 4, "DJANGO_ALLOWED_HOSTS": " "},
    ],
    ids=["missing-key", "development-key", "example-key", "no-hosts"],
)
def test_production_settings_refuse_to_load_unsafe(tmp_path, variables):
    result = _import_settings(_environment(tmp_path, DJANGO_DEBUG="0", **variables))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_every_command_fails_without_a_key(tmp_path):
    result = subprocess.run(
        [CHAINLEAD, "check"],
        env=_environment(tmp_path),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_development_needs_no_configuration_and_creates_nothing_at_import(tmp_path):
    code = "print(s.SECRET_KEY != ''); print(s.SHARED_DATA_DIR); print(s.DEBUG)"
    result = _import_settings(_environment(tmp_path, DJANGO_DEBUG="1"), code)
    assert result.returncode == 0, result.stderr
    has_key, data_dir, debug = result.stdout.split()
    assert has_key == "True" and debug == "True"
    assert Path(data_dir) == (BASE_DIR.parent / "shared" / "data").resolve()
    assert not (tmp_path / "var").exists()  # no directory made by importing the settings


def test_the_settings_read_no_path_of_one_machine():
    source = Path(loaded_settings.__file__).read_text()
    assert "/work/" not in source
    assert ".mkdir(" not in source


def test_the_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / "chainlead.env"
    env_file.write_text(
        "# a comment\nDJANGO_DEBUG=1\nCHAINLEAD_CITY_NAME='宁波市'\nCHAINLEAD_CITY_CODE=330200\n",
        encoding="utf-8",
    )
    env = _environment(tmp_path, CHAINLEAD_ENV_FILE=str(env_file), CHAINLEAD_CITY_CODE="330100")
    result = _import_settings(env, "print(s.DEBUG, s.CHAINLEAD_CITY_NAME, s.CHAINLEAD_CITY_CODE)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "宁波市", "330100"]


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    production = _production_environment()
    assert production["DJANGO_DEBUG"] in {"0", "false"}
    # The README's key is a placeholder to replace; any long random key stands in for it here.
    production["DJANGO_SECRET_KEY"] = "Vq3" + "x7Zp-9Lm_" * 6
    result = subprocess.run(
        [CHAINLEAD, "check", "--deploy", "--fail-level", "WARNING"],
        env=_environment(tmp_path, **production),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
