#!/usr/bin/env python3
"""Reads SparseAe's saved blocks inside ML.NET model zips with a reader written from their documentation alone
(the layouts in src/SparseAe.Core/Persistence: ChecksummedBlock, ModelFormat, ZcaFormat, ConvolutionFormat,
TokenVocabularyFormat; the entry framing in src/SparseAe.MLNet/MLNetInternals/ModelPersistence.cs), not from
their code, and checks every field: magic, versions, lengths, the CRC-32 (zlib's) over the payload, each value's
rule, no byte left over, and the column names each entry holds. Python's stdlib only.

Each zip entry whose ML.NET header names one of SparseAe's model signatures (SPRSAUTO, ZCAWHITE, CONVFEAT,
TOKCOUNT) is read; every other entry is ML.NET's own and skipped. A zip must hold at least one SparseAe entry.
A FILE.csv after a zip is `sparseae train --weights-csv`'s output for that model: its header w0..w{V-1} and
its H rows must be the autoencoder's W1 exactly (each float32 as printed must read back to the saved bits).
Usage: check-format.py MODEL.zip [WEIGHTS.csv] [MODEL.zip [WEIGHTS.csv] ...]
Prints one line per zip; exits 0 when all check out, 1 naming the first problem, 2 when a file cannot be read.
"""
import math
import struct
import sys
import zipfile
import zlib

MAX_PAYLOAD = 2**31 - 1 - 64
MAX_NAMES, MAX_NAME_BYTES = 64, 4096
MAX_TIMESPAN_SECONDS = (2**63 - 1) / 1e7   # TimeSpan.MaxValue.TotalSeconds
SIGNATURES = {b'SPRSAUTO': 'autoencoder', b'ZCAWHITE': 'zca', b'CONVFEAT': 'convolution', b'TOKCOUNT': 'tokens'}
# Per block kind: magic, the newest format version this reader knows, and the column names its entry holds.
KINDS = {
    'autoencoder': (b'SPAE', 3, ['output', 'input', 'error']),
    'zca': (b'SZCA', 1, ['output', 'input']),
    'convolution': (b'SCNV', 3, ['output', 'input']),
    'tokens': (b'STOK', 1, ['output', 'input']),
}


class Bad(Exception):
    pass


class Reader:
    """A payload read field by field; offsets in messages are from the block's start (payload + 16)."""

    def __init__(self, data, where):
        self.data, self.pos, self.where = data, 0, where

    def take(self, n, what):
        if n < 0 or self.pos + n > len(self.data):
            raise Bad(f'{self.where}: {what} at payload offset {self.pos} needs {n} bytes, {len(self.data) - self.pos} remain')
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt, what):
        return struct.unpack('<' + fmt, self.take(struct.calcsize('<' + fmt), what))[0]

    def i32(self, what, lo=-2**31, hi=2**31 - 1):
        at = self.pos
        v = self.unpack('i', what)
        if not lo <= v <= hi:
            raise Bad(f'{self.where}: {what} at payload offset {at} is {v}, not in {lo}..{hi}')
        return v

    def i64(self, what, lo):
        at = self.pos
        v = self.unpack('q', what)
        if v < lo:
            raise Bad(f'{self.where}: {what} at payload offset {at} is {v}, below {lo}')
        return v

    def f64(self, what, lo=-math.inf, hi=math.inf, open_=False):
        at = self.pos
        v = self.unpack('d', what)
        ok = math.isfinite(v) and (lo < v < hi if open_ else lo <= v <= hi)
        if not ok:
            raise Bad(f'{self.where}: {what} at payload offset {at} is {v}, not in {"(" if open_ else "["}{lo}, {hi}{")" if open_ else "]"}')
        return v

    def f32s(self, n, what, lo=-math.inf, hi=math.inf):
        at = self.pos
        values = struct.unpack(f'<{n}f', self.take(4 * n, what))
        for i, v in enumerate(values):
            if not (math.isfinite(v) and lo <= v <= hi):
                raise Bad(f'{self.where}: {what}[{i}] at payload offset {at + 4 * i} is {v}, not finite in [{lo}, {hi}]')
        return values

    def names(self):
        k = self.i32('column-name count', 0, MAX_NAMES)
        out = []
        for i in range(k):
            n = self.i32(f'column name {i} byte length', 0, MAX_NAME_BYTES)
            raw = self.take(n, f'column name {i}')
            try:
                out.append(raw.decode('utf-8', errors='strict'))
            except UnicodeDecodeError as e:
                raise Bad(f'{self.where}: column name {i} is not UTF-8 ({e})')
        return out

    def end(self):
        if self.pos != len(self.data):
            raise Bad(f'{self.where}: {len(self.data) - self.pos} bytes after the last field (payload offset {self.pos})')


