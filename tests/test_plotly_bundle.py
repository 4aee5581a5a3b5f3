"""The plotly.js the pages load is built from the npm package of the version the Python plotly
package draws with, and is a fraction of the full bundle's size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly
from django.conf import settings
from django.contrib.staticfiles import finders

FULL = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def test_the_bundle_is_built_from_the_plotly_js_the_python_package_ships():
    shipped = re.search(r"plotly\.js v(\S+)", FULL.read_text(encoding="utf-8")[:200])
    npm = Path(settings.BASE_DIR) / "node_modules" / "plotly.js" / "package.json"

    assert shipped is not None
    assert json.loads(npm.read_text(encoding="utf-8"))["version"] == shipped.group(1)


def test_the_pages_load_the_bundle_which_is_under_a_third_of_the_full_size():
    served = finders.find("vendor/plotly/plotly.min.js")

    assert served == str(Path(settings.BASE_DIR) / "build" / "plotly" / "plotly.min.js")
    assert Path(served).stat().st_size < FULL.stat().st_size / 3
