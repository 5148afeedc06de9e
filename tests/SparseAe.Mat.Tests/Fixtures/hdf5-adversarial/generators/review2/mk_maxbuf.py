from h5craft import *
import os
MAXLEN = 0x7FFFFFC7
for name, flt in [("H1_fletcher_deflate_maxchunk", [FLETCHER, DEFLATE]), ("H2_31fletcher_deflate_maxchunk", [FLETCHER] * 31 + [DEFLATE])]:
    C = MAXLEN - 2; S = -(-C // 1032) + 16
    f = File(); c = f.put(os.urandom(S)); bt = chunk_btree(f, 1, [(S, 0, (0,), c)], chunk=(C,))
    ds = dataset(f, (1,), 'u1', 'uint8', layout_chunked(bt, (C,), 1), [msg(0x0B, filters(flt))])
    print(name, f.finish(group(f, [("x", ds)]), f"craft/{name}.mat"))
