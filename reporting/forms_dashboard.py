"""Filters of the dashboards and the annual report: ids and dates in the query string."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Role, Team, User
from children.forms import IroChoiceField
from core.forms import GovUKDateField, GovUKForm, LongSelect
from reporting.queries import MEASURES, Period

LONGEST_DAYS = 731  # two years: every day of the period is looked up once in SQL
FIRST_YEAR = 2011  # the CPPCR 2010 came into force on 1 April 2011


class DashboardFilterForm(GovUKForm):
    start = GovUKDateField(label="Start of the period", required=False)
    end = GovUKDateField(label="End of the period", required=False)
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    iro = IroChoiceField(
        label="IRO",
        widget=LongSelect,
        queryset=User.objects.none(),
        required=False,
        empty_label="All IROs",
        error_messages={"invalid_choice": "Choose an IRO from the list"},
    )

    def __init__(self, *args, teams=None, today: date, with_iro=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["team"].queryset = (
            teams
            if teams is not None
            else Team.objects.filter(kind=Team.Kind.SOCIAL_WORK)
        )
        if with_iro:
            # One row per IRO: a user is in a group once, so no DISTINCT is needed.
            self.fields["iro"].queryset = User.objects.filter(groups__name=Role.IRO)
        else:
            del self.fields["iro"]

    def clean(self):
        data = super().clean()
        default = Period.financial_year_of(self.today)
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        start, end = start or default.start, end or default.end
        if end < start:
            self.add_error("end", "The end of the period must be on or after its start")
        elif (end - start).days >= LONGEST_DAYS:
            self.add_error("end", "The period must be 2 years or shorter")
        data["period"] = Period(start, end)
        return data


class DrilldownForm(DashboardFilterForm):
    measure = forms.ChoiceField(
        choices=[(k, m.title) for k, m in MEASURES.items()]
        + [("caseload", "Caseload")],
        required=False,
        error_messages={"invalid_choice": "Choose a figure from the dashboard"},
    )
    show = forms.ChoiceField(
        choices=[("", "All"), ("counted", "Counted")], required=False
    )
    format = forms.ChoiceField(choices=[("", "Page"), ("csv", "CSV")], required=False)

    def clean_measure(self):
        return self.cleaned_data.get("measure") or "t1"


class DownloadForm(DashboardFilterForm):
    table = forms.CharField(max_length=60, required=False)

    def clean_table(self):
        key = self.cleaned_data.get("table") or "timeliness"
        if not all(c.isalnum() or c in "-_" for c in key):
            raise ValidationError("Choose a table from the dashboard")
        return key


class AnnualReportForm(GovUKForm):
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Choose a financial year from the list"},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = Period.financial_year_of(today).start.year
        self.fields["year"].choices = [
            (y, f"{y}/{str(y + 1)[2:]}{' (so far)' if y == self.current else ''}")
            for y in range(self.current, FIRST_YEAR - 1, -1)
        ]

    def clean_year(self):
        # By default, the last whole financial year.
        return self.cleaned_data.get("year") or self.current - 1
