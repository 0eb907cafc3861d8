"""Export one child's whole record with its audit trail, as JSON (a subject access request)."""

from pathlib import Path

from auditlog.context import set_actor
from auditlog.signals import accessed
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from children.models import Child
from children.records import child_record_json


class Command(BaseCommand):
    help = (
        "Write one child's whole record (every row that leads back to the child) and "
        "the audit trail of each row to a JSON file. The export is itself logged as an "
        "access to the child's record."
    )

    def add_arguments(self, parser):
        parser.add_argument("child_pk", type=int, help="the child's id in this service")
        parser.add_argument("--output", required=True, help="the JSON file to write")
        parser.add_argument(
            "--by", help="the username of the person asking (recorded in the audit log)"
        )

    def handle(self, *args, child_pk, output, by=None, **options):
        try:
            child = Child.objects.get(pk=child_pk)
        except Child.DoesNotExist:
            raise CommandError(f"No child with id {child_pk}") from None
        user = None
        if by:
            try:
                user = User.objects.get(username=by)
            except User.DoesNotExist:
                raise CommandError(f"No user {by!r}") from None
        with set_actor(user):
            accessed.send(sender=Child, instance=child)
        text = child_record_json(child, exported_by=user)
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote the record of child {child.pk} to {output}")
