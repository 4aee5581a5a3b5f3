"""The section form's hand-written field HTML: escaped, labelled, and tied to its messages."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.test.html import parse_html

from surveys.field_html import QuestionCard, field_html, question_cards_html, section_nav_html
from surveys.forms import QuestionGroup
from surveys.structure import SectionProgress
from tests.web import attr, by_id, find_all, has_attr, text

HOSTILE = '<img src=x onerror="alert(1)">&'


class _Form(forms.Form):
    pick = forms.TypedChoiceField(
        label=f"Pick {HOSTILE}",
        help_text=f"Help {HOSTILE}",
        required=False,
        choices=[(1, f"One {HOSTILE}"), (2, "Two")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    ticks = forms.TypedMultipleChoiceField(
        label="Ticks",
        required=False,
        choices=[(1, "A"), (2, "B"), (3, "C")],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    amount = forms.DecimalField(
        label="Amount",
        help_text="In euros",
        required=False,
        max_value=10,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    note = forms.CharField(
        label="Note", required=False, max_length=50, widget=forms.Textarea(attrs={"rows": 2})
    )


def _tree(bound):
    return parse_html(str(field_html(bound)))


def test_every_text_is_escaped_and_nothing_becomes_markup():
    form = _Form(initial={"note": HOSTILE})

    for name in ("pick", "note"):
        rendered = str(field_html(form[name]))
        assert "<img" not in rendered
        assert "&lt;img" in rendered
    tree = _tree(form["pick"])
    assert text(find_all(tree, "legend")[0]) == f"Pick {HOSTILE}"
    assert f"One {HOSTILE}" in text(tree)
    assert text(by_id(tree, "id_pick_helptext")) == f"Help {HOSTILE}"


def test_choices_sit_in_a_fieldset_with_a_legend_and_the_chosen_ones_are_checked():
    form = _Form(initial={"pick": 2, "ticks": [1, 3]})

    pick = _tree(form["pick"])
    (fieldset,) = find_all(pick, "fieldset")
    assert attr(fieldset, "aria-describedby") == "id_pick_helptext"
    radios = find_all(pick, "input", type="radio", name="pick")
    assert [attr(r, "value") for r in radios if has_attr(r, "checked")] == ["2"]
    for radio in radios:
        assert find_all(pick, "label", for_=attr(radio, "id"))

    ticks = _tree(form["ticks"])
    boxes = find_all(ticks, "input", type="checkbox", name="ticks")
    assert [attr(b, "value") for b in boxes if has_attr(b, "checked")] == ["1", "3"]


def test_a_rejected_value_stays_as_typed_and_is_described_by_its_message():
    form = _Form(data={"amount": "12", "note": "kept"})
    assert not form.is_valid()

    tree = _tree(form["amount"])
    (control,) = find_all(tree, "input", name="amount")
    assert attr(control, "value") == "12"
    assert attr(control, "type") == "number"
    assert attr(control, "aria-invalid") == "true"
    assert "is-invalid" in attr(control, "class")
    described = attr(control, "aria-describedby").split()
    assert described == ["id_amount_helptext", "id_amount_error"]
    assert "less than or equal to 10" in text(by_id(tree, "id_amount_error"))
    assert find_all(tree, "label", for_="id_amount")

    note = _tree(form["note"])
    (area,) = find_all(note, "textarea", name="note")
    assert text(area) == "kept"
    assert attr(area, "maxlength") == "50"
    assert not has_attr(area, "aria-invalid")


def test_a_rejected_choice_is_marked_on_the_fieldset_and_its_inputs():
    form = _Form(data={"pick": "9"})
    assert not form.is_valid()

    tree = _tree(form["pick"])
    (fieldset,) = find_all(tree, "fieldset")
    assert attr(fieldset, "aria-describedby") == "id_pick_helptext id_pick_error"
    assert "is-invalid" in attr(find_all(tree, "input")[0], "class")
    assert "Select a valid choice" in text(by_id(tree, "id_pick_error"))


class _CardForm(forms.Form):
    a__answer = forms.CharField(label="First", required=False)
    a__comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
    a__evidence = forms.URLField(label="Link", required=False, assume_scheme="https")
    b__answer = forms.CharField(label="Second", required=False)
    b__comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
    b__evidence = forms.URLField(label="Link", required=False, assume_scheme="https")


def _cards(form, **second):
    def group(code, required):
        return QuestionGroup(
            question=SimpleNamespace(code=code, required=required),
            answer=form[f"{code}__answer"],
            comment=form[f"{code}__comment"],
            evidence=form[f"{code}__evidence"],
        )

    return parse_html(
        str(
            question_cards_html(
                [
                    QuestionCard(group=group("a", True), visible=True),
                    QuestionCard(group=group("b", False), **second),
                ]
            )
        )
    )


def test_cards_are_numbered_and_say_whether_an_answer_is_required():
    tree = _cards(_CardForm(), visible=True)

    assert text(by_id(tree, "q-a-label")) == "Question 1 · required"
    assert text(by_id(tree, "q-b-label")) == "Question 2 · optional"
    assert [attr(card, "aria-labelledby") for card in find_all(tree, "section")] == [
        "q-a-label",
        "q-b-label",
    ]


def test_a_conditional_card_is_hidden_and_names_the_choice_that_shows_it():
    tree = _cards(_CardForm(), visible=False, condition_field="a__answer", condition_option=42)

    first, second = find_all(tree, "section")
    assert not has_attr(first, "hidden")
    assert not has_attr(first, "data-condition-field")
    assert has_attr(second, "hidden")
    assert attr(second, "data-condition-field") == "a__answer"
    assert attr(second, "data-condition-option") == "42"
    assert text(by_id(tree, "q-b-label")) == (
        "Question 2 · optional · asked because of an earlier answer"
    )


def test_comment_and_link_start_open_only_where_one_holds_something():
    form = _CardForm(initial={"b__evidence": "https://example.org/plan"})

    first, second = find_all(_cards(form, visible=True), "details")

    assert not has_attr(first, "open")
    assert has_attr(second, "open")


def test_the_section_list_marks_the_current_section_and_each_ones_progress():
    sections = [
        SectionProgress(code="a", title=f"First {HOSTILE}", answered=3, required=3, missing=()),
        SectionProgress(code="b", title="Second", answered=1, required=4, missing=()),
    ]

    tree = parse_html(
        str(
            section_nav_html(
                sections, current="b", links={"a": "/s/a/", "b": "/s/b/"}, review_link="/review/"
            )
        )
    )

    first, second = find_all(tree, "li")
    assert text(first) == f"First {HOSTILE} complete"
    assert not has_attr(first, "aria-current")
    assert text(second) == "Second 1/4"
    assert attr(second, "aria-current") == "page"
    assert "active" in attr(second, "class").split()
    assert [attr(a, "href") for a in find_all(tree, "a")] == ["/s/a/", "/s/b/", "/review/"]
