"""Turn the rows of an SSDA903 return into one plan per child, checking what needs no database.

Pure module. The checks here are the 903 file's own shape: dates and codes (rules 101,
102, 103, 166, 167 and the code lists), every CHILD in header.csv (INT08), the same DOB
everywhere (INT17), PN0 only for under-fours (440, 441), the year's placement codes and
placements without a provider (146, 178: ssda903.years), no reason for a placement
change on an episode that has not ended (233), and episodes that follow on from one
another. Rules about the child's record here (overlaps with episodes already
recorded, plausible dates) are the services' own and run when the plan is applied.
"""

from dataclasses import dataclass, field
from datetime import date

from children import codes_903
from ssda903.files import (
    COMPANION,
    DOLO,
    EPISODES,
    HEADER,
    REVIEWS,
    Problem,
    Row,
    RowReader,
    format_date,
)
from ssda903.years import NOT_HELD, SpecYear, spec_for

MOTHER_CODES = {"1": True, "0": False, "": None}
PARTICIPATION_CODES = [code.value for code in codes_903.Participation]


@dataclass
class HeaderRecord:
    row: int
    child_id: str
    sex: str
    dob: date | None
    ethnicity: str
    upn: str
    is_mother: bool | None
    mother_child_dob: date | None


@dataclass
class EpisodeRecord:
    row: int
    child_id: str
    started_on: date | None
    reason_new: str
    legal_status: str
    category_of_need: str
    placement: str
    placement_provider: str
    ended_on: date | None
    reason_ended: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str

    def fields(self) -> dict:
        """The episode's fields as the children services name them."""
        return {
            "started_on": self.started_on,
            "reason_new": self.reason_new,
            "legal_status": self.legal_status,
            "category_of_need": self.category_of_need,
            "placement": self.placement,
            "placement_provider": self.placement_provider,
            "ended_on": self.ended_on,
            "reason_ended": self.reason_ended,
            "reason_place_change": self.reason_place_change,
            "home_postcode": self.home_postcode,
            "placement_postcode": self.placement_postcode,
            "urn": self.urn,
        }

    @property
    def ends_period(self) -> bool:
        return self.reason_ended in codes_903.PERIOD_ENDING_REASONS


@dataclass
class ReviewRecord:
    row: int
    child_id: str
    dob: date | None
    review_on: date
    participation: str


@dataclass
class LibertyRecord:
    """A DoLO row (2026/27 on): only the order's dates (DOL-9)."""

    row: int
    child_id: str
    started_on: date
    ended_on: date | None


@dataclass
class CompanionRecord:
    row: int
    child_id: str
    first_name: str
    last_name: str
    team: str
    social_worker: str
    iro: str


@dataclass
class ChildPlan:
    header: HeaderRecord
    # Episodes by period, in date order; a group starts with RNE S unless it
    # continues a period already recorded here (a later year's file).
    groups: list[list[EpisodeRecord]] = field(default_factory=list)
    reviews: list[ReviewRecord] = field(default_factory=list)
    orders: list[LibertyRecord] = field(default_factory=list)
    companion: CompanionRecord | None = None

    @property
    def child_id(self) -> str:
        return self.header.child_id


# Which 903 column each service field is read from, for problems the services raise.
EPISODE_COLUMNS = {
    "started_on": "DECOM",
    "reason_new": "RNE",
    "legal_status": "LS",
    "category_of_need": "CIN",
    "placement": "PLACE",
    "placement_provider": "PLACE_PROVIDER",
    "ended_on": "DEC",
    "reason_ended": "REC",
    "reason_place_change": "REASON_PLACE_CHANGE",
    "home_postcode": "HOME_POST",
    "placement_postcode": "PL_POST",
    "urn": "URN",
}
CHILD_COLUMNS = {
    "child_id": "CHILD",
    "date_of_birth": "DOB",
    "sex": "SEX",
    "ethnicity": "ETHNIC",
    "upn": "UPN",
    "is_mother": "MOTHER",
    "mother_child_dob": "MC_DOB",
}


