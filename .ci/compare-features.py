#!/usr/bin/env python3
"""Compares two feature CSVs written by `sparseae featurize` for the same model and rows.

Usage: compare-features.py EXPECTED ACTUAL TOLERANCE

The header must match exactly, and so must the row and column counts; each feature within TOLERANCE
(absolute: the features are sigmoid outputs in (0, 1)). Floats are not compared exactly because the
encoder's sums may be ordered differently on another vector width (docs/performance.md).
Exits 0 when they agree, 1 with the first differences otherwise.
"""
import csv
import sys


def read(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(v) for v in row] for row in rows[1:] if row]


def main(expected_path, actual_path, tolerance):
    expected_header, expected = read(expected_path)
    actual_header, actual = read(actual_path)
    problems = []
    if expected_header != actual_header:
        problems.append(f'header: {len(expected_header)} columns expected, {len(actual_header)} found, or their names differ')
    if len(expected) != len(actual):
        problems.append(f'rows: {len(expected)} expected, {len(actual)} found')
    largest = 0.0
    for i, (e, a) in enumerate(zip(expected, actual)):
        if len(e) != len(a):
            problems.append(f'row {i + 1}: {len(e)} features expected, {len(a)} found')
            continue
        for j, (x, y) in enumerate(zip(e, a)):
            d = abs(x - y)
            largest = max(largest, d)
            if not d <= tolerance and len(problems) < 10:
                problems.append(f'row {i + 1}, feature {j}: {y!r}, expected {x!r} (tolerance {tolerance})')
    for p in problems:
        print(p, file=sys.stderr)
    print(f'{len(actual)} rows of {len(actual_header)} features; largest difference {largest:.3g} (tolerance {tolerance})')
    return 1 if problems else 0


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
