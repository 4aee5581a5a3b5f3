"""What every CSV export shares: cells made inert for spreadsheets, written in pieces of rows,
with commas or, for spreadsheets set to a language with a decimal comma, semicolons."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1000  # rows fetched from the database at a time, and rows per piece of CSV text
BOM = "\ufeff"  # first in every CSV, so spreadsheet programs read UTF-8 correctly


@dataclass(frozen=True)
class Separators:
    """The character between a CSV's cells, and the decimal sign of its fractional numbers."""

    cell: str
    decimal: str


# Excel opens a CSV by double-click with the separators of the computer's regional settings:
# in Dutch and French those are a semicolon between cells and a decimal comma, so "62.5" would
# be read as text or a date there. The semicolon variant therefore writes decimal commas too.
# Both keep the BOM, which is how Excel knows the file is UTF-8; a first line "sep=;" would
# name the separator for every Excel, but Excel then ignores the BOM and garbles accents.
SEPARATORS = {
    "comma": Separators(cell=",", decimal="."),
    "semicolon": Separators(cell=";", decimal=","),
}
COMMA = SEPARATORS["comma"]


def neutralise(value: Any) -> Any:
    """Make a cell inert in spreadsheets: text that would run as a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Any, separators: Separators) -> Any:
    """A cell as the CSV writes it: inert, and a fractional number with the decimal sign."""
    value = neutralise(value)
    if separators.decimal != "." and isinstance(value, float | Decimal):
        return str(value).replace(".", separators.decimal)
    return value


class Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_writer(separators: Separators) -> Any:
    """A csv.writer whose writerow returns the line it writes."""
    return csv.writer(Echo(), delimiter=separators.cell)


def csv_stream(
    header: Iterable[str], rows: Iterable[Iterable[Any]], separators: Separators = COMMA
) -> Iterator[str]:
    """A CSV in pieces of CHUNK rows, every cell made inert."""
    writer = csv_writer(separators)
    yield BOM + writer.writerow(header)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        yield "".join(
            writer.writerow(csv_cell(value, separators) for value in row) for row in chunk
        )
