"""A child's subject-access export, made off the request (core/downloads.py): the whole
record and its audit trail can take seconds at national scale."""

from django.utils import timezone

from accounts.models import User
from children.models import Child
from children.permissions import can_export_child_record, children_visible_to
from children.records import child_record_json
from core.downloads import Kind, Made, Progress, register
from core.models import PreparedDownload


def _child(params: dict) -> Child:
    return Child.objects.get(pk=params["child"])


def subject_access_export(params: dict, progress: Progress) -> Made:
    child = _child(params)
    progress(0, 1)
    data = child_record_json(child, exported_by=User.objects.get(pk=params["by"]))
    progress(1, 1)
    day = timezone.localdate().isoformat()
    return Made(
        f"child-{child.pk}-record-{day}.json",
        "application/json; charset=utf-8",
        data.encode(),
    )


def may_have(user, params: dict) -> bool:
    """The service manager, for a child they can see: asked again at download."""
    return (
        can_export_child_record(user)
        and children_visible_to(user).filter(pk=params["child"]).exists()
    )


def register_downloads() -> None:
    register(
        Kind(
            name=PreparedDownload.Kind.SUBJECT_ACCESS,
            title=lambda params: f"Whole record of {_child(params).full_name}",
            make=subject_access_export,
            may_have=may_have,
            subject=_child,
        )
    )
