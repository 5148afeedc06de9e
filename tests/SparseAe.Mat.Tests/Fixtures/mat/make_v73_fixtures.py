#!/usr/bin/python3
"""Writes the h5py-made MATLAB 7.3 (HDF5) fixtures in this folder and their entries in expected.json.

Run once with h5py 3.7.0 / HDF5 1.10.8 (Debian's python3-h5py):

    /usr/bin/python3 make_v73_fixtures.py

It is not run by CI; the .mat files it wrote are committed. Seeds and the header date are fixed, so
re-running it gives the same data (the bytes depend on the HDF5 library version).

Files:
  v73_chunked_deflate.mat  chunked datasets with partial edge chunks, gzip + shuffle, gzip + fletcher32
  v73_many_types.mat       every MATLAB class a 7.3 file can hold, > 8 root entries (several symbol table nodes)
  v73_latest_format.mat    libver='latest': superblock v3, "OHDR" object headers, link messages, compact layout
  v73_latest_chunked.mat   libver='latest' chunked gzip dataset (fixed-array chunk index)
  v73_struct_arrays.mat    a 1x1 struct (one field a cell) and 1x3 and 2x2 struct arrays
  v73_objects.mat          a string and a datetime as MATLAB stores such (MCOS) objects, beside a double
  memory/v73_images_48MB_deflated.mat  48 MB of doubles (all 0.5) in 74 KB, for memory tests (not in expected.json)

MATLAB conventions used: a variable of MATLAB dims [d1,...,dn] is stored as an HDF5 dataset of shape
(dn,...,d1) holding the column-major elements (numpy: store A.T); MATLAB_class is a fixed-length ASCII
string attribute; logical is uint8, char is uint16 code units; an empty array stores its dimensions as
uint64 values with MATLAB_empty=1; a sparse matrix is a group with data/ir/jc and MATLAB_sparse=rows;
a cell holds object references to datasets in the root group '#refs#'; complex is a compound
{real, imag}.
"""

import json
import os
from collections import OrderedDict

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# Same 128-byte MATLAB header as v73_double3d.mat: 116 bytes of text padded with spaces, 8 bytes of
# subsystem offset (zero), version 0x0200 written as bytes 00 02, endian indicator "IM".
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
assert len(HEADER) == 128


def write_header(path):
    with open(path, "r+b") as f:
        f.write(HEADER)


def create_file(name, latest=False):
    """h5py.File(path, "w", userblock_size=512, libver=...), but without object header timestamps, so
    the root group of a libver='latest' file does not record the time it was made."""
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_userblock(512)
    fcpl.set_obj_track_times(False)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    if latest:
        fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    else:  # h5py's default bounds ('earliest', 'v110')
        fapl.set_libver_bounds(h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_V110)
    fid = h5py.h5f.create(path_of(name).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)
    return h5py.File(fid)


def set_class(obj, cls):
    obj.attrs["MATLAB_class"] = np.bytes_(cls)  # fixed-length string, as MATLAB writes it


def put(group, name, a, cls, dtype=None, **kw):
    """Stores the MATLAB-shaped array a as name (HDF5 shape reversed, column-major elements)."""
    data = np.ascontiguousarray(np.asarray(a).T)
    if dtype is not None:
        data = data.astype(dtype)
    ds = group.create_dataset(name, data=data, **kw)
    set_class(ds, cls)
    return ds


def put_char(group, name, text):
    codes = np.array([[ord(ch) for ch in text]], dtype=np.uint16)  # MATLAB dims [1, len]
    ds = put(group, name, codes, "char")
    ds.attrs["MATLAB_int_decode"] = np.int32(2)
    return ds


def stats(name, cls, a):
    a = np.asarray(a).astype(np.float64)
    return OrderedDict([("name", name), ("class", cls), ("dims", list(a.shape)),
                        ("min", float(a.min())), ("max", float(a.max())), ("sum", float(np.sum(a)))])


def class_only(name, cls):
    return OrderedDict([("name", name), ("class", cls)])


def path_of(name):
    return os.path.join(HERE, name)


# ---------------------------------------------------------------------------------------------------

def chunked_deflate():
    name = "v73_chunked_deflate.mat"
    A = np.random.default_rng(1).standard_normal((40, 30, 3))                       # MATLAB [40,30,3]
    B = np.random.default_rng(2).random((7, 5)).astype(np.float32)                   # MATLAB [7,5]
    C = np.arange(-50, 50, dtype=np.int32).reshape(1, 100)                           # MATLAB [1,100]
    with create_file(name) as f:
        # HDF5 shape (3,30,40), chunks (2,16,24): partial edge chunks along every axis.
        put(f, "A", A, "double", chunks=(2, 16, 24), compression="gzip", compression_opts=4, shuffle=True)
        # HDF5 shape (5,7), chunks (2,3): partial edge chunks along both axes.
        put(f, "B", B, "single", chunks=(2, 3), compression="gzip", shuffle=False, fletcher32=True)
        put(f, "C", C, "int32")                                                       # contiguous
    write_header(path_of(name))
    return name, [stats("A", "double", A), stats("B", "single", B), stats("C", "int32", C)]


