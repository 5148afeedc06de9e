exec(open("mk.py").read().split("# 1.")[0])
p = "in/conv.mat"
with create(p) as f:
    i = 0
    for dt in ["<f8", "<f4", "<i1", "<u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8"]:
        for cls in ["char", "logical", "double", "int8", "uint64", "single"]:
            a = np.array([0, 1, -1, 70000, 1e30, np.nan, np.inf]).astype(dt) if dt[1] == "f" else np.array([0, 1, 2, 255]).astype(dt)
            d = f.create_dataset(f"v{i:03d}_{dt[1:]}_{cls}", data=a); d.attrs["MATLAB_class"] = np.bytes_(cls); i += 1
hdr(p)