def block(data, kind, where):
    """A ChecksummedBlock of the kind: (version, payload, bytes it took)."""
    magic, newest, _ = KINDS[kind]
    if len(data) < 20:
        raise Bad(f'{where}: {len(data)} bytes, shorter than a block\'s 20 of framing')
    got, version, minimum, length = struct.unpack_from('<4sIIi', data, 0)
    if got != magic:
        raise Bad(f'{where}: magic {got!r}, expected {magic!r}')
    if not 1 <= minimum <= version:
        raise Bad(f'{where}: minimum reader version {minimum} is not in 1..{version}, the version written')
    if minimum > newest:
        raise Bad(f'{where}: minimum reader version {minimum} is above this reader\'s {newest}')
    if not 1 <= length <= MAX_PAYLOAD or 20 + length > len(data):
        raise Bad(f'{where}: payload length {length} with {len(data) - 20} bytes after the framing')
    payload = data[16:16 + length]
    crc, = struct.unpack_from('<I', data, 16 + length)
    if crc != zlib.crc32(payload):
        raise Bad(f'{where}: CRC-32 0x{crc:08X} at offset {16 + length}, the payload hashes to 0x{zlib.crc32(payload):08X}')
    return version, payload, 20 + length


def autoencoder(data, where):
    version, payload, size = block(data, 'autoencoder', where)
    r = Reader(payload, where)
    m = {'version': version}
    v = r.i32('V', 1)
    h = r.i32('H', 1)
    r.i32('penalty', 0, 1)
    r.f64('rho', 0, 1, open_=True)
    r.f64('beta', 0)
    r.f64('lambda', 0)
    r.i32('optimizer', 0, 1)
    r.i32('iterations', 0)
    r.i32('epochs', 0)
    r.i32('exit reason', 0, 5)
    r.i64('training rows', 0)
    r.f64('elapsed seconds', 0, MAX_TIMESPAN_SECONDS)
    for term in ('total', 'reconstruction', 'weight decay', 'sparsity'):
        r.f64(f'final cost {term}')
    c = r.i32('cost-history count', 0)
    for i in range(c):
        for term in ('total', 'reconstruction', 'weight decay', 'sparsity'):
            r.f64(f'cost history {i} {term}')
    mean_activation = [r.f64(f'mean activation {j}', 0) for j in range(h)]
    theta = r.f32s(2 * h * v + h + v, 'theta')
    m['W1'] = [theta[j * v:(j + 1) * v] for j in range(h)]
    m['V'], m['H'] = v, h
    m['names'] = r.names()
    activation, decoder = 0, 0
    if version >= 2:
        decoder = r.i32('decoder', 0, 1)
    if version >= 3:
        activation = r.i32('activation', 0, 3)
        r.i32('k', 1, h if activation == 2 else 2**31 - 1)
        r.f64('L1 weight', 0)
        r.f64('L0 weight', 0)
        r.i32('AuxK', -1, h if activation == 2 else 2**31 - 1)
        r.i32('dead-latent window', 1)
        metrics = r.i32('sparse-code metrics', 0, 1)
        if metrics:
            r.f64('FVU', 0)
            r.f64('dead fraction', 0, 1)
            for j in range(h):
                r.f64(f'firing rate {j}', 0, 1)
        if activation == 3:
            r.f32s(h, 'log-threshold')
    if activation == 0 and any(a > 1 for a in mean_activation):
        raise Bad(f'{where}: a sigmoid mean activation above 1')
    if activation != 0 and decoder != 1:
        raise Bad(f'{where}: activation {activation} (a sparse code) with decoder {decoder}, not the linear decoder (1)')
    if version >= 3 and activation == 0:
        raise Bad(f'{where}: a sigmoid written as version {version}; a sigmoid is written as version 2')
    m['activation'] = activation
    r.end()
    return m, size


