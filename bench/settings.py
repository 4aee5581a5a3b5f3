"""Settings for `make bench`: the project's settings, its own database and the ceiling URLs."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from polis_assess.settings import *  # noqa: F403
from polis_assess.settings import BASE_DIR, DATABASES, TEMPLATES, _env_str

ROOT_URLCONF = "bench.urls"

# Each benchmark data set lives in its own database (polis_bench_5, _50, _200), never the
# development one; the bench runner names it, whether the server is embedded or DATABASE_URL's.
DATABASES["default"]["NAME"] = _env_str("POLIS_DB_NAME", "polis_bench")

TEMPLATES[0]["DIRS"] = [*cast(list[Path], TEMPLATES[0]["DIRS"]), BASE_DIR / "bench" / "templates"]

# The manifest (hashed names, as production renders them) in the benchmark's own folder.
# Production's storage also writes gzip and brotli copies of every file for serving static
# files, which the benchmark does not measure and which would take a minute and a half.
STATIC_ROOT = BASE_DIR / "var" / "bench" / "staticfiles"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
