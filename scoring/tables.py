"""The facilitators' long tables (dashboard, round change, completion tracker) as HTML rows.

With 200 cities × 8 dimensions, or some 800 officers, Django's template loops spent more time
looking up each cell's variables than the rest of the page took. These helpers write the same markup with plain string
formatting: every text that comes from the database goes through `html.escape` (what Django's
`escape` calls, without its lazy-string wrapper, which cost as much again); numbers are
formatted, never inserted raw.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.change import RoundChange
from scoring.dashboard import Cell, Dashboard
from scoring.templatetags.scoring_tags import change_arrow
from scoring.templatetags.scoring_tags import score as _score
from scoring.tracker import Tracker

# Stands in for one URL parameter; valid for both the int and the slug converter.
_PLACEHOLDER = "9876543210"


def _urls(viewname: str, key: str, **kwargs: object) -> Callable[[object], str]:
    """Escaped URLs of one view that differ in the `key` parameter: `reverse` runs once for a
    page of links, and each link fills its value in between the same two halves."""
    url = reverse(viewname, kwargs={**kwargs, key: _PLACEHOLDER})
    before, after = (escape(part) for part in url.split(_PLACEHOLDER))
    return lambda value: f"{before}{escape(quote(str(value), safe=''))}{after}"


def dashboard_rows(board: Dashboard) -> SafeString:
    """One `<tr>` per city: its name (a link to its results), country, overall and each cell."""
    city_url = _urls("scoring:city_results", "city_slug", round_id=board.round.pk)
    no_submission = escape(_("no submission"))
    silo = escape(_("possible silo"))
    silo_mark = f' <span title="{silo}">⚠<span class="visually-hidden">{silo}</span></span>'
    lines = []
    for row in board.rows:
        slug = escape(row.city.slug)
        if row.has_result:
            stage = row.overall_stage.level if row.overall_stage else ""
            overall = f"{_score(row.overall_score)} ({stage})"
        else:
            overall = no_submission
        cells = "".join(_cell(cell, silo_mark) for cell in row.cells)
        lines.append(
            f'<tr data-city="{slug}">'
            f'<th scope="row"><a href="{city_url(row.city.slug)}">'
            f"{escape(row.city.name)}</a></th>"
            f"<td>{escape(row.city.country)}</td>"
            f'<td class="text-end">{overall}</td>{cells}</tr>'
        )
    return mark_safe("\n".join(lines))  # every database text above is escaped


def _cell(cell: Cell, silo_mark: str) -> str:
    if cell.score is None:
        return '<td class="text-end">—</td>'
    stage = cell.stage.level if cell.stage else ""
    return f'<td class="text-end">{cell.score:.1f} ({stage}){silo_mark if cell.silo else ""}</td>'


def overlay_checkboxes(board: Dashboard) -> SafeString:
    """A checkbox per city of the round for the radar overlay, ticked if it was chosen."""
    chosen = set(board.filters.overlay)
    lines = []
    for city in board.all_cities:
        slug = escape(city.slug)
        checked = " checked" if city.slug in chosen else ""
        lines.append(
            '<div class="form-check form-check-inline">'
            f'<input class="form-check-input" type="checkbox" name="city" value="{slug}"'
            f' id="overlay-{slug}"{checked}>'
            f' <label class="form-check-label" for="overlay-{slug}">{escape(city.name)}</label>'
            "</div>"
        )
    return mark_safe("\n".join(lines))  # every database text above is escaped


def change_rows(change: RoundChange) -> SafeString:
    """One `<tr>` per city: each dimension's score now, with its change since the last round."""
    lines = []
    for city in change.cities:
        cells = "".join(
            f'<td class="text-end">{_score(item.after)} {change_arrow(item.delta)}</td>'
            for item in city.changes
        )
        lines.append(f'<tr><th scope="row">{escape(city.city)}</th>{cells}</tr>')
    return mark_safe("\n".join(lines))  # every database text above is escaped


def moments() -> Callable[[datetime], str]:
    """A formatter giving the text of `|date:"j M Y H:i"` (in the current time zone and
    language) for many moments: Django's `dateformat` took 15 ms for a tracker's 800 dates."""
    months = [MONTHS_3[month].title() for month in range(1, 13)]

    def formatted(moment: datetime) -> str:
        local = timezone.localtime(moment)
        return f"{local.day} {months[local.month - 1]} {local.year:04d} {local:%H:%M}"

    return formatted


_STATES = {  # a tracker row's state: its badge's classes and label
    "submitted": ("text-bg-success", gettext_lazy("submitted")),
    "in progress": ("text-bg-warning", gettext_lazy("in progress")),
    "not started": ("text-bg-light border", gettext_lazy("not started")),
}


def tracker_rows(tracker: Tracker, *, csrf_token: str, next_path: str) -> SafeString:
    """One `<tr>` per officer: city, department, name, state, share answered, last activity,
    and for a submission the form that reopens it (back to `next_path`)."""
    reopen_url = _urls("surveys:reopen", "response_id")
    badges = {
        state: f'<span class="badge {classes}">{escape(str(label))}</span>'
        for state, (classes, label) in _STATES.items()
    }
    form_fields = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
    )
    reopen = escape(_("Reopen"))
    when = moments()
    lines = []
    for row in tracker.rows:
        who = f"{escape(row.city)} {escape(row.department)} {escape(row.officer)}"
        state = badges[row.state]
        if row.reopened_at:
            reopened = _("reopened %(when)s by %(who)s") % {
                "when": escape(when(row.reopened_at)),
                "who": escape(row.reopened_by or "—"),
            }
            state += f'\n<div class="small text-body-secondary">{reopened}</div>'
        action = ""
        if row.state == "submitted":
            action = (
                f'<form method="post" action="{reopen_url(row.response_id)}">{form_fields}'
                f'<button type="submit" class="btn btn-sm btn-outline-secondary">{reopen}'
                f'<span class="visually-hidden"> {who}</span></button></form>'
            )
        lines.append(
            f'<tr data-state="{row.state}">'
            f"<td>{escape(row.city)}</td><td>{escape(row.department)}</td>"
            f"<td>{escape(row.officer)}</td><td>{state}</td>"
            f'<td class="text-end">{row.percent} %</td>'
            f"<td>{when(row.last_activity) if row.last_activity else '—'}</td>"
            f"<td>{action}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # every database text above is escaped
