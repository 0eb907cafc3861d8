"""bench.load_report: the verdict on a load run, from locust's statistics of
the measured minute and the warm-up's figures (sign-ins, failures over the whole run)."""

import csv
import json

import pytest

from bench import load_report

COLUMNS = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time"]
COLUMNS += ["50%", "95%", "99%"]


def run(tmp_path, pages: dict[str, int], *, failures=0, measured=True) -> None:
    stats = tmp_path / "locust_stats.csv"
    with stats.open("w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for name, p95 in {**pages, "Aggregated": max(pages.values())}.items():
            writer.writerow(
                {"Type": "GET", "Name": name, "Request Count": 100, "Failure Count": 0}
                | {"Median Response Time": 40, "50%": 40, "95%": p95, "99%": p95 + 1}
            )
    warmup = tmp_path / "warmup.json"
    warmup.write_text(
        json.dumps(
            {
                "users": 50,
                "signed_in": 50,
                "measured": measured,
                "sign_in_median_ms": 1000.0,
                "sign_in_max_ms": 2300.0,
                "requests": 3000,
                "failures": failures,
            }
        )
    )
    load_report.main(str(stats), str(warmup))


@pytest.mark.parametrize(
    ("pages", "failures", "measured", "verdict"),
    [
        ({"my work": 150, "child page": 300}, 0, True, "target met"),
        ({"my work": 150, "child page": 301}, 0, True, "target MISSED"),
        # a failed sign-in in the warm-up fails the run, fast pages or not
        ({"my work": 150}, 1, True, "target MISSED"),
        # the last user never signed in: nothing was measured under the full load
        ({"my work": 150}, 0, False, "target MISSED"),
    ],
)
def test_verdict(tmp_path, capsys, pages, failures, measured, verdict):
    run(tmp_path, pages, failures=failures, measured=measured)
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith(verdict)
    assert "sign-in median 1000 ms, slowest 2300 ms" in out


def test_sign_in_rows_are_not_pages(tmp_path, capsys):
    run(tmp_path, {"my work": 120, "sign in": 2400, "sign in (form)": 2000})
    out = capsys.readouterr().out
    assert "worst page p95 120 ms" in out
    assert out.strip().endswith("target met")
