"""Hypothesis strategies for whole SSDA903 returns: children with periods of care made of
episodes of every RNE, LS, PLACE, REC and reason for a placement change, reviews,
adoption and leaving care, for a collection year of ssda903/years.py.

The strategy knows the validator's main rules (which placements take a provider or a
URN, how RNE follows from what changed, how long a legal status may last, the ages
some placements and endings need) so that most children it draws are valid; the DfE's
validator itself decides (tests/ssda903/test_validator_round_trip.py). What it leaves
out, and why, is the service's (docs/decisions.md, "SSDA903: what the service holds"):
no child is 18 or over, and UPNs have the right check letter. Some children's first
period began before the year with only later episodes in the file: the episode open at
the year's start begins with a change (RNE P, L, T, B or U), as when the RNE S episode
ended before the year (D-START-BEFORE).
"""

from datetime import date, timedelta

from hypothesis import strategies as st

from core import identifiers
from ssda903.exporter import collection_year_bounds
from ssda903.files import EPISODES, HEADER, REVIEWS, format_date
from ssda903.years import spec_for

# No date later than this, whatever the year: the services refuse dates after today.
LATEST = date(2026, 11, 30)
HOME = ("GL1 2EH", "GL50 1PY")  # Gloucestershire (E10000013, the validator's LA)
ELSEWHERE = ("BS1 5TR", "OX1 2JD", "B33 8TH", "LS1 1UR", "NG1 5FS", "LE1 5YA")
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
ADOPTION = ("A3", "A4", "A5", "A6")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
# PLACE: (providers, takes a URN, youngest age in years).
PLACEMENTS = {
    **{code: (("PR1", "PR2", "PR4", "PR5"), True, 0) for code in FOSTER},
    **{code: (("PR1", "PR2", "PR4", "PR5"), True, 0) for code in ADOPTION},
    "K1": (("PR1", "PR4"), True, 10),
    "K2": (("PR1", "PR2", "PR4", "PR5"), True, 0),
    "K3": (("PR1", "PR4"), True, 16),
    "R1": (("PR1", "PR4"), False, 0),
    "R2": (("PR3",), False, 0),
    "R3": (("PR1", "PR4"), True, 0),
    "R5": (("PR3", "PR4"), False, 10),
    "S1": (("PR1", "PR4", "PR5"), True, 4),
    "P1": (("PR0",), False, 0),
    "P3": (("PR4",), False, 14),
    **{code: ((), False, 0) for code in ("Z11", "Z12", "Z13", "Z14")},
}
# Temporary placements: their longest stay (rules 375, 376, 379).
TEMPORARY_DAYS = {"T0": 20, "T1": 40, "T2": 20, "T3": 20, "T4": 7}
# LS: (longest stay in days or None, youngest age in years) (rules 358, 361 to 364).
LEGAL_STATUSES = {
    "C1": (None, 0),
    "C2": (None, 0),
    "V2": (None, 0),
    "E1": (None, 0),
    "J1": (None, 10),
    "J3": (None, 10),
    "J2": (1, 10),
    "L1": (3, 0),
    "L2": (21, 0),
    "L3": (7, 0),
}
ENDINGS = {  # REC: youngest age in years (rules 386, 387, 389, 407, 460)
    "E13": 0,
    "E15": 0,
    "E16": 0,
    "E2": 0,
    "E3": 0,
    "E41": 0,
    "E47": 0,
    "E48": 0,
    "E4A": 0,
    "E4B": 0,
    "E5": 14,
    "E6": 14,
    "E7": 16,
    "E8": 0,
    "E9": 10,
}
REASONS = (
    "CARPL",
    "CLOSE",
    "ALLEG",
    "STAND",
    "APPRR",
    "CREQB",
    "CREQO",
    "CHILD",
    "LAREQ",
    "PLACE",
    "CUSTOD",
    "OTHER",
)
ETHNICITIES = (
    *("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND"),
    *("APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"),
)
RNE_CHANGES = ("P", "L", "T", "B", "U")
PARTICIPATION = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@st.composite
def upns(draw, number: int) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(("UN2", "UN3", "UN5")))
    # Unique in the return (rule 444): the child's number is the last four digits.
    digits = draw(st.text("0123456789", min_size=8, max_size=8)) + f"{number:04d}"
    return identifiers.upn_check_letter(digits) + digits


