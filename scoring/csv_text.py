"""What every CSV export shares: cells made inert for spreadsheets, written in pieces of rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1000  # rows fetched from the database at a time, and rows per piece of CSV text
BOM = "\ufeff"  # first in every CSV, so spreadsheet programs read UTF-8 correctly


def neutralise(value: Any) -> Any:
    """Make a cell inert in spreadsheets: text that would run as a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A CSV in pieces of CHUNK rows, every cell made inert."""
    writer = csv.writer(Echo())
    yield BOM + writer.writerow(header)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        yield "".join(writer.writerow(map(neutralise, row)) for row in chunk)
