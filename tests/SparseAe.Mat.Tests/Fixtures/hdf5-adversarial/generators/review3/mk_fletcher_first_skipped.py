# Writes fletcher_first_skipped.mat: a (5, 3) float64 dataset (MATLAB's 3x5) arange(15) * 1.5 - 4, as h5py's of the
# mut-* files, in (2, 3) chunks of whole rows (the last one half past the data, zeros there), filters [fletcher32, deflate] (fletcher32 applied first when writing, so deflate undoes chunk + checksum),
# the first chunk with fletcher32 skipped (filter mask bit 0: deflated raw rows), the others with both. HDF5 reads it;
# the reader's probe of the first chunk asked it to inflate to a chunk plus the checksum's 4 bytes, and refused it.
# Run as PYTHONPATH=../review2 /usr/bin/python3 mk_fletcher_first_skipped.py (h5craft.py is there; numpy from Debian).
import zlib
import numpy as np
from h5craft import *

def fletcher(data):
    s1 = s2 = 0; words = len(data) // 2; at = 0
    while words:
        blk = min(words, 360); words -= blk
        for _ in range(blk):
            s1 += (data[at] << 8) | data[at + 1]; s2 += s1; at += 2
        s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    return ((s2 << 16) | s1) & 0xFFFFFFFF

values = np.zeros((6, 3), dtype='<f8')
values[:5] = (np.arange(15, dtype='<f8') * 1.5 - 4).reshape(5, 3)
f = File()
ents = []
for row in (0, 2, 4):
    raw = values[row:row + 2].tobytes()
    skipped = row == 0
    stored = zlib.compress(raw if skipped else raw + fletcher(raw).to_bytes(4, 'little'))
    ents.append((len(stored), 1 if skipped else 0, (row, 0), f.put(stored)))
bt = chunk_btree(f, 2, ents, chunk=(2, 3))
ds = dataset(f, (5, 3), 'f8', 'double', layout_chunked(bt, (2, 3), 8), [msg(0x0B, filters([FLETCHER, DEFLATE]))])
print(f.finish(group(f, [("x", ds)]), "fletcher_first_skipped.mat"))
