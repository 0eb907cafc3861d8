"""Summarise a load run against the scale target: pages under 300 ms at p95 with
every user signed in, and no failed request in the whole run.

Run: python -m bench.load_report test-results/load/locust_stats.csv \
         test-results/load/warmup.json

locust_stats.csv holds the measured minute (bench/locustfile.py resets the statistics
when the last user has signed in); warmup.json the sign-ins' times and the failures
counted over the whole run, warm-up included.
"""

import csv
import json
import sys

TARGET_MS = 300


def main(stats_path: str, warmup_path: str) -> int:
    with open(stats_path, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(warmup_path) as f:
        warmup = json.load(f)
    pages = [
        r for r in rows if r["Name"] != "Aggregated" and "sign in" not in r["Name"]
    ]
    print(
        f"warm-up: {warmup['signed_in']} of {warmup['users']} users signed in, sign-in "
        f"median {warmup['sign_in_median_ms']:.0f} ms, slowest "
        f"{warmup['sign_in_max_ms']:.0f} ms"
    )
    print(
        f"{'page':34} {'requests':>8} {'fails':>6} {'median':>7} {'p95':>7} {'p99':>7}"
    )
    worst = 0.0
    for r in pages:
        worst = max(worst, float(r["95%"]))
        print(
            f"{r['Name']:34} {r['Request Count']:>8} {r['Failure Count']:>6} "
            f"{r['Median Response Time']:>7} {r['95%']:>7} {r['99%']:>7}"
        )
    total = sum(int(r["Request Count"]) for r in pages)
    print(
        f"measured minute: {total} page requests; worst page p95 {worst:.0f} ms (target "
        f"{TARGET_MS} ms); whole run: {warmup['requests']} requests, "
        f"{warmup['failures']} failed"
    )
    met = warmup["measured"] and worst <= TARGET_MS and warmup["failures"] == 0
    print("target met" if met else "target MISSED (see docs/performance.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
