# The child's identifiers (docs/rules.md, ID-NHS, ID-UPN, ID-ABS, ID-DUP): the NHS
# number, the former UPN and the reason either identifier is absent; the UPN's help
# text names the 903's codes UN1 to UN5.

from django.db import migrations, models

REASONS = [
    ("not_yet_known", "Not yet known"),
    ("not_relevant", "Not relevant"),
    (
        "detrimental",
        "Including it would be more detrimental to the child than not including it",
    ),
    ("undue_delay", "It cannot be found without undue delay"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0010_deprivation_of_liberty_orders"),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="nhs_number",
            field=models.CharField(
                blank=True,
                error_messages={
                    "unique": "A child with this NHS number is already recorded: "
                    "check it against the child's health record, or ask the IRO "
                    "service manager"
                },
                help_text="10 digits, the last a check digit; held without spaces.",
                max_length=10,
                null=True,
                unique=True,
                verbose_name="NHS number",
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="nhs_number_absent_reason",
            field=models.CharField(
                blank=True,
                choices=REASONS,
                max_length=20,
                verbose_name="why there is no NHS number",
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="upn_absent_reason",
            field=models.CharField(
                blank=True,
                choices=REASONS,
                max_length=20,
                verbose_name="why there is no UPN",
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="former_upn",
            field=models.CharField(
                blank=True, max_length=13, verbose_name="former unique pupil number"
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="upn",
            field=models.CharField(
                blank=True,
                help_text="13 characters with its check letter, or UN1 to UN5 when "
                "the child has none.",
                max_length=13,
                verbose_name="unique pupil number (UPN)",
            ),
        ),
        migrations.AddConstraint(
            model_name="child",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("nhs_number__isnull", True),
                    ("nhs_number_absent_reason", ""),
                    _connector="OR",
                ),
                name="children_nhs_reason_only_when_absent",
            ),
        ),
        migrations.AddConstraint(
            model_name="child",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("upn", ""),
                    ("upn__startswith", "UN"),
                    ("upn_absent_reason", ""),
                    _connector="OR",
                ),
                name="children_upn_reason_only_when_absent",
            ),
        ),
    ]