def collection_year(today: date) -> int:
    """The collection year that contains `today` (it ends on 31 March of this year)."""
    return today.year + (1 if today.month > 3 else 0)


def build_plans(
    rows: dict[str, list[Row]], *, today: date, spec: SpecYear | None = None
) -> tuple[list[ChildPlan], list[Problem]]:
    """Check the rows of every file (by the year's codes) and group them by child."""
    spec = spec or spec_for(collection_year(today))
    problems: list[Problem] = []
    headers = _headers(rows[HEADER], problems, today=today)
    plans = {record.child_id: ChildPlan(record) for record in headers}
    episodes = _episodes(rows[EPISODES], plans, problems, today=today, spec=spec)
    for child_id, records in episodes.items():
        plans[child_id].groups = _groups(records, problems)
    for record in _reviews(rows[REVIEWS], plans, problems, today=today):
        plans[record.child_id].reviews.append(record)
    for order in _liberty_orders(rows.get(DOLO, []), plans, problems):
        plans[order.child_id].orders.append(order)
    for record in _companions(rows.get(COMPANION, []), plans, problems):
        plans[record.child_id].companion = record
    return list(plans.values()), problems


def _headers(rows, problems, *, today) -> list[HeaderRecord]:
    records, seen = [], set()
    for row in rows:
        read = RowReader(HEADER, row, problems)
        child_id = read.child_id()
        if child_id in seen:
            read.problem("CHILD", f"CHILD {child_id} appears twice in header.csv")
            continue
        seen.add(child_id)
        mother = read.text("MOTHER")
        if mother not in MOTHER_CODES:
            read.problem("MOTHER", "MOTHER must be 1 (a mother), 0 (not) or empty")
        dob = read.date("DOB", required=True)
        if dob is not None and dob > today:
            read.problem("DOB", "DOB must be today or in the past")
        record = HeaderRecord(
            row=row.number,
            child_id=child_id,
            sex=read.code("SEX", codes_903.Sex.values),
            dob=dob,
            ethnicity=read.code("ETHNIC", codes_903.Ethnicity.values),
            upn=read.text("UPN").upper(),
            is_mother=MOTHER_CODES.get(mother),
            mother_child_dob=read.date("MC_DOB"),
        )
        if child_id:
            records.append(record)
    return records


def _known_child(read: RowReader, plans: dict, name: str) -> str | None:
    child_id = read.child_id()
    if child_id and child_id not in plans:
        read.problem("CHILD", f"CHILD {child_id} is not in header.csv")
        return None
    return child_id or None


def _episodes(rows, plans, problems, *, today, spec) -> dict[str, list[EpisodeRecord]]:
    by_child: dict[str, list[EpisodeRecord]] = {}
    for row in rows:
        read = RowReader(EPISODES, row, problems)
        child_id = _known_child(read, plans, EPISODES)
        record = EpisodeRecord(
            row=row.number,
            child_id=child_id or "",
            started_on=read.date("DECOM", required=True),
            reason_new=read.code("RNE", codes_903.ReasonNewEpisode.values),
            legal_status=read.code("LS", codes_903.LegalStatus.values),
            category_of_need=read.code("CIN", codes_903.CategoryOfNeed.values),
            placement=read.code("PLACE", spec.place),
            placement_provider=read.code(
                "PLACE_PROVIDER", codes_903.PlacementProvider.values, required=False
            ),
            ended_on=read.date("DEC"),
            reason_ended=read.code(
                "REC", codes_903.ReasonEpisodeCeased.values, required=False
            ),
            reason_place_change=read.code(
                "REASON_PLACE_CHANGE",
                codes_903.ReasonPlaceChange.values,
                required=False,
            ),
            home_postcode=read.text("HOME_POST").upper(),
            placement_postcode=read.text("PL_POST").upper(),
            urn=read.text("URN").upper(),
        )
        if record.ended_on is not None and not record.reason_ended:
            read.problem("REC", "Enter REC: the episode has an end date (DEC)")
        if record.reason_ended and record.ended_on is None and row["DEC"] == "":
            read.problem("DEC", "Enter DEC: the episode has a reason it ended (REC)")
        _placement_problems(read, record, spec)
        if record.reason_place_change and not row["DEC"]:
            read.problem(
                "REASON_PLACE_CHANGE",
                "Only give REASON_PLACE_CHANGE on an episode that has ended (DEC): "
                "903 rule 233",
            )
        if record.started_on and record.started_on > today:
            read.problem("DECOM", "DECOM must be today or in the past")
        if child_id and record.started_on:
            by_child.setdefault(child_id, []).append(record)
    return by_child


