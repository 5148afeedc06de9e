exec(open("mk.py").read().split("# 1.")[0])
p = "in/contig16M_u8_as_double.mat"
with create(p) as f:
    d = f.create_dataset("z", data=np.zeros(16_000_000, np.uint8)); d.attrs["MATLAB_class"] = np.bytes_("double")
hdr(p)
p = "in/vlen_class_attr.mat"
with create(p) as f:
    d = f.create_dataset("ok", data=np.arange(4.0)); d.attrs["MATLAB_class"] = np.bytes_("double")
    d = f.create_dataset("w", data=np.arange(6.0)); d.attrs["MATLAB_class"] = "double"   # h5py default: vlen str
hdr(p)
p = "in/latest_9vars.mat"
fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE); fcpl.set_userblock(512)
with h5py.File(p, "w", userblock_size=512, libver="latest") as f:
    for i in range(9):
        d = f.create_dataset(f"v{i}", data=np.arange(3.0)); d.attrs["MATLAB_class"] = np.bytes_("double")
    d = f.create_dataset("many_attrs", data=np.arange(3, dtype=np.int32))
    for i in range(10): d.attrs[f"a{i}"] = np.int32(i)
hdr(p)
p = "in/latest_dense_attrs.mat"
with h5py.File(p, "w", userblock_size=512, libver="latest") as f:
    d = f.create_dataset("x", data=np.arange(3, dtype=np.uint8))
    for i in range(10): d.attrs[f"a{i}"] = np.int32(i)
    d.attrs["MATLAB_class"] = np.bytes_("double")
hdr(p)
