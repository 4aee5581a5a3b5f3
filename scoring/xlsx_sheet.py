"""What every XLSX export shares: one sheet with a frozen row of column titles, times as date
cells in one time zone, scores to one decimal, a dimension's title beside its code, a column
per practice of each practices question, and every text cell made inert."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from scoring.csv_text import neutralise
from scoring.results import score_rounded

TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SCORE_FORMAT = "0.0"
# Columns of scores 0-100 (and of differences between them), rounded as the pages show them;
# the CSV and JSON keep every digit. A column of times is one whose code ends in "_at".
SCORE_COLUMNS = frozenset({"score", "median_of_responses", "spread", "overall_score"})
PRACTICE_TICKED, PRACTICE_NOT_TICKED = 1, 0  # numbers, so that a column's sum counts them
LABEL_JOINER = "; "  # between the practices of one answer, in every export's "option_label"


@dataclass(frozen=True)
class SheetFacts:
    """What a sheet needs to know about its round beyond the rows."""

    time_zone: tzinfo
    dimension_titles: Mapping[str, str]  # by dimension code
    practices: Mapping[str, Sequence[str]]  # labels in bank order, by practices question code


def xlsx_file(
    sheet_title: str,
    columns: Sequence[str],
    titles: Mapping[str, str],
    rows: Iterable[Sequence[Any]],
    facts: SheetFacts,
) -> Any:
    """A spooled temporary file holding the workbook (write-only mode: rows are not kept).

    ``columns`` are the codes of the rows' cells, ``titles`` their titles (with the title of
    "dimension_title" when there is a "dimension" column).
    """
    layout = _Layout(columns, facts)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in layout.titles(titles):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(layout.cells(sheet, row))
    # Not a context manager: FileResponse closes the file once it has been sent.
    handle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


class _Layout:
    """Where a row's cells go in the sheet, and what each becomes."""

    def __init__(self, columns: Sequence[str], facts: SheetFacts) -> None:
        self.columns = columns
        self.facts = facts
        self.times = {i for i, code in enumerate(columns) if code.endswith("_at")}
        self.scores = {i for i, code in enumerate(columns) if code in SCORE_COLUMNS}
        self.dimension = columns.index("dimension") if "dimension" in columns else None
        has_practices = {"question_code", "option_label"} <= set(columns)
        # The cells of the question's code and of the chosen options' labels.
        self.practice_source = (
            (columns.index("question_code"), columns.index("option_label"))
            if has_practices
            else None
        )
        # Where each practices question's columns start after the row's own cells.
        self.practice_start: dict[str, int] = {}
        width = 0
        for code, labels in facts.practices.items() if has_practices else ():
            self.practice_start[code] = width
            width += len(labels)
        self.practice_width = width

    def titles(self, titles: Mapping[str, str]) -> list[str]:
        header = []
        for i, code in enumerate(self.columns):
            title = titles[code]
            header.append(f"{title} ({self.facts.time_zone})" if i in self.times else title)
            if i == self.dimension:
                header.append(titles["dimension_title"])
        for code in self.practice_start:
            header.extend(f"{code}: {label}" for label in self.facts.practices[code])
        return [neutralise(_xlsx_safe(title)) for title in header]

    def cells(self, sheet: Any, row: Sequence[Any]) -> list[Any]:
        cells: list[Any] = []
        for i, value in enumerate(row):
            if i in self.times:
                cells.append(_time_cell(sheet, value, self.facts.time_zone))
            elif i in self.scores:
                cells.append(_score_cell(sheet, value))
            else:
                # Strip first: a dropped control character must not uncover a formula start.
                cells.append(neutralise(_xlsx_safe(value)))
            if i == self.dimension:
                title = self.facts.dimension_titles.get(value, "")
                cells.append(neutralise(_xlsx_safe(title)))
        if self.practice_source is not None and self.practice_width:
            cells.extend(
                self._practices(row[self.practice_source[0]], row[self.practice_source[1]])
            )
        return cells

    def _practices(self, code: Any, labels: Any) -> list[int | None]:
        """The row's cells under every practice: ticked or not on a practices question's row,
        empty under the other questions' practices."""
        cells: list[int | None] = [None] * self.practice_width
        if code in self.practice_start:
            start = self.practice_start[code]
            ticks = practices_ticked(self.facts.practices[code], labels or "")
            cells[start : start + len(ticks)] = ticks
        return cells


def practices_ticked(labels: Sequence[str], joined: str) -> list[int]:
    """Which of a question's practices (its labels in bank order) a cell of the chosen ones'
    labels, joined in bank order, names: PRACTICE_TICKED or PRACTICE_NOT_TICKED for each."""
    ticks = []
    rest = joined
    for label in labels:
        if rest == label or rest.startswith(label + LABEL_JOINER):
            ticks.append(PRACTICE_TICKED)
            rest = rest[len(label) + len(LABEL_JOINER) :]
        else:
            ticks.append(PRACTICE_NOT_TICKED)
    return ticks


def _time_cell(sheet: Any, value: Any, time_zone: tzinfo) -> Any:
    """A time (a datetime or its ISO text) as a date cell in ``time_zone``: a spreadsheet's
    times carry no zone, so the column's title names it. Empty stays empty."""
    if value in ("", None):
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None:
        moment = moment.astimezone(time_zone).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=moment)
    cell.number_format = TIME_FORMAT
    return cell


def _score_cell(sheet: Any, value: float | None) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=score_rounded(value))
    cell.number_format = SCORE_FORMAT
    return cell


def _xlsx_safe(value: Any) -> Any:
    # XLSX cannot hold most control characters; a CSV can, so only this path drops them.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
