"""Each package imports only the ones below it: polis_assess <- surveys <- scoring <- operations."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ("polis_assess", "surveys", "scoring", "operations")


def _imported_top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", LAYERS)
def test_a_package_imports_no_package_above_it(package):
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    modules = sorted((Path(settings.BASE_DIR) / package).rglob("*.py"))
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): sorted(found)
        for path in modules
        if (found := _imported_top_level_names(path) & above)
    }

    assert modules
    assert offenders == {}
