from h5craft import *
import numpy as np
out = {}
def save(name, f, root, **kw): out[name] = f.finish(root, f"weird/{name}.mat", **kw)

def chunked_file(name, dims, chunk, code, cls, elsize, data_fn, flt=None, mask=0, offsets=None, extra=(), final=None):
    """data_fn(offset) -> stored bytes for the chunk at offset"""
    f = File(); rank = len(dims)
    import itertools
    offs = offsets or list(itertools.product(*[range(0, d, c) for d, c in zip(dims, chunk)]))
    ents = []
    for o in offs:
        b = data_fn(o); a = f.put(b); ents.append((len(b), mask, o, a))
    bt = chunk_btree(f, rank, ents, chunk=chunk)
    ex = list(extra) + ([msg(0x0B, filters(flt))] if flt else [])
    ds = dataset(f, dims, code, cls, layout_chunked(bt, chunk, elsize), ex)
    save(name, f, group(f, [("x", ds)]))

def fl32(b):
    import h5craft
    return b + fletcher(b).to_bytes(4, 'little')
def fletcher(data):
    s1 = s2 = 0; words = len(data) // 2; at = 0
    while words:
        blk = min(words, 360); words -= blk
        for _ in range(blk):
            s1 += (data[at] << 8) | data[at + 1]; s2 += s1; at += 2
        s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    if len(data) % 2:
        s1 += data[at] << 8; s2 += s1
        s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    s1 = (s1 & 0xFFFF) + (s1 >> 16); s2 = (s2 & 0xFFFF) + (s2 >> 16)
    return ((s2 << 16) | s1) & 0xFFFFFFFF

