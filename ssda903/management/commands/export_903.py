from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import record_access_each
from ssda903.exporter import ssda903_children, ssda903_write


class Command(BaseCommand):
    help = (
        "Write header.csv, episodes.csv and reviews.csv (SSDA903 columns, dd/mm/YYYY "
        "dates) for the collection year ending 31 March YYYY into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, metavar="YYYY")
        parser.add_argument("--output", type=Path, required=True, metavar="DIR")

    def handle(self, *args, year: int, output: Path, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Give the year the collection ends, like 2026")
        output = Path(output)
        counts = ssda903_write(year=int(year), directory=output)
        # Every child in the return: their case data left the service in these files.
        record_access_each(
            ssda903_children(year=int(year)),
            what=f"SSDA903 return {year}, written by export_903",
        )
        for name, count in counts.items():
            self.stdout.write(f"{output / name}: {count} rows")
