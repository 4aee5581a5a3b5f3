"""Settings for `make bench`: the project's settings, its own database and the ceiling URLs."""

from __future__ import annotations

from polis_assess.settings import *  # noqa: F403
from polis_assess.settings import BASE_DIR, DATABASES, TEMPLATES, _env_str

ROOT_URLCONF = "bench.urls"

# Each benchmark data set lives in its own database (polis_bench_5, _50, _200), never the
# development one; the bench runner names it, whether the server is embedded or DATABASE_URL's.
DATABASES["default"]["NAME"] = _env_str("POLIS_DB_NAME", "polis_bench")

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
