"""Sample documents in a throwaway database: for `make renders` and the benchmark.

`throwaway_database()` creates Django's test database (in memory on SQLite), runs the
migrations and removes it afterwards; nothing touches the configured database. The
sample people and reviews are built through the services, as in the tests.
"""

import os
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import django


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviews_project.settings")
    django.setup()


@contextmanager
def throwaway_database():
    """A freshly migrated test database and a temporary MEDIA_ROOT, removed afterwards."""
    from django.apps import apps
    from django.db import connection
    from django.test.utils import (
        override_settings,
        setup_test_environment,
        teardown_test_environment,
    )

    setup_test_environment()
    name = connection.settings_dict["NAME"]
    # Tables straight from the models (no migration history): seconds, not a minute.
    no_migrations = {app.label: None for app in apps.get_app_configs()}
    with override_settings(MIGRATION_MODULES=no_migrations):
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
    try:
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
        ):
            yield
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        teardown_test_environment()


def sample_world() -> dict:
    """Staff and three children, one in each age band, with fixed names."""
    from accounts.models import Role
    from tests.factories import ChildFactory, TeamFactory, make_user

    team = TeamFactory(name="North Children in Care Team")
    world = {
        "iro_a": make_user(
            Role.IRO,
            username="s_iro",
            first_name="Priya",
            last_name="Shah",
            phone="01632 960 001",
            email="priya.shah@example.gov.uk",
            job_title="Independent Reviewing Officer",
        ),
        "iro_b": make_user(
            Role.IRO,
            username="s_iro2",
            first_name="Chris",
            last_name="Lee",
            phone="01632 960 002",
        ),
        "sw_north": make_user(
            Role.SOCIAL_WORKER,
            username="s_sw",
            first_name="Tom",
            last_name="Reed",
            team=team,
            phone="01632 960 101",
        ),
        "tm_north": make_user(
            Role.TEAM_MANAGER,
            username="s_tm",
            first_name="Alex",
            last_name="Morgan",
            team=team,
        ),
        "bs": make_user(
            Role.BUSINESS_SUPPORT, username="s_bs", first_name="Bea", last_name="Stone"
        ),
    }
    for key, first, last, born in (
        ("young", "Ellie", "Brown", date(2019, 3, 14)),
        ("middle", "Jordan", "Taylor", date(2015, 6, 1)),
        ("teen", "Kai", "Walker", date(2010, 9, 20)),
    ):
        world[key] = ChildFactory(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            team=team,
            social_worker=world["sw_north"],
            iro=world["iro_a"],
        )
    return world


def sample_review(world, child_key: str, band: str, **kwargs):
    """The child's first review, taken to a finalised record (tests.reporting.conftest)."""
    from reviews.services import review_plan_next
    from tests.reporting.conftest import build_cycle

    period = world[child_key].periods_of_care.get()
    return build_cycle(
        world, review_plan_next(period=period, by=None), band=band, **kwargs
    )


# Each band's sample record, written the way an IRO would for a child of that age.
SAMPLE_TEXT = {
    "under_8": {
        "going_well": "You are good at drawing. You made a card for Nana. You are learning to swim.",
        "wishes": "You told me you like your bedroom. You want a cat.",
        "plan": "You will stay with Carol. You will go to the same school.",
        "next": "Tom will come to see you soon.",
    },
    "13_plus": {
        "going_well": "You passed your mock exams in maths and English, and you have started a Saturday job at the café. Your college tutor says you are one of the most reliable students in your group.",
        "wishes": "You told us you want to stay with Carol until you finish college, and that you want more say in when you see your dad.",
        "less_well": "You have found it hard to sleep since the move, and you said you sometimes feel left out at home.",
        "plan": "You will stay with Carol. Your social worker will start your plan for leaving care with you before your 16th birthday.",
        "iro_view": "I think your plan is right for you. I will check in June that your time with your dad is happening the way you asked.",
        "next": "Your social worker will visit you in March. I will call you in April.",
    },
}


def sample_documents(world) -> list:
    """Every kind of document: the letter in each band, and all the others once."""
    from documents.services import (
        documents_build_for_allocation,
        documents_build_for_review,
    )
    from iro.models import IroAllocation

    documents = []
    for child_key, band in (
        ("young", "under_8"),
        ("middle", "8_to_12"),
        ("teen", "13_plus"),
    ):
        review, _ = sample_review(
            world, child_key, band, sections=SAMPLE_TEXT.get(band)
        )
        made = documents_build_for_review(review=review)
        documents += (
            made if band == "8_to_12" else [d for d in made if d.kind == "record_child"]
        )
    for child_key in ("young", "middle"):
        allocation = IroAllocation.objects.create(
            child=world[child_key], iro=world["iro_a"], started_on=date(2025, 1, 8)
        )
        if child_key == "middle":
            allocation.ended_on, allocation.end_reason = (
                date(2025, 6, 30),
                "Caseload change",
            )
            allocation.save()
            IroAllocation.objects.create(
                child=world[child_key], iro=world["iro_b"], started_on=date(2025, 7, 1)
            )
        documents += documents_build_for_allocation(allocation=allocation)
    return documents


def render_name(document) -> str:
    """A stable file name for a rendering: kind, band or audience, no ids."""
    context = document.child.first_name.lower()
    if document.invitee_id:
        context = document.invitee.get_role_display().split()[0].lower()
    return f"{document.kind}-{context}"


def write_renders(out_dir: Path) -> list[Path]:
    """Page one of every sample document as a PNG (pdftoppm), plus the PDFs beside them."""
    import shutil
    import subprocess

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with throwaway_database():
        for document in sample_documents(sample_world()):
            stem = out_dir / render_name(document)
            pdf = stem.with_suffix(".pdf")
            with document.file.open("rb") as source, open(pdf, "wb") as target:
                shutil.copyfileobj(source, target)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(stem),
                ],
                check=True,
            )
            written.append(stem.with_suffix(".png"))
    return written


if __name__ == "__main__":
    setup_django()
    target = Path(os.environ.get("RENDERS_DIR", "renders"))
    for path in write_renders(target):
        print(path)