z8 = lambda n: bytes(8 * n)
# chunk dims
chunked_file("chunk_huge_nonlast", (3, 2), (0xFFFFFFFF, 1), 'f8', 'double', 8, lambda o: z8(1))
chunked_file("chunk_huge_all_rank32", (1,) * 32, (0xFFFFFFFF,) * 32, 'f8', 'double', 8, lambda o: z8(1))
chunked_file("chunk_bigger_than_dims", (3, 5), (7, 11), 'f8', 'double', 8, lambda o: np.arange(77, dtype='<f8').tobytes())
chunked_file("rank32_ones", (1,) * 32, (1,) * 32, 'f8', 'double', 8, lambda o: np.array([42.0]).tobytes())
chunked_file("rank32_edge", (1,) * 30 + (3, 5), (1,) * 30 + (2, 4), 'f8', 'double', 8, lambda o: np.arange(8, dtype='<f8').tobytes())
chunked_file("rank1_edge", (5,), (4,), 'f8', 'double', 8, lambda o: np.arange(4, dtype='<f8').tobytes())
chunked_file("elsize_mismatch", (4,), (4,), 'f8', 'double', 4, lambda o: z8(4))
# filters
chunked_file("mask_all_bits", (4,), (4,), 'f8', 'double', 8, lambda o: np.arange(4.0).tobytes(), flt=[DEFLATE, SHUFFLE, FLETCHER], mask=0xFFFFFFFF)
chunked_file("shuffle_cd0", (4,), (4,), 'f8', 'double', 8, lambda o: np.arange(4.0).tobytes(), flt=[(2, [0])])
chunked_file("shuffle_cd_huge", (4,), (4,), 'f8', 'double', 8, lambda o: np.arange(4.0).tobytes(), flt=[(2, [0xFFFFFFFF])])
chunked_file("shuffle_no_cd", (4,), (4,), 'f8', 'double', 8, lambda o: np.arange(4.0).reshape(1,4).view('u1').reshape(4,8).T.copy().tobytes(), flt=[(2, [])])
chunked_file("fletcher_twice", (4,), (4,), 'f8', 'double', 8, lambda o: fl32(fl32(np.arange(4.0).tobytes())), flt=[FLETCHER, FLETCHER])
chunked_file("fletcher_deflate_fletcher", (4,), (4,), 'f8', 'double', 8, lambda o: fl32(zlib.compress(fl32(np.arange(4.0).tobytes()))), flt=[FLETCHER, DEFLATE, FLETCHER])
chunked_file("fletcher_odd_len", (3,), (3,), 'u1', 'uint8', 1, lambda o: fl32(bytes([1, 2, 3])), flt=[FLETCHER])
chunked_file("fletcher_bad", (4,), (4,), 'f8', 'double', 8, lambda o: np.arange(4.0).tobytes() + b"\1\2\3\4", flt=[FLETCHER])
chunked_file("fletcher_short_chunk", (1,), (1,), 'u1', 'uint8', 1, lambda o: b"\1\2", flt=[FLETCHER, FLETCHER])
chunked_file("deflate_twice", (4,), (4,), 'f8', 'double', 8, lambda o: zlib.compress(zlib.compress(np.arange(4.0).tobytes())), flt=[DEFLATE, DEFLATE])
chunked_file("deflate_too_much", (4,), (4,), 'f8', 'double', 8, lambda o: zlib.compress(bytes(40)), flt=[DEFLATE])
chunked_file("deflate_raw_no_header", (4,), (4,), 'f8', 'double', 8, lambda o: zlib.compress(bytes(32))[2:-4], flt=[DEFLATE])
chunked_file("deflate_trunc", (4,), (4,), 'f8', 'double', 8, lambda o: zlib.compress(np.arange(4.0).tobytes())[:-6], flt=[DEFLATE])
chunked_file("deflate_bad_adler", (4,), (4,), 'f8', 'double', 8, lambda o: zlib.compress(np.arange(4.0).tobytes())[:-1] + b"\0", flt=[DEFLATE])
chunked_file("unknown_filter", (4,), (4,), 'f8', 'double', 8, lambda o: z8(4), flt=[(32001, [])])
chunked_file("filters_33", (4,), (4,), 'f8', 'double', 8, lambda o: z8(4), flt=[FLETCHER] * 33)
chunked_file("shuffle_stored_longer", (4,), (4,), 'f8', 'double', 8, lambda o: z8(5), flt=[SHUFFLE])
# B-tree keys
chunked_file("offset_not_multiple", (4,), (2,), 'f8', 'double', 8, lambda o: z8(2), offsets=[(0,), (1,)])
chunked_file("offset_past_dim", (4,), (2,), 'f8', 'double', 8, lambda o: z8(2), offsets=[(0,), (4,)])
chunked_file("duplicate_chunk", (4,), (2,), 'f8', 'double', 8, lambda o: z8(2), offsets=[(0,), (0,)])
chunked_file("missing_chunk", (4,), (2,), 'f8', 'double', 8, lambda o: z8(2), offsets=[(2,)])
chunked_file("extra_chunk", (4,), (2,), 'f8', 'double', 8, lambda o: z8(2), offsets=[(0,), (2,), (4,)])
chunked_file("zero_dim", (0, 3), (1, 1), 'f8', 'double', 8, lambda o: z8(1), offsets=[])
chunked_file("scalar_chunked", (), (), 'f8', 'double', 8, lambda o: z8(1), offsets=[()])

# compact / contiguous
def simple(name, dims, code, cls, layout, extra=()):
    f = File(); ds = dataset(f, dims, code, cls, layout(f), extra); save(name, f, group(f, [("x", ds)]))
