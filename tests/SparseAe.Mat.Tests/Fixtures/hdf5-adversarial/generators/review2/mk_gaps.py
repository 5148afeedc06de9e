import h5py, numpy as np
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
for i, (libver, track) in enumerate([('v108', True), ('v108', False), ('earliest', False), ('earliest', True)]):
    p = f"gaps/g{i}.mat"
    with h5py.File(p, 'w', userblock_size=512, libver=(libver, 'v108'), track_order=track) as f:
        d = f.create_dataset("v", data=np.arange(24, dtype='<i4').reshape(2, 3, 4), chunks=(1, 2, 3), compression='gzip', shuffle=True, track_order=track)
        for k in range(6): d.attrs[f"junk{k}"] = np.arange(k * 3 + 1)
        d.attrs["MATLAB_class"] = np.bytes_("int32")
        for k in range(0, 6, 2): del d.attrs[f"junk{k}"]
        d.attrs["junk1"] = 5  # shrink
        g = f.create_group("g", track_order=track); g.attrs["MATLAB_class"] = np.bytes_("struct")
        for k in range(5): g.create_dataset(f"m{k}", data=[k])
        del g["m2"]
        f.create_dataset("w", data=np.ones((3, 2)), track_order=track).attrs["MATLAB_class"] = np.bytes_("double")
        del f["w"].attrs["MATLAB_class"]; f["w"].attrs["MATLAB_class"] = np.bytes_("double")
    with open(p, "r+b") as fh: fh.write(HEADER)
