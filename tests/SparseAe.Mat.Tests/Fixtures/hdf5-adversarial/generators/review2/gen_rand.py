import h5py, numpy as np, sys, os, random
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
CLASSES = {'f8':'double','f4':'single','u1':'uint8','i1':'int8','u2':'uint16','i2':'int16','u4':'uint32','i4':'int32','u8':'uint64','i8':'int64'}
out = sys.argv[1]; n = int(sys.argv[2]); seed = int(sys.argv[3])
rng = random.Random(seed); nrng = np.random.default_rng(seed)
stats = {}
for case in range(n):
    rank = rng.choice([1,1,2,2,2,3,3,4,4,5,6])
    while True:
        shape = tuple(rng.choice([1,1,2,3,4,5,7,8,10,13,17,32,33]) for _ in range(rank))
        if np.prod(shape) <= 20000: break
    code = rng.choice(list(CLASSES))
    endian = '>' if rng.random() < 0.15 else '<'
    dt = np.dtype(endian + code)
    if code[0] == 'f':
        data = nrng.standard_normal(shape).astype(dt)
    else:
        info = np.iinfo(code)
        data = nrng.integers(info.min, info.max, size=shape, dtype=code, endpoint=True).astype(dt)
    layout = rng.choice(['chunked']*6 + ['contiguous', 'compact'])
    if layout == 'compact' and data.nbytes > 60000: layout = 'contiguous'
    libver = rng.choice(['earliest', 'v108'])
    track = rng.random() < 0.3
    kw = {}
    if layout == 'chunked':
        bigger = rng.random() < 0.4
        chunks = tuple(max(1, rng.choice([1, 2, 3, s, s, (s + 1) // 2, s + rng.choice([0, 1, 3]) if bigger else s, rng.randint(1, s)])) for s in shape)
        if not bigger: chunks = tuple(min(c, s) for c, s in zip(chunks, shape))
        if np.prod(chunks) * dt.itemsize > 1_000_000: chunks = tuple(max(1, s // 2) for s in shape)
        kw['chunks'] = chunks
        if bigger: kw['maxshape'] = tuple(None for _ in shape)
        if rng.random() < 0.6: kw['compression'] = 'gzip'; kw['compression_opts'] = rng.randint(0, 9)
        if rng.random() < 0.4: kw['shuffle'] = True
        if rng.random() < 0.3: kw['fletcher32'] = True
    name = f"{out}/c{seed}_{case:04d}"
    path = name + ".mat"
    with h5py.File(path, 'w', userblock_size=512, libver=(libver, 'v108' if libver == 'v108' else 'v108'), track_order=track) as f:
        if layout == 'compact':
            space = h5py.h5s.create_simple(shape)
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_layout(h5py.h5d.COMPACT)
            tid = h5py.h5t.py_create(dt)
            dsid = h5py.h5d.create(f.id, b"v", tid, space, dcpl=dcpl)
            dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data))
            d = f["v"]
        else:
            d = f.create_dataset("v", data=data, track_order=track, **kw)
        d.attrs["MATLAB_class"] = np.bytes_(CLASSES[code])
        actual_layout = d.id.get_create_plist().get_layout()
    with open(path, "r+b") as fh: fh.write(HEADER)
    np.ascontiguousarray(data).astype(dt.newbyteorder('<')).tofile(name + ".bin")
    mdims = list(reversed(shape)) if rank > 1 else [shape[0], 1]
    open(name + ".dims", "w").write(" ".join(map(str, mdims)))
    open(name + ".desc", "w").write(f"shape={shape} dtype={dt.str} layout={layout}({actual_layout}) libver={libver} track={track} {kw}\n")
    key = (layout, 'gzip' in str(kw), kw.get('shuffle', False), kw.get('fletcher32', False))
    stats[key] = stats.get(key, 0) + 1
for k, v in sorted(stats.items(), key=str): print(k, v)
