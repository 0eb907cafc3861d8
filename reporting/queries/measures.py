"""Every ratio measure by key: its plain-language title, its formula as implemented,
its source (regulation or local standard, with the rule codes of docs/rules.md), and
the function that computes it (docs/reporting.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from reporting.queries import participation as pn
from reporting.queries import service, timeliness
from reporting.queries.base import Figure, Filters, Month, Period, monthly


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    formula: str
    reference: str
    compute: Callable[[Period, Filters], Figure]
    rows_are: str  # review, child, period, progress, feedback, iro, challenge
    counted: str  # what a row in the numerator is, in the drill-down
    month_field: str | None = None  # places a row in a month, for the trend

    def figure(self, period: Period, f: Filters) -> Figure:
        return self.compute(period, f)

    def trend(self, figure: Figure, period: Period) -> list[Month]:
        """The figure's rows by month (one grouped query, unless the figure was
        counted by this measure's month already)."""
        if figure.months is not None and figure.month_field == self.month_field:
            return list(figure.months)
        return monthly(figure.rows, Q(counted=True), self.month_field, period)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "t1",
            "Reviews held on time (reviews due)",
            "Reviews whose due date (for an additional review, the due date it replaced) "
            "is in the period, held on or before it, over all such reviews held or overdue. "
            "Cancelled for any reason but 'other': left out. Due but not held: late.",
            "KPI-T1; CPPCR reg. 33 (SI 2010/959)",
            timeliness.reviews_in_timescale_due,
            "review",
            "Held on time",
            "due_counted",
        ),
        Measure(
            "t2",
            "Reviews held on time (reviews held)",
            "Reviews with a record date in the period held on or before their due date, "
            "over all reviews held in the period.",
            "KPI-T2; CPPCR reg. 33 (SI 2010/959)",
            timeliness.reviews_in_timescale_held,
            "review",
            "Held on time",
            "record_date",
        ),
        Measure(
            "t3",
            "Children whose reviews were all on time",
            "Children looked after on the last day of the period with a review due in it "
            "(as KPI-T1), every one of those reviews on time.",
            "KPI-T3; CPPCR reg. 33 (SI 2010/959)",
            timeliness.children_all_reviews_on_time,
            "child",
            "Every review on time",
        ),
        Measure(
            "t4",
            "First reviews within 20 working days",
            "First reviews due in the period (or the additional review that replaced one) "
            "held within 20 working days of the child becoming looked after.",
            "KPI-T4; T4: CPPCR reg. 33(1) (SI 2010/959)",
            timeliness.first_reviews_on_time,
            "review",
            "Within 20 working days",
            "due_counted",
        ),
        Measure(
            "t5",
            "IRO allocated within 5 working days",
            "Periods of care starting in the period (not short breaks) with an IRO "
            "allocated within 5 working days; not yet allocated and past the deadline: late.",
            "KPI-T5; T2: Children Act 1989 s.25A; IRO Handbook",
            timeliness.iro_allocated_in_time,
            "period",
            "Allocated in time",
            "started_on",
        ),
        Measure(
            "t6_rd",
            "Decisions submitted within 5 working days",
            "Reviews held in the period whose decisions and recommendations were "
            "submitted within 5 working days of the record date.",
            "KPI-T6a; T16: local practice standard (S-DUD)",
            timeliness.decisions_in_time,
            "review",
            "Submitted in time",
            "record_date",
        ),
        Measure(
            "t6_record",
            "Record sent within 20 working days",
            "Reviews held in the period whose record was first sent within 20 working "
            "days of the record date.",
            "KPI-T6b; T19: local practice standard (S-DUD)",
            timeliness.record_sent_in_time,
            "review",
            "Sent in time",
            "record_date",
        ),
        Measure(
            "t6_plan",
            "Care plan update confirmed within 10 working days",
            "Reviews held in the period closed with the care plan update confirmed "
            "within 10 working days of the record date.",
            "KPI-T6c; T20: local practice standard (S-DUD)",
            timeliness.care_plan_updated_in_time,
            "review",
            "Confirmed in time",
            "record_date",
        ),
        Measure(
            "t6_notify",
            "IRO service told within 24 hours",
            "Periods of care starting in the period where the IRO service was notified "
            "within 24 hours (without a time: by the end of the next day).",
            "KPI-T6d; T1; D-24H: local practice standard (S-DUD)",
            timeliness.notified_in_time,
            "period",
            "Told in time",
            "started_on",
        ),
        Measure(
            "t7",
            "Progress reviews done by the target date",
            "Mid-point progress reviews with a target date in the period, done on or "
            "before it.",
            "KPI-T7; T24; D-MID: local practice standard (S-DUD)",
            timeliness.progress_reviews_in_time,
            "progress",
            "Done in time",
            "target_date",
        ),
        Measure(
            "t8_adjourned",
            "Reviews adjourned",
            "Reviews held in the period that were adjourned, over all reviews held.",
            "KPI-T8a: CPPCR reg. 36(2) (SI 2010/959)",
            timeliness.adjourned,
            "review",
            "Adjourned",
            "record_date",
        ),
        Measure(
            "t8_reconvened",
            "Adjourned reviews completed within 20 working days",
            "Adjourned reviews whose reconvene-by date is in the period, completed by "
            "it, over those held or past the date. Adjourned and not yet held once the "
            "date has passed: late.",
            "KPI-T8b; T22: CPPCR reg. 36(2) (SI 2010/959)",
            timeliness.reconvened_in_time,
            "review",
            "Completed in time",
            "reconvene_by",
        ),
        Measure(
            "t9",
            "Late reviews the service manager authorised",
            "Reviews due in the period that were late (held after their due date, or "
            "not held by today), and of those, the ones the service manager had "
            "authorised in advance.",
            "KPI-T9; T23: local practice standard (S-DUD)",
            timeliness.late_reviews_authorised,
            "review",
            "Authorised",
            "due_counted",
        ),
        Measure(
            "participation",
            "Children who took part in their review",
            "Reviews held in the period with PN1 to PN6, over those with PN1 to PN7 "
            "(PN0, under 4, left out).",
            "D-PN; SSDA903 participation codes PN0-PN7",
            pn.participation,
            "review",
            "Took part",
            "record_date",
        ),
        Measure(
            "views_conveyed",
            "Children whose views were heard",
            "PN1, PN2, PN3, PN5 and PN6 over PN1 to PN7 (PN4, attended without "
            "contributing, is not counted).",
            "D-PN; SSDA903 participation codes PN0-PN7",
            pn.views_conveyed,
            "review",
            "Views conveyed",
            "record_date",
        ),
        Measure(
            "attendance",
            "Children who came to their review",
            "PN1 to PN4 over PN1 to PN7.",
            "D-PN; SSDA903 participation codes PN0-PN7",
            pn.physical_attendance,
            "review",
            "Attended",
            "record_date",
        ),
        Measure(
            "no_participation",
            "Children who did not take part",
            "PN7 over PN1 to PN7.",
            "D-PN; SSDA903 participation codes PN0-PN7",
            pn.no_participation,
            "review",
            "Did not take part",
            "record_date",
        ),
        Measure(
            "chaired",
            "Reviews chaired or co-chaired by young people aged 11 or over",
            "Reviews held in the period of young people aged 11 or over on the record "
            "date, chaired or co-chaired by them.",
            "local practice (S-GLO: young people over 11 chairing)",
            pn.young_person_chaired,
            "review",
            "Chaired or co-chaired",
            "record_date",
        ),
        Measure(
            "chaired_all",
            "Reviews chaired or co-chaired by the child (any age)",
            "Reviews held in the period chaired or co-chaired by the child, over all "
            "reviews held here (not imported).",
            "local practice (S-GLO, S-ESX)",
            pn.young_person_chaired_count,
            "review",
            "Chaired or co-chaired",
            "record_date",
        ),
        Measure(
            "asks",
            "What children asked for, done",
            "The asks from each child's Review Choices with a known answer in reviews "
            "held in the period, and how many were met (reviews.asks); the rows are "
            "the reviews, counted when every ask was met.",
            "local practice standard (S-DUD, Appendices 2a and 2b); reviews/asks.py",
            pn.asks_honoured,
            "review",
            "Every ask met",
            "record_date",
        ),
        Measure(
            "feedback",
            "People satisfied with the review",
            "Feedback on reviews held in the period answering 'satisfied', over all "
            "feedback that answered the question.",
            "local practice (S-GLO; S-DUD Appendix 1, T31)",
            service.feedback_satisfied,
            "feedback",
            "Satisfied",
            "review__record_date",
        ),
        Measure(
            "feedback_children",
            "Children and young people satisfied with their review",
            "As above, children's own feedback only.",
            "local practice (S-GLO; S-DUD Appendix 1, T31)",
            service.feedback_children_satisfied,
            "feedback",
            "Satisfied",
            "review__record_date",
        ),
        Measure(
            "contacts",
            "Children their IRO saw or spoke to between reviews",
            "Children with a review held in the period with at least one IRO visit or "
            "contact not tied to a review, during the period.",
            "Children Act 1989 s.25B(1) (the IRO monitors the case); S-DUD",
            service.contacts_between_reviews,
            "child",
            "Contacted",
        ),
        Measure(
            "challenges",
            "Challenges raised, and how many went formal",
            "Challenges raised in the period; the numerator is those at formal level.",
            "IRO Handbook ch. 6; S-GLO (concerns raised)",
            service.challenges_raised,
            "challenge",
            "Formal",
            "raised_on",
        ),
        Measure(
            "observed",
            "IROs observed chairing a review",
            "Active IROs with at least one practice observation in the period.",
            "local practice standard (S-DUD: observed at least annually)",
            service.iros_observed,
            "iro",
            "Observed",
        ),
    ]
}

TRENDS = ["t1", "t2", "participation", "t5"]
