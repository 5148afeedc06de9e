#!/usr/bin/env python3
"""Checks `sparseae train --weights-mat` files with a MAT reader that is not ours (Debian's python3-scipy:
scipy.io.loadmat and whosmat), against what README.md says they hold and against the codes the model itself
computes (`sparseae featurize`). Only our own reader (src/SparseAe.Mat) read these files back before.

For each MAT file, the rows it was trained on (`--save-rows`, before --whiten zca) and featurize's codes of
those rows with the model's zip:
- its variables are README's and no others: W1 (H x V), W2 (V x H), b1 (H x 1), b2 (V x 1), single;
  `activation` and `decoder`, char rows naming one of --activation's and --decoder's values; `k`, a double
  1 x 1 whole number in 1..H, exactly for topk; `theta` (H x 1, single) exactly for jumprelu; `zcaMean`
  (V x 1) and `zcaW` (V x V), single, both or neither (--whiten zca); every number finite;
- README's formula, computed here in float64 from the file, gives featurize's codes within TOLERANCE,
  relative to 1 or the code's own size, whichever is larger (the model computes in float32, its sums
  in another order): xw = zcaW * (x - zcaMean) (xw = x without ZCA); a = sigmoid(W1 * xw + b1) for the
  sigmoid; for the sparse codes z = W1 * (xw - b2) + b1 and a = max(0, z) (relu), z .* (z > theta)
  (jumprelu), max(0, z) on the k largest z and 0 elsewhere (topk). Where float32 and float64 may fall on
  either side of a cut (z within the tolerance of theta, or of the k-th largest z), both sides are taken.
Usage: check-mat.py [--tolerance T] FILE.mat ROWS.csv CODES.csv [FILE.mat ROWS.csv CODES.csv ...]
(T defaults to 1e-4.) Prints one line per file; exits 0 when all agree, 1 with at most ten problems of
the first file that disagrees, 2 when an input cannot be read as one.
"""
import sys

import numpy as np
import scipy.io

MAX_PROBLEMS = 10
ACTIVATIONS = {'sigmoid', 'relu', 'topk', 'jumprelu'}
DECODERS = {'sigmoid', 'linear'}


