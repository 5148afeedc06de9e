#!/usr/bin/env python3
"""Cases of .ci/compare-features.py: on small feature CSVs, it must pass what agrees within the tolerance
and refuse what does not (exit 1) or is no feature CSV to compare (exit 2). Run by .ci/run."""
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
expected = 'h0,h1\n0.1,0.2\n0.3,0.4\n'
cases = [
    ('the same features', expected, 0),
    ('a feature within the tolerance', 'h0,h1\n0.1,0.2000005\n0.3,0.4\n', 0),
    ('a feature beyond the tolerance', 'h0,h1\n0.1,0.21\n0.3,0.4\n', 1),
    ('a NaN', 'h0,h1\n0.1,nan\n0.3,0.4\n', 1),
    ('an infinity', 'h0,h1\n0.1,inf\n0.3,0.4\n', 1),
    ('a row missing', 'h0,h1\n0.1,0.2\n', 1),
    ('a feature missing', 'h0,h1\n0.1,0.2\n0.3\n', 1),
    ('another header', 'h0,h2\n0.1,0.2\n0.3,0.4\n', 1),
    ('an empty file', '', 2),
    ('no header', '0.1,0.2\n0.3,0.4\n', 2),
]
# Both files a header alone: 0 rows compared must not pass.
empty_cases = [('a header and no rows on both sides', 'h0,h1\n', 'h0,h1\n', 2)]


def run(expected_text, actual_text):
    paths = []
    try:
        for text in (expected_text, actual_text):
            with tempfile.NamedTemporaryFile('w', suffix='.csv', delete=False) as f:
                f.write(text)
            paths.append(f.name)
        result = subprocess.run([sys.executable, os.path.join(here, 'compare-features.py'), *paths, '1e-6'],
                                capture_output=True, text=True)
        # A traceback exits 1 like a found difference: it must not pass for one.
        if 'Traceback' in result.stderr:
            sys.exit(f'compare-features.py failed on a case: {result.stderr.strip().splitlines()[-1]}')
        return result.returncode
    finally:
        for p in paths:
            os.unlink(p)


results = [(name, run(expected, actual), code) for name, actual, code in cases]
results += [(name, run(e, a), code) for name, e, a, code in empty_cases]
failures = [(name, got, code) for name, got, code in results if got != code]
for name, got, code in failures:
    print(f'compare-features.py got this case wrong: {name} (exit {got}, not {code})')
print(f'compare-features.py: {len(results) - len(failures)} of {len(results)} cases right')
sys.exit(1 if failures else 0)
