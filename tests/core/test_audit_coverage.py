"""Audit with no gaps: every model holding case data has its changes recorded, and
every entry leads back to the child it is about, even after its row is deleted."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings

from children.models import Child
from children.records import _paths_to_child, audit_entries_about
from reviews.models import Invitee
from reviews.services import invitee_save

pytestmark = pytest.mark.django_db


def test_every_case_data_model_is_tracked_or_is_itself_history():
    """A model that leads to a child is registered for change history (a new one too)."""
    history = {apps.get_model(label) for label in settings.AUDIT_HISTORY_MODELS}
    case_models = {Child, *_paths_to_child()}
    untracked = sorted(
        model._meta.label
        for model in case_models - history
        if not auditlog.contains(model)
    )
    assert untracked == [], (
        "Add these to AUDITLOG_INCLUDE_TRACKING_MODELS (reviews_project/settings.py), "
        "or to AUDIT_HISTORY_MODELS if their rows are themselves history"
    )


def test_a_deleted_invitee_still_shows_on_the_childs_trail(review, world):
    """The entry names the child (core.audit_subject), so deleting the row loses nothing."""
    invitee = invitee_save(
        review=review,
        by=world["sw_north"],
        name="Aunt Bea",
        role="other",
        method="email",
        email="bea@example.org",
    )
    invitee_save(review=review, by=world["sw_north"], invitee=invitee, email="b@x.org")
    pk = str(invitee.pk)
    Invitee.objects.filter(pk=invitee.pk).get().delete()
    entries = audit_entries_about(world["north_child"]).filter(
        content_type__model="invitee", object_pk=pk
    )
    assert list(entries.values_list("action", flat=True)) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    update = entries.get(action=LogEntry.Action.UPDATE)
    assert update.changes_dict["email"] == ["bea@example.org", "b@x.org"]
    assert update.additional_data == {"child": world["north_child"].pk}


def test_another_childs_entries_are_not_on_the_trail(review, world):
    invitee_save(
        review=review,
        by=world["sw_north"],
        name="Aunt Bea",
        role="other",
        method="email",
        email="bea@example.org",
    )
    south = audit_entries_about(world["south_child"])
    assert not south.filter(content_type__model="invitee").exists()
    assert all(
        e.additional_data in (None, {"child": world["south_child"].pk}) for e in south
    )
