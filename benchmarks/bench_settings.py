"""Settings for benchmark servers: the project's settings plus a URLconf with a trivial view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
DEBUG = False