@st.composite
def placements(draw, *, year: int, age: int, exclude: str = "") -> dict:
    """PLACE, PLACE_PROVIDER, URN and PL_POST that go together."""
    spec = spec_for(year)
    codes = [
        code
        for code, (_, _, youngest) in PLACEMENTS.items()
        if code in spec.place
        and age >= youngest
        and code != exclude
        # Validator 0.1.17 lists K3 as "k3" in 2024/25, so refuses K3 that year.
        and not (code == "K3" and year == 2025)
    ]
    code = draw(st.sampled_from(codes))
    providers, urn, _ = PLACEMENTS[code]
    provider = draw(st.sampled_from(providers)) if providers else ""
    if code in spec.without_provider:
        provider = ""
    where = HOME if provider == "PR1" else HOME + ELSEWHERE
    return {
        "PLACE": code,
        "PLACE_PROVIDER": provider,
        "URN": f"SC{draw(st.integers(100000, 999999))}" if urn else "",
        "PL_POST": draw(st.sampled_from(where)),
    }


def _changed(draw, rne: str, before: dict, *, year: int, age: int, days) -> dict:
    """The next episode's LS and placement, as its RNE says (rules 434 to 436 in the
    validator 0.1.17: L changes LS only; P and T the placement only; B and U both)."""
    after = dict(before)
    if rne in ("L", "B", "U"):
        statuses = [
            code
            for code, (longest, youngest) in LEGAL_STATUSES.items()
            if code != before["LS"]
            and age >= youngest
            and (longest is None or (days is not None and days <= longest))
            and not (code == "V2" and before["PLACE"] == "P1")
        ]
        if not statuses:
            return {}
        after["LS"] = draw(st.sampled_from(statuses))
    if rne in ("P", "T", "B", "U"):
        after |= draw(placements(year=year, age=age, exclude=before["PLACE"]))
        if after["PLACE"] == "P1" and after["LS"] == "V2":
            return {}  # rule 378
        if after["PLACE"] in ("A5", "A6") and after["LS"] != "E1":
            return {}  # rule 408
        if after["PLACE"] in ("A3", "A4") and before["PLACE"] not in FOSTER + ADOPTION:
            return {}  # rule 336
        if after["PLACE"] in ("A3", "A5") and rne not in ("T", "U"):
            return {}  # rule 217
    return after


@st.composite
def temporary(draw, *, year: int, before: dict) -> dict:
    code = draw(st.sampled_from(TEMPORARY))
    return before | {
        "PLACE": code,
        "PLACE_PROVIDER": "",  # rules 178 and 213
        "URN": "",
        "PL_POST": draw(st.sampled_from(HOME + ELSEWHERE)),
    }