def zca(data, where):
    version, payload, size = block(data, 'zca', where)
    r = Reader(payload, where)
    v = r.i32('V', 1, 8192)
    r.f64('epsilon', 0)
    r.i64('training rows', 1)
    r.f32s(v, 'mean')
    r.f32s(v * v, 'W')
    names = r.names()
    r.end()
    return {'version': version, 'V': v, 'names': names}, size


def nested(r, what, read):
    n = r.i32(f'{what} block length', 0)
    if n == 0:
        return None
    raw = r.take(n, f'{what} block')
    m, size = read(raw, f'{r.where} > {what}')
    if size != n:
        raise Bad(f'{r.where}: the {what} block takes {size} of its {n} bytes')
    return m


def convolution(data, where):
    version, payload, size = block(data, 'convolution', where)
    r = Reader(payload, where)
    height = r.i32('image height', 1, 65536)
    width = r.i32('image width', 1, 65536)
    p = r.i32('patch size', 1, min(height, width))
    r.i32('stride', 1, 65536)
    grid = r.i32('pool grid', 0, 65536)
    r.i32('pooling', 0, 1)
    normalisation = r.i32('normalisation', 0, 2)
    parameter = r.f64('normalisation parameter', 0)
    r.i64('training patches', 1)
    z = nested(r, 'ZCA', zca)
    a = nested(r, 'autoencoder', autoencoder)
    if a is None:
        raise Bad(f'{where}: no autoencoder block')
    if a['activation'] != 0:
        raise Bad(f'{where}: the nested autoencoder is not the sigmoid')
    if a['V'] != p * p or (z and z['V'] != p * p):
        raise Bad(f'{where}: nested blocks of V {a["V"]}, {z and z["V"]} for {p}x{p} patches')
    if a['names'] or (z and z['names']):
        raise Bad(f'{where}: a nested block holds column names')
    if normalisation != 0 and parameter < (2.0 ** -126 if normalisation == 2 else math.ulp(0.0)):
        raise Bad(f'{where}: normalisation {normalisation} with the parameter {parameter}')
    names = r.names()
    pool = 0
    if version >= 2:
        pool = r.i32('pool size', 0, 65536)
    if version >= 3:
        r.i32('encoding', 0, 1)
        r.f64('soft threshold alpha', 0)
    if grid == 0 and pool == 0:
        raise Bad(f'{where}: pool grid 0 without a pool size')
    r.end()
    return {'version': version, 'names': names, 'zca': z, 'autoencoder': a}, size


def tokens(data, where):
    version, payload, size = block(data, 'tokens', where)
    r = Reader(payload, where)
    e = r.i32('encoding name length', 1, 64)
    r.take(e, 'encoding name').decode('utf-8')
    weighting = r.i32('weighting', 0, 1)
    r.i32('normalize', 0, 1)
    r.i64('document count', 1)
    t = r.i32('token count', 1, 2**20)
    ids = struct.unpack(f'<{t}i', r.take(4 * t, 'token ids'))
    if ids[0] < 0 or any(b <= a for a, b in zip(ids, ids[1:])):
        raise Bad(f'{where}: token ids not >= 0 and strictly ascending')
    if weighting == 1:
        r.f32s(t, 'idf', 1)
    names = r.names()
    r.end()
    return {'version': version, 'names': names}, size