def many_types():
    name = "v73_many_types.mat"
    rng = np.random.default_rng(7)
    d_scalar = np.array([[3.25]])
    i8 = np.array([[-128, -1, 0], [1, 5, 127]], dtype=np.int8)
    u8 = np.array([[0, 255], [7, 8], [100, 200]], dtype=np.uint8)
    i16 = np.array([[-32768, -300, 0, 12], [1, 299, 32767, -5], [40, -41, 42, -43]], dtype=np.int16)
    u16 = np.array([[0, 65535, 1000], [2, 3, 4]], dtype=np.uint16)
    i64 = np.array([[-(2 ** 40), 5], [2 ** 45, -7], [123456789012, 0]], dtype=np.int64)
    u64 = np.array([[2 ** 52 + 1, 0, 17, 2 ** 33]], dtype=np.uint64)
    u32 = np.array([[4294967295], [0], [65536], [3]], dtype=np.uint32)
    logic = np.array([[1, 0], [1, 1]], dtype=np.uint8)
    txt = np.array([[ord(ch) for ch in "hello"]], dtype=np.uint16)
    big = rng.standard_normal((2, 3))
    z = rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2))

    with create_file(name) as f:
        refs = f.create_group("#refs#")
        ra = put(refs, "a", np.array([[1.5, 2.5, -3.0]]), "double")
        rb = put_char(refs, "b", "hi")

        put(f, "big_endian", big, "double", dtype=">f8")

        cell = f.create_dataset("c", shape=(2, 1), dtype=h5py.ref_dtype)        # MATLAB [1,2]
        cell[0, 0] = ra.ref
        cell[1, 0] = rb.ref
        set_class(cell, "cell")

        put(f, "d_scalar", d_scalar, "double")

        empty = f.create_dataset("empty_double", data=np.array([0, 3], dtype=np.uint64))
        set_class(empty, "double")
        empty.attrs["MATLAB_empty"] = np.uint8(1)

        put(f, "i16", i16, "int16")
        put(f, "i64", i64, "int64")
        put(f, "i8", i8, "int8")
        put(f, "logic", logic, "logical")

        s = f.create_group("s")
        set_class(s, "struct")
        put(s, "a", np.array([[42.0]]), "double")
        put_char(s, "b", "field")

        # 4x3 sparse: (1,1)=10, (3,2)=-2.5, (4,3)=7 (1-based); CSC with 0-based row indices.
        sp = f.create_group("sp")
        set_class(sp, "double")
        sp.attrs["MATLAB_sparse"] = np.uint64(4)
        sp.create_dataset("data", data=np.array([10.0, -2.5, 7.0]))
        sp.create_dataset("ir", data=np.array([0, 2, 3], dtype=np.uint64))
        sp.create_dataset("jc", data=np.array([0, 1, 2, 3], dtype=np.uint64))

        put_char(f, "txt", "hello")
        put(f, "u16", u16, "uint16")
        put(f, "u32", u32, "uint32")
        put(f, "u64", u64, "uint64")
        put(f, "u8", u8, "uint8")

        zt = np.ascontiguousarray(z.T)
        zc = np.empty(zt.shape, dtype=[("real", "<f8"), ("imag", "<f8")])
        zc["real"], zc["imag"] = zt.real, zt.imag
        zd = f.create_dataset("z", data=zc)
        set_class(zd, "double")
    write_header(path_of(name))

    entries = {
        "big_endian": stats("big_endian", "double", big),
        "c": class_only("c", "cell"),
        "d_scalar": stats("d_scalar", "double", d_scalar),
        # An empty array: its MATLAB dimensions and no statistics.
        "empty_double": dict(class_only("empty_double", "double"), dims=[0, 3]),
        "i16": stats("i16", "int16", i16),
        "i64": stats("i64", "int64", i64),
        "i8": stats("i8", "int8", i8),
        "logic": stats("logic", "logical", logic),
        "s": class_only("s", "struct"),
        "sp": class_only("sp", "sparse"),
        "txt": stats("txt", "char", txt),
        "u16": stats("u16", "uint16", u16),
        "u32": stats("u32", "uint32", u32),
        "u64": stats("u64", "uint64", u64),
        "u8": stats("u8", "uint8", u8),
        "z": class_only("z", "double"),
    }
    return name, [entries[k] for k in sorted(entries, key=lambda k: k.encode())]


def latest_format():
    name = "v73_latest_format.mat"
    n = np.array([[-0.125]])
    x = np.random.default_rng(3).standard_normal((4, 5))
    y = np.arange(9, dtype=np.uint8).reshape(3, 3) * 25
    with create_file(name, latest=True) as f:
        # Created in name order so link-message order and name order agree.
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        dcpl.set_obj_track_times(False)
        space = h5py.h5s.create_simple((1, 1))
        dsid = h5py.h5d.create(f.id, b"n", h5py.h5t.IEEE_F64LE, space, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(n.T))
        set_class(f["n"], "double")
        put(f, "x", x, "double")
        put(f, "y", y, "uint8")
    write_header(path_of(name))
    return name, [stats("n", "double", n), stats("x", "double", x), stats("y", "uint8", y)]


