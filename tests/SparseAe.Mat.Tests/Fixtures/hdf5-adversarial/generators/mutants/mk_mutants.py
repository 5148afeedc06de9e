# Files that pin rules of the 7.3 reader a mutation audit found untested (see ../../README.md, `mut-*`): h5py
# writes each, a few bytes are then patched where a rule needs a structure h5py does not make, and every file
# that must read is read back with h5py (HDF5 1.10.8), which checks its checksums and filter masks itself.
# Run with /usr/bin/python3 (h5py 3.7.0) from an empty folder: writes out/mut-*.mat.
import struct, zlib
import h5py, numpy as np

TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
USERBLOCK = 512

def create(path):
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE); fcpl.set_userblock(USERBLOCK); fcpl.set_obj_track_times(False)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS); fapl.set_libver_bounds(h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_V110)
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))

def finish(path):
    with open(path, "r+b") as f: f.write(HEADER)

def dataset(f, name, data, cls="double", **kw):
    d = f.create_dataset(name, data=data, **kw) if "shape" not in kw else f.create_dataset(name, **kw)
    d.attrs["MATLAB_class"] = np.bytes_(cls)
    return d

def fletcher32(data):
    # H5_checksum_fletcher32: big-endian 16-bit words, sums reduced every 360 words, odd byte as a high byte.
    s1 = s2 = 0; words = len(data) // 2; at = 0
    while words:
        block = min(words, 360); words -= block
        for _ in range(block):
            s1 += (data[at] << 8) | data[at + 1]; s2 += s1; at += 2
        s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    if len(data) % 2:
        s1 += data[at] << 8; s2 += s1
        s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    return (s2 << 16) | s1

def halves_swapped(c): return ((c & 0x00FF00FF) << 8) | ((c >> 8) & 0x00FF00FF)

def chunks(path, name):
    """(absolute byte offset, size, filter mask) of every chunk of a dataset, from HDF5 itself."""
    with h5py.File(path, "r") as f:
        d = f[name].id
        out = []
        for i in range(d.get_num_chunks()):
            info = d.get_chunk_info(i)
            out.append((USERBLOCK + info.byte_offset, info.size, info.filter_mask))
        return out

def patch(path, at, data):
    with open(path, "r+b") as f: f.seek(at); f.write(data)

def check_reads(path, expected):
    with h5py.File(path, "r") as f:
        for name, values in expected.items():
            assert np.array_equal(f[name][()], values), (path, name)

rows = np.arange(15, dtype="<f8").reshape(5, 3) * 1.5 - 4.0        # MATLAB 3x5, three chunks of 2 rows, the last partial
wide = np.arange(24, dtype="<f8").reshape(4, 6) * 0.25 + 100.0     # MATLAB 6x4, chunks half as wide as the rows

# Fletcher-32 stored as HDF5 1.6.0-1.6.2 stored it: the bytes of each 16-bit half swapped. HDF5 still reads it.
p = "out/mut-fletcher_swapped.mat"
with create(p) as f: dataset(f, "x", rows, chunks=(2, 3), fletcher32=True)
finish(p)
for at, size, _ in chunks(p, "x"):
    raw = open(p, "rb").read()[at:at + size]
    stored = struct.unpack("<I", raw[-4:])[0]
    assert stored == fletcher32(raw[:-4]) and halves_swapped(stored) != stored
    patch(p, at + size - 4, struct.pack("<I", halves_swapped(stored)))
check_reads(p, {"x": rows})

# A checksum that is neither order (the first chunk's, one bit off).
p = "out/mut-fletcher_neither.mat"
with create(p) as f: dataset(f, "x", rows, chunks=(2, 3), fletcher32=True)
finish(p)
at, size, _ = chunks(p, "x")[0]
stored = struct.unpack("<I", open(p, "rb").read()[at + size - 4:at + size])[0]
patch(p, at + size - 4, struct.pack("<I", stored ^ 0x00010000))
print("neither: chunk at", at, "stored", hex(stored ^ 0x00010000), "computed", hex(stored))

# Chunks stored with a filter skipped (its bit in the chunk's filter mask set), as HDF5 does when deflate would
# not make a chunk smaller: in 'a' and 'b' the first and last chunk are raw, the middle one deflated, and 'b' has a
# fletcher32 checksum after deflate; in 'c' (fletcher32 only) the first chunk has no checksum.
def write_rows(d, mask_of, encode):
    for r in (0, 2, 4):
        block = np.zeros((2, 3), "<f8"); part = rows[r:r + 2]; block[:len(part)] = part
        d.id.write_direct_chunk((r, 0), encode(block.tobytes(), mask_of(r)), filter_mask=mask_of(r))
def filter_ids(d):
    pl = d.id.get_create_plist(); return [pl.get_filter(i)[0] for i in range(pl.get_nfilters())]
p = "out/mut-mask_skipped.mat"
with create(p) as f:
    for name, fl in [("a", False), ("b", True)]:
        d = dataset(f, name, None, shape=rows.shape, dtype="<f8", chunks=(2, 3), compression="gzip", fletcher32=fl)
        assert filter_ids(d) == ([1, 3] if fl else [1])
        def encode(data, mask, fl=fl):
            if mask == 0: data = zlib.compress(data, 6)
            return data + struct.pack("<I", fletcher32(data)) if fl else data
        write_rows(d, lambda r: 0 if r == 2 else 1, encode)
    d = dataset(f, "c", None, shape=rows.shape, dtype="<f8", chunks=(2, 3), fletcher32=True)
    assert filter_ids(d) == [3]
    write_rows(d, lambda r: 1 if r == 0 else 0, lambda data, mask: data if mask else data + struct.pack("<I", fletcher32(data)))
