"""The SSDA903 return by collection year: its files, their columns, and the code lists
that differ from one year to the next (2024/25 to 2026/27).

Pure module (the 903 code lists only). The exporter writes, and the importer reads, the
files of the year it is given, with that year's columns and codes; everything not named
here is the same every year (children/codes_903.py). A year is named by the year its
collection ends: 2026 is 2025/26, from 1 April 2025 to 31 March 2026. The differences
are the DfE's validator's (csc-validator-be-903 0.1.17, its lac2024_25 to lac2026_27
rules): PLACE (rule 146) and the placements that have no provider (rules 178, 213)
changed in 2025/26; the deprivation of liberty orders file (rules 700 to 710) starts in 2026/27.
"""

from dataclasses import dataclass

from children import codes_903
from ssda903.files import DOLO, EPISODES, HEADER, REVIEWS

DOLO_COLUMNS = ("CHILD", "DOB", "DOLO_START", "DOLO_END")

FILES_2024 = {
    HEADER: codes_903.HEADER_COLUMNS,
    EPISODES: codes_903.EPISODES_COLUMNS,
    REVIEWS: codes_903.REVIEWS_COLUMNS,
}

# PLACE in 2024/25 (rule 146): H5, P2 and Z1 were withdrawn in 2025/26, when Z1 became
# Z11 to Z14. The validator 0.1.17 lists K3 as "k3" for 2024/25, so refuses K3 then.
PLACE_2024 = (
    *("A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3"),
    *("R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4"),
    *("U1", "U2", "U3", "U4", "U5", "U6", "Z1"),
)
PLACE_2025 = tuple(codes_903.Placement.values)
# Placements that take no PLACE_PROVIDER (rule 178; for T4 from 2025/26, rule 213).
WITHOUT_PROVIDER_2024 = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1"})
WITHOUT_PROVIDER_2025 = frozenset(codes_903.PLACEMENTS_WITHOUT_PROVIDER)
# Codes a year accepts that the service does not hold (it keeps the current codes).
NOT_HELD = frozenset({"H5", "P2", "Z1"})


@dataclass(frozen=True)
class SpecYear:
    """One collection year's return."""

    year: int  # the year the collection ends
    files: dict[str, tuple[str, ...]]  # file name: its columns, in order
    place: tuple[str, ...]  # PLACE codes
    without_provider: frozenset[str]  # PLACE codes that take no PLACE_PROVIDER

    @property
    def label(self) -> str:
        return f"{self.year - 1}/{self.year % 100:02d}"


YEARS = {
    spec.year: spec
    for spec in (
        SpecYear(2025, FILES_2024, PLACE_2024, WITHOUT_PROVIDER_2024),
        SpecYear(2026, FILES_2024, PLACE_2025, WITHOUT_PROVIDER_2025),
        SpecYear(
            2027, FILES_2024 | {DOLO: DOLO_COLUMNS}, PLACE_2025, WITHOUT_PROVIDER_2025
        ),
    )
}
FIRST_YEAR, LATEST_YEAR = min(YEARS), max(YEARS)


def spec_for(year: int) -> SpecYear:
    """The table of the collection year ending 31 March `year`. A year before 2024/25
    has no table here; a later one uses the latest (2026/27) until its own is added."""
    if year < FIRST_YEAR:
        raise ValueError(
            f"The SSDA903 return for {year - 1}/{year % 100:02d} is not supported: "
            f"the earliest is {YEARS[FIRST_YEAR].label}"
        )
    return YEARS[min(year, LATEST_YEAR)]
