import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def dates(prefix: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def post(client, **fields):
    return client.post(reverse("reviews:timescales"), fields)


@pytest.fixture
def client(client_as):
    return client_as(make_user(Role.SOCIAL_WORKER, username="sw"))


def test_any_signed_in_user_opens_the_page(client):
    response = client.get(reverse("reviews:timescales"))
    assert response.status_code == 200
    assert "Date the child became looked after" in response.content.decode()


def test_schedule_explains_the_first_review_w1(client):
    """W1: looked after Monday 6 January 2025."""
    body = post(client, **dates("looked_after_on", "6", "1", "2025")).content.decode()
    assert (
        "Due by Monday 3 February 2025: 20 working days after the child became looked "
        "after on Monday 6 January 2025 (Care Planning, Placement and Case Review "
        "(England) Regulations 2010, regulation 33(1))"
    ) in body
    assert "Monday 13 January 2025" in body  # IRO allocation, 5 working days


def test_schedule_shows_the_practical_latest_date_w10b(client):
    """W10(b): review held Friday 27 June 2025, next due Saturday 27 December 2025."""
    body = post(
        client,
        **dates("looked_after_on", "2", "1", "2025"),
        reviews_held="20/01/2025\n27/03/2025\n27/06/2025",
    ).content.decode()
    assert "Saturday 27 December 2025" in body
    assert "Practical latest: Wednesday 24 December 2025" in body


def test_schedule_with_preparation_and_adoption_w18(client):
    """W18: after the placement order the adoption track sets Friday 15 August 2025."""
    body = post(
        client,
        **dates("looked_after_on", "6", "1", "2025"),
        reviews_held="30/01/2025\n28/04/2025",
        **dates("authority_to_place_on", "15", "5", "2025"),
        **dates("review_on", "12", "1", "2026"),
    ).content.decode()
    assert "Friday 15 August 2025" in body
    assert "regulation 36(1)" in body
    assert "Wednesday 10 December 2025" in body  # W15: Review Choices visit


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            dates("looked_after_on", "31", "2", "2025"),
            "Date the child became looked after must be a real date",
            id="impossible-date",
        ),
        pytest.param({}, "Enter date the child became looked after", id="missing"),
        pytest.param(
            {
                **dates("looked_after_on", "6", "1", "2025"),
                "reviews_held": "30/02/2025",
            },
            "Review date on line 1 must be a real date",
            id="bad-review-line",
        ),
        pytest.param(
            {
                **dates("looked_after_on", "6", "1", "2025"),
                "reviews_held": "01/01/2024",
            },
            "Reviews held must be on or after the date the child became looked after",
            id="review-before-care",
        ),
        pytest.param(
            {
                **dates("looked_after_on", "6", "1", "2025"),
                **dates("placement_ended_on", "1", "3", "2025"),
            },
            "Enter the date placed for adoption as well",
            id="ended-without-placement",
        ),
        pytest.param(
            dates("looked_after_on", "6", "1", "99999"),
            "Date the child became looked after must be a real date",
            id="five-digit-year",
        ),
    ],
)
def test_bad_input_gets_a_400_with_the_message_and_keeps_the_input(
    client, fields, message
):
    response = post(client, **{"reviews_held": "", **fields})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert message in body
    for value in fields.values():
        assert value in body, "what was typed is shown again"
