"""The identifier checks (core.identifiers; docs/rules.md, ID-NHS and ID-UPN).

Every valid number generated passes; every change the scheme can detect is refused:
for the NHS number (weights 10 to 1 modulo 11, a prime) every change of one digit and
every swap of two adjacent different digits; for the UPN (weights 2 to 13 modulo 23, a
prime) every change of one character to one of another value, and every swap of two
adjacent characters that changes the UPN. What the UPN's scheme cannot see, and the
tests say so: its 13th character counts a letter as its place among the 23 letters, so
"0" and "A" there weigh the same.
"""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core import identifiers as ids

DIGITS = "0123456789"
nine_digits = st.text(DIGITS, min_size=9, max_size=9)


@st.composite
def nhs_numbers(draw) -> str:
    first_nine = draw(nine_digits)
    check = ids.nhs_check_digit(first_nine)
    assume(check is not None)
    number = f"{first_nine}{check}"
    assume(len(set(number)) > 1)  # ten identical digits are placeholders
    return number


@st.composite
def upns(draw) -> str:
    """A permanent UPN (13th character a digit) or a temporary one (a letter)."""
    body = draw(st.text(DIGITS, min_size=11, max_size=11))
    last = draw(st.sampled_from(DIGITS + ids.UPN_LETTERS))
    return ids.upn_check_letter(body + last) + body + last


def value(character: str) -> int:
    return int(character) if character.isdigit() else ids.UPN_LETTERS.index(character)


# --- NHS number ----------------------------------------------------------------------


def test_the_nhs_data_dictionary_example_is_valid_and_shown_3_3_4():
    assert ids.nhs_number_problem("9434765919") is None
    assert ids.format_nhs_number("9434765919") == "943 476 5919"
    assert ids.nhs_number_digits(" 943-476 5919 ") == "9434765919"
    assert ids.is_nhs_number("943 476 5919")


def test_a_remainder_of_one_gives_no_nhs_number():
    """11 - 1 = 10: no check digit, so no NHS number starts with these nine digits."""
    first_nine = "100000001"  # 10 + 2 = 12, 12 mod 11 = 1
    assert ids.nhs_check_digit(first_nine) is None
    for last in DIGITS:
        assert ids.nhs_number_problem(first_nine + last) == ids.NHS_CHECK_MESSAGE


def test_a_remainder_of_nought_gives_a_check_digit_of_nought():
    """11 - 0 = 11, which is 0."""
    first_nine = "010000001"  # 1*9 + 1*2 = 11, 11 mod 11 = 0
    assert ids.nhs_check_digit(first_nine) == 0
    assert ids.nhs_number_problem(first_nine + "0") is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9434765918", ids.NHS_CHECK_MESSAGE),
        ("0000000000", ids.NHS_CHECK_MESSAGE),  # passes the sum, but a placeholder
        ("1111111111", ids.NHS_CHECK_MESSAGE),
        ("943476591", ids.NHS_SHAPE_MESSAGE),
        ("94347659190", ids.NHS_SHAPE_MESSAGE),
        ("943476591X", ids.NHS_SHAPE_MESSAGE),
        ("９４３４７６５９１９", ids.NHS_SHAPE_MESSAGE),  # full-width digits
        ("", ids.NHS_SHAPE_MESSAGE),
    ],
)
def test_bad_nhs_numbers_are_refused_with_the_message(typed, message):
    assert ids.nhs_number_problem(typed) == message


def test_the_check_message_says_what_to_do():
    assert ids.NHS_CHECK_MESSAGE == (
        "Enter a valid NHS number: the last digit is a check digit; "
        "check it against the child's health record"
    )


@given(nhs_numbers())
def test_every_valid_nhs_number_passes(number):
    assert ids.nhs_number_problem(number) is None
    assert (
        ids.nhs_number_problem(ids.nhs_number_digits(ids.format_nhs_number(number)))
        is None
    )


@given(nhs_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_every_change_of_one_digit_is_refused(number, at, step):
    changed = number[:at] + str((int(number[at]) + step) % 10) + number[at + 1 :]
    assert changed != number
    assert ids.nhs_number_problem(changed) is not None


@given(nhs_numbers(), st.integers(0, 8))
def test_every_swap_of_adjacent_digits_that_changes_the_number_is_refused(number, at):
    swapped = number[:at] + number[at + 1] + number[at] + number[at + 2 :]
    assume(swapped != number)
    assert ids.nhs_number_problem(swapped) is not None


# --- UPN -----------------------------------------------------------------------------


@pytest.mark.parametrize("upn", ["H801200001001", "G80120000101A", "A123456789012"])
def test_the_dfe_examples_are_valid(upn):
    """H801200001001 and the temporary G80120000101A are the DfE guidance's own."""
    assert ids.upn_problem(upn) is None


@pytest.mark.parametrize(
    ("upn", "says"),
    [
        ("Z801200001001", "the first letter is a check letter"),
        ("H80120000100", "13 characters"),
        ("I801200001001", "13 characters"),  # I, O and S are never check letters
        ("H8012000010O1", "13 characters"),
        ("H80120000101I", "13 characters"),  # nor the letter of a temporary UPN
        ("h801200001001", "13 characters"),  # held upper case (normalise_upn)
        ("H８01200001001", "13 characters"),
    ],
)
def test_bad_upns_are_refused_with_the_message(upn, says):
    problem = ids.upn_problem(upn)
    assert problem is not None and says in problem
    assert problem.startswith("Enter a")


def test_the_former_upn_is_named_in_its_message():
    assert ids.upn_problem("Z801200001001", what="former UPN").startswith(
        "Enter a valid former UPN"
    )
    assert ids.normalise_upn(" h801 200001001 ") == "H801200001001"


@given(upns())
def test_every_valid_upn_passes(upn):
    assert ids.upn_problem(upn) is None


@given(upns(), st.integers(0, 12), st.sampled_from(DIGITS + ids.UPN_LETTERS))
def test_every_change_of_one_character_the_scheme_detects_is_refused(upn, at, new):
    changed = upn[:at] + new + upn[at + 1 :]
    assume(changed != upn)
    if at == 12 and value(new) == value(upn[12]):
        # "0" and "A" (and so on) weigh the same in the 13th place: the one change
        # the check letter cannot see.
        assert ids.upn_problem(changed) is None
        return
    assert ids.upn_problem(changed) is not None


@given(upns(), st.integers(0, 11))
def test_every_swap_of_adjacent_characters_that_changes_the_upn_is_refused(upn, at):
    swapped = upn[:at] + upn[at + 1] + upn[at] + upn[at + 2 :]
    assume(swapped != upn)
    assume(not (at == 11 and value(upn[11]) == value(upn[12])))  # as above
    assert ids.upn_problem(swapped) is not None


def test_upn_check_letter_refuses_what_is_not_a_upn():
    with pytest.raises(ValueError):
        ids.upn_check_letter("80120000100")
    with pytest.raises(ValueError):
        ids.upn_check_letter("8012000010I1")
