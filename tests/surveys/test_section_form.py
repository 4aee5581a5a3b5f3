"""The section form: one answer, comment and evidence field per question, built for each form."""

from __future__ import annotations

from django.template.loader import render_to_string

from surveys.forms import SectionForm, field_name
from surveys.structure import bank_for


def test_a_section_form_has_the_version_then_each_questions_answer_comment_and_link(ddg):
    section = bank_for(ddg).sections[0]

    form = SectionForm(section=section)

    assert list(form.fields) == [
        "version",
        *(
            field_name(q, part)
            for q in section.questions
            for part in ("answer", "comment", "evidence")
        ),
    ]


def test_forms_of_one_section_keep_their_own_fields_and_values(ddg):
    section = bank_for(ddg).sections[0]
    name = field_name(section.questions[0], "comment")

    first = SectionForm({"version": "1", name: "first"}, section=section)
    second = SectionForm({"version": "1", name: "second"}, section=section)

    assert first.fields[name] is not second.fields[name]
    assert first.is_valid()
    assert second.is_valid()
    assert (first.cleaned_data[name], second.cleaned_data[name]) == ("first", "second")


def test_a_field_shown_as_invalid_in_one_form_is_not_marked_in_the_next(ddg):
    section = bank_for(ddg).sections[0]
    name = field_name(section.questions[0], "evidence")
    refused = SectionForm({"version": "1", name: "not a link"}, section=section)
    assert not refused.is_valid()

    shown = render_to_string("surveys/includes/field.html", {"field": refused[name]})
    after = render_to_string(
        "surveys/includes/field.html", {"field": SectionForm(section=section)[name]}
    )

    assert "is-invalid" in shown
    assert "is-invalid" not in after