simple("compact_short", (4,), 'f8', 'double', lambda f: layout_compact(z8(3)))
simple("compact_long", (2,), 'f8', 'double', lambda f: layout_compact(np.array([1.0, 2.0, 3.0]).tobytes()))
simple("compact_empty", (0,), 'f8', 'double', lambda f: layout_compact(b""))
simple("compact_size_past_msg", (2,), 'f8', 'double', lambda f: struct.pack("<BBH", 3, 0, 60000) + z8(2))
simple("contig_undefined", (2,), 'f8', 'double', lambda f: layout_contiguous(U, 16))
simple("contig_short", (2,), 'f8', 'double', lambda f: layout_contiguous(f.put(z8(2)), 8))
simple("contig_past_eof", (2,), 'f8', 'double', lambda f: layout_contiguous(1 << 40, 16))
simple("layout_v4_chunked", (2,), 'f8', 'double', lambda f: struct.pack("<BBBB", 4, 2, 0, 2) + b"\0" * 20)
simple("layout_v2", (2,), 'f8', 'double', lambda f: struct.pack("<BB", 2, 1) + b"\0" * 20)
simple("layout_virtual", (2,), 'f8', 'double', lambda f: struct.pack("<BB", 4, 3) + b"\0" * 20)
simple("layout_class9", (2,), 'f8', 'double', lambda f: struct.pack("<BB", 3, 9) + b"\0" * 20)
simple("chunk_dim0", (2,), 'f8', 'double', lambda f: struct.pack("<BBBQII", 3, 2, 2, 0, 0, 8))
simple("chunk_dimensionality_1", (2,), 'f8', 'double', lambda f: struct.pack("<BBBQI", 3, 2, 1, 0, 8))
simple("chunk_dimensionality_40", (2,), 'f8', 'double', lambda f: struct.pack("<BBBQ", 3, 2, 40, 0) + b"\1\0\0\0" * 40)
simple("bigendian_f8", (3,), bytes([0x11, 0x21, 63, 0]) + struct.pack("<IHHBBBBI", 8, 0, 64, 52, 11, 0, 52, 1023), 'double',
       lambda f: layout_compact(np.array([1.5, -2.0, 3.25], dtype='>f8').tobytes()))
simple("vax_float", (1,), bytes([0x11, 0x61, 63, 0]) + struct.pack("<IHHBBBBI", 8, 0, 64, 52, 11, 0, 52, 1023), 'double', lambda f: layout_compact(z8(1)))
simple("int_precision_7", (1,), bytes([0x10, 0, 0, 0]) + struct.pack("<IHH", 1, 0, 7), 'uint8', lambda f: layout_compact(b"\1"))
simple("int_size_3", (1,), bytes([0x10, 0, 0, 0]) + struct.pack("<IHH", 3, 0, 24), None, lambda f: layout_compact(b"\1\2\3"))
simple("type_size_0", (1,), bytes([0x10, 0, 0, 0]) + struct.pack("<IHH", 0, 0, 0), 'uint8', lambda f: layout_compact(b""))
simple("type_class_15", (1,), bytes([0x1F, 0, 0, 0]) + struct.pack("<I", 8), 'double', lambda f: layout_compact(z8(1)))
simple("type_truncated", (1,), bytes([0x11, 0x20]), 'double', lambda f: layout_compact(z8(1)))
simple("class_mismatch_u1_as_double", (2,), 'u1', 'double', lambda f: layout_compact(b"\1\2"))
simple("class_logical_u1", (3,), 'u1', 'logical', lambda f: layout_compact(b"\0\1\2"))
simple("class_logical_f8", (1,), 'f8', 'logical', lambda f: layout_compact(z8(1)))
simple("class_char_u2", (2,), 'u2', 'char', lambda f: layout_compact(b"h\0i\0"))
simple("class_char_u1", (2,), 'u1', 'char', lambda f: layout_compact(b"hi"))
simple("class_unknown_name", (2,), 'u1', 'myclass', lambda f: layout_compact(b"hi"))
simple("class_empty_string", (2,), 'u1', '', lambda f: layout_compact(b"hi"))
simple("no_class", (2,), 'u1', None, lambda f: layout_compact(b"hi"))
simple("null_dataspace", (2,), 'f8', 'double', lambda f: layout_compact(b""))
# dataspace v2 null / scalar via patched message
def ds_msg(raw, code='f8', cls='double', layout=None):
    f = File(); L = layout or layout_compact(z8(1))
    h = f.put(ohdr_v1([msg(1, raw), msg(3, FT[code]), msg(8, L), class_attr(cls)]))
    return f, h
for name, raw in [("space_v2_null", struct.pack("<BBBB", 2, 0, 0, 2)), ("space_v2_scalar", struct.pack("<BBBB", 2, 0, 0, 0)),
                  ("space_v2_type3", struct.pack("<BBBB", 2, 0, 0, 3)), ("space_rank33", struct.pack("<BBBB4x", 1, 33, 0, 0) + b"\1" + b"\0" * 7 * 33 * 8),
                  ("space_v3", struct.pack("<BBBB", 3, 1, 0, 1) + z8(1)), ("space_truncated", struct.pack("<BBBB4x", 1, 2, 0, 0) + z8(1)),
                  ("space_huge_dim", struct.pack("<BBBB4xQ", 1, 1, 0, 0, 1 << 40)), ("space_dim_2pow31", struct.pack("<BBBB4xQQ", 1, 2, 0, 0, 1, 1 << 31)),
                  ("space_overflow_product", struct.pack("<BBBB4xQQQ", 1, 3, 0, 0, 1 << 40, 1 << 40, 0))]:
    f, h = ds_msg(raw); save(name, f, group(f, [("x", h)]))

