"""Template filter that embeds a plotly figure as JSON for static/js/charts.js (display only)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from scoring.charts import Figure, figure_script

register = template.Library()


@register.filter
def figure_json(figure: Figure, element_id: str) -> SafeString:
    """`{{ figure|figure_json:"element-id" }}`: the same markup as `json_script`, faster."""
    return figure_script(figure, element_id)
