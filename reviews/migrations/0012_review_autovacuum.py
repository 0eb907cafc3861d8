"""Vacuum and analyse the reviews table after 2% of its rows change, not 20%.

The reviews table is read through index-only scans (the overdue filters, each child's
next review, the dashboards' reporting indexes), which fall back to reading the table
while many row versions are dead; with PostgreSQL's default of 20%, a national table
of 2 million reviews waits for 400,000 changed rows (docs/performance.md).
PostgreSQL only: other databases have nothing to set.
"""

from django.db import migrations

SETTINGS = ("autovacuum_vacuum_scale_factor", "autovacuum_analyze_scale_factor")


def set_scale_factors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        pairs = ", ".join(f"{name} = 0.02" for name in SETTINGS)
        schema_editor.execute(f"ALTER TABLE reviews_review SET ({pairs})")


def reset_scale_factors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE reviews_review RESET ({', '.join(SETTINGS)})"
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0011_reporting_indexes")]

    operations = [migrations.RunPython(set_scale_factors, reset_scale_factors)]