def unreadable(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def read_rows(path, header):
    """The CSV's rows as a float64 matrix; its header line first when header (featurize's h0,h1,...)."""
    try:
        with open(path) as f:
            lines = [line.strip() for line in f if line.strip()]
    except OSError as e:
        unreadable(f'{path}: {e.strerror}')
    if header:
        if not lines or not lines[0].startswith('h0'):
            unreadable(f'{path}: no header line (h0,h1,...); featurize writes one')
        lines = lines[1:]
    if not lines:
        unreadable(f'{path}: no rows')
    try:
        rows = [[float(v) for v in line.split(',')] for line in lines]
    except ValueError as e:
        unreadable(f'{path}: not a number ({e})')
    if len({len(r) for r in rows}) != 1:
        unreadable(f'{path}: rows of different lengths')
    return np.array(rows, dtype=np.float64)


def check_variables(path):
    """README's variables, or the problems with them: (variables as float64 / str, problems)."""
    try:
        classes = {name: (tuple(shape), cls) for name, shape, cls in scipy.io.whosmat(path)}
        data = scipy.io.loadmat(path)
    except Exception as e:   # scipy's readers raise several kinds on a file that is no MAT file
        unreadable(f'{path}: scipy.io cannot read it: {e}')
    problems = []
    text = {}
    for name in ('activation', 'decoder'):
        if name not in classes:
            problems.append(f'{name}: missing')
        elif classes[name][1] != 'char' or classes[name][0][0] != 1:
            problems.append(f'{name}: {classes[name][1]} {classes[name][0]}, not a char row')
        else:
            text[name] = str(data[name][0])
    activation, decoder = text.get('activation'), text.get('decoder')
    if activation is not None and activation not in ACTIVATIONS:
        problems.append(f'activation: {activation!r}, not one of {sorted(ACTIVATIONS)}')
    if decoder is not None and decoder not in DECODERS:
        problems.append(f'decoder: {decoder!r}, not one of {sorted(DECODERS)}')
    if 'W1' not in classes:
        return activation, {}, problems + ['W1: missing']
    h, v = classes['W1'][0] if len(classes['W1'][0]) == 2 else (0, 0)
    expected = {'W1': ((h, v), 'single'), 'W2': ((v, h), 'single'), 'b1': ((h, 1), 'single'), 'b2': ((v, 1), 'single')}
    if activation == 'topk':
        expected['k'] = ((1, 1), 'double')
    if activation == 'jumprelu':
        expected['theta'] = ((h, 1), 'single')
    if 'zcaMean' in classes or 'zcaW' in classes:
        expected['zcaMean'] = ((v, 1), 'single')
        expected['zcaW'] = ((v, v), 'single')
    for name, (shape, cls) in expected.items():
        if name not in classes:
            problems.append(f'{name}: missing' + (f' (the {activation} code has one)' if name in ('k', 'theta') else ' (zcaMean and zcaW come together)' if name.startswith('zca') else ''))
        elif classes[name] != (shape, cls):
            problems.append(f'{name}: {classes[name][1]} {"x".join(map(str, classes[name][0]))}, not {cls} {"x".join(map(str, shape))}')
    extra = sorted(set(classes) - set(expected) - {'activation', 'decoder'})
    if extra:
        problems.append(f'variables README does not name for a {activation} model: {", ".join(extra)}')
    values = {name: data[name].astype(np.float64) for name in expected if name in data}
    for name, value in values.items():
        # README's formula on a NaN or an infinity gives NaN codes, which no tolerance refuses.
        if not problems and not np.all(np.isfinite(value)):
            problems.append(f'{name}: {value[~np.isfinite(value)][0]} at {tuple(np.argwhere(~np.isfinite(value))[0] + 1)}, not a finite number')
    if 'k' in values and not problems:
        k = values['k'][0, 0]
        if k != int(k) or not 1 <= k <= h:
            problems.append(f'k: {k}, not a whole number in 1..{h}')
    return activation, values, problems


def codes_by_readme(activation, m, x, tolerance):
    """README's codes of the rows x (one per row), and the other side of a cut where either side is right: (codes,
    other) with other NaN but where a code may also be 0 (where README keeps it) or max(0, z) (where README cuts it)."""
    xw = x if 'zcaW' not in m else (x - m['zcaMean'][:, 0]) @ m['zcaW'].T
    if activation == 'sigmoid':
        codes = 1 / (1 + np.exp(-(xw @ m['W1'].T + m['b1'][:, 0])))
        return codes, np.full(codes.shape, np.nan)
    z = (xw - m['b2'][:, 0]) @ m['W1'].T + m['b1'][:, 0]
    near = lambda a, b: np.abs(a - b) <= tolerance * np.maximum(1, np.abs(b))
    # The other side is computed from z: compared with the code featurize wrote, any value written at a cut passed.
    other_side = lambda codes, at_cut: np.where(at_cut, np.where(codes != 0, 0, np.maximum(0, z)), np.nan)
    if activation == 'relu':
        return np.maximum(0, z), np.full(z.shape, np.nan)
    if activation == 'jumprelu':
        theta = m['theta'][:, 0]
        codes = z * (z > theta)
        return codes, other_side(codes, near(z, theta))
    k = int(m['k'][0, 0])
    order = np.argsort(-z, axis=1, kind='stable')
    kept = np.zeros(z.shape, bool)
    np.put_along_axis(kept, order[:, :k], True, axis=1)
    if k == z.shape[1]:
        return np.maximum(0, z), np.full(z.shape, np.nan)
    # A row whose k-th and (k+1)-th largest z are that near: either may be kept.
    kth, next_ = (np.take_along_axis(z, order[:, i:i + 1], axis=1) for i in (k - 1, k))
    codes = np.where(kept, np.maximum(0, z), 0)
    return codes, other_side(codes, near(next_, kth) & near(z, kth) & (z > 0))


def check(path, rows_path, codes_path, tolerance):
    """The problems with one file (at most MAX_PROBLEMS of its codes), and its line when there are none."""
    activation, m, problems = check_variables(path)
    if problems:
        return problems, None
    x = read_rows(rows_path, header=False)
    codes = read_rows(codes_path, header=True)
    h, v = m['W1'].shape
    if x.shape[1] != v:
        return [f'{rows_path}: rows of {x.shape[1]} values, W1 has {v} columns'], None
    if codes.shape != (x.shape[0], h):
        return [f'{codes_path}: {codes.shape[0]} rows of {codes.shape[1]} codes, not {x.shape[0]} of {h} (a row of {rows_path} each, W1\'s {h} rows)'], None
    if not np.all(np.isfinite(codes)):
        return [f'{codes_path}: not finite at (row, code) {tuple(np.argwhere(~np.isfinite(codes))[0] + 1)}'], None
    expected, other = codes_by_readme(activation, m, x, tolerance)
    either = ~np.isnan(other)
    difference = np.abs(codes - expected)
    if either.any():   # the cut's other side: 0 where README keeps the code, or max(0, z) where README cuts it
        difference = np.where(either, np.minimum(difference, np.abs(codes - np.where(either, other, 0))), difference)
    bad = np.argwhere(~(difference <= tolerance * np.maximum(1, np.abs(expected))))   # a NaN difference too
    for r, j in bad[:MAX_PROBLEMS]:
        problems.append(f'row {r + 1}, code h{j}: featurize {codes[r, j]:.7g}, README\'s formula {expected[r, j]:.7g}')
    if len(bad) > MAX_PROBLEMS:
        problems.append(f'... {len(bad)} codes differ in all')
    cuts = f', {int(either.sum())} at a cut' if either.any() else ''
    line = (f'{path}: {activation}{" with ZCA" if "zcaW" in m else ""}, {h}x{v}: README\'s variables; its formula gives featurize\'s '
            f'{codes.size} codes of {x.shape[0]} rows within {tolerance:g} (largest difference {difference.max():.2e}{cuts}, '
            f'{int(np.count_nonzero(codes))} nonzero)')
    return problems, line


args = sys.argv[1:]
tolerance = 1e-4
if args[:1] == ['--tolerance']:
    tolerance, args = float(args[1]), args[2:]
if not args or len(args) % 3:
    unreadable('usage: check-mat.py [--tolerance T] FILE.mat ROWS.csv CODES.csv [FILE.mat ROWS.csv CODES.csv ...]')
for i in range(0, len(args), 3):
    problems, line = check(*args[i:i + 3], tolerance)
    if problems:
        print(f'{args[i]} does not hold what README.md says, or its formula does not give featurize\'s codes:', file=sys.stderr)
        for p in problems:
            print(f'  {p}', file=sys.stderr)
        sys.exit(1)
    print(line)
