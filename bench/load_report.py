"""Summarise a locust CSV against the issue 10 target: pages under 300 ms at p95.

Run: python -m bench.load_report test-results/load/locust_stats.csv
"""

import csv
import sys

TARGET_MS = 300


def main(path: str) -> int:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    pages = [
        r
        for r in rows
        if r["Name"] not in ("Aggregated",) and "sign in" not in r["Name"]
    ]
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] == "Aggregated")
    print(
        f"{'page':34} {'requests':>8} {'fails':>6} {'median':>7} {'p95':>7} {'p99':>7}"
    )
    worst = 0
    for r in pages:
        p95 = float(r["95%"])
        worst = max(worst, p95)
        print(
            f"{r['Name']:34} {r['Request Count']:>8} {r['Failure Count']:>6} "
            f"{r['Median Response Time']:>7} {r['95%']:>7} {r['99%']:>7}"
        )
    total = sum(int(r["Request Count"]) for r in pages)
    print(
        f"pages: {total} requests; worst page p95 {worst:.0f} ms (target {TARGET_MS} ms);"
        f" failures in all requests: {failures}"
    )
    met = worst <= TARGET_MS and failures == 0
    print("target met" if met else "target MISSED (see docs/performance.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
