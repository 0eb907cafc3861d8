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
from collections import defaultdict
from datetime import date
from pathlib import Path

from django.db.models import Q

from children import codes_903
from children.models import Child, Episode
from children.ssda903.files import EPISODES, HEADER, REVIEWS, format_date, write_csv
from reviews.models import Review

MOTHER_VALUES = {True: "1", False: "0", None: ""}


def collection_year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last day of the collection year ending 31 March `year`."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def ssda903_rows(*, year: int) -> dict[str, list[dict[str, str]]]:
    """Return the rows of header.csv, episodes.csv and reviews.csv for the year."""
    start, end = collection_year_bounds(year)
    episodes = (
        Episode.objects.filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("period__child")
        .order_by("period__child__child_id", "started_on")
    )
    by_child: dict[Child, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_child[episode.period.child].append(episode)
    header, episode_rows, reviewed = [], [], []
    for child, child_episodes in by_child.items():
        short_breaks_only = all(
            e.legal_status in codes_903.SHORT_BREAK_LEGAL_STATUSES
            for e in child_episodes
        )
        header.append(_header_row(child, short_breaks_only=short_breaks_only))
        episode_rows.extend(_episode_row(e, year_end=end) for e in child_episodes)
        if not short_breaks_only:
            reviewed.append(child.pk)
    reviews = (
        Review.objects.held()
        .filter(
            child_id__in=reviewed,
            record_date__gte=start,
            record_date__lte=end,
            period__short_breaks=False,
        )
        .select_related("child")
        .order_by("child__child_id", "record_date")
    )
    return {
        HEADER: header,
        EPISODES: episode_rows,
        REVIEWS: [_review_row(review) for review in reviews],
    }


def _header_row(child: Child, *, short_breaks_only: bool) -> dict[str, str]:
    return {
        "CHILD": child.child_id,
        "SEX": child.sex,
        "DOB": format_date(child.date_of_birth),
        "ETHNIC": child.ethnicity,
        "UPN": child.upn,
        "MOTHER": "" if short_breaks_only else MOTHER_VALUES[child.is_mother],
        "MC_DOB": "" if short_breaks_only else format_date(child.mother_child_dob),
    }


def _episode_row(episode: Episode, *, year_end: date) -> dict[str, str]:
    ended_in_year = episode.ended_on is not None and episode.ended_on <= year_end
    return {
        "CHILD": episode.period.child.child_id,
        "DECOM": format_date(episode.started_on),
        "RNE": episode.reason_new,
        "LS": episode.legal_status,
        "CIN": episode.category_of_need,
        "PLACE": episode.placement,
        "PLACE_PROVIDER": episode.placement_provider,
        "DEC": format_date(episode.ended_on) if ended_in_year else "",
        "REC": episode.reason_ended if ended_in_year else "",
        "REASON_PLACE_CHANGE": episode.reason_place_change,
        "HOME_POST": episode.home_postcode,
        "PL_POST": episode.placement_postcode,
        "URN": episode.urn,
    }


def _review_row(review: Review) -> dict[str, str]:
    return {
        "CHILD": review.child.child_id,
        "DOB": format_date(review.child.date_of_birth),
        "REVIEW": format_date(review.record_date),
        "REVIEW_CODE": review.participation,
    }


def ssda903_files(*, year: int) -> dict[str, str]:
    """Return the three files' text, by file name."""
    columns = {
        HEADER: codes_903.HEADER_COLUMNS,
        EPISODES: codes_903.EPISODES_COLUMNS,
        REVIEWS: codes_903.REVIEWS_COLUMNS,
    }
    rows = ssda903_rows(year=year)
    return {name: write_csv(columns[name], rows[name]) for name in columns}


def ssda903_write(*, year: int, directory: Path) -> dict[str, int]:
    """Write the three files into `directory` (made if missing); return rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, text in ssda903_files(year=year).items():
        (directory / name).write_text(text, encoding="utf-8", newline="")
        counts[name] = text.count("\r\n") - 1
    return counts


def ssda903_zip(*, year: int) -> bytes:
    """Return a zip of the three files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ssda903_files(year=year).items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
