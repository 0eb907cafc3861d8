"""Build a fictional IRO service for the demo. Safe to run again: nothing is duplicated."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, Team, User
from children.models import Child
from children.services import social_worker_allocate
from core.identifiers import nhs_check_digit
from demo.disputes import seed_challenges
from demo.reviews import seed_review_histories
from iro.models import DutyCover
from iro.services import duty_cover_set, iro_allocate
from reviews.services.register import child_register, period_end

DEMO_PASSWORD = "reviews-demo"  # noqa: S105 - the documented demo password
NORTH = "North Children in Care Team"
SOUTH = "South Children in Care Team"
IRO_TEAM = "Independent Reviewing Service"

# username, first, last, roles, team, extra fields
DEMO_USERS = [
    ("iro1", "Priya", "Shah", [Role.IRO], IRO_TEAM, {"fte": Decimal("1.00")}),
    (
        "iro2",
        "Gareth",
        "Hughes",
        [Role.IRO, Role.DUTY_IRO],
        IRO_TEAM,
        {"fte": Decimal("0.80")},
    ),
    ("manager", "Helen", "Okafor", [Role.IRO_MANAGER], IRO_TEAM, {}),
    ("sw1", "Tom", "Bennett", [Role.SOCIAL_WORKER], NORTH, {}),
    ("sw2", "Aisha", "Rahman", [Role.SOCIAL_WORKER], SOUTH, {}),
    ("tm1", "Claire", "Dawson", [Role.TEAM_MANAGER], NORTH, {}),
    ("tm2", "Marcus", "Reid", [Role.TEAM_MANAGER], SOUTH, {}),
    ("bs1", "Jenny", "Morgan", [Role.BUSINESS_SUPPORT], IRO_TEAM, {}),
    (
        "hos1",
        "David",
        "Ellis",
        [Role.SENIOR_MANAGER],
        None,
        {"senior_level": User.SeniorLevel.HEAD_OF_SERVICE},
    ),
    ("admin1", "Sam", "Turner", [Role.ADMINISTRATOR], None, {"is_staff": True}),
]

FIRST_NAMES = [
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "Jack",
    "Ava",
    "George",
    "Mia",
    "Noah",
    "Freya",
    "Leo",
    "Lily",
    "Oscar",
    "Grace",
    "Alfie",
    "Evie",
    "Charlie",
    "Poppy",
    "Theo",
    "Ella",
    "Jacob",
    "Sophie",
    "Archie",
    "Chloe",
    "Riley",
    "Ruby",
    "Kai",
    "Erin",
    "Ethan",
    "Maisie",
    "Logan",
    "Holly",
    "Mason",
    "Niamh",
    "Reuben",
    "Zara",
    "Finley",
    "Imogen",
    "Callum",
    "Keira",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Lewis",
    "Harris",
    "Ward",
    "Turner",
    "Cooper",
    "Hill",
    "Morris",
    "Ahmed",
    "Moore",
    "King",
    "Baker",
    "Price",
    "Begum",
    "Lee",
    "Kelly",
    "Parker",
    "Murphy",
    "Fletcher",
]
CHILDREN = 40
# (903 LS, PLACE, PLACE_PROVIDER) for the demo children's first episodes, in turn.
DEMO_EPISODES = [
    ("C2", "U4", "PR1"),
    ("C1", "U6", "PR1"),
    ("V2", "U6", "PR4"),
    ("E1", "U5", "PR1"),
    ("C2", "K2", "PR4"),
    ("C2", "U1", "PR1"),
    ("V2", "R1", "PR4"),
    ("C1", "P1", "PR0"),
]
LEAVING_CARE = 7  # DEMO0007 returns home today (leaves care)


def _demo_nhs_number(number: int) -> dict:
    """A fictional NHS number, starting 999 as NHS test data does, with its check digit
    (ID-NHS); where those nine digits have none, no number and the reason why."""
    first_nine = f"999{number:06d}"
    check = nhs_check_digit(first_nine)
    if check is None:
        return {"nhs_number_absent_reason": Child.IdentifierAbsent.NOT_YET_KNOWN}
    return {"nhs_number": f"{first_nine}{check}"}


class Command(BaseCommand):
    help = "Load the demo IRO service: users (password reviews-demo), teams and 40 children."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DJANGO_DEBUG is false (never on a live council database).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DJANGO_DEBUG=false. "
                "Use --force only on a database that holds no real children."
            )
        with transaction.atomic():
            users = self._users()
            created = self._children(users, today=date.today())
            self._duty_cover(users, today=date.today())
            self._care_variety(users, today=date.today())
            seed_challenges(users, today=date.today())
            seed_review_histories(users, today=date.today())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(users)} users, {created} new children "
                f"({Child.objects.count()} in all). Password for every user: {DEMO_PASSWORD}"
            )
        )

    def _users(self) -> dict[str, User]:
        teams = {
            NORTH: Team.objects.get_or_create(name=NORTH)[0],
            SOUTH: Team.objects.get_or_create(name=SOUTH)[0],
            IRO_TEAM: Team.objects.get_or_create(
                name=IRO_TEAM, defaults={"kind": Team.Kind.IRO_SERVICE}
            )[0],
        }
        for role in Role:
            Group.objects.get_or_create(name=role.value)
        users = {}
        for username, first, last, roles, team, extra in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.example.gov.uk",
                    "team": teams.get(team),
                    **extra,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.groups.set(Group.objects.filter(name__in=roles))
            users[username] = user
        users["hos1"].overseen_teams.add(teams[NORTH], teams[SOUTH])
        return users

    def _children(self, users: dict[str, User], *, today: date) -> int:
        rng = random.Random(2026)  # noqa: S311 - fictional data, not security
        created = 0
        for number in range(1, CHILDREN + 1):
            child_id = f"DEMO{number:04d}"
            age_days = rng.randint(200, 17 * 365)
            looked_after_days = rng.randint(0, min(age_days, 5 * 365))
            if Child.objects.filter(child_id=child_id).exists():
                continue
            child = child_register(
                child_id=child_id,
                first_name=FIRST_NAMES[number - 1],
                last_name=LAST_NAMES[(number * 7) % len(LAST_NAMES)],
                date_of_birth=today - timedelta(days=age_days),
                looked_after_on=today - timedelta(days=looked_after_days),
                sex=rng.choice(["M", "F"]),
                details=_demo_nhs_number(number),
                by=None,
            )
            north = number % 2 == 1
            social_worker_allocate(
                child=child,
                social_worker=users["sw1" if north else "sw2"],
                team=users["sw1" if north else "sw2"].team,
                on=child.periods_of_care.get().started_on,
                by=None,
            )
            # Most children have an IRO; a few newly looked-after ones wait in the queue.
            if number % 10 != 0:
                iro = users["iro1"] if number % 3 else users["iro2"]
                iro_allocate(
                    child=child,
                    iro=iro,
                    on=child.periods_of_care.get().started_on,
                    by=users["manager"],
                    reason="Allocated when the child became looked after",
                )
            created += 1
        return created

    def _duty_cover(self, users: dict[str, User], *, today: date) -> None:
        """iro2 is on the duty rota this week (the children with no IRO yet)."""
        monday = today - timedelta(days=today.weekday())
        if not DutyCover.objects.filter(
            duty_iro=users["iro2"], starts_on=monday
        ).exists():
            duty_cover_set(
                duty_iro=users["iro2"],
                starts_on=monday,
                ends_on=monday + timedelta(days=6),
                by=users["manager"],
            )

    def _care_variety(self, users: dict[str, User], *, today: date) -> None:
        """Episodes with varied legal statuses and placements, adoption cases, one leaving care.

        Only children with no episode yet are touched, so running again changes nothing.
        """
        from children.models import Episode
        from children.services import episode_add, period_update

        for number, (status, place, provider) in enumerate(DEMO_EPISODES * 10, 1):
            child = Child.objects.filter(child_id=f"DEMO{number:04d}").first()
            if child is None or number > CHILDREN:
                continue
            period = child.periods_of_care.filter(ended_on__isnull=True).first()
            if period is None or Episode.objects.filter(period=period).exists():
                continue
            episode_add(
                period=period,
                by=None,
                started_on=period.started_on,
                reason_new="S",
                legal_status=status,
                category_of_need="N1" if number % 3 else "N4",
                placement=place,
                placement_provider=provider,
            )
            if status == "E1" and (today - period.started_on).days > 60:
                period_update(
                    period=period,
                    by=None,
                    authority_to_place_on=period.started_on + timedelta(days=30),
                    authority_to_place_type="placement_order",
                )
            if number == LEAVING_CARE:
                period_end(
                    period=period,
                    ended_on=today,
                    reason="E4A",
                    by=users["manager"],
                    today=today,
                )
