from pathlib import Path

from auditlog.context import set_actor
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from ssda903.files import COMPANION, DOLO, REQUIRED_FILES, iter_problem_lines
from ssda903.importer import ssda903_import
from ssda903.plan import collection_year
from ssda903.years import FIRST_YEAR


class Command(BaseCommand):
    help = (
        "Import an SSDA903 return from DIR: header.csv, episodes.csv, reviews.csv, "
        "dolo.csv (from 2026/27; checked, not imported) and, when present, companion.csv (CHILD, FIRST_NAME, LAST_NAME, TEAM, SOCIAL_WORKER, "
        "IRO). All or nothing: on any problem nothing is saved and the command fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--year",
            type=int,
            metavar="YYYY",
            help="The collection year the return is for, by the year it ends (2026 for "
            "2025/26): its columns and codes. By default the current one.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report what would change, then save nothing.",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="The user the changes are recorded as (audit log, review events).",
        )

    def handle(
        self, *args, directory: Path, dry_run=False, by=None, year=None, **options
    ):
        today = timezone.localdate()
        if year is not None and not FIRST_YEAR <= year <= collection_year(today):
            raise CommandError(
                f"Give the year the collection ends, from {FIRST_YEAR} to "
                f"{collection_year(today)}"
            )
        user = None
        if by:
            user = User.objects.filter(username=by, is_active=True).first()
            if user is None:
                raise CommandError(f"There is no active user with the username {by}")
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        files = {
            name: (directory / name).read_bytes()
            for name in (*REQUIRED_FILES, DOLO, COMPANION)
            if (directory / name).is_file()
        }
        with set_actor(user):
            result = ssda903_import(
                files=files,
                by=user,
                today=today,
                dry_run=dry_run,
                progress=self._progress,
                year=year,
            )
        for name, count in sorted(result.rows.items()):
            self.stdout.write(f"{name}: {count} rows read")
        if not result.ok:
            for line in iter_problem_lines(result.problems):
                self.stderr.write(line)
            raise CommandError(
                f"Import refused: {len(result.problems)} problems. Nothing was saved."
            )
        for line in result.summary_lines() or ["Nothing to change"]:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS("Import saved."))

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"Progress: {done} of {total} children")
