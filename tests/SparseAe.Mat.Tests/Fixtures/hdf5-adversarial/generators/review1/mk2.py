import struct
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
HEADER = (TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM").ljust(512, b"\0")
U = 0xFFFFFFFFFFFFFFFF
def build(namelen, snod_entries, btree_children, path):
    # addresses relative to 512
    sb_len = 96
    root = sb_len                       # v1 object header: 16 prefix + 8 msg hdr + 16 data
    heap = root + 40
    heapdata = heap + 32
    name = b"#" + b"x" * (namelen - 1) + b"\0"
    seg = (b"\0" + name).ljust((len(name) + 1 + 7) // 8 * 8, b"\0")
    btree = heapdata + len(seg)
    btree_len = 8 + 16 + btree_children * 16 + 8
    snod = btree + btree_len
    snod_len = 8 + 40 * snod_entries
    end = snod + snod_len
    out = bytearray()
    # superblock v0
    out += b"\x89HDF\r\n\x1a\n" + bytes([0, 0, 0, 0, 0, 8, 8, 0]) + struct.pack("<HHI", 4, 16, 0)
    out += struct.pack("<QQQQ", 0, U, 512 + end, U)
    out += struct.pack("<QQII", 0, root, 1, 0) + struct.pack("<QQ", btree, heap)
    assert len(out) == sb_len
    out += struct.pack("<BBHII", 1, 0, 1, 1, 24) + b"\0" * 4
    out += struct.pack("<HHB3x", 0x11, 16, 0) + struct.pack("<QQ", btree, heap)
    assert len(out) == heap
    out += b"HEAP" + bytes([0, 0, 0, 0]) + struct.pack("<QQQ", len(seg), U, heapdata)
    out += seg
    assert len(out) == btree
    out += b"TREE" + bytes([0, 0]) + struct.pack("<HQQ", btree_children, U, U)
    for i in range(btree_children): out += struct.pack("<QQ", 0, snod)
    out += struct.pack("<Q", 1)
    assert len(out) == snod
    out += b"SNOD" + bytes([1, 0]) + struct.pack("<H", snod_entries)
    for i in range(snod_entries): out += struct.pack("<QQII", 1, root, 0, 0) + b"\0" * 16
    open(path, "wb").write(HEADER + out)
build(2000, 400, 100, "in/names_2k.mat")      # ~ 20 KB file
build(20000, 1000, 40, "in/names_20k.mat")    # ~ 62 KB file
