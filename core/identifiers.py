"""The child's identifiers and their check characters (docs/rules.md, ID-NHS and ID-UPN).

A pure module (no Django, no app; its own contract in `.importlinter`). Each check
returns None for a good value or the GOV.UK message to show beside the field;
`children.models.child_details_problems` asks them, so the forms, the services and the
SSDA903 import give the same answer.

The NHS number (NHS Data Dictionary, "NHS NUMBER"): 10 digits, the last a modulus 11
check digit over the first nine, weighted 10 down to 2; 11 - (sum mod 11), where 11
is 0 and 10 means no NHS number has those nine digits. Held without spaces, shown
3-3-4 ("943 476 5919").

The unique pupil number (DfE, "Unique Pupil Numbers (UPN): guidance", version 1.2):
13 characters, the first a check letter over the other 12, weighted by position
(characters 2 to 13 by 2 to 13): the sum mod 23 gives a letter of
ABCDEFGHJKLMNPQRTUVWXYZ (0 is A). Characters 2 to 12 are digits; the 13th is a digit,
or for a temporary UPN a letter of the same 23, counted as its place among them.
"""

from __future__ import annotations

import re

NHS_NUMBER_LENGTH = 10
# Weights 10, 9, ... 2 on the first nine digits.
NHS_WEIGHTS = tuple(range(10, 1, -1))
NHS_EXAMPLE = "943 476 5919"

UPN_LENGTH = 13
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# Characters 2 to 13 are weighted 2 to 13.
UPN_WEIGHTS = tuple(range(2, 14))
UPN_EXAMPLE = "H801200001001"

# What a person may type between the groups of an NHS number.
_SEPARATORS = re.compile(r"[\s\-]+")

NHS_SHAPE_MESSAGE = f"Enter an NHS number of 10 digits, such as {NHS_EXAMPLE}"
NHS_CHECK_MESSAGE = (
    "Enter a valid NHS number: the last digit is a check digit; "
    "check it against the child's health record"
)


def nhs_number_digits(text: str | None) -> str:
    """What was typed, without the spaces and dashes between the groups."""
    return _SEPARATORS.sub("", text or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for these nine digits, or None when no NHS number has them
    (the remainder gives 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def nhs_number_problem(digits: str) -> str | None:
    """None if `digits` (separators already removed) is a valid NHS number, else the
    message. Ten identical digits pass the check (0000000000, 1111111111) but are
    placeholders, never a person's number, and are refused too."""
    if len(digits) != NHS_NUMBER_LENGTH or not digits.isascii() or not digits.isdigit():
        return NHS_SHAPE_MESSAGE
    if len(set(digits)) == 1 or nhs_check_digit(digits[:9]) != int(digits[9]):
        return NHS_CHECK_MESSAGE
    return None


def is_nhs_number(text: str | None) -> bool:
    return nhs_number_problem(nhs_number_digits(text)) is None


def format_nhs_number(digits: str) -> str:
    """An NHS number as people read it: 3-3-4, with spaces ("943 476 5919")."""
    if len(digits) != NHS_NUMBER_LENGTH:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def _upn_value(character: str) -> int | None:
    """A UPN character's value in the check: a digit its own, a letter its place
    among the 23 letters (the 13th character of a temporary UPN); else None."""
    if character.isascii() and character.isdigit():
        return int(character)
    place = UPN_LETTERS.find(character)
    return None if place < 0 else place


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for characters 2 to 13 of a UPN."""
    values = [_upn_value(c) for c in last_twelve]
    counted = [v for v in values if v is not None]
    if len(counted) != len(UPN_WEIGHTS) or len(values) != len(counted):
        raise ValueError(f"Not the last 12 characters of a UPN: {last_twelve!r}")
    total = sum(v * w for v, w in zip(counted, UPN_WEIGHTS, strict=True))
    return UPN_LETTERS[total % len(UPN_LETTERS)]


def upn_shape_ok(upn: str) -> bool:
    """13 characters: a letter of the 23, 11 digits, then a digit or one of the letters."""
    return (
        len(upn) == UPN_LENGTH
        and upn[0] in UPN_LETTERS
        and upn[1:12].isascii()
        and upn[1:12].isdigit()
        and _upn_value(upn[12]) is not None
    )


def upn_problem(upn: str, *, what: str = "UPN") -> str | None:
    """None if `upn` (upper case) is a unique pupil number with the right check
    letter, else the message; `what` names it ("former UPN")."""
    if not upn_shape_ok(upn):
        return (
            f"Enter a {what} of 13 characters: a letter, 11 digits, then a digit "
            f"(or a letter for a temporary UPN), such as {UPN_EXAMPLE}"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        return (
            f"Enter a valid {what}: the first letter is a check letter; "
            "check it against the child's school record"
        )
    return None


def normalise_upn(text: str | None) -> str:
    """A UPN as it is held: upper case, without spaces."""
    return re.sub(r"\s+", "", text or "").upper()
