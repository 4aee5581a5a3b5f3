"""Formatting helpers for scores and shares in results templates (display only)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from scoring.divergence import DivergentQuestion
from scoring.results import CityReport, DimensionRow, score_text

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    return score_text(value)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)} %"


@register.simple_tag
def department_score(row: DimensionRow, department: str) -> str:
    match = next((d for d in row.departments if d["department"] == department), None)
    return score_text(match["score"] if match else None)


@register.simple_tag
def dimension_title(report: CityReport, code: str) -> str:
    return next((row.title for row in report.dimensions if row.code == code), code)


@register.simple_tag
def level_of(item: DivergentQuestion, department: str) -> str:
    level = item.levels.get(department)
    return "—" if level is None else f"{level:.1f}".removesuffix(".0")


@register.filter
def title_of(titles: Mapping[str, str], code: str) -> str:
    """A dimension's title from ``titles`` by code; the code itself where the bank has none."""
    return titles.get(code, code)
