from h5craft import *
import sys
leaves = int(sys.argv[1]); per = 65535; N = leaves * per
f = File(); c = f.put(b"\7")
kids = []
for l in range(leaves):
    body = b"".join(struct.pack("<IIQQQ", 1, 0, l * per + i, 0, c) for i in range(per)) + struct.pack("<IIQQ", 0, 0, (l + 1) * per, 0)
    kids.append((l * per, f.put(b"TREE" + struct.pack("<BBHQQ", 1, 0, per, U, U) + body)))
body = b"".join(struct.pack("<IIQQQ", 1, 0, o, 0, a) for o, a in kids) + struct.pack("<IIQQ", 0, 0, N, 0)
root = f.put(b"TREE" + struct.pack("<BBHQQ", 1, 1, leaves, U, U) + body)
ds = dataset(f, (N,), 'u1', 'uint8', layout_chunked(root, (1,), 1))
print(f.finish(group(f, [("x", ds)]), f"craft/G_tiny_chunks_{leaves}x65535.mat"))