@st.composite
def periods(draw, *, child_id: str, dob: date, year: int, first_day: date):
    """One period of care's episode rows, starting on or after `first_day`; its RNE S
    episode is open in the year. Returns (rows, the day it ended or None)."""
    start, year_end = collection_year_bounds(year)
    last = min(year_end, LATEST)
    earliest = max(first_day, dob + timedelta(days=1))
    recent = max(earliest, start - timedelta(days=700))
    latest = max(earliest, last - timedelta(days=30))
    # Mostly recent; sometimes as old as the child (an old period of care).
    began = draw(st.one_of(st.dates(recent, latest), st.dates(earliest, latest)))
    # Episodes begin on these days, after the year starts (so the first is in the file).
    window = (max(began, start) + timedelta(days=1), last)
    days = sorted(
        set(
            draw(
                st.lists(
                    st.dates(*window), min_size=draw(st.integers(0, 2)), max_size=5
                )
            )
        )
        if window[0] < window[1]
        else ()
    )
    ended_on = None
    if days and draw(st.booleans()):
        ended_on = days.pop()  # the last day ends the period instead
    age = age_on(dob, began)
    statuses = [
        code
        for code, (longest, youngest) in LEGAL_STATUSES.items()
        if longest is None and age >= youngest and code != "E1"
    ]
    first = {"LS": draw(st.sampled_from(statuses)), "RNE": "S", "DECOM": began}
    first |= draw(
        placements(year=year, age=age).filter(lambda p: p["PLACE"] not in ADOPTION)
    )
    if first["PLACE"] == "P1" and first["LS"] == "V2":
        first["LS"] = "C2"  # rule 378
    first["CIN"] = draw(
        st.sampled_from(("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"))
    )
    rows, back_to = [first], None
    starts = [*days, ended_on]
    for index, day in enumerate(days):
        length = (starts[index + 1] - day).days if starts[index + 1] else None
        before = rows[-1]
        if back_to is not None:  # the child returns to the placement (rule 383)
            after, rne, back_to = back_to | {"LS": before["LS"]}, "P", None
        elif (
            index + 1 < len(days)
            and length is not None
            and before["PLACE"] not in ADOPTION
            and LEGAL_STATUSES[before["LS"]][0] is None
            and draw(st.integers(0, 4)) == 0
        ):
            after, rne = draw(temporary(year=year, before=before)), "P"
            if length > TEMPORARY_DAYS[after["PLACE"]]:
                after["PLACE"] = "T4" if length <= 7 else "T1"
            if length > 40:
                break
            back_to = before
        else:
            # A legal status that may last only days ends with this change (its
            # whole stay is what rules 361 to 364 count).
            short = LEGAL_STATUSES[before["LS"]][0] is not None
            rne = draw(st.sampled_from(("L", "B", "U") if short else RNE_CHANGES))
            after = _changed(
                draw, rne, before, year=year, age=age_on(dob, day), days=length
            )
        if not after:
            break
        rows.append(after | {"RNE": rne, "DECOM": day, "CIN": first["CIN"]})
    if back_to is not None:
        rows.pop()  # rule 381: a period does not end in a temporary placement
    if len(rows) < len(days) + 1:
        ended_on = None
        while LEGAL_STATUSES[rows[-1]["LS"]][0] is not None:
            rows.pop()  # a status that lasts days is not left open (rules 361 to 364)
    home = draw(st.sampled_from(HOME))
    return _finish(
        draw, rows, child_id=child_id, dob=dob, ended_on=ended_on, home=home
    ), ended_on


@st.composite
def short_breaks(draw, *, child_id: str, year: int) -> list[dict]:
    """Stays of a few days under V3 or V4, each its own period (rules 365, 367, 398)."""
    start, year_end = collection_year_bounds(year)
    last = min(year_end, LATEST)
    status = draw(st.sampled_from(("V3", "V4")))
    count = draw(st.integers(1, 3))
    rows, day = [], start + timedelta(days=draw(st.integers(1, 40)))
    for _ in range(count):
        stay = draw(st.integers(1, 5))
        if day + timedelta(days=stay) > last:
            break
        rows.append(
            {
                "CHILD": child_id,
                "DECOM": format_date(day),
                "RNE": "S",
                "LS": status,
                "CIN": "N2",
                "PLACE": "R1",
                "PLACE_PROVIDER": "PR4",
                "DEC": format_date(day + timedelta(days=stay)),
                "REC": draw(st.sampled_from(("E13", "E4A", "E8"))),
                "REASON_PLACE_CHANGE": "",
                "HOME_POST": "",
                "PL_POST": "",
                "URN": "",
            }
        )
        day += timedelta(days=stay + draw(st.integers(2, 60)))
    return rows


