import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


@postgres_only
def test_update_on_the_audit_table_fails():
    ChildFactory()
    entry = LogEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(changes_text="tampered")


@postgres_only
def test_delete_on_the_audit_table_fails():
    ChildFactory()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.all().delete()


def test_creating_a_child_is_audited():
    child = ChildFactory()
    assert LogEntry.objects.filter(
        action=LogEntry.Action.CREATE, object_pk=str(child.pk)
    ).exists()
