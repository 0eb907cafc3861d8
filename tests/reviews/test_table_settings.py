"""What the migrations set on PostgreSQL for the reviews table at national scale."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="storage settings are PostgreSQL's"
    ),
]


def test_reviews_are_vacuumed_after_two_per_cent_change():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'reviews_review'"
        )
        (options,) = cursor.fetchone()
    assert set(options) == {
        "autovacuum_vacuum_scale_factor=0.02",
        "autovacuum_analyze_scale_factor=0.02",
    }


def test_the_reporting_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'reviews_review'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"reviews_held_report_idx", "reviews_due_report_idx"} <= names
