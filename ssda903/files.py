"""Reading and writing SSDA903 CSV files: columns, dd/mm/YYYY dates, codes, problems.

Pure module (the standard library and the 903 code lists only). Every problem found
names the file, the row (the header line is row 1, as a spreadsheet shows it), the
column and the value, so a council can fix its extract.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from children import codes_903
from core.spreadsheets import starts_like_a_formula

HEADER = "header.csv"
EPISODES = "episodes.csv"
REVIEWS = "reviews.csv"
COMPANION = "companion.csv"
DOLO = "dolo.csv"  # from 2026/27 (ssda903/years.py)

COMPANION_COLUMNS = (
    "CHILD",
    "FIRST_NAME",
    "LAST_NAME",
    "TEAM",
    "SOCIAL_WORKER",
    "IRO",
)
COLUMNS = {
    HEADER: codes_903.HEADER_COLUMNS,
    EPISODES: codes_903.EPISODES_COLUMNS,
    REVIEWS: codes_903.REVIEWS_COLUMNS,
    COMPANION: COMPANION_COLUMNS,
}
REQUIRED_FILES = (HEADER, EPISODES, REVIEWS)
DATE_SHAPE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
CHILD_ID_MAX = 10


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an import, where it is and what to do about it."""

    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" if self.row else self.file
        if self.column:
            where += f", {self.column}"
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.message}"


@dataclass(frozen=True)
class Row:
    """A data row: its row number and its values by column (stripped)."""

    number: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_rows(
    name: str, data: bytes, columns: Sequence[str] | None = None
) -> tuple[list[Row], list[Problem]]:
    """Read one CSV file: check its encoding and its columns (the year's, or else the
    current ones), return its rows."""
    expected = tuple(columns) if columns is not None else COLUMNS[name]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            Problem(name, 0, "", "", "The file must be a CSV file saved as UTF-8")
        ]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        heading = next(reader)
    except StopIteration:
        return [], [Problem(name, 1, "", "", "The file is empty")]
    except csv.Error as error:
        return [], [Problem(name, 1, "", "", f"The file is not a CSV file: {error}")]
    columns = [cell.strip().upper() for cell in heading]
    problems = _column_problems(name, columns, expected)
    if problems:
        return [], problems
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            number = reader.line_num
            if len(cells) != len(columns):
                problems.append(
                    Problem(
                        name,
                        number,
                        "",
                        "",
                        f"The row has {len(cells)} values but the file has {len(columns)} columns",
                    )
                )
                continue
            values = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
            rows.append(Row(number, values))
    except csv.Error as error:
        problems.append(
            Problem(name, reader.line_num, "", "", f"The row cannot be read: {error}")
        )
    return rows, problems


def _column_problems(
    name: str, columns: list[str], expected: Sequence[str]
) -> list[Problem]:
    problems = [
        Problem(name, 1, column, "", f"The column {column} is missing")
        for column in expected
        if column not in columns
    ]
    for column in sorted(set(columns) - set(expected)):
        problems.append(
            Problem(
                name,
                1,
                column,
                column,
                f"{column or 'An unnamed column'} is not a column of {name}; "
                f"the columns are {', '.join(expected)}",
            )
        )
    for column in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(
            Problem(name, 1, column, column, f"The column {column} appears twice")
        )
    return problems


def parse_date(value: str) -> date | None:
    """Return the date written as dd/mm/YYYY, or None when it is not a real one."""
    if not DATE_SHAPE.match(value):
        return None
    try:
        return datetime.strptime(value, codes_903.DATE_FORMAT).date()
    except ValueError:
        return None


def format_date(value: date | None) -> str:
    return value.strftime(codes_903.DATE_FORMAT) if value else ""


class RowReader:
    """Read typed values from one row, collecting a problem for each bad one."""

    def __init__(self, name: str, row: Row, problems: list[Problem]):
        self.name, self.row, self.problems = name, row, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(
            Problem(self.name, self.row.number, column, self.row[column], message)
        )

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.row[column]
        if required and not value:
            self.problem(column, f"Enter {column}")
        return value

    def child_id(self) -> str:
        value = self.text("CHILD", required=True).upper()
        if len(value) > CHILD_ID_MAX:
            self.problem("CHILD", f"CHILD must be {CHILD_ID_MAX} characters or fewer")
        if starts_like_a_formula(value):
            self.problem(
                "CHILD", "CHILD cannot start with =, +, -, @, a tab or a line break"
            )
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.row[column]
        if not value:
            if required:
                self.problem(column, f"Enter {column} as a date, like 31/03/2026")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem(
                column,
                f"{column} must be a real date written dd/mm/YYYY, like 31/03/2026",
            )
        return parsed

    def code(self, column: str, codes: Iterable[str], *, required: bool = True) -> str:
        value = self.row[column].upper()
        if not value:
            if required:
                self.problem(column, f"Enter {column}")
            return ""
        allowed = list(codes)
        if value not in allowed:
            self.problem(
                column,
                f"{value} is not an SSDA903 code for {column}; use one of {', '.join(allowed)}",
            )
        return value


def write_csv(columns: Iterable[str], rows: Iterable[dict[str, str]]) -> str:
    """Return a CSV text with exactly these columns, in this order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv_values(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return the same CSV text as write_csv, from rows already in column order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def iter_problem_lines(problems: Iterable[Problem]) -> Iterator[str]:
    for problem in sorted(problems):
        yield str(problem)
