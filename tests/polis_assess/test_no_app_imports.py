"""The project package (settings, URLs, sessions, auth) imports none of the apps built on it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

PROJECT_PACKAGE = Path(settings.BASE_DIR) / "polis_assess"
APPS = {"surveys", "scoring", "operations"}


def _imported_top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_of_polis_assess_imports_an_app():
    modules = sorted(PROJECT_PACKAGE.rglob("*.py"))
    apps_imported = {path: _imported_top_level_names(path) & APPS for path in modules}
    offenders = {
        str(path.relative_to(PROJECT_PACKAGE)): sorted(apps)
        for path, apps in apps_imported.items()
        if apps
    }

    assert len(modules) >= 10
    assert offenders == {}