READERS = {'autoencoder': autoencoder, 'zca': zca, 'convolution': convolution, 'tokens': tokens}


def entry(data, where):
    """ML.NET's entry: its header (ML.NET's ModelHeader: FpModel at 16, CbModel at 24, the model signature at 64,
    its versions at 72 and 76), then at FpModel one i32 byte count and a block of exactly that many bytes."""
    if len(data) < 80 or data[:8] != b'ML\x00MODEL':
        return None
    signature = data[64:72]
    kind = SIGNATURES.get(signature)
    if kind is None:
        return None
    fp, cb = struct.unpack_from('<qq', data, 16)
    versions = struct.unpack_from('<II', data, 72)
    if versions != (0x00010001, 0x00010001):
        raise Bad(f'{where}: ML.NET entry versions {versions[0]:#010x}, {versions[1]:#010x}, expected 0x00010001')
    n, = struct.unpack_from('<i', data, fp)
    if not 1 <= n <= cb - 4:
        raise Bad(f'{where}: block byte count {n} in a model section of {cb} bytes')
    m, size = READERS[kind](data[fp + 4:fp + 4 + n], where)
    if size != n:
        raise Bad(f'{where}: the block takes {size} of its {n} bytes')
    names = KINDS[kind][2]
    got = m['names']
    if len(got) != len(names) or not got[0] or not got[1] or (len(got) == 3 and got[2] == got[0]):
        raise Bad(f'{where}: column names {got}, expected {", ".join(names)}: output and input not empty'
                  + (', the error "" or not the output' if len(names) == 3 else ''))
    return kind, m


def weights(path, model):
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    v, h = model['V'], model['H']
    if lines[0] != ','.join(f'w{i}' for i in range(v)):
        raise Bad(f'{path}: its header is not w0..w{v - 1}')
    if len(lines) - 1 != h:
        raise Bad(f'{path}: {len(lines) - 1} rows for {h} hidden units')
    for j, line in enumerate(lines[1:]):
        row = [struct.unpack('<f', struct.pack('<f', float(x)))[0] for x in line.split(',')]
        if tuple(row) != tuple(model['W1'][j]):
            i = next((i for i, (a, b) in enumerate(zip(row, model['W1'][j])) if a != b), len(row))
            raise Bad(f'{path}: W1[{j}, {i}] is {row[i] if i < len(row) else None} in the CSV, '
                      f'{model["W1"][j][i] if i < v else None} in the model')


def check(path, csv):
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        print(f'{path}: not a zip ({e})', file=sys.stderr)
        sys.exit(2)
    found = []
    with archive:
        for info in archive.infolist():
            got = entry(archive.read(info), f'{path}:{info.filename}')
            if got:
                found.append(got)
    if not found:
        raise Bad(f'{path}: no SparseAe entry')
    ae = [m for kind, m in found if kind == 'autoencoder']
    if csv:
        if len(ae) != 1:
            raise Bad(f'{path}: {len(ae)} autoencoder entries for one weights CSV')
        weights(csv, ae[0])
    kinds = ', '.join(f'{kind} v{m["version"]}' for kind, m in found)
    print(f'{path}: {kinds}: every field as documented' + (f', W1 equal to {csv}' if csv else ''))


def main(args):
    if not args or args[0].endswith('.csv'):
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        sys.exit(2)
    pairs = []
    for a in args:
        if a.endswith('.csv') and pairs and pairs[-1][1] is None:
            pairs[-1][1] = a
        else:
            pairs.append([a, None])
    try:
        for path, csv in pairs:
            check(path, csv)
    except Bad as e:
        print(e, file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main(sys.argv[1:])
