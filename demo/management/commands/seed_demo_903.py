import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from children import codes_903
from children.models import Child, Episode
from children.services import child_update, episode_update
from ssda903.sample import POSTCODES, UPN_LETTERS

# Placements for which the DfE asks for the provider's Ofsted URN (903 rule 218).
NO_URN = {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4"} | {
    "Z11",
    "Z12",
    "Z13",
    "Z14",
}


class Command(BaseCommand):
    help = (
        "Give the demo children (DEMO0001 on) the SSDA903 details a council's return "
        "carries: UPN, MOTHER for girls, home and placement postcodes, provider URN. "
        "Only empty values are filled, so running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to change data with DJANGO_DEBUG=false.")
        rng = random.Random(903)  # fictional data, not security
        children = episodes = 0
        with transaction.atomic():
            for child in Child.objects.filter(child_id__startswith="DEMO").order_by(
                "child_id"
            ):
                upn = rng.choice(UPN_LETTERS) + f"{rng.randrange(10**12):012d}"
                changes = {}
                if not child.upn:
                    changes["upn"] = upn
                if child.sex == codes_903.Sex.FEMALE and child.is_mother is None:
                    changes["is_mother"] = False
                if changes:
                    child_update(
                        child=child, by=None, expected_version=child.version, **changes
                    )
                    children += 1
                episodes += self._episodes(child, rng)
        self.stdout.write(
            f"SSDA903 details completed: {children} children, {episodes} episodes."
        )

    def _episodes(self, child: Child, rng: random.Random) -> int:
        number = int(child.child_id[4:] or 0)
        home = POSTCODES[number % len(POSTCODES)]
        changed = 0
        for episode in Episode.objects.filter(period__child=child, home_postcode=""):
            placed = (
                home
                if episode.placement == "P1"
                else POSTCODES[(number + 3) % len(POSTCODES)]
            )
            fields = {"home_postcode": home, "placement_postcode": placed}
            if episode.placement not in NO_URN and not episode.urn:
                fields["urn"] = f"SC{rng.randrange(10**6):06d}"
            episode_update(episode=episode, by=None, **fields)
            changed += 1
        return changed
