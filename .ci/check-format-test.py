#!/usr/bin/env python3
"""Cases of .ci/check-format.py: on ML.NET-style zips written here from the documented layouts (a sigmoid, a TopK
model with its weights CSV, ZCA before an autoencoder, a featurizer with its nested blocks, a token vocabulary),
it must pass the valid ones and refuse (exit non-zero, no pass line) each single damage: a flipped payload byte
(the CRC-32), a wrong magic, a minimum reader version above the version or above the newest, a byte after the
last field (with its CRC-32 made good), a nested block's length counting bytes after it, a NaN weight, a sparse
code with the sigmoid decoder, an empty output column name, a weights CSV that differs in one float or lacks a
row, a zip without SparseAe's entries, and a file that is no zip. Run by .ci/run; Python's stdlib only."""
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

here = os.path.dirname(os.path.abspath(__file__))
i32, i64, f64 = (lambda v: struct.pack('<i', v)), (lambda v: struct.pack('<q', v)), (lambda v: struct.pack('<d', v))


def f32s(values):
    return struct.pack(f'<{len(values)}f', *values)


def names(*ns):
    return i32(len(ns)) + b''.join(i32(len(n.encode())) + n.encode() for n in ns)


def block(magic, version, minimum, payload, crc=None):
    return magic + struct.pack('<IIi', version, minimum, len(payload)) + payload + struct.pack('<I', zlib.crc32(payload) if crc is None else crc)


def weights(v, h):
    return [((k * 37) % 11 - 5) / 8 for k in range(2 * h * v + h + v)]


def autoencoder(v=4, h=3, activation=0, decoder=None, theta=None, column_names=('Code', 'Features', ''), tail=b''):
    """Version 2 for the sigmoid, 3 with the sparse codes' fields otherwise (TopK: k 2, AuxK -1, metrics present)."""
    p = i32(v) + i32(h) + i32(0) + f64(0.05) + f64(3) + f64(1e-4) + i32(activation and 1) + i32(10) + i32(activation and 2)
    p += i32(5 if activation else 0) + i64(100) + f64(1.5) + f64(1) + f64(0.5) + f64(0.25) + f64(0.25)
    p += i32(2) + (f64(2) + f64(1.5) + f64(0.25) + f64(0.25)) + (f64(1) + f64(0.5) + f64(0.25) + f64(0.25))
    p += b''.join(f64(0.1 * (j + 1)) for j in range(h)) + f32s(theta or weights(v, h)) + names(*column_names)
    p += i32((1 if activation else 0) if decoder is None else decoder)
    if activation:
        p += i32(activation) + i32(2) + f64(0) + f64(0) + i32(-1) + i32(1000) + i32(1) + f64(0.2) + f64(0) + b''.join(f64(0.5) for _ in range(h))
    return block(b'SPAE', 3 if activation else 2, 3 if activation else 2, p + tail)


def zca(v=4, column_names=('White', 'Features')):
    return block(b'SZCA', 1, 1, i32(v) + f64(0.1) + i64(40) + f32s([0.5] * v) + f32s([float(i == j) for i in range(v) for j in range(v)]) + names(*column_names))


def convolution(pad=0):
    nested_zca, nested_ae = zca(4, ()), autoencoder(column_names=())
    p = i32(8) + i32(8) + i32(2) + i32(1) + i32(2) + i32(1) + i32(2) + f64(10) + i64(200)
    p += i32(len(nested_zca)) + nested_zca + i32(len(nested_ae) + pad) + nested_ae + bytes(pad) + names('Conv', 'Pixels')
    p += i32(0) + i32(1) + f64(0.25)
    return block(b'SCNV', 3, 3, p)


def tokens():
    return block(b'STOK', 1, 1, i32(11) + b'cl100k_base' + i32(1) + i32(1) + i64(12) + i32(3) + i32(5) + i32(17) + i32(900)
                 + f32s([1.5, 1.25, 2]) + names('Tokens', 'Text'))


def entry(signature, blk):
    """ML.NET's header as the checker reads it (the model section at 256), then the i32 count and the block."""
    model = i32(len(blk)) + blk
    header = bytearray(256)
    header[0:8] = b'ML\x00MODEL'
    struct.pack_into('<qq', header, 16, 256, len(model))
    header[64:72] = signature
    struct.pack_into('<II', header, 72, 0x00010001, 0x00010001)
    return bytes(header) + model


