"""The answer pages' templates: question cards, their fields and the section list, escaped,
labelled, and tied to their messages."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.template.loader import render_to_string
from django.test.html import parse_html

from surveys.forms import LongTextField, QuestionGroup
from surveys.structure import SectionProgress
from surveys.view_helpers import QuestionCard
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
    note = LongTextField(
        label="Note", required=False, max_length=50, widget=forms.Textarea(attrs={"rows": 2})
    )


def _field(bound: forms.BoundField) -> str:
    return render_to_string("surveys/includes/field.html", {"field": bound})


def _tree(bound: forms.BoundField):
    return parse_html(_field(bound))


def test_every_text_is_escaped_and_nothing_becomes_markup():
    form = _Form(initial={"note": HOSTILE})

    for name in ("pick", "note"):
        rendered = _field(form[name])
        assert "<img" not in rendered
        assert "&lt;img" in rendered
    tree = _tree(form["pick"])
    assert text(find_all(tree, "legend")[0]) == f"Pick {HOSTILE}"
    assert [text(label) for label in find_all(tree, "label")] == [f"One {HOSTILE}", "Two"]
    assert text(by_id(tree, "id_pick_helptext")) == f"Help {HOSTILE}"


def test_choices_sit_in_a_fieldset_with_a_legend_and_the_chosen_ones_are_checked():
    form = _Form(initial={"pick": 2, "ticks": [1, 3]})

    pick = _tree(form["pick"])
    (fieldset,) = find_all(pick, "fieldset")
    assert attr(fieldset, "aria-describedby") == "id_pick_helptext"
    radios = find_all(pick, "input", type="radio", name="pick")
    assert [attr(r, "id") for r in radios] == ["id_pick_0", "id_pick_1"]
    assert [attr(r, "value") for r in radios if has_attr(r, "checked")] == ["2"]
    for radio in radios:
        assert attr(radio, "class") == "form-check-input"
        assert len(find_all(pick, "label", for_=attr(radio, "id"))) == 1

    ticks = _tree(form["ticks"])
    boxes = find_all(ticks, "input", type="checkbox", name="ticks")
    assert [attr(b, "value") for b in boxes if has_attr(b, "checked")] == ["1", "3"]


def test_a_field_is_wrapped_in_the_div_the_error_summary_links_to():
    form = _Form()

    for name in ("pick", "amount"):
        wrapper = _tree(form[name])
        assert (wrapper.name, attr(wrapper, "id")) == ("div", f"div_id_{name}")


def test_a_rejected_value_stays_as_typed_and_is_described_by_its_message():
    form = _Form(data={"amount": "12", "note": "kept"})
    assert not form.is_valid()

    tree = _tree(form["amount"])
    (control,) = find_all(tree, "input", name="amount")
    assert attr(control, "value") == "12"
    assert attr(control, "type") == "number"
    assert attr(control, "aria-invalid") == "true"
    assert "is-invalid" in attr(control, "class").split()
    assert attr(control, "aria-describedby").split() == ["id_amount_helptext", "id_amount_error"]
    assert text(by_id(tree, "id_amount_error")) == "Ensure this value is less than or equal to 10."
    assert len(find_all(tree, "label", for_="id_amount")) == 1

    note = _tree(form["note"])
    (area,) = find_all(note, "textarea", name="note")
    assert text(area) == "kept"
    assert attr(area, "data-char-limit") == "50"
    assert "is-invalid" not in attr(area, "class").split()
    assert not has_attr(area, "aria-invalid")


def test_a_rejected_choice_is_marked_on_the_fieldset_and_its_inputs():
    form = _Form(data={"pick": "9"})
    assert not form.is_valid()

    tree = _tree(form["pick"])
    (fieldset,) = find_all(tree, "fieldset")
    assert attr(fieldset, "aria-describedby") == "id_pick_helptext id_pick_error"
    for radio in find_all(tree, "input"):
        assert set(attr(radio, "class").split()) == {"form-check-input", "is-invalid"}
        assert attr(radio, "aria-invalid") == "true"
    error = by_id(tree, "id_pick_error")
    # Shown outright: Bootstrap shows feedback only after an invalid input, not a fieldset's.
    assert set(attr(error, "class").split()) == {"invalid-feedback", "d-block"}
    assert text(error) == "Select a valid choice. 9 is not one of the available choices."


class _CardForm(forms.Form):
    a__answer = forms.CharField(label="First", required=False)
    a__comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
    a__evidence = forms.URLField(label="Link", required=False, assume_scheme="https")
    b__answer = forms.CharField(label="Second", required=False)
    b__comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
    b__evidence = forms.URLField(label="Link", required=False, assume_scheme="https")


def _card(form: forms.Form, code: str, *, required: bool = False, **card: object) -> QuestionCard:
    group = QuestionGroup(
        question=SimpleNamespace(code=code, required=required),  # type: ignore[arg-type]
        answer=form[f"{code}__answer"],
        comment=form[f"{code}__comment"],
        evidence=form[f"{code}__evidence"],
    )
    return QuestionCard(group=group, **card)  # type: ignore[arg-type]


def _cards(*cards: QuestionCard):
    return parse_html(
        "".join(
            render_to_string("surveys/includes/question_card.html", {"card": card})
            for card in cards
        )
    )


def test_cards_are_numbered_and_say_whether_an_answer_is_required():
    form = _CardForm()

    tree = _cards(
        _card(form, "a", required=True, visible=True, number="1"),
        _card(form, "b", visible=True, number="2"),
    )

    assert text(by_id(tree, "q-a-label")) == "Question 1 · required"
    assert text(by_id(tree, "q-b-label")) == "Question 2 · optional"
    assert [attr(card, "aria-labelledby") for card in find_all(tree, "section")] == [
        "q-a-label",
        "q-b-label",
    ]
    assert [attr(card, "data-question") for card in find_all(tree, "section")] == ["a", "b"]


def test_a_card_shows_the_number_it_is_given_follow_ups_and_sections_included():
    form = _CardForm()

    tree = _cards(
        _card(form, "a", visible=True, number="2a"), _card(form, "b", visible=True, number="2.3b")
    )

    assert text(by_id(tree, "q-a-label")) == "Question 2a · optional"
    assert text(by_id(tree, "q-b-label")) == "Question 2.3b · optional"


def test_a_conditional_card_is_hidden_and_names_the_choice_that_shows_it():
    form = _CardForm()

    tree = _cards(
        _card(form, "a", visible=True, number="2"),
        _card(
            form,
            "b",
            visible=False,
            number="2a",
            condition_field="a__answer",
            condition_option=1042,
        ),
    )

    first, second = find_all(tree, "section")
    assert not has_attr(first, "hidden")
    assert not has_attr(first, "data-condition-field")
    assert has_attr(second, "hidden")
    assert attr(second, "data-condition-field") == "a__answer"
    assert attr(second, "data-condition-option") == "1042"
    assert text(by_id(tree, "q-b-label")) == (
        "Question 2a · optional · asked because of an earlier answer"
    )


def test_comment_and_link_start_open_only_where_one_holds_something_or_is_wrong():
    typed = _CardForm(initial={"b__evidence": "https://example.org/plan"})
    refused = _CardForm(data={"a__evidence": "not a link"})
    assert not refused.is_valid()

    first, second = find_all(
        _cards(_card(typed, "a", visible=True), _card(typed, "b", visible=True)), "details"
    )
    (wrong,) = find_all(_cards(_card(refused, "a", visible=True)), "details")

    assert not has_attr(first, "open")
    assert has_attr(second, "open")
    assert has_attr(wrong, "open")


def _nav(**context: object):
    sections = [
        SectionProgress(code="a", title=f"First {HOSTILE}", answered=3, required=3, missing=()),
        SectionProgress(code="b", title="Second", answered=1, required=4, missing=()),
    ]
    return parse_html(
        render_to_string(
            "surveys/includes/section_nav.html",
            {
                "progress": SimpleNamespace(sections=sections),
                "round": SimpleNamespace(pk=7),
                **context,
            },
        )
    )


def test_the_section_list_marks_the_current_section_and_each_ones_progress():
    tree = _nav(current="b")

    first, second = find_all(tree, "li")
    assert text(first) == f"First {HOSTILE} complete"
    assert not has_attr(first, "aria-current")
    assert text(second) == "Second 1/4"
    assert attr(second, "aria-current") == "page"
    assert "active" in attr(second, "class").split()
    assert [attr(a, "href") for a in find_all(tree, "a")] == [
        "/rounds/7/sections/a/",
        "/rounds/7/sections/b/",
        "/rounds/7/review/",
        "/rounds/7/all/",
    ]


def test_on_the_page_of_all_sections_the_section_list_jumps_within_the_page():
    tree = _nav(on_one_page=True)

    assert not [li for li in find_all(tree, "li") if has_attr(li, "aria-current")]
    assert [attr(a, "href") for a in find_all(tree, "a")] == [
        "#section-a",
        "#section-b",
        "/rounds/7/review/",
    ]


def test_a_hint_and_an_error_sit_between_the_question_and_its_options():
    form = _Form(data={"pick": "9"})
    assert not form.is_valid()

    (fieldset,) = find_all(_tree(form["pick"]), "fieldset")

    parts = [
        "legend" if child.name == "legend" else attr(child, "id") or attr(child, "class")
        for child in fieldset.children
        if not isinstance(child, str)
    ]
    assert parts == ["legend", "id_pick_helptext", "id_pick_error", "form-check", "form-check"]


def test_a_long_text_box_has_no_maxlength_and_is_described_by_its_limit():
    (area,) = find_all(_tree(_Form()["note"]), "textarea")

    assert not has_attr(area, "maxlength")
    assert attr(area, "data-char-limit") == "50"
    assert attr(area, "aria-describedby") == "id_note_count"
