#!/usr/bin/env python3
"""Compares two feature CSVs written by `sparseae featurize` for the same model and rows.

Usage: compare-features.py EXPECTED ACTUAL TOLERANCE

The header (the feature names) and the row and column counts must match exactly; each feature must
lie within TOLERANCE of the expected one (absolute: CI compares the main job's sigmoid code, whose
features lie in (0, 1); a ReLU or TopK code would want a tolerance scaled to its values). A NaN or an
infinity is a difference. Floats are not compared exactly because the encoder's sums may be ordered
differently on another vector width (docs/performance.md).
Exits 0 when they agree, 1 with at most ten differences otherwise, 2 when a file cannot be read as a
feature CSV or holds no rows.
"""
import csv
import math
import sys

MAX_PROBLEMS = 10


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def read(path):
    """(header, rows of floats) of a featurize CSV; exits 2 with the reason when it is not one."""
    with open(path, newline='') as f:
        lines = [row for row in csv.reader(f) if row]
    if not lines:
        fail(f'{path}: empty; a feature CSV starts with a header line (h0,h1,...)')
    header, rows = lines[0], []
    if any(_is_number(name) for name in header):
        fail(f'{path}: the first line is {",".join(header[:3])}...; a feature CSV starts with a header line (h0,h1,...)')
    for i, row in enumerate(lines[1:], start=2):
        try:
            rows.append([float(v) for v in row])
        except ValueError as e:
            fail(f'{path}, line {i}: not a number ({e})')
    # Two files of a header alone agreed (0 rows compared): a featurize that wrote no rows passed.
    if not rows:
        fail(f'{path}: a header and no rows; there are no features to compare')
    return header, rows


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def main(expected_path, actual_path, tolerance):
    expected_header, expected = read(expected_path)
    actual_header, actual = read(actual_path)
    problems = []
    if expected_header != actual_header:
        problems.append(f'header: expected {len(expected_header)} names {",".join(expected_header[:3])}..., '
                        f'found {len(actual_header)} names {",".join(actual_header[:3])}...')
    if len(expected) != len(actual):
        problems.append(f'rows: {len(expected)} expected, {len(actual)} found')
    largest = 0.0
    for i, (e, a) in enumerate(zip(expected, actual), start=1):
        if len(e) != len(a):
            problems.append(f'row {i}: {len(e)} features expected, {len(a)} found')
            continue
        for j, (x, y) in enumerate(zip(e, a)):
            d = abs(x - y)
            if math.isnan(d) or d > largest:
                largest = d
            if not d <= tolerance:   # NaN fails here too
                problems.append(f'row {i}, feature {j}: {y!r}, expected {x!r} (tolerance {tolerance})')
    for p in problems[:MAX_PROBLEMS]:
        print(p, file=sys.stderr)
    if len(problems) > MAX_PROBLEMS:
        print(f'... and {len(problems) - MAX_PROBLEMS} more', file=sys.stderr)
    print(f'{len(actual)} rows of {len(actual_header)} features; largest difference {largest:.3g} (tolerance {tolerance})')
    return 1 if problems else 0


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