def _placement_problems(read: RowReader, record: EpisodeRecord, spec: SpecYear):
    """The year's placements without a provider (rule 178); codes the service does
    not hold (withdrawn in 2025/26)."""
    if record.placement in NOT_HELD and record.placement in spec.place:
        read.problem(
            "PLACE",
            f"PLACE {record.placement} was withdrawn in 2025/26 and this service holds "
            "only the placement codes in use since then: record the placement under "
            "its 2025/26 code (K3 supported accommodation, or Z11 to Z14) and import "
            "the corrected file",
        )
    elif record.placement in spec.without_provider and record.placement_provider:
        read.problem(
            "PLACE_PROVIDER",
            f"Leave PLACE_PROVIDER empty: PLACE {record.placement} has no provider "
            f"in {spec.label} (903 rules 178 and 213)",
        )


def _groups(records: list[EpisodeRecord], problems) -> list[list[EpisodeRecord]]:
    """Split a child's episodes into periods of care, checking that each follows on."""
    records.sort(key=lambda r: r.started_on)
    groups: list[list[EpisodeRecord]] = []
    previous = None
    for record in records:
        if previous is not None and previous.started_on == record.started_on:
            _episode_problem(
                problems,
                record,
                "DECOM",
                "The child has two episodes starting on this date",
            )
            continue
        if previous is None or record.reason_new == codes_903.ReasonNewEpisode.S:
            if previous is not None:
                _check_before_new_period(problems, previous, record)
            groups.append([record])
        else:
            _check_follows(problems, previous, record)
            groups[-1].append(record)
        previous = record
    if previous is not None and previous.reason_ended == "X1":
        _episode_problem(
            problems,
            previous,
            "REC",
            "An episode that ends with X1 must be followed by the child's next episode, "
            "starting the same day: it is missing from episodes.csv",
        )
    return groups


def _check_follows(problems, previous: EpisodeRecord, record: EpisodeRecord) -> None:
    start = format_date(record.started_on)
    if previous.ended_on is None:
        _episode_problem(
            problems,
            previous,
            "DEC",
            f"Enter DEC and REC: the child's next episode starts on {start}",
        )
    elif previous.ends_period:
        _episode_problem(
            problems,
            record,
            "RNE",
            "The previous episode ended the period of care "
            f"(REC {previous.reason_ended}): this episode must start a new one (RNE S)",
        )
    elif previous.ended_on != record.started_on:
        _episode_problem(
            problems,
            record,
            "DECOM",
            "The previous episode ended with X1 on "
            f"{format_date(previous.ended_on)}: the next episode must start that day",
        )


def _check_before_new_period(problems, previous, record) -> None:
    if previous.ended_on is None or not previous.ends_period:
        _episode_problem(
            problems,
            record,
            "RNE",
            "RNE S starts a new period of care, but the previous episode did not end "
            "one (it needs DEC and a REC other than X1)",
        )
    elif previous.ended_on > record.started_on:
        _episode_problem(
            problems,
            record,
            "DECOM",
            "A new period of care must start on or after the end of the last one "
            f"({format_date(previous.ended_on)})",
        )


def _episode_problem(problems, record: EpisodeRecord, column: str, message: str):
    value = {
        "DECOM": format_date(record.started_on),
        "DEC": format_date(record.ended_on),
        "REC": record.reason_ended,
        "RNE": record.reason_new,
    }.get(column, "")
    problems.append(Problem(EPISODES, record.row, column, value, message))


