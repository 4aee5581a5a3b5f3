"""The section page's repeated parts (question cards, their fields, the section navigation) as
Bootstrap 5 HTML, written directly instead of through templates.

A section shows up to ten questions, each with five to seven options plus a comment and an
evidence link. Rendering them through crispy-forms and Django's per-widget templates took about
two thirds of the section page's server time; this module writes the same markup (label or
fieldset with legend, help text and errors tied to the input with ``aria-describedby``,
``aria-invalid`` and Bootstrap's ``is-invalid``) in a fraction of it. Every text passes through
``format_html``, which escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from surveys.structure import SectionProgress

if TYPE_CHECKING:
    from surveys.forms import QuestionGroup

_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@dataclass(frozen=True)
class QuestionCard:
    """What a question's card shows besides its fields: whether it is shown, and the earlier
    answer that shows it (the form field and the option, for the page's script)."""

    group: QuestionGroup
    visible: bool
    condition_field: str = ""
    condition_option: int | None = None


def question_cards_html(
    cards: Iterable[QuestionCard], *, section_number: int | None = None
) -> SafeString:
    """Each question of a section as a numbered card: the answer, then comment and evidence
    link behind a disclosure that starts open when either holds something. With the
    ``section_number`` (on the page of all sections) a question is numbered "2.3", so that
    every card's name is unique on the page."""
    required, optional = escape(_("required")), escape(_("optional"))
    conditional = f" · {escape(_('asked because of an earlier answer'))}"
    notes = escape(_("Comment or evidence link"))
    prefix = "" if section_number is None else f"{section_number}."
    html = []
    for number, card in enumerate(cards, start=1):
        group = card.group
        code = escape(group.question.code)
        condition = ""
        if card.condition_field:
            condition = (
                f' data-condition-field="{escape(card.condition_field)}"'
                f' data-condition-option="{card.condition_option}"'
            )
        need = f"<strong>{required}</strong>" if group.question.required else optional
        notes_open = any(field.value() or field.errors for field in (group.comment, group.evidence))
        html.append(
            f'<section class="card mb-3 question" id="q-{code}" data-question="{code}"{condition}'
            f'{"" if card.visible else " hidden"} aria-labelledby="q-{code}-label">'
            '<div class="card-body">'
            f'<p class="small text-body-secondary mb-1" id="q-{code}-label">'
            f"{escape(_('Question %(number)s') % {'number': f'{prefix}{number}'})} · {need}"
            f"{conditional if card.condition_field else ''}</p>"
            f"{field_html(group.answer)}"
            f'<details class="mt-2"{" open" if notes_open else ""}><summary>{notes}</summary>'
            f'<div class="mt-2">{field_html(group.comment)}{field_html(group.evidence)}</div>'
            "</details></div></section>"
        )
    return mark_safe("\n".join(html))  # every text above is escaped


def section_nav_html(
    sections: Iterable[SectionProgress],
    *,
    current: str,
    links: Mapping[str, str],
    review_link: str,
    questionnaire_link: str = "",
) -> SafeString:
    """The numbered list of a questionnaire's sections with each one's progress, the current
    one marked, the link to the review page and, if given, to all questions on one page."""
    complete = escape(_("complete"))
    items = []
    for item in sections:
        here = item.code == current
        current_marks = (' active" aria-current="page"', " link-light") if here else ('"', "")
        badge = "text-bg-success" if item.is_complete else "text-bg-light border"
        status = complete if item.is_complete else f"{item.answered}/{item.required}"
        items.append(
            '<li class="list-group-item d-flex justify-content-between align-items-start'
            f'{current_marks[0]} data-section="{escape(item.code)}">'
            f'<a class="ms-2 me-auto{current_marks[1]}" href="{escape(links[item.code])}">'
            f"{escape(item.title)}</a>"
            f'<span class="badge {badge} section-status">{status}</span></li>'
        )
    whole = ""
    if questionnaire_link:
        whole = (
            f'<a class="btn btn-outline-secondary btn-sm" href="{escape(questionnaire_link)}">'
            f"{escape(_('All questions on one page'))}</a>"
        )
    return mark_safe(  # every text above is escaped
        '<nav aria-labelledby="sections-heading" class="mb-3">'
        f'<h2 class="h6" id="sections-heading">{escape(_("Sections"))}</h2>'
        f'<ol class="list-group list-group-numbered small">{"".join(items)}</ol>'
        f'<div class="d-flex flex-wrap gap-2 mt-2">'
        f'<a class="btn btn-outline-secondary btn-sm" href="{escape(review_link)}">'
        f"{escape(_('Review and submit'))}</a>{whole}</div></nav>"
    )


def field_html(field: forms.BoundField) -> SafeString:
    """One field with its label, help text and errors, wrapped in ``div_<id>``."""
    if isinstance(field.field.widget, _CHOICE_WIDGETS):
        inner = _choices_html(field)
    else:
        inner = _input_html(field)
    return format_html('<div id="div_{}" class="mb-3">{}</div>', field.auto_id, inner)


def _choices_html(field: forms.BoundField) -> SafeString:
    """Radio buttons or checkboxes in a fieldset whose legend is the question."""
    input_type = escape(field.field.widget.input_type)  # type: ignore[attr-defined]
    css = "form-check-input is-invalid" if field.errors else "form-check-input"
    name, auto_id = escape(field.html_name), escape(field.auto_id)
    chosen = _chosen(field.value())
    # Dozens of options per page: plain f-strings with every value escaped, as format_html would
    # do, at a fraction of its cost.
    options = "".join(
        f'<div class="form-check"><input type="{input_type}" class="{css}" name="{name}" '
        f'value="{escape(str(value))}" id="{auto_id}_{index}"'
        f"{' checked' if str(value) in chosen else ''}>"
        f'<label for="{auto_id}_{index}" class="form-check-label">{escape(str(label))}</label>'
        "</div>"
        for index, (value, label) in enumerate(field.field.choices)  # type: ignore[attr-defined]
    )
    return format_html(
        '<fieldset{}><legend class="form-label fs-6">{}</legend>{}{}{}</fieldset>',
        mark_safe(_attributes({"aria-describedby": field.aria_describedby or None})),
        field.label,
        mark_safe(options),  # built above from escaped values only
        _errors_html(field, block=True),
        _help_html(field),
    )


def _input_html(field: forms.BoundField) -> SafeString:
    """A labelled text area or input (number, URL), with the widget's own attributes."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(dict(widget.attrs))
    css = "form-control is-invalid" if field.errors else "form-control"
    attrs.update({"class": css, "id": field.auto_id, "name": field.html_name})
    value = widget.format_value(field.value())
    if isinstance(widget, forms.Textarea):
        # The line break after the tag keeps a value's own leading line break (HTML drops one).
        text = "" if value is None else escape(str(value))
        control = f"<textarea{_attributes(attrs)}>\n{text}</textarea>"
    else:
        attrs["type"] = widget.input_type  # type: ignore[attr-defined]
        if value is not None:
            attrs["value"] = value
        control = f"<input{_attributes(attrs)}>"
    return format_html(
        '<label for="{}" class="form-label">{}</label>{}{}{}',
        field.auto_id,
        field.label,
        mark_safe(control),  # built above from escaped values only
        _errors_html(field, block=False),
        _help_html(field),
    )


def _attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes, escaped; True renders the bare name, False and None leave it out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not None and value is not False
    )


def _errors_html(field: forms.BoundField, *, block: bool) -> SafeString:
    """The field's messages, under the id that its ``aria-describedby`` names."""
    if not field.errors:
        return SafeString()
    return format_html(
        '<div id="{}_error" class="invalid-feedback{}">{}</div>',
        field.auto_id,
        # Bootstrap shows feedback after an invalid input; a fieldset's needs showing outright.
        " d-block" if block else "",
        format_html_join(" ", "<strong>{}</strong>", ((error,) for error in field.errors)),
    )


def _help_html(field: forms.BoundField) -> SafeString:
    if not field.help_text:
        return SafeString()
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
    )


def _chosen(value: object) -> set[str]:
    """The submitted or initial choice(s) as strings, to compare with each option's value."""
    if value is None or value == "":
        return set()
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return {str(value)}
