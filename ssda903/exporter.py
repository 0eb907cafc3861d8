"""Export the SSDA903 header, episodes and reviews files for a collection year.

The collection year YYYY runs from 1 April YYYY-1 to 31 March YYYY. The files hold
exactly the 903 columns with dd/mm/YYYY dates: every episode open at some time in
the year (one that ended after 31 March is shown open, as it was at the year end),
a header row for each child with such an episode, and every review held in the year
on its record date (D-RECORD). Children looked after only under short breaks (every
episode V3 or V4) have no reviews and no MOTHER value (903 rule 399, D-SB).
"""

import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from children import codes_903
from children.models import Child, Episode
from reviews.models import Review
from ssda903 import dolo
from ssda903.files import (
    DOLO,
    EPISODES,
    HEADER,
    REVIEWS,
    format_date,
    write_csv_values,
)
from ssda903.years import spec_for

MOTHER_VALUES = {True: "1", False: "0", None: ""}
# Each year's files and their columns are the year's table (ssda903.years).

# One row per episode in the year, with its child's header values, in file order.
CHILD_FIELDS = (
    "period__child_id",
    "period__child__child_id",
    "period__child__sex",
    "period__child__date_of_birth",
    "period__child__ethnicity",
    "period__child__upn",
    "period__child__is_mother",
    "period__child__mother_child_dob",
)
EPISODE_FIELDS = (
    "started_on",
    "reason_new",
    "legal_status",
    "category_of_need",
    "placement",
    "placement_provider",
    "ended_on",
    "reason_ended",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)
REVIEW_FIELDS = (
    "child__child_id",
    "child__date_of_birth",
    "record_date",
    "participation",
)
CHUNK_SIZE = 5000

Values = tuple[str, ...]


def collection_year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last day of the collection year ending 31 March `year`."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def ssda903_rows(*, year: int) -> dict[str, list[dict[str, str]]]:
    """Return the rows of each of the year's files (header.csv, episodes.csv,
    reviews.csv, and dolo.csv from 2026/27)."""
    columns = spec_for(year).files
    return {
        name: [dict(zip(columns[name], values, strict=True)) for values in rows]
        for name, rows in _file_values(year=year).items()
    }


def _file_values(*, year: int) -> dict[str, list[Values] | Iterator[Values]]:
    """Each file's rows as values in its column order (reviews read as they are written).

    Two queries: the year's episodes with their children's header values, and the
    reviews of the children who have an episode other than a short break in the year.
    Rows are tuples rather than model instances, and the reviewed children are a
    subquery rather than a list of ids.
    """
    start, end = collection_year_bounds(year)
    in_year = _episodes_in_year(start, end)
    on_date = cache(format_date)  # a year's rows share a few thousand dates
    header, episode_rows = [], []
    episodes = in_year.order_by("period__child__child_id", "started_on").values_list(
        *CHILD_FIELDS, *EPISODE_FIELDS
    )
    child_width = len(CHILD_FIELDS)
    for _, group in groupby(episodes.iterator(CHUNK_SIZE), key=lambda row: row[0]):
        child_episodes = list(group)
        short_breaks_only = all(
            row[child_width + 2] in codes_903.SHORT_BREAK_LEGAL_STATUSES
            for row in child_episodes
        )
        header.append(
            _header_values(
                child_episodes[0], short_breaks_only=short_breaks_only, on_date=on_date
            )
        )
        episode_rows.extend(
            _episode_values(row, year_end=end, on_date=on_date)
            for row in child_episodes
        )
    reviewed = in_year.exclude(
        legal_status__in=sorted(codes_903.SHORT_BREAK_LEGAL_STATUSES)  # stable SQL
    ).values("period__child_id")
    reviews = (
        Review.objects.held()
        .filter(
            child__in=reviewed,
            record_date__gte=start,
            record_date__lte=end,
            period__short_breaks=False,
        )
        .order_by("child__child_id", "record_date")
        .values_list(*REVIEW_FIELDS)
    )
    files: dict[str, list[Values] | Iterator[Values]] = {
        HEADER: header,
        EPISODES: episode_rows,
        REVIEWS: (
            _review_values(row, on_date=on_date) for row in reviews.iterator(CHUNK_SIZE)
        ),
    }
    if DOLO in spec_for(year).files:
        files[DOLO] = dolo.dolo_values(start, end, on_date=on_date)
    return files


def ssda903_children(*, year: int) -> QuerySet[Child]:
    """The children the year's return is about (those with an episode in the year)."""
    start, end = collection_year_bounds(year)
    episodes = _episodes_in_year(start, end).values("period__child_id")
    return Child.objects.filter(pk__in=episodes).order_by("pk")


def _episodes_in_year(start: date, end: date) -> QuerySet[Episode]:
    """Episodes open at some time in the collection year."""
    return Episode.objects.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def _header_values(
    row: tuple[Any, ...], *, short_breaks_only: bool, on_date: Callable
) -> Values:
    _, child_id, sex, born, ethnicity, upn, is_mother, mother_child_dob = row[
        : len(CHILD_FIELDS)
    ]
    return (
        child_id,
        sex,
        on_date(born),
        ethnicity,
        upn,
        "" if short_breaks_only else MOTHER_VALUES[is_mother],
        "" if short_breaks_only else on_date(mother_child_dob),
    )


def _episode_values(
    row: tuple[Any, ...], *, year_end: date, on_date: Callable
) -> Values:
    (
        started_on,
        reason_new,
        legal_status,
        category_of_need,
        placement,
        placement_provider,
        ended_on,
        reason_ended,
        reason_place_change,
        home_postcode,
        placement_postcode,
        urn,
    ) = row[len(CHILD_FIELDS) :]
    ended_in_year = ended_on is not None and ended_on <= year_end
    return (
        row[1],
        on_date(started_on),
        reason_new,
        legal_status,
        category_of_need,
        placement,
        placement_provider,
        on_date(ended_on) if ended_in_year else "",
        reason_ended if ended_in_year else "",
        reason_place_change if ended_in_year else "",  # rule 233: only once ended
        home_postcode,
        placement_postcode,
        urn,
    )


def _review_values(row: tuple[Any, ...], *, on_date: Callable) -> Values:
    child_id, born, record_date, participation = row
    return (child_id, on_date(born), on_date(record_date), participation)


def ssda903_files(*, year: int) -> dict[str, str]:
    """Return the year's files' text, by file name."""
    columns = spec_for(year).files
    return {
        name: write_csv_values(columns[name], rows)
        for name, rows in _file_values(year=year).items()
    }


def ssda903_write(*, year: int, directory: Path) -> dict[str, int]:
    """Write the files into `directory` (made if missing); return rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, text in ssda903_files(year=year).items():
        (directory / name).write_text(text, encoding="utf-8", newline="")
        counts[name] = text.count("\r\n") - 1
    return counts


def ssda903_zip(*, year: int) -> bytes:
    """Return a zip of the files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ssda903_files(year=year).items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
