#!/usr/bin/env python3
"""Cases of .ci/check-mat.py: on small MAT files written here with scipy.io.savemat as `sparseae train
--weights-mat` writes them, with rows and the codes README's formula gives them (computed here row by row,
code by code, not as check-mat.py computes them), it must pass what agrees and refuse what does not (exit 1:
a variable perturbed, missing, of another shape or class, or one README does not name; codes that differ)
or is no MAT file (exit 2). Run by .ci/run, on Debian's python3-scipy."""
import math
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io

here = os.path.dirname(os.path.abspath(__file__))
H, V, ROWS = 5, 7, 20
rng = random.Random(3)
single = lambda rows, cols, scale=1.0: np.array([[rng.uniform(-scale, scale) for _ in range(cols)] for _ in range(rows)], np.float32)
W1, W2, b1, b2, theta = single(H, V), single(V, H), single(H, 1, 0.3), single(V, 1, 0.3), single(H, 1, 0.2) + np.float32(0.2)
zcaMean, zcaW = single(V, 1, 0.5), single(V, V)
x = [[rng.uniform(0, 1) for _ in range(V)] for _ in range(ROWS)]


def codes(activation, k=2, zca=False):
    """README's codes of x, in plain Python floats: xw = zcaW * (x - zcaMean) with ZCA, then f."""
    out = []
    for row in x:
        xw = [sum(float(zcaW[i, j]) * (row[j] - float(zcaMean[j, 0])) for j in range(V)) for i in range(V)] if zca else row
        if activation == 'sigmoid':
            out.append([1 / (1 + math.exp(-(sum(float(W1[h, j]) * xw[j] for j in range(V)) + float(b1[h, 0])))) for h in range(H)])
            continue
        z = [sum(float(W1[h, j]) * (xw[j] - float(b2[j, 0])) for j in range(V)) + float(b1[h, 0]) for h in range(H)]
        if activation == 'relu':
            out.append([max(0.0, v) for v in z])
        elif activation == 'jumprelu':
            out.append([v if v > float(theta[h, 0]) else 0.0 for h, v in enumerate(z)])
        else:
            largest = sorted(range(H), key=lambda h: -z[h])[:k]
            out.append([max(0.0, z[h]) if h in largest else 0.0 for h in range(H)])
    return out


def variables(activation, k=2, zca=False):
    v = {'W1': W1, 'W2': W2, 'b1': b1, 'b2': b2, 'activation': activation, 'decoder': 'sigmoid' if activation == 'sigmoid' else 'linear'}
    if activation == 'topk':
        v['k'] = np.array([[float(k)]])
    if activation == 'jumprelu':
        v['theta'] = theta
    if zca:
        v['zcaMean'], v['zcaW'] = zcaMean, zcaW
    return v


def changed(v, **changes):
    out = dict(v)
    for name, value in changes.items():
        if value is None:
            del out[name]
        else:
            out[name] = value
    return out


def perturbed(a, by=1e-3):
    a = a.copy()
    a.flat[1] += np.float32(by)
    return a


def with_value(a, value):
    a = a.copy()
    a.flat[1] = value
    return a


relu, topk, jump = variables('relu'), variables('topk'), variables('jumprelu')
zca_jump = variables('jumprelu', zca=True)
relu_codes, topk_codes, jump_codes, zca_codes = codes('relu'), codes('topk'), codes('jumprelu'), codes('jumprelu', zca=True)
# A code at a JumpReLU cut (z equal to its theta): either side is right, the code z or 0, and nothing else. The check
# compared the code with itself as the cut's other side, so any value written there passed (5.0 where z is 0.4).
def z_of(row, h):
    return sum(float(W1[h, j]) * (row[j] - float(b2[j, 0])) for j in range(V)) + float(b1[h, 0])


cut_h = next(h for h in range(H) if z_of(x[0], h) > 0.1)
cut_theta = theta.copy()
cut_theta[cut_h, 0] = np.float32(z_of(x[0], cut_h))
cut_jump = changed(jump, theta=cut_theta)


def at_cut(first):
    out = [[v if v > float(cut_theta[h, 0]) else 0.0 for h, v in enumerate(z_of(row, h) for h in range(H))] for row in x]
    out[0][cut_h] = first
    return out


