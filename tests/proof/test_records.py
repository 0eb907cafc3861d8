"""Records (UK GDPR Article 15, subject access; OWASP ASVS 4.0, logging).

- One child's whole record with its audit trail is exported by a command and by a
  service-manager page (a subject access request), and the export itself is logged.
- Case data is never hard-deleted: no delete views, no case model in the admin, every
  foreign key in the case-data apps is PROTECT, and the apps' code calls no .delete().
- A pg_dump restores into a scratch database with the same row counts
  (restore_check; PostgreSQL only).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.views.generic.edit import DeletionMixin

from accounts.models import Role
from children.models import PeriodOfCare
from children.records import CASE_DATA_APPS as EXPORTED_APPS
from children.records import _paths_to_child, child_record_counts, child_record_json
from core.downloads import prepare
from core.models import PreparedDownload
from tests.proof import walk
from tests.proof.world import IN_SCOPE_NAME, OUT_OF_SCOPE_NAME, build_proof_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CASE_DATA_APPS = ("children", "iro", "reviews", "disputes", "documents")
# Models in the case-data apps that are not about one child, so not in a child's export.
NOT_ABOUT_ONE_CHILD = {
    "iro.dutycover": "one IRO covering another's caseload, not a child's record",
}


def _case_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in CASE_DATA_APPS and not m._meta.proxy
    ]


def _export(tmp_path, child, **options) -> dict:
    path = tmp_path / "record.json"
    call_command("export_child_record", child.pk, output=str(path), **options)
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_command_exports_the_whole_record_with_its_audit_trail(
    proof_world, tmp_path, client_as
):
    """Every row about the child and its audit entries; nothing about another child."""
    child = proof_world["in_child"]
    manager = proof_world["users"][Role.IRO_MANAGER]
    client_as(manager).get(reverse("children:detail", args=[child.pk]))  # an access
    data = _export(tmp_path, child, by=manager.username)
    assert data["child"]["child_id"] == child.child_id
    assert (
        data["records"]["children.child"][0]["fields"]["first_name"] == IN_SCOPE_NAME[0]
    )
    periods = {row["pk"] for row in data["records"]["children.periodofcare"]}
    assert periods == set(child.periods_of_care.values_list("pk", flat=True))
    actions = [(e["action"], e["record"], e["by"]) for e in data["audit_trail"]]
    assert ("create", "children.child", None) in actions
    assert actions.count(("access", "children.child", manager.pk)) == 2  # view, export
    assert data["people"][str(manager.pk)]["username"] == manager.username
    text = json.dumps(data)
    for name in OUT_OF_SCOPE_NAME:
        assert name not in text


# Apps with models that are not case data: users, roles and teams; the plumbing.
NOT_CASE_DATA_APPS = {"accounts", "core"}


def test_every_app_with_models_is_case_data_or_said_not_to_be():
    """A model moved to a new app cannot drop out of the export or these checks."""
    with_models = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT and config.models
    }
    assert with_models - NOT_CASE_DATA_APPS == set(CASE_DATA_APPS)
    assert set(CASE_DATA_APPS) - {"core"} <= set(EXPORTED_APPS)


def test_every_case_model_that_leads_to_a_child_is_in_the_export():
    """A new model about a child joins the export, or is listed here with a reason."""
    paths = _paths_to_child()
    missing = [
        m._meta.label_lower
        for m in _case_models()
        if m._meta.label_lower != "children.child"
        and m not in paths
        and m._meta.label_lower not in NOT_ABOUT_ONE_CHILD
    ]
    assert missing == [], "no foreign-key path to a child: add to NOT_ABOUT_ONE_CHILD?"


def test_the_manager_downloads_the_record_and_the_download_is_logged(
    proof_world, client_as
):
    child = proof_world["in_child"]
    manager = proof_world["users"][Role.IRO_MANAGER]
    client = client_as(manager)
    page = client.get(reverse("children:record_export", args=[child.pk]))
    assert page.status_code == 200
    assert reverse("children:record_download", args=[child.pk]) in page.content.decode()
    counts = json.loads(child_record_json(child))["counts"]
    assert child_record_counts(child) == counts  # the page's counts are the file's
    asked = client.post(reverse("children:record_download", args=[child.pk]))
    assert asked.status_code == 302
    download = PreparedDownload.objects.get(requested_by=manager)
    assert asked["Location"] == reverse("core:download", args=[download.pk])
    prepare(str(download.pk))  # as the worker does
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=manager)
    count = before.count()
    response = client.get(reverse("core:download_file", args=[download.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["exported_by"] == manager.username
    assert data["child"]["name"] == " ".join(IN_SCOPE_NAME)
    assert before.count() == count + 1
    assert before.latest("pk").additional_data["child"] == child.pk


@pytest.mark.parametrize(
    "role", [r for r in Role if r != Role.IRO_MANAGER], ids=lambda r: r.name
)
def test_only_the_service_manager_may_download_a_record(proof_world, client_as, role):
    """Others get 403 for a child they can see, 404 for one they cannot (the walk checks all)."""
    child = proof_world["in_child"]
    response = client_as(proof_world["users"][role]).post(
        reverse("children:record_download", args=[child.pk])
    )
    assert response.status_code in (403, 404)
    assert not PreparedDownload.objects.exists()
    assert IN_SCOPE_NAME[1] not in response.content.decode()


# --- Never hard-deleted ----------------------------------------------------------------


@pytest.mark.parametrize("model", _case_models(), ids=lambda m: m._meta.label_lower)
def test_case_data_is_protected_from_deletion(model):
    """Every foreign key in the case-data apps is PROTECT: deleting a row it points to fails."""
    loose = [
        f"{field.name}: {field.remote_field.on_delete.__name__}"
        for field in model._meta.concrete_fields
        if field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert loose == [], f"{model._meta.label}: use on_delete=models.PROTECT"


def test_no_page_deletes_anything():
    """No URL outside the Django admin's own pages deletes: no delete routes or views."""
    deleting = []
    for route in walk.walked_routes():
        if "delete" in route.key.lower() or "delete" in route.route.lower():
            deleting.append(route.key)
    from django.urls import get_resolver

    def views(patterns):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                if str(entry.pattern).startswith("manage/"):
                    continue
                yield from views(entry.url_patterns)
            else:
                yield entry.name, entry.callback

    for name, callback in views(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and issubclass(view_class, DeletionMixin):
            deleting.append(name)
    assert deleting == []


def test_no_case_model_is_in_the_admin():
    """The admin can delete what it holds: it holds users, roles and teams, never case data."""
    registered = [
        m._meta.label_lower
        for m in admin.site._registry
        if m._meta.app_label in CASE_DATA_APPS
    ]
    assert registered == []


def test_the_case_data_apps_never_call_delete():
    """No .delete() (or bulk delete) in the case-data apps' code, migrations aside.

    The only exception is removing a stored file's bytes when a document is replaced,
    where the document row itself stays.
    """
    allowed = {("documents/services.py", "document.file.delete")}
    calls = []
    for app in CASE_DATA_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "delete"
                ):
                    where = (str(path.relative_to(ROOT)), ast.unparse(node.func))
                    if where not in allowed:
                        calls.append(f"{where[0]}:{node.lineno} {where[1]}()")
    assert calls == []