# MATLAB_empty variants
def empty_file(name, dims, code, cls, data, empty_val=1, empty_size=1):
    f = File()
    h = f.put(ohdr_v1([msg(1, dataspace(dims)), msg(3, FT[code] if isinstance(code, str) else code), msg(8, layout_compact(data)), class_attr(cls),
                       uint_attr("MATLAB_empty", empty_val, empty_size)]))
    save(name, f, group(f, [("x", h)]))
empty_file("empty_ok", (2,), 'u8', 'double', struct.pack("<QQ", 0, 5))
empty_file("empty_nonzero_dims", (2,), 'u8', 'double', struct.pack("<QQ", 3, 5))
empty_file("empty_f8_nan", (2,), 'f8', 'cell', np.array([np.nan, 1e300]).tobytes())
empty_file("empty_f8_neg", (2,), 'f8', 'char', np.array([-5.0, 0]).tobytes())
empty_file("empty_i8_min", (2,), 'i8', 'uint8', struct.pack("<qq", -(1 << 63), 0))
empty_file("empty_u8_max", (2,), 'u8', 'logical', struct.pack("<QQ", (1 << 64) - 1, 0))
empty_file("empty_65_elems", (65,), 'u1', 'double', bytes(65))
empty_file("empty_string_type", (1,), string_type(4), 'double', b"abcd")
empty_file("empty_compound", (1,), bytes([0x16, 1, 0, 0]) + struct.pack("<I", 8) + b"r\0\0\0\0\0\0\0" + struct.pack("<I", 0) + FT['f8'], 'double', z8(1))
empty_file("empty_scalar_attr_zero", (2,), 'u8', 'double', struct.pack("<QQ", 1, 1), empty_val=0)
empty_file("empty_attr_u8", (2,), 'u8', 'double', struct.pack("<QQ", 0, 0), empty_val=1, empty_size=8)
empty_file("empty_dims_rank3_zero", (3,), 'u8', 'struct', struct.pack("<QQQ", 0, 0, 0))
empty_file("empty_no_data_dims_scalar", (), 'u8', 'double', struct.pack("<Q", 0))

# sparse groups
def sparse(name, members, rows=5, rows_size=8, signed=False):
    f = File(); links = []
    for mname, kind in members:
        if kind == "jc": links.append((mname, dataset(f, (4,), 'u8', None, layout_compact(struct.pack("<4Q", 0, 1, 2, 3)))))
        elif kind == "group": links.append((mname, group(f, [("y", dataset(f, (1,), 'f8', 'double', layout_compact(z8(1))))])))
        elif kind == "scalar": links.append((mname, f.put(ohdr_v1([msg(1, dataspace_scalar()), msg(3, FT['u8']), msg(8, layout_compact(z8(1)))]))))
        elif kind == "nospace": links.append((mname, f.put(ohdr_v1([msg(3, FT['u8']), msg(8, layout_compact(z8(1)))]))))
        elif kind == "eof": links.append((mname, 1 << 30))
        elif kind == "undef": links.append((mname, U))
    sattr = msg(0x0C, attribute("MATLAB_sparse", FT[('i' if signed else 'u') + str(rows_size)], dataspace_scalar(), rows.to_bytes(rows_size, 'little', signed=signed)))
    g = group(f, links, extra=[class_attr("double"), sattr]) if links else f.put(ohdr_v1([msg(0x11, struct.pack("<QQ", U, U)), class_attr("double"), sattr]))
    save(name, f, group(f, [("s", g)]))
