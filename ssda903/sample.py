"""A generated SSDA903 return for tests and CI: fictional children, valid by the DfE's rules.

Pure module. Every child's episodes overlap the collection year (so importing the
files and exporting the same year gives the same rows back); the first episode of
each period (RNE S) may start before the year. Postcodes are real Gloucestershire and
other English postcodes (the validator checks them against the ONS list), URNs are
given where the DfE asks for one (rule 218), and under-fours are PN0.
"""

import random
from datetime import date, timedelta

from children import codes_903
from core.identifiers import UPN_LETTERS, upn_check_letter
from ssda903.files import EPISODES, HEADER, REVIEWS, format_date, write_csv

POSTCODES = [
    "GL1 2EH",
    "GL50 1PY",
    "BS1 5TR",
    "OX1 2JD",
    "B33 8TH",
    "LS1 1UR",
    "NG1 5FS",
    "LE1 5YA",
]
# (PLACE, PLACE_PROVIDER, needs a URN) that the DfE's rules accept together.
PLACEMENTS = [
    ("U4", "PR1", True),
    ("U6", "PR1", True),
    ("U6", "PR4", True),
    ("U1", "PR1", True),
    ("K2", "PR4", True),
    ("R1", "PR4", False),
    ("P1", "PR0", False),
]
LEGAL_STATUSES = ["C1", "C2", "V2", "C2", "C1"]
ETHNICITIES = ["WBRI", "WOTH", "MWBC", "AIND", "BAFR", "CHNE", "WIRI", "MOTH"]
EPISODE_COLUMNS = codes_903.EPISODES_COLUMNS


def sample_rows(
    *, year: int, children: int = 60, seed: int = 903
) -> dict[str, list[dict]]:
    """Return header, episodes and reviews rows for the collection year ending in `year`."""
    rng = random.Random(seed)
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    header, episodes, reviews = [], [], []
    for number in range(1, children + 1):
        child_id = f"T{year % 100:02d}{number:05d}"
        dob = start - timedelta(days=rng.randint(60, 16 * 365))
        sex = rng.choice("MF")
        short_breaks = number % 15 == 0
        looked_after = max(
            dob + timedelta(days=rng.randint(1, 40)),
            start - timedelta(days=rng.randint(0, 700)),
        )
        if looked_after >= end - timedelta(days=60):
            looked_after = end - timedelta(days=90)
        child_episodes = (
            _short_break_episodes(child_id, start)
            if short_breaks
            else _episodes(rng, number, child_id, looked_after, start, end)
        )
        header.append(_header(rng, number, child_id, sex, dob, short_breaks, end))
        episodes.extend(child_episodes)
        if not short_breaks:
            reviews.extend(_reviews(rng, child_id, dob, child_episodes, start, end))
    return {HEADER: header, EPISODES: episodes, REVIEWS: reviews}


def sample_files(*, year: int, children: int = 60, seed: int = 903) -> dict[str, str]:
    """Return the three files' text, by file name."""
    columns = {
        HEADER: codes_903.HEADER_COLUMNS,
        EPISODES: EPISODE_COLUMNS,
        REVIEWS: codes_903.REVIEWS_COLUMNS,
    }
    rows = sample_rows(year=year, children=children, seed=seed)
    return {name: write_csv(columns[name], rows[name]) for name in columns}


def sample_upn(rng) -> str:
    """A UPN with its check letter (docs/rules.md, ID-UPN), from the draws the sample has
    always made (a letter, then 12 digits), so that the rest of it is unchanged."""
    rng.choice(UPN_LETTERS)
    digits = f"{rng.randrange(10**12):012d}"
    return upn_check_letter(digits) + digits