def zipped(*entries):
    with tempfile.SpooledTemporaryFile() as f:
        with zipfile.ZipFile(f, 'w') as z:
            z.writestr('TrainingInfo/Version.txt', '1.0.0.0')
            for i, e in enumerate(entries):
                z.writestr(f'TransformerChain/Transform_{i:03}/Model.key', e)
        f.seek(0)
        return f.read()


def flipped(blk, at):
    b = bytearray(blk)
    b[at] ^= 1
    return bytes(b)


def csv(v=4, h=3, theta=None):
    w = theta or weights(v, h)
    return ','.join(f'w{i}' for i in range(v)) + '\n' + ''.join(','.join(repr(x) for x in w[j * v:(j + 1) * v]) + '\n' for j in range(h))


ae = lambda *a, **k: entry(b'SPRSAUTO', autoencoder(*a, **k))
good_csv = csv()
off_csv = csv(theta=weights(4, 3)[:5] + [0.3] + weights(4, 3)[6:])
cases = [
    ('a sigmoid model', zipped(ae()), None, True),
    ('a sigmoid model and its weights CSV', zipped(ae()), good_csv, True),
    ('a TopK model and its weights CSV', zipped(ae(activation=2)), good_csv, True),
    ('ZCA, then the autoencoder', zipped(entry(b'ZCAWHITE', zca()), ae(column_names=('Code', 'White', ''))), None, True),
    ('a featurizer with ZCA and its autoencoder nested', zipped(entry(b'CONVFEAT', convolution())), None, True),
    ('a token vocabulary with idf', zipped(entry(b'TOKCOUNT', tokens())), None, True),
    ('a flipped payload byte', zipped(entry(b'SPRSAUTO', flipped(autoencoder(), 40))), None, False),
    ('a flipped magic byte', zipped(entry(b'SPRSAUTO', flipped(autoencoder(), 0))), None, False),
    ('a minimum reader version above the version', zipped(entry(b'ZCAWHITE', zca()[:8] + struct.pack('<I', 2) + zca()[12:])), None, False),
    ('a minimum reader version above the newest', zipped(entry(b'TOKCOUNT', struct.pack('<4sII', b'STOK', 2, 2) + tokens()[12:])), None, False),
    ('a byte after the last field, its CRC-32 good', zipped(ae(tail=b'\0')), None, False),
    ('a nested block length counting bytes after the block', zipped(entry(b'CONVFEAT', convolution(pad=4))), None, False),
    ('a NaN weight', zipped(ae(theta=[float('nan')] + weights(4, 3)[1:])), None, False),
    ('a sparse code with the sigmoid decoder', zipped(ae(activation=1, decoder=0)), None, False),
    ('an empty output column name', zipped(ae(column_names=('', 'Features', ''))), None, False),
    ('a weights CSV with another float', zipped(ae()), off_csv, False),
    ('a weights CSV without its last row', zipped(ae()), good_csv[:good_csv.rindex('\n', 0, -1) + 1], False),
    ('a zip without SparseAe entries', zipped(), None, False),
    ('no zip', b'W1,W2\n', None, False),
]


def run(content, weights_csv):
    with tempfile.TemporaryDirectory() as folder:
        paths = [os.path.join(folder, 'model.zip')]
        with open(paths[0], 'wb') as f:
            f.write(content)
        if weights_csv is not None:
            paths.append(os.path.join(folder, 'weights.csv'))
            with open(paths[1], 'w') as f:
                f.write(weights_csv)
        result = subprocess.run([sys.executable, os.path.join(here, 'check-format.py'), *paths], capture_output=True, text=True)
        # A pass is exit 0 with its line; a refusal, any other exit (a traceback included: the checker raises).
        return result.returncode == 0 and 'every field as documented' in result.stdout, result


wrong = []
for name, content, weights_csv, passes in cases:
    ok, result = run(content, weights_csv)
    if ok != passes:
        wrong.append(f'{name}: {"refused" if passes else "passed"} (exit {result.returncode}) {result.stdout.strip()} {result.stderr.strip()}')
for line in wrong:
    print('check-format-test:', line, file=sys.stderr)
if wrong:
    sys.exit(1)
print(f'check-format-test: {len(cases)} cases as expected')
