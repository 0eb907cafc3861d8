"""Factories for every model the tests build. Split per app when this grows."""

from datetime import date

import factory
from django.contrib.auth.models import Group

from accounts.models import Team, User
from children.models import Child, PeriodOfCare, SocialWorkerAllocation
from iro.models import DutyCover, IroAllocation

TEST_PASSWORD = "correct horse battery staple"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=role)[0])
            self.__dict__.pop("roles", None)


def make_user(*roles: str, **fields) -> User:
    """A user holding the given roles."""
    return UserFactory(roles=list(roles), **fields)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    child_id = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(2015, 6, 1)
    sex = Child.Sex.FEMALE
    period = factory.RelatedFactory(
        "tests.factories.PeriodOfCareFactory", factory_related_name="child"
    )


class PeriodOfCareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodOfCare

    child = factory.SubFactory(ChildFactory, period=None)
    started_on = date(2025, 1, 6)


class SocialWorkerAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialWorkerAllocation

    child = factory.SubFactory(ChildFactory)
    social_worker = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    started_on = date(2025, 1, 6)


class IroAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IroAllocation

    child = factory.SubFactory(ChildFactory)
    iro = factory.SubFactory(UserFactory)
    started_on = date(2025, 1, 6)


class DutyCoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyCover

    duty_iro = factory.SubFactory(UserFactory)
    starts_on = date(2025, 1, 6)
    ends_on = date(2025, 1, 10)


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A challenge row only (no stages): for reports. Journeys use disputes.services."""

    class Meta:
        model = "disputes.Challenge"

    child = factory.SubFactory(ChildFactory)
    team_at_time = factory.LazyAttribute(lambda c: c.child.team)
    category = "other"
    description = "A concern"
    impact_for_child = "Its impact"
    raised_by = factory.SubFactory(UserFactory)
    raised_on = date(2025, 1, 6)