def _reviews(rows, plans, problems, *, today) -> list[ReviewRecord]:
    records, seen = [], set()
    for row in rows:
        read = RowReader(REVIEWS, row, problems)
        child_id = _known_child(read, plans, REVIEWS)
        if not row["REVIEW"] and not row["REVIEW_CODE"]:
            continue  # rule 167 allows both blank: nothing to import
        review_on = read.date("REVIEW", required=True)
        code = read.code("REVIEW_CODE", PARTICIPATION_CODES)
        dob = read.date("DOB", required=True)
        if child_id is None or review_on is None:
            continue
        header = plans[child_id].header
        if dob is not None and header.dob is not None and dob != header.dob:
            read.problem(
                "DOB",
                f"DOB is not the same as in header.csv ({format_date(header.dob)})",
            )
        if review_on > today:
            read.problem("REVIEW", "REVIEW must be today or in the past")
        if (child_id, review_on) in seen:
            read.problem("REVIEW", "The child has two reviews on this date")
            continue
        seen.add((child_id, review_on))
        _age_problem(read, header.dob, review_on, code)
        records.append(ReviewRecord(row.number, child_id, dob, review_on, code))
    return records


def _liberty_orders(rows, plans, problems) -> list[LibertyRecord]:
    """DoLO rows: real dates (rules 700, 701), the header's DOB, the end after the
    start (702), no two orders of a child from the same day; the rest (overlaps, 705;
    during care) the order service checks."""
    records, seen = [], set()
    for row in rows:
        read = RowReader(DOLO, row, problems)
        child_id = _known_child(read, plans, DOLO)
        started_on = read.date("DOLO_START", required=True)
        ended_on = read.date("DOLO_END")
        dob = read.date("DOB", required=True)
        if child_id is None or started_on is None:
            continue
        header = plans[child_id].header
        if dob is not None and header.dob is not None and dob != header.dob:
            read.problem(
                "DOB",
                f"DOB is not the same as in header.csv ({format_date(header.dob)})",
            )
        if ended_on is not None and ended_on <= started_on:
            read.problem("DOLO_END", "DOLO_END must be after DOLO_START (rule 702)")
        elif (child_id, started_on) in seen:
            read.problem("DOLO_START", "The child has two orders starting on this date")
        else:
            seen.add((child_id, started_on))
            records.append(LibertyRecord(row.number, child_id, started_on, ended_on))
    return records


def _age_problem(read: RowReader, dob: date | None, review_on: date, code: str):
    """Rules 440 and 441: PN0 under 4, PN1 to PN7 from 4 (either on the 4th birthday)."""
    if dob is None or not code:
        return
    try:
        fourth = dob.replace(year=dob.year + 4)
    except ValueError:  # 29 February (D-LEAP): 28 February in a non-leap year
        fourth = date(dob.year + 4, 2, 28)
    if code == "PN0" and review_on > fourth:
        read.problem(
            "REVIEW_CODE",
            "PN0 is for a child under 4, but the child was 4 or over on the review date",
        )
    elif code != "PN0" and review_on < fourth:
        read.problem(
            "REVIEW_CODE",
            "The child was under 4 on the review date: the code must be PN0",
        )


def _companions(rows, plans, problems) -> list[CompanionRecord]:
    records, seen = [], set()
    for row in rows:
        read = RowReader(COMPANION, row, problems)
        child_id = _known_child(read, plans, COMPANION)
        if child_id is None:
            continue
        if child_id in seen:
            read.problem("CHILD", f"CHILD {child_id} appears twice in companion.csv")
            continue
        seen.add(child_id)
        record = CompanionRecord(
            row=row.number,
            child_id=child_id,
            first_name=read.text("FIRST_NAME", required=True),
            last_name=read.text("LAST_NAME", required=True),
            team=read.text("TEAM"),
            social_worker=read.text("SOCIAL_WORKER"),
            iro=read.text("IRO"),
        )
        if bool(record.team) != bool(record.social_worker):
            read.problem(
                "TEAM" if not record.team else "SOCIAL_WORKER",
                "Enter both the team and the social worker, or neither",
            )
        records.append(record)
    return records
