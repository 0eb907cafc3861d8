"""Moving a model from one app to another without touching its table or its history.

A moved model keeps its table (`Meta.db_table`), its rows and its row in
`django_content_type`: the content type is renamed to the new app, so audit entries,
permissions and anything else that points at it by content type still find it.
Migrations call `content_type_mover` from RunPython; see docs/architecture.md.
"""


def content_type_mover(old_app: str, new_app: str, *models: str):
    """A RunPython pair that renames the models' content types between two apps."""

    def forwards(apps, schema_editor):
        _rename(apps, schema_editor, old_app, new_app, models)

    def backwards(apps, schema_editor):
        _rename(apps, schema_editor, new_app, old_app, models)

    return forwards, backwards


def _rename(apps, schema_editor, old_app, new_app, models):
    content_type = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    for model in models:
        if (
            content_type.objects.using(using)
            .filter(app_label=new_app, model=model)
            .exists()
        ):
            continue  # already there (a database made after the move)
        content_type.objects.using(using).filter(app_label=old_app, model=model).update(
            app_label=new_app
        )
