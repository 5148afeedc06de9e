import h5py, numpy as np, zlib, sys, struct
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
def create(path):
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE); fcpl.set_userblock(512); fcpl.set_obj_track_times(False)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS); fapl.set_libver_bounds(h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_V110)
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))
def hdr(path):
    with open(path, "r+b") as f: f.write(HEADER)

# 1. chunk far larger than the dataset: one 1-element uint8 dataset, chunk of N elements
for name, n in [("bigchunk_oom", 0x7FFFFFC7), ("bigchunk_256M", 256 << 20)]:
    p = f"in/{name}.mat"
    with create(p) as f:
        d = f.create_dataset("x", shape=(1,), maxshape=(None,), chunks=(n,), dtype=np.uint8, compression="gzip")
        d.attrs["MATLAB_class"] = np.bytes_("uint8")
        d.id.write_direct_chunk((0,), zlib.compress(b"\0" * 16, 9))
    hdr(p)

# 2. a legit-looking dataset: 40 MB of zeros in one deflated chunk (file ~40 KB)
n = 40_000_000
p = "in/zeros40M.mat"
with create(p) as f:
    d = f.create_dataset("z", shape=(n,), chunks=(n,), dtype=np.uint8, compression="gzip")
    d.attrs["MATLAB_class"] = np.bytes_("uint8")
    d.id.write_direct_chunk((0,), zlib.compress(bytes(n), 9))
hdr(p)
# 2b. the same with MATLAB_class double (stored uint8 converted 8x)
p = "in/zeros8M_as_double.mat"
n = 8_000_000
with create(p) as f:
    d = f.create_dataset("z", shape=(n,), chunks=(n,), dtype=np.uint8, compression="gzip")
    d.attrs["MATLAB_class"] = np.bytes_("double")
    d.id.write_direct_chunk((0,), zlib.compress(bytes(n), 9))
hdr(p)
# 2c. several hard links to one 20 MB dataset
p = "in/links_to_20M.mat"
n = 20_000_000
with create(p) as f:
    d = f.create_dataset("a0", shape=(n,), chunks=(n,), dtype=np.uint8, compression="gzip")
    d.attrs["MATLAB_class"] = np.bytes_("uint8")
    d.id.write_direct_chunk((0,), zlib.compress(bytes(n), 9))
    for i in range(1, 8): f[f"a{i}"] = d
hdr(p)
