"""Make the audit log append-only on PostgreSQL (ASVS 16.4.2).

UPDATE and DELETE on auditlog_logentry raise for the application's connections.
A migration that must manage the table sets the transaction-local setting
`reviews.audit_maintenance` to 'on' first (SET LOCAL), which the trigger honours.
SQLite (the demo) has no such trigger.
"""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION reviews_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('reviews.audit_maintenance', true), '') = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TABLES = ["auditlog_logentry"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORBID, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION reviews_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS reviews_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
