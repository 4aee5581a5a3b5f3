"""The facilitator's invitation forms: one person, or a CSV file of several checked row by row."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys.invitations import Invitee, invitee_refusal
from surveys.models import City, Round

# The whole request of an upload (the file and the form around it), refused unread above this.
UPLOAD_MAX_BYTES = 256 * 1024
CSV_COLUMNS = ("email", "name", "city", "department")
CSV_MAX_ROWS = 500


class InvitationForm(forms.Form):
    """One person to invite to a round, as an officer of one of its cities."""

    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=150)
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.none(),
        error_messages={"invalid_choice": _("Choose a city that takes part in this round.")},
    )
    department = forms.CharField(label=_("Department"), max_length=120)

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        city_field = cast("forms.ModelChoiceField[City]", self.fields["city"])
        city_field.queryset = round.cities.order_by("name")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        # A new account's username is its address: it must be one Django accepts as a username.
        try:
            UnicodeUsernameValidator()(email.lower())
        except ValidationError:
            raise ValidationError(
                _("This address cannot be used to sign in; use one without spaces or quotes.")
            ) from None
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, city = cleaned.get("email"), cleaned.get("city")
        if email and city:
            refusal = invitee_refusal(round=self.round, email=email, city=city)
            if refusal:
                self.add_error("email", refusal)
        return cleaned

    def invitee(self) -> Invitee:
        data = self.cleaned_data
        return Invitee(
            email=data["email"],
            name=data["name"].strip(),
            city=data["city"],
            department=data["department"].strip(),
        )


class InvitationUploadForm(forms.Form):
    """A CSV file of people to invite; the file's text once it is valid UTF-8."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns email, name, city and department, named in the first row; at most 256 KB."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")
            ) from None


def invitees_from_csv(round: Round, text: str) -> tuple[list[Invitee], list[str]]:
    """The people a CSV file names, each row checked as the one-person form checks it, and the
    errors, each naming its row (the first row, the column names, is row 1)."""
    first_line = next(iter(text.splitlines()), "")
    try:
        rows = list(csv.reader(io.StringIO(text), dialect=_dialect(first_line)))
    except csv.Error as error:  # e.g. a field longer than the csv module reads
        return [], [gettext("The file cannot be read as CSV: %(error)s.") % {"error": error}]
    header = [name.strip().lower() for name in (rows[0] if rows else [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        return [], [
            gettext(
                "Row 1 must name the columns email, name, city and department; missing: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
        ]
    cities = _cities_by_name(round)
    invitees: list[Invitee] = []
    errors: list[str] = []
    first_row_of: dict[str, int] = {}
    people = 0
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        people += 1
        if people > CSV_MAX_ROWS:
            return [], [gettext("The file has more than %(max)d people.") % {"max": CSV_MAX_ROWS}]
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        city = cities.get(row["city"].lower())
        form = InvitationForm(
            {**row, "city": city.pk if city else row["city"]},
            round=round,
        )
        if not form.is_valid():
            errors += _row_errors(number, form)
            continue
        email = form.cleaned_data["email"].lower()
        if email in first_row_of:
            errors.append(
                gettext("Row %(row)d: this address is also on row %(first)d.")
                % {"row": number, "first": first_row_of[email]}
            )
            continue
        first_row_of[email] = number
        invitees.append(form.invitee())
    if not invitees and not errors:
        errors.append(gettext("The file names nobody to invite."))
    return (invitees if not errors else []), errors


def _dialect(first_line: str) -> type[csv.Dialect]:
    """Commas, or the semicolons that spreadsheets write where the decimal sign is a comma."""
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _cities_by_name(round: Round) -> dict[str, City]:
    """The round's cities by lower-case name and slug, as a CSV row may name them."""
    cities: dict[str, City] = {}
    for city in round.cities.all():
        cities[city.name.lower()] = city
        cities[city.slug.lower()] = city
    return cities


def _row_errors(number: int, form: InvitationForm) -> list[str]:
    """Each error of a row's form, named by row and column (the file's own column names)."""
    return [
        gettext("Row %(row)d, %(column)s: %(error)s")
        % {"row": number, "column": column, "error": error}
        for column, errors in form.errors.items()
        for error in errors
    ]
