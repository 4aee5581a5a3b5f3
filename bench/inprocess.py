"""Entry point: measure every page in-process on one data set and write the figures as JSON.

bench/run.py runs it once per data set, choosing the database with POLIS_DB_NAME; `--quick`
takes fewer samples of the pages whose times the report does not judge at that size.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path


def main(out: Path, *, quick: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from bench.pages import measure_all
    from surveys.models import City

    figures = {
        "cities": City.objects.count(),
        "measurements": [dataclasses.asdict(m) for m in measure_all(quick=quick)],
    }
    out.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), quick="--quick" in sys.argv[2:])
