"""Benchmark: one record of review rendered to a tagged PDF must take under 2 seconds.

Run: python -m bench.bench_record_pdf [--runs 10] [--decisions 8]

A long record (every section written, about 1,000 words in all, with the given number
of decisions) is built through the services in a throwaway database. Each document of
the record (the letter to the child, a parent's version, the professional record) is
timed from the template to the PDF bytes, as the background task does it: render the
HTML, then WeasyPrint with the static-only fetcher, PDF/UA-1 and tags. The first run
of the process is reported on its own (it loads fonts and WeasyPrint's stylesheets),
then the median and the worst of `--runs` runs. Exits non-zero when any median or the
first run is 2 seconds or more.
"""

import argparse
import os
import platform
import statistics
import sys
import time

LIMIT_SECONDS = 2.0

PARAGRAPH = (
    "You told me that things at home are better since the summer, and that you "
    "like walking the dog with Carol after school. You are proud of your swimming "
    "badge and of the poster you made about recycling, which your teacher put on "
    "the wall. Some days are still hard, especially on Sunday evenings, and you said "
    "it helps when you can talk to someone before bed. "
)


def long_sections() -> dict[str, str]:
    """Every section of the record, each a few paragraphs long."""
    from reviews.models import RecordSection

    return {key: PARAGRAPH * 3 for key in RecordSection.Key.values}


def build_record(decisions: int):
    """A finalised review with a long record and `decisions` decisions; return (review, mum)."""
    from tests.reporting.samples import sample_review, sample_world

    review, people = sample_review(
        sample_world(),
        "middle",
        "8_to_12",
        sections=long_sections(),
        extra_decisions=max(0, decisions - 2),
    )
    return review, people["mum"]


def time_spec(spec, runs: int) -> tuple[float, float, float]:
    """First run, median and worst of `runs` more: template to PDF bytes."""
    from documents.pdf import html_to_pdf, render_html

    def once() -> float:
        start = time.perf_counter()
        pdf = html_to_pdf(render_html(spec.template, spec.full_context()))
        elapsed = time.perf_counter() - start
        assert pdf.startswith(b"%PDF-")
        return elapsed

    first = once()
    times = [once() for _ in range(runs)]
    return first, statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--decisions", type=int, default=8)
    args = parser.parse_args()

    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from tests.reporting.samples import setup_django, throwaway_database

    setup_django()
    import weasyprint

    from documents.documents import record_specs

    print(
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), one process"
    )
    failed = False
    with throwaway_database():
        review, mum = build_record(args.decisions)
        words = sum(len(s.text.split()) for s in review.record.sections.all())
        print(
            f"Record: {review.record.sections.count()} sections, {words} words, {review.decisions.count()} decisions; {args.runs} runs each"
        )
        print(f"{'Document':<34} {'pages':>5} {'first':>8} {'median':>8} {'worst':>8}")
        for spec in record_specs(review):
            if spec.invitee not in (None, mum):
                continue
            first, median, worst = time_spec(spec, args.runs)
            pages = _pages(spec)
            failed |= median >= LIMIT_SECONDS or first >= LIMIT_SECONDS
            label = spec.get_kind_display().replace("Record of review: ", "")
            print(
                f"{label:<34} {pages:>5} {first:>7.2f}s {median:>7.2f}s {worst:>7.2f}s"
            )
    print(
        f"Limit: {LIMIT_SECONDS:.1f} s per record document: {'FAILED' if failed else 'met'}"
    )
    return 1 if failed else 0


def _pages(spec) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    from documents.pdf import html_to_pdf, render_html

    return len(
        PdfReader(
            BytesIO(html_to_pdf(render_html(spec.template, spec.full_context())))
        ).pages
    )


if __name__ == "__main__":
    sys.exit(main())
