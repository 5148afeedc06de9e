# random datasets in files with size of offsets / lengths 2, 4, 8 and superblock v0 or v2
import h5py, numpy as np, sys, random
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
CLASSES = {'f8':'double','f4':'single','u1':'uint8','i1':'int8','u2':'uint16','i2':'int16','u4':'uint32','i4':'int32','u8':'uint64','i8':'int64'}
out = sys.argv[1]; n = int(sys.argv[2]); seed = int(sys.argv[3])
rng = random.Random(seed); nrng = np.random.default_rng(seed)
for case in range(n):
    so, sl = rng.choice([(8,8),(4,4),(4,8),(8,4),(2,2),(2,4),(4,2),(2,8)])
    maxel = 600 if so == 2 or sl == 2 else 5000
    rank = rng.choice([1,2,3,4])
    while True:
        shape = tuple(rng.choice([1,2,3,5,7,8,13,16]) for _ in range(rank))
        if np.prod(shape) <= maxel // 8: break
    code = rng.choice(list(CLASSES)); dt = np.dtype('<' + code)
    data = (nrng.standard_normal(shape) * 100).astype(dt) if code[0]=='f' else nrng.integers(0, 100, size=shape).astype(dt)
    libver = rng.choice(['earliest','v108'])
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE); fcpl.set_userblock(512); fcpl.set_sizes(so, sl)
    track = rng.random() < 0.4
    if track: fcpl.set_link_creation_order(h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_EARLIEST if libver=='earliest' else h5py.h5f.LIBVER_V18, h5py.h5f.LIBVER_V18)
    name = f"{out}/s{seed}_{case:04d}"; path = name + ".mat"
    kw = {}
    if rng.random() < 0.7:
        kw['chunks'] = tuple(rng.randint(1, s + 2) for s in shape); kw['maxshape'] = tuple(None for _ in shape)
        if rng.random() < 0.5: kw['compression'] = 'gzip'
        if rng.random() < 0.4: kw['shuffle'] = True
        if rng.random() < 0.3: kw['fletcher32'] = True
    try:
        with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)) as f:
            d = f.create_dataset("v", data=data, track_order=track, **kw)
            d.attrs["MATLAB_class"] = np.bytes_(CLASSES[code])
            for extra in range(rng.randint(0, 3)): f.create_dataset(f"w{extra}", data=np.arange(3.0)).attrs["MATLAB_class"] = np.bytes_("double")
    except Exception as e:
        print("skip", so, sl, e); import os; os.remove(path); continue
    with open(path, "r+b") as fh: fh.write(HEADER)
    data.tofile(name + ".bin")
    open(name + ".dims", "w").write(" ".join(map(str, list(reversed(shape)) if rank > 1 else [shape[0], 1])))
    open(name + ".desc", "w").write(f"sizes={so},{sl} shape={shape} {dt.str} libver={libver} track={track} {kw}\n")
