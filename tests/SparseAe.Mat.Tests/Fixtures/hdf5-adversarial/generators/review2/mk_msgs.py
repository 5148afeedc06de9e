import struct
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = (TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM").ljust(512, b"\0")
U = 0xFFFFFFFFFFFFFFFF
def build(nmsg, path):
    root = 96
    body = b"\x99\x00\x00\x00" * nmsg
    ohdr = b"OHDR" + bytes([2, 2]) + struct.pack("<I", len(body)) + body + b"\0\0\0\0"
    end = root + len(ohdr)
    out = b"\x89HDF\r\n\x1a\n" + bytes([0, 0, 0, 0, 0, 8, 8, 0]) + struct.pack("<HHI", 4, 16, 0)
    out += struct.pack("<QQQQ", 0, U, 512 + end, U) + struct.pack("<QQII", 0, root, 0, 0) + b"\0" * 16
    assert len(out) == root
    open(path, "wb").write(HEADER + out + ohdr)
build(4_000_000, "craft/F_msgs_16MB.mat")