def test_a_period_of_care_cannot_be_deleted_while_the_child_has_records(proof_world):
    """The database refuses: PROTECT raises rather than cascading."""
    period = PeriodOfCare.objects.filter(child=proof_world["in_child"]).first()
    with pytest.raises(models.ProtectedError):
        proof_world["in_child"].delete()
    assert PeriodOfCare.objects.filter(pk=period.pk).exists()


# --- Backup and restore ------------------------------------------------------------------


def _pg_dump(path: Path) -> None:
    import os
    import subprocess

    from django.db import connection

    live = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if live.get(key):
            env[name] = str(live[key])
    if live.get("PASSWORD"):
        env["PGPASSWORD"] = live["PASSWORD"]
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-d", live["NAME"], "-f", str(path)],
        env=env,
        check=True,
    )


@pytest.mark.postgres
def test_restore_check_restores_a_dump_and_finds_the_same_counts(
    transactional_db, tmp_path, capsys
):
    """The nightly dump restores, and a row added since the dump is reported."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("restore_check restores pg_dump files: it needs PostgreSQL")
    from children.models import Child
    from tests.factories import ChildFactory

    build_proof_world()
    children = Child.objects.count()
    dump = tmp_path / "reviews.dump"
    _pg_dump(dump)
    call_command("restore_check", str(dump))
    out = capsys.readouterr().out
    assert "Restore check passed" in out
    assert "children_child" in out and "latest audit entry" in out

    ChildFactory()  # written after the dump
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match=f"children_child: live {children + 1}, restored {children}"
    ):
        call_command("restore_check", str(dump))


def test_restore_check_explains_that_it_needs_postgresql(tmp_path):
    from django.core.management.base import CommandError
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the real restore is tested above")
    dump = tmp_path / "reviews.dump"
    dump.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("restore_check", str(dump))