def _header(rng, number, child_id, sex, dob, short_breaks, end) -> dict:
    mother, mc_dob = "", ""
    if sex == "F" and not short_breaks:
        mother = "0"
        if number % 7 == 0 and (end - dob).days > 16 * 365:
            mother, mc_dob = "1", format_date(end - timedelta(days=200))
    upn = sample_upn(rng)
    return {
        "CHILD": child_id,
        "SEX": sex,
        "DOB": format_date(dob),
        "ETHNIC": rng.choice(ETHNICITIES),
        "UPN": upn,
        "MOTHER": mother,
        "MC_DOB": mc_dob,
    }


def _episode(child_id, started, rne, ls, place, provider, urn, home, placed) -> dict:
    return {
        "CHILD": child_id,
        "DECOM": format_date(started),
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": "",
        "REC": "",
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": home,
        "PL_POST": placed,
        "URN": urn,
    }


def _episodes(rng, number, child_id, looked_after, start, end) -> list[dict]:
    place, provider, needs_urn = PLACEMENTS[number % len(PLACEMENTS)]
    urn = f"SC{rng.randrange(10**6):06d}" if needs_urn else ""
    home = POSTCODES[number % len(POSTCODES)]
    placed = home if place == "P1" else POSTCODES[(number + 3) % len(POSTCODES)]
    status = LEGAL_STATUSES[number % len(LEGAL_STATUSES)]
    if place == "P1" and status == "V2":
        status = "C2"  # rule 378: placed with parents is never a section 20 stay
    first = _episode(
        child_id, looked_after, "S", status, place, provider, urn, home, placed
    )
    rows = [first]
    # Every fourth child's legal status changes in the year (RNE L: same placement).
    changed_on = max(looked_after, start) + timedelta(days=rng.randint(30, 120))
    if number % 4 == 0 and status in ("C1", "V2") and changed_on < end - timedelta(45):
        first["DEC"], first["REC"] = format_date(changed_on), "X1"
        rows.append(
            _episode(
                child_id, changed_on, "L", "C2", place, provider, urn, home, placed
            )
        )
    # Every ninth child goes home before the year ends.
    if number % 9 == 0:
        last = rows[-1]
        went_home = end - timedelta(days=rng.randint(5, 40))
        last["DEC"], last["REC"] = format_date(went_home), "E4A"
    return rows


def _short_break_episodes(child_id, start) -> list[dict]:
    """Three stays of 3 days in the year, each its own period (rules 365 and 367).

    Short breaks (V3) have no postcodes (rule 398), no reviews and no MOTHER (399).
    """
    rows = []
    for months in (1, 4, 8):
        arrived = start + timedelta(days=30 * months)
        stay = _episode(child_id, arrived, "S", "V3", "R1", "PR4", "", "", "")
        stay["DEC"], stay["REC"] = format_date(arrived + timedelta(days=3)), "E4A"
        rows.append(stay)
    return rows


def _reviews(rng, child_id, dob, child_episodes, start, end) -> list[dict]:
    looked_after = _parse(child_episodes[0]["DECOM"])
    left = _parse(child_episodes[-1]["DEC"]) if child_episodes[-1]["DEC"] else end
    rows, day, gap = [], looked_after + timedelta(days=25), [90]
    while day <= min(left, end):
        if day >= start:
            rows.append(
                {
                    "CHILD": child_id,
                    "DOB": format_date(dob),
                    "REVIEW": format_date(day),
                    "REVIEW_CODE": _participation(rng, dob, day),
                }
            )
        day += timedelta(days=gap[0] - rng.randint(0, 10))
        gap[0] = 175
    return rows


def _participation(rng, dob: date, day: date) -> str:
    try:
        four = dob.replace(year=dob.year + 4)
    except ValueError:  # born on 29 February
        four = date(dob.year + 4, 2, 28)
    if day < four:
        return "PN0"
    return rng.choice(["PN1", "PN1", "PN2", "PN3", "PN5", "PN6", "PN7"])


def _parse(value: str) -> date:
    day, month, year = (int(part) for part in value.split("/"))
    return date(year, month, day)