@st.composite
def reviews(draw, *, child_id: str, dob: date, year: int, episodes: list[dict]):
    """Reviews in the year, within the child's periods of care, a day or more apart."""
    start, year_end = collection_year_bounds(year)
    last = min(year_end, LATEST)
    rows = []
    spans, begun = [], None
    for row in episodes:
        if row["RNE"] == "S":
            begun = _day(row["DECOM"])
        if row["REC"] != "X1":
            spans.append((max(begun, start), _day(row["DEC"]) if row["DEC"] else last))
    for low, high in spans:
        if low > high:
            continue
        for day in sorted(set(draw(st.lists(st.dates(low, high), max_size=3)))):
            four = _birthday(dob, 4)
            code = "PN0" if day < four else draw(st.sampled_from(PARTICIPATION))
            if day == four:
                code = draw(st.sampled_from(("PN0", *PARTICIPATION)))
            rows.append(
                {
                    "CHILD": child_id,
                    "DOB": format_date(dob),
                    "REVIEW": format_date(day),
                    "REVIEW_CODE": code,
                }
            )
    return rows


def _day(text: str) -> date:
    d, m, y = (int(part) for part in text.split("/"))
    return date(y, m, d)


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return date(dob.year + years, 2, 28)


@st.composite
def children(draw, *, number: int, year: int):
    """One child's header, episode and review rows."""
    start, year_end = collection_year_bounds(year)
    child_id = f"H{year % 100}{number:04d}"
    # Mostly under 18 all year; sometimes 18 or over in it, when only an episode under
    # section 20 (V2) in a children's home (K2) is valid (rules 352, 359).
    oldest = _birthday(year_end, -17) + timedelta(days=1)
    dob = draw(
        st.one_of(
            st.dates(oldest, start - timedelta(days=20)),
            st.dates(_birthday(start, -19), oldest),
        )
    )
    if age_on(dob, year_end) >= 18:
        return _older(draw, child_id=child_id, dob=dob, year=year, number=number)
    sex = draw(st.sampled_from(("M", "F")))  # U: rule 232 flags it every time
    if draw(st.integers(0, 7)) == 0:
        episodes, rows = draw(short_breaks(child_id=child_id, year=year)), []
        mother, mc_dob = "", ""
    else:
        episodes, ended = draw(
            periods(child_id=child_id, dob=dob, year=year, first_day=dob)
        )
        last_reason = episodes[-1]["REC"]
        if (
            ended is not None
            and last_reason not in ("E2", "E15")
            and draw(st.booleans())
        ):
            more, _ = draw(
                periods(
                    child_id=child_id,
                    dob=dob,
                    year=year,
                    first_day=ended + timedelta(days=1),
                )
            )
            if _day(more[0]["DECOM"]) > ended:
                episodes += more
        rows = draw(reviews(child_id=child_id, dob=dob, year=year, episodes=episodes))
        if _day(episodes[0]["DECOM"]) < start and draw(st.integers(0, 2)) == 0:
            # The period began before the return: the file holds only its later
            # episodes, the first held begun with a change (D-START-BEFORE).
            episodes[0] = episodes[0] | {"RNE": draw(st.sampled_from(RNE_CHANGES))}
        mother, mc_dob = "", ""
        if sex == "F":
            mother = "0"
            if age_on(dob, year_end) >= 14 and draw(st.booleans()):
                mother, mc_dob = (
                    "1",
                    format_date(draw(st.dates(start, min(year_end, LATEST)))),
                )
    header = {
        "CHILD": child_id,
        "SEX": sex,
        "DOB": format_date(dob),
        "ETHNIC": draw(st.sampled_from(ETHNICITIES)),
        "UPN": draw(upns(number)),
        "MOTHER": mother,
        "MC_DOB": mc_dob,
    }
    return header, episodes, rows


