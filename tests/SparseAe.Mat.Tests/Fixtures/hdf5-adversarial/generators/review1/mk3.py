exec(open("mk.py").read().split("# 1.")[0])
import zlib
for rank, n, tag in [(32, 30_000_000, "rank32_30M")]:
    p = f"in/copy_{tag}.mat"
    shape = (n,) + (1,) * (rank - 1)
    with create(p) as f:
        d = f.create_dataset("z", shape=shape, chunks=shape, dtype=np.uint8, compression="gzip")
        d.attrs["MATLAB_class"] = np.bytes_("uint8")
        d.id.write_direct_chunk((0,) * rank, zlib.compress(bytes(n), 9))
    hdr(p)