cases = [
    ('a JumpReLU code at its cut, kept', cut_jump, at_cut(z_of(x[0], cut_h)), 0),
    ('a JumpReLU code at its cut, cut', cut_jump, at_cut(0.0), 0),
    ('a JumpReLU code at its cut, neither side', cut_jump, at_cut(5.0), 1),
    ('the sigmoid', variables('sigmoid'), codes('sigmoid'), 0),
    ('relu', relu, relu_codes, 0),
    ('topk', topk, topk_codes, 0),
    ('jumprelu with ZCA', zca_jump, zca_codes, 0),
    ('codes 1e-6 off', relu, [[c + 1e-6 for c in r] for r in relu_codes], 0),
    ('W1 perturbed by 1e-3', changed(relu, W1=perturbed(W1)), relu_codes, 1),
    ('b2 perturbed by 1e-3', changed(relu, b2=perturbed(b2)), relu_codes, 1),
    ('zcaW perturbed by 1e-3', changed(zca_jump, zcaW=perturbed(zcaW)), zca_codes, 1),
    ('W1 written transposed', changed(relu, W1=W1.T.copy()), relu_codes, 1),
    ('W1 in doubles', changed(relu, W1=W1.astype(np.float64)), relu_codes, 1),
    ('b1 a row, not a column', changed(relu, b1=b1.T.copy()), relu_codes, 1),
    ('W2 missing', changed(relu, W2=None), relu_codes, 1),
    ('topk without k', changed(topk, k=None), topk_codes, 1),
    ('k of another value', changed(topk, k=np.array([[3.0]])), topk_codes, 1),
    ('k not whole', changed(topk, k=np.array([[2.5]])), topk_codes, 1),
    ('jumprelu without theta', changed(jump, theta=None), jump_codes, 1),
    ('zcaW without zcaMean', changed(zca_jump, zcaMean=None), zca_codes, 1),
    ('a variable README does not name', changed(relu, extra=np.zeros((1, 1), np.float32)), relu_codes, 1),
    ('k for relu', changed(relu, k=np.array([[2.0]])), relu_codes, 1),
    ('an activation README does not name', changed(relu, activation='gelu'), relu_codes, 1),
    ('the activation a number', changed(relu, activation=np.array([[1.0]])), relu_codes, 1),
    ('relu named, topk computed', changed(topk, activation='relu', k=None), topk_codes, 1),
    ('a row of codes missing', relu, relu_codes[:-1], 1),
    ('a code missing from each row', relu, [r[:-1] for r in relu_codes], 1),
    ('a NaN code', relu, [[math.nan] + r[1:] for r in relu_codes[:1]] + relu_codes[1:], 1),
    # A NaN in the file made README's formula NaN, and a NaN difference passed the tolerance ("largest difference nan").
    ('a NaN in W1', changed(relu, W1=with_value(W1, np.nan)), relu_codes, 1),
    ('a NaN in the sigmoid\'s b1', changed(variables('sigmoid'), b1=with_value(b1, np.nan)), codes('sigmoid'), 1),
    ('a NaN in theta', changed(jump, theta=with_value(theta, np.nan)), jump_codes, 1),
    ('an infinity in zcaW', changed(zca_jump, zcaW=with_value(zcaW, np.inf)), zca_codes, 1),
    ('not a MAT file', None, relu_codes, 2),
]


def run(mat, code_rows):
    with tempfile.TemporaryDirectory() as folder:
        mat_path, rows_path, codes_path = (os.path.join(folder, name) for name in ('w.mat', 'rows.csv', 'codes.csv'))
        if mat is None:
            with open(mat_path, 'w') as f:
                f.write('W1,W2\n')
        else:
            scipy.io.savemat(mat_path, mat)
        with open(rows_path, 'w') as f:
            f.write(''.join(','.join(repr(v) for v in row) + '\n' for row in x))
        with open(codes_path, 'w') as f:
            f.write(','.join(f'h{h}' for h in range(len(code_rows[0]))) + '\n')
            f.write(''.join(','.join(repr(v) for v in row) + '\n' for row in code_rows))
        result = subprocess.run([sys.executable, os.path.join(here, 'check-mat.py'), mat_path, rows_path, codes_path],
                                capture_output=True, text=True)
        # A traceback exits 1 like a found difference: it must not pass for one.
        if 'Traceback' in result.stderr:
            sys.exit(f'check-mat.py failed on a case: {result.stderr.strip().splitlines()[-1]}')
        return result.returncode


results = [(name, run(mat, code_rows), code) for name, mat, code_rows, code in cases]
failures = [(name, got, code) for name, got, code in results if got != code]
for name, got, code in failures:
    print(f'check-mat.py got this case wrong: {name} (exit {got}, not {code})')
print(f'check-mat.py: {len(results) - len(failures)} of {len(results)} cases right')
sys.exit(1 if failures else 0)