def _older(draw, *, child_id: str, dob: date, year: int, number: int):
    """A young person looked after past 18: V2 in a children's home, from before 18."""
    start, year_end = collection_year_bounds(year)
    last = min(year_end, LATEST)
    began = draw(st.dates(_birthday(dob, 14), _birthday(dob, 18) - timedelta(days=1)))
    if began > last - timedelta(days=2):
        return None, [], []
    provider = draw(st.sampled_from(("PR1", "PR4")))
    row = {
        "CHILD": child_id,
        "DECOM": format_date(began),
        "RNE": "S",
        "LS": "V2",
        "CIN": draw(st.sampled_from(("N1", "N4", "N5"))),
        "PLACE": "K2",
        "PLACE_PROVIDER": provider,
        "DEC": "",
        "REC": "",
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": HOME[0],
        "PL_POST": HOME[1] if provider == "PR1" else ELSEWHERE[1],
        "URN": f"SC{draw(st.integers(100000, 999999))}",
    }
    low = max(start, began) + timedelta(days=1)
    if low < last and draw(st.booleans()):
        ended = draw(st.dates(low, last))
        adult = ended >= _birthday(dob, 18)  # E17: stayed on with carers at 18 (460)
        row["DEC"] = format_date(ended)
        row["REC"] = draw(st.sampled_from(("E8", "E5", "E13", "E17")[: 3 + adult]))
    sex = draw(st.sampled_from(("M", "F")))
    header = {
        "CHILD": child_id,
        "SEX": sex,
        "DOB": format_date(dob),
        "ETHNIC": draw(st.sampled_from(ETHNICITIES)),
        "UPN": draw(upns(number)),
        "MOTHER": "0" if sex == "F" else "",
        "MC_DOB": "",
    }
    rows = draw(reviews(child_id=child_id, dob=dob, year=year, episodes=[row]))
    return header, [row], rows


@st.composite
def returns(draw, *, year: int | None = None, most: int = 4):
    """A return's rows by file name (and its year, under "year")."""
    year = year or draw(st.sampled_from((2025, 2026, 2027)))
    count = draw(st.integers(1, most))
    files: dict = {HEADER: [], EPISODES: [], REVIEWS: []}
    for number in range(1, count + 1):
        header, episodes, rows = draw(children(number=number, year=year))
        if not episodes:
            continue
        files[HEADER].append(header)
        files[EPISODES] += episodes
        files[REVIEWS] += rows
    return year, files


def _placed_at(row: dict, home: str) -> str:
    """The placement postcode: the home's only for P1 (rule 392d)."""
    if row["PLACE"] == "P1":
        return home
    if row["PL_POST"] != home:
        return row["PL_POST"]
    return (
        HOME[1 - HOME.index(home)] if row["PLACE_PROVIDER"] == "PR1" else ELSEWHERE[0]
    )


def _finish(draw, rows, *, child_id, dob, ended_on, home) -> list[dict]:
    """Dates, REC and REASON_PLACE_CHANGE, as the validator reads them."""
    out = []
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        dec, rec = "", ""
        if following is not None:
            dec, rec = format_date(following["DECOM"]), "X1"
        elif ended_on is not None:
            age = age_on(dob, ended_on)
            codes = [c for c, youngest in ENDINGS.items() if age >= youngest]
            if row["PLACE"] in ADOPTION:
                codes += ["E11", "E12"]
            if row["PLACE"] in FOSTER:
                codes += ["E45", "E46"]
            if row["LS"] == "J1":
                codes += ["E14"]
            dec, rec = format_date(ended_on), draw(st.sampled_from(codes))
        reason = ""
        temporary = row["PLACE"] in TEMPORARY or (
            following and following["PLACE"] in TEMPORARY
        )
        if rec == "X1" and not temporary:
            moves = following["RNE"] in ("P", "B", "T", "U")
            if moves or draw(st.booleans()):
                reason = draw(st.sampled_from(REASONS))
                if reason == "CUSTOD" and age_on(dob, row["DECOM"]) < 10:
                    reason = "OTHER"  # rule 234
        elif rec and rec != "X1" and draw(st.integers(0, 3)) == 0:
            reason = draw(st.sampled_from(REASONS[:-2]))
        out.append(
            {
                "CHILD": child_id,
                "DECOM": format_date(row["DECOM"]),
                "RNE": row["RNE"],
                "LS": row["LS"],
                "CIN": rows[0]["CIN"],  # rule 504: the same all period
                "PLACE": row["PLACE"],
                "PLACE_PROVIDER": row["PLACE_PROVIDER"],
                "DEC": dec,
                "REC": rec,
                "REASON_PLACE_CHANGE": reason,
                "HOME_POST": home,
                "PL_POST": _placed_at(row, home),
                "URN": row["URN"],
            }
        )
    return out
