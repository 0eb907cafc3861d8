import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from children import codes_903
from children.models import Child, DeprivationOfLibertyOrder, Episode
from children.services import child_update, episode_update
from children.services_liberty import liberty_order_record
from ssda903.sample import POSTCODES, sample_upn

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
                upn = sample_upn(rng)  # with its check letter (ID-UPN)
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
            orders = self._liberty_order()
        self.stdout.write(
            f"SSDA903 details completed: {children} children, {episodes} episodes, "
            f"{orders} deprivation of liberty order."
        )

    def _liberty_order(self) -> int:
        """A deprivation of liberty order (DOL-8) for the first demo child in a
        children's home, from the day after they moved there, so that the return's
        DoLO file has a row; none when one is already recorded."""
        if DeprivationOfLibertyOrder.objects.filter(
            child__child_id__startswith="DEMO"
        ).exists():
            return 0
        today = timezone.localdate()
        episode = (
            Episode.objects.filter(
                period__child__child_id__startswith="DEMO",
                ended_on__isnull=True,
                placement=codes_903.Placement.K2,
                started_on__lt=today,
            )
            .select_related("period__child")
            .order_by("period__child__child_id")
            .first()
        )
        if episode is None:
            return 0
        liberty_order_record(
            child=episode.period.child,
            by=None,
            today=today,
            started_on=episode.started_on + timedelta(days=1),
            accommodation=DeprivationOfLibertyOrder.Accommodation.RELEVANT,
            court_reference="ZW26C00101",
        )
        return 1

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
