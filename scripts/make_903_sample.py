"""Write a generated SSDA903 return (header, episodes, reviews) for a collection year.

Usage: python scripts/make_903_sample.py --year 2026 --output DIR [--children 60]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ssda903.sample import sample_files  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--children", type=int, default=60)
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    for name, text in sample_files(year=args.year, children=args.children).items():
        (args.output / name).write_text(text, encoding="utf-8", newline="")
        print(f"{args.output / name}: {text.count(chr(10)) - 1} rows")


if __name__ == "__main__":
    main()