sparse("sparse_ok", [("jc", "jc"), ("ir", "jc"), ("data", "jc")])
sparse("sparse_jc_group", [("jc", "group")])
sparse("sparse_jc_missing", [("ir", "jc")])
sparse("sparse_jc_scalar", [("jc", "scalar")])
sparse("sparse_jc_nospace", [("jc", "nospace")])
sparse("sparse_jc_eof", [("jc", "eof")])
sparse("sparse_jc_undef", [("jc", "undef")])
sparse("sparse_no_links_undef_table", [])
sparse("sparse_rows_huge", [("jc", "jc")], rows=(1 << 40))
sparse("sparse_rows_negative", [("jc", "jc")], rows=-3, signed=True, rows_size=4)
# sparse group whose jc is the sparse group itself: hand-made below
f = File(); sattr = msg(0x0C, attribute("MATLAB_sparse", FT['u8'], dataspace_scalar(), (5).to_bytes(8, 'little')))
# group header with symbol table pointing to a link 'jc' -> itself: need address first; reserve header
heapdata = b"\0" * 8 + pad8(b"jc\0"); da = f.put(heapdata); heap = f.put(b"HEAP" + struct.pack("<B3xQQQ", 0, len(heapdata), 1, da))
hdr_size = len(ohdr_v1([msg(0x11, struct.pack("<QQ", 0, 0)), class_attr("double"), sattr]))
gaddr = f.reserve(hdr_size)
snod = f.put(b"SNOD" + struct.pack("<BBH", 1, 0, 1) + struct.pack("<QQII16x", 8, gaddr, 0, 0))
bt = f.put(b"TREE" + struct.pack("<BBHQQ", 0, 0, 1, U, U) + struct.pack("<QQQ", 0, snod, 8))
f.patch(gaddr, ohdr_v1([msg(0x11, struct.pack("<QQ", bt, heap)), class_attr("double"), sattr]))
save("sparse_jc_is_self", f, group(f, [("s", gaddr)]))

# attributes
def attr_file(name, raw_attr_msg):
    f = File(); h = f.put(ohdr_v1([msg(1, dataspace((1,))), msg(3, FT['f8']), msg(8, layout_compact(z8(1))), raw_attr_msg]))
    save(name, f, group(f, [("x", h)]))
attr_file("attr_name_huge", msg(0x0C, struct.pack("<BBHHH", 1, 0, 65535, 8, 8) + b"A" * 16))
attr_file("attr_type_huge", msg(0x0C, struct.pack("<BBHHH", 1, 0, 2, 65535, 8) + b"A\0" + b"\0" * 14))
attr_file("attr_v3_name_no_null", msg(0x0C, struct.pack("<BBHHHB", 3, 0, 12, 8, 8, 0) + b"MATLAB_class" + string_type(6) + dataspace_scalar()[:8] + b"double"))
attr_file("attr_v2_shared_flag", msg(0x0C, struct.pack("<BBHHH", 2, 1, 2, 8, 8) + b"A\0" + z8(2)))
attr_file("attr_v9", msg(0x0C, struct.pack("<BBHHH", 9, 0, 2, 8, 8) + b"A\0" + z8(2)))
attr_file("attr_count_huge", msg(0x0C, attribute("MATLAB_class", string_type(6), dataspace((1 << 40,)), b"double")))
attr_file("attr_class_two_strings", msg(0x0C, attribute("MATLAB_class", string_type(6), dataspace((2,)), b"doubledouble")))
attr_file("attr_class_vlen", msg(0x0C, attribute("MATLAB_class", bytes([0x19, 1, 0, 0]) + struct.pack("<I", 16) + FT['u1'], dataspace_scalar(), bytes(16))))
attr_file("attr_class_u8", msg(0x0C, attribute("MATLAB_class", FT['u8'], dataspace_scalar(), bytes(8))))
attr_file("attr_class_shared_msg", msg(0x0C, attribute("MATLAB_class", string_type(6), dataspace_scalar(), b"double"), flags=2))
attr_file("attr_info_dense", msg(0x15, struct.pack("<BBQQ", 0, 0, 1234, U)))
attr_file("attr_info_truncated", msg(0x15, struct.pack("<BB", 0, 1)))
for n, v in out.items(): pass
print(len(out), "files")
