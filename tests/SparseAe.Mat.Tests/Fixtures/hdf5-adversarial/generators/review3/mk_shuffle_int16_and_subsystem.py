# Writes two files with h5craft:
# Run as PYTHONPATH=../review2 /usr/bin/python3 mk_shuffle_int16_and_subsystem.py (h5craft.py is there; numpy from Debian).
#   shuffle_int16.mat: a (5, 3) int16 dataset (MATLAB's 3x5 int16) arange(15) * 1000 - 7000 in (2, 3) chunks, filters
#     shuffle (element size 2) then deflate: shuffle must be undone for 2-byte elements too.
#   subsystem_group.mat: a root holding the float64 (5, 3) dataset 'x' (arange(15) * 1.5 - 4) and an empty group
#     '#subsystem#', as MATLAB writes beside strings, tables and datetimes: not a variable.
import zlib
import numpy as np
from h5craft import *

def shuffled(raw, size):
    n = len(raw) // size
    return bytes(raw[e * size + b] for b in range(size) for e in range(n))

values = np.zeros((6, 3), dtype='<i2')
values[:5] = (np.arange(15, dtype='<i2') * 1000 - 7000).reshape(5, 3)
f = File()
ents = []
for row in (0, 2, 4):
    stored = zlib.compress(shuffled(values[row:row + 2].tobytes(), 2))
    ents.append((len(stored), 0, (row, 0), f.put(stored)))
bt = chunk_btree(f, 2, ents, chunk=(2, 3))
ds = dataset(f, (5, 3), 'i2', 'int16', layout_chunked(bt, (2, 3), 2), [msg(0x0B, filters([(2, [2]), DEFLATE]))])
print(f.finish(group(f, [("x", ds)]), "shuffle_int16.mat"))

f = File()
x = (np.arange(15, dtype='<f8') * 1.5 - 4).reshape(5, 3)
ds = dataset(f, (5, 3), 'f8', 'double', layout_contiguous(f.put(x.tobytes()), x.nbytes))
sub = group(f, [("x0", dataset(f, (1,), 'u1', 'uint8', layout_contiguous(f.put(b"\1"), 1)))])
print(f.finish(group(f, [("#subsystem#", sub), ("x", ds)]), "subsystem_group.mat"))
