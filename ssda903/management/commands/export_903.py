from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import record_access_each
from ssda903.dolo_checks import export_checks
from ssda903.exporter import ssda903_children, ssda903_write
from ssda903.years import FIRST_YEAR


class Command(BaseCommand):
    help = (
        "Write header.csv, episodes.csv and reviews.csv (and dolo.csv from 2026/27: the "
        "year's SSDA903 files and columns, dd/mm/YYYY dates) for the collection year "
        "ending 31 March YYYY into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, metavar="YYYY")
        parser.add_argument("--output", type=Path, required=True, metavar="DIR")

    def handle(self, *args, year: int, output: Path, **options):
        if not FIRST_YEAR <= year <= 2100:
            raise CommandError(
                f"Give the year the collection ends, like 2026 ({FIRST_YEAR} or later)"
            )
        output = Path(output)
        counts = ssda903_write(year=int(year), directory=output)
        # Every child in the return: their case data left the service in these files.
        record_access_each(
            ssda903_children(year=int(year)),
            what=f"SSDA903 return {year}, written by export_903",
        )
        for name, count in counts.items():
            self.stdout.write(f"{output / name}: {count} rows")
        for check in export_checks(int(year)):  # DOL-7: warnings, not refusals
            self.stderr.write(f"Check: {check}")
