from h5craft import *
import numpy as np, h5py
f = File()
a = np.arange(12, dtype='<f8').reshape(3, 4)
c0 = zlib.compress(np.ascontiguousarray(np.pad(a[:, :3], ((0,0),(0,0)))).tobytes())  # chunk (3,3) at (0,0)
c1 = zlib.compress(np.pad(a[:, 3:], ((0,0),(0,2))).tobytes())                        # edge chunk at (0,3)
A0 = f.put(c0); A1 = f.put(c1)
bt = chunk_btree(f, 2, [(len(c0), 0, (0, 0), A0), (len(c1), 0, (0, 3), A1)], chunk=(3,3))
ds = dataset(f, (3, 4), 'f8', 'double', layout_chunked(bt, (3, 3), 8), [msg(0x0B, filters([DEFLATE]))])
ct = f.put(b"")
ds2 = dataset(f, (5,), 'u1', 'uint8', layout_contiguous(f.put(bytes([1,2,3,4,5])), 5))
root = group(f, [("a", ds), ("b", ds2)])
f.finish(root, "craft/valid.mat")
with h5py.File("craft/valid.mat", "r") as h: print(h["a"][...], h["b"][...], dict(h["a"].attrs))