def latest_chunked():
    name = "v73_latest_chunked.mat"
    q = np.random.default_rng(4).standard_normal((10, 10))
    with create_file(name, latest=True) as f:
        put(f, "q", q, "double", chunks=(5, 5), compression="gzip", compression_opts=4)
    write_header(path_of(name))
    # The reader reads what MATLAB writes; a version-4 chunk index is not that, so this file must be refused
    # with a clear message ("error" in expected.json). q's statistics would be:
    print(name, stats("q", "double", q))
    return name, "error"


def struct_arrays():
    """A 1x1 struct keeps its fields' values as members of its group; a struct array keeps each field as a
    dataset of object references (into '#refs#') with the struct's dimensions and no MATLAB_class. A cell
    field of a 1x1 struct is a reference dataset too, but has MATLAB_class 'cell'."""
    name = "v73_struct_arrays.mat"

    def fields(group, names):
        value = np.empty(len(names), dtype=object)
        for k, n in enumerate(names):
            value[k] = np.frombuffer(n.encode(), dtype="S1")
        group.attrs.create("MATLAB_fields", value, dtype=h5py.vlen_dtype(np.dtype("S1")))

    with create_file(name) as f:
        refs = f.create_group("#refs#")
        counter = iter(range(100))

        def ref(value):
            return put(refs, "r%d" % next(counter), np.array([[value]]), "double").ref

        one = f.create_group("one")                                         # MATLAB 1x1, fields c (cell) and x
        set_class(one, "struct")
        fields(one, ["c", "x"])
        c = one.create_dataset("c", shape=(2, 1), dtype=h5py.ref_dtype)     # MATLAB [1,2] cell
        c[0, 0], c[1, 0] = ref(1.0), ref(2.0)
        set_class(c, "cell")
        put(one, "x", np.array([[5.0]]), "double")

        for var, dims in (("row", (1, 3)), ("sq", (2, 2))):
            s = f.create_group(var)
            set_class(s, "struct")
            fields(s, ["a", "b"])
            for field in ("a", "b"):
                d = s.create_dataset(field, shape=dims[::-1], dtype=h5py.ref_dtype)
                for index in np.ndindex(*dims[::-1]):
                    d[index] = ref(float(next(counter)))
    write_header(path_of(name))
    return name, [class_only("one", "struct"), class_only("row", "struct"), class_only("sq", "struct")]


def objects():
    """A string, a datetime (any classdef object) is a uint32 dataset of 6 values that point into '#subsystem#'
    (0xDD000000, 2, 1, 1, object id, class id), with MATLAB_class the class name and MATLAB_object_decode = 3.
    Its dimensions are not those of the object; level 5 stores such an object as opaque (class 17)."""
    name = "v73_objects.mat"
    x = np.array([[1.5, -2.0, 4.0]])
    with create_file(name) as f:
        for var, cls, object_id in (("dt", "datetime", 2), ("str", "string", 1)):
            ds = put(f, var, np.array([[0xDD000000, 2, 1, 1, object_id, object_id]]).T, cls, dtype=np.uint32)
            ds.attrs["MATLAB_object_decode"] = np.int32(3)
        put(f, "x", x, "double")
    write_header(path_of(name))
    return name, [class_only("dt", "opaque"), class_only("str", "opaque"), stats("x", "double", x)]


def images_48mb_deflated():
    """MATLAB 2000x1000x3 doubles, all 0.5, deflated in chunks of 2 MB: a file that reads within 64 MB but whose
    images, as floats, do not fit beside it."""
    name = os.path.join("memory", "v73_images_48MB_deflated.mat")
    with create_file(name) as f:
        put(f, "IMAGES", np.full((2000, 1000, 3), 0.5), "double", chunks=(1, 125, 2000), compression="gzip",
            compression_opts=9)
    write_header(path_of(name))


def update_expected(results):
    path = path_of("expected.json")
    with open(path) as fh:
        text = fh.read()
    expected = json.loads(text, object_pairs_hook=OrderedDict)
    assert json.dumps(expected, indent=1) == text, "expected.json is not in json.dumps(indent=1) form"
    new = OrderedDict()
    for key, value in expected.items():
        if key == "bad_truncated.mat":
            for name, entries in results:
                new[name] = entries
        if key not in new:
            new[key] = value
    for name, entries in results:
        new[name] = entries
    with open(path, "w") as fh:
        fh.write(json.dumps(new, indent=1))


if __name__ == "__main__":
    update_expected([chunked_deflate(), many_types(), latest_format(), latest_chunked(), struct_arrays()])
    images_48mb_deflated()
