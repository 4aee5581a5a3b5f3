"""The section form: one answer, comment and evidence field per question, built once a section."""

from __future__ import annotations

import dataclasses

from surveys.forms import SectionForm, field_name
from surveys.structure import bank_for


def test_forms_of_one_section_share_its_fields_and_keep_their_own_values(ddg):
    section = bank_for(ddg).sections[0]
    question = section.questions[0]
    name = field_name(question, "comment")

    first = SectionForm({"version": "1", name: "first"}, section=section)
    second = SectionForm({"version": "1", name: "second"}, section=section)

    assert first.fields[name] is second.fields[name]
    assert list(first.fields) == [
        "version",
        *(
            field_name(q, part)
            for q in section.questions
            for part in ("answer", "comment", "evidence")
        ),
    ]
    assert first.is_valid()
    assert second.is_valid()
    assert (first.cleaned_data[name], second.cleaned_data[name]) == ("first", "second")


def test_a_rebuilt_section_gets_fields_of_its_own_even_when_its_contents_are_equal(ddg):
    section = bank_for(ddg).sections[0]
    rebuilt = dataclasses.replace(section)
    name = field_name(section.questions[0])

    assert rebuilt == section
    assert (
        SectionForm(section=rebuilt).fields[name] is not SectionForm(section=section).fields[name]
    )
