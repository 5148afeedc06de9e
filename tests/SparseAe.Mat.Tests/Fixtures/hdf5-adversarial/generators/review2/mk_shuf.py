from h5craft import *
C = 62_000_000
z = zlib.compress(bytes(C), 9)
for n in [31]:
    f = File(); c = f.put(z); bt = chunk_btree(f, 1, [(len(z), 0, (0,), c)], chunk=(C // 8,))
    ds = dataset(f, (1,), 'f8', 'double', layout_chunked(bt, (C // 8,), 8), [msg(0x0B, filters([(2, [8])] * n + [DEFLATE]))])
    print(n, f.finish(group(f, [("x", ds)]), f"craft/I_shuffle{n}_deflate.mat", pad_to=65536))