finish(p)
assert [[m for _, _, m in chunks(p, n)] for n in "abc"] == [[1, 0, 1], [1, 0, 1], [1, 0, 0]]
check_reads(p, {"a": rows, "b": rows, "c": rows})

# Chunks that are whole rows of the dataset (decoded straight into place) and chunks that are not.
p = "out/mut-chunk_rows.mat"
with create(p) as f:
    dataset(f, "c", rows, chunks=(2, 3))
    dataset(f, "d", rows, chunks=(2, 3), compression="gzip")
    dataset(f, "e", wide, chunks=(2, 3), compression="gzip")
finish(p)
check_reads(p, {"c": rows, "d": rows, "e": wide})

# Two 4 MiB chunks of whole rows (deflated to a few KB), which decode straight into the array.
p = "out/mut-rows_8M.mat"
big = np.repeat(np.arange(1.0, 5.0), 1 << 18).reshape(4, 1 << 18)
with create(p) as f: dataset(f, "x", big, chunks=(2, 1 << 18), compression="gzip", compression_opts=9)
finish(p)
check_reads(p, {"x": big})

# Chunks whose stored size cannot hold a chunk: raw, with a checksum, deflated, raw in a deflated dataset.
p = "out/mut-chunk_short_raw.mat"
with create(p) as f:
    d = dataset(f, "x", None, shape=(4, 3), dtype="<f8", chunks=(2, 3))
    d.id.write_direct_chunk((0, 0), bytes(40)); d.id.write_direct_chunk((2, 0), bytes(48))
finish(p)
p = "out/mut-chunk_short_fletcher.mat"
with create(p) as f:
    d = dataset(f, "x", None, shape=(4, 3), dtype="<f8", chunks=(2, 3), fletcher32=True)
    for r in (0, 2): d.id.write_direct_chunk((r, 0), bytes(48))
finish(p)
p = "out/mut-chunk_short_deflate.mat"
with create(p) as f:
    d = dataset(f, "x", None, shape=(300,), dtype="<f8", chunks=(300,), compression="gzip")
    d.id.write_direct_chunk((0,), b"\x78\x9c")
finish(p)

p = "out/mut-chunk_short_skipped.mat"
with create(p) as f:
    d = dataset(f, "x", None, shape=(4, 3), dtype="<f8", chunks=(2, 3), compression="gzip")
    d.id.write_direct_chunk((0, 0), bytes(40), filter_mask=1); d.id.write_direct_chunk((2, 0), zlib.compress(bytes(48)))
finish(p)

# A scalar as h5py writes it: a version-1 dataspace of rank 0 (MATLAB writes 1x1 as a simple [1, 1]).
p = "out/mut-scalar_v1.mat"
with create(p) as f: dataset(f, "x", np.float64(-2.5))
finish(p)
check_reads(p, {"x": np.float64(-2.5)})

# MATLAB_class as a space-padded fixed-length string (8 bytes "double  ").
p = "out/mut-class_space_padded.mat"
with create(p) as f:
    d = f.create_dataset("x", data=np.array([1.0, -3.0]))
    t = h5py.h5t.C_S1.copy(); t.set_size(8); t.set_strpad(h5py.h5t.STR_SPACEPAD)
    a = h5py.h5a.create(d.id, b"MATLAB_class", t, h5py.h5s.create(h5py.h5s.SCALAR))
    a.write(np.array(b"double", dtype="S8"))
finish(p)
assert b"double  " in open(p, "rb").read()

# A contiguous dataset whose data address is exactly the end of the file.
p = "out/mut-contig_at_eof.mat"
with create(p) as f: dataset(f, "x", np.array([1.0, 2.0]))
finish(p)
raw = bytearray(open(p, "rb").read())
with h5py.File(p, "r") as f: address = f["x"].id.get_offset()
layout = raw.find(struct.pack("<BBQ", 3, 1, address - USERBLOCK))   # get_offset counts from byte 0, the layout from the superblock
assert layout > 0 and raw.find(struct.pack("<BBQ", 3, 1, address - USERBLOCK), layout + 1) < 0
patch(p, layout + 2, struct.pack("<Q", len(raw) - USERBLOCK))
print("eof: layout at", layout, "data address was", address, "file", len(raw))

# Fletcher-32 applied first (H5Pset_fletcher32 before H5Pset_shuffle, legal HDF5 that h5py's keywords never make): the
# checksum's 4 bytes then pass through the filters after it, so shuffle undoes chunk + 4 bytes. 'x': fletcher32, shuffle;
# 'y': fletcher32, shuffle, deflate. No bytes patched.
def ordered(f, name, data, chunk, order):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE); dcpl.set_chunk(chunk); dcpl.set_obj_track_times(False)
    for step in order: {"fletcher32": dcpl.set_fletcher32, "shuffle": dcpl.set_shuffle, "deflate": lambda: dcpl.set_deflate(4)}[step]()
    d = h5py.h5d.create(f.id, name.encode(), h5py.h5t.IEEE_F64LE, h5py.h5s.create_simple(data.shape), dcpl=dcpl)
    d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data))
    f[name].attrs["MATLAB_class"] = np.bytes_("double")
    ids = [d.get_create_plist().get_filter(i)[0] for i in range(d.get_create_plist().get_nfilters())]
    assert ids == [{"fletcher32": 3, "shuffle": 2, "deflate": 1}[s] for s in order], ids

p = "out/mut-fletcher_first.mat"
with create(p) as f:
    ordered(f, "x", rows, (2, 3), ["fletcher32", "shuffle"])
    ordered(f, "y", rows, (2, 3), ["fletcher32", "shuffle", "deflate"])
finish(p)
check_reads(p, {"x": rows, "y": rows})
assert all(size == 2 * 3 * 8 + 4 for _, size, _ in chunks(p, "x"))
