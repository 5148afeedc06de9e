# A minimal HDF5 writer (superblock 0, v1 object headers, symbol-table groups, v3 chunked layouts) for crafted MAT files.
import struct, zlib
TEXT = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 18:00:00 2026 HDF5 schema 1.00 ."
USERBLOCK = (TEXT.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM").ljust(512, b"\0")
U = 0xFFFFFFFFFFFFFFFF
def pad8(b): return b + b"\0" * (-len(b) % 8)

class File:
    def __init__(self):
        self.buf = bytearray(b"\0" * 96)   # superblock placeholder at address 0
    def put(self, data, align=8):
        self.buf += b"\0" * (-len(self.buf) % align)
        a = len(self.buf); self.buf += data; return a
    def reserve(self, n): return self.put(b"\0" * n)
    def patch(self, addr, data): self.buf[addr:addr + len(data)] = data
    def finish(self, root, path, pad_to=None):
        eof = len(self.buf)
        if pad_to: self.buf += b"\0" * (pad_to - 512 - len(self.buf)); eof = len(self.buf)
        sb = b"\x89HDF\r\n\x1a\n" + bytes([0, 0, 0, 0, 0, 8, 8, 0]) + struct.pack("<HHI", 4, 16, 0)
        sb += struct.pack("<QQQQ", 0, U, eof, U) + struct.pack("<QQII", 0, root, 0, 0) + b"\0" * 16
        assert len(sb) == 96
        self.buf[0:96] = sb
        data = USERBLOCK + bytes(self.buf)
        open(path, "wb").write(data); return len(data)

def msg(mtype, data, flags=0):
    data = pad8(data)
    return struct.pack("<HHB3x", mtype, len(data), flags) + data

def ohdr_v1(messages):
    body = b"".join(messages)
    return struct.pack("<BBHII4x", 1, 0, len(messages), 1, len(body)) + body

def dataspace(dims):
    return struct.pack("<BBBB4x", 1, len(dims), 0, 0) + b"".join(struct.pack("<Q", d) for d in dims)

FT = {  # numpy code -> datatype message
    'f8': bytes([0x11, 0x20, 63, 0]) + struct.pack("<IHHBBBBI", 8, 0, 64, 52, 11, 0, 52, 1023),
    'f4': bytes([0x11, 0x20, 31, 0]) + struct.pack("<IHHBBBBI", 4, 0, 32, 23, 8, 0, 23, 127),
}
for bits, n in [(8, 1), (16, 2), (32, 4), (64, 8)]:
    FT[f'u{n}'] = bytes([0x10, 0, 0, 0]) + struct.pack("<IHH", n, 0, bits)
    FT[f'i{n}'] = bytes([0x10, 0x08, 0, 0]) + struct.pack("<IHH", n, 0, bits)

def string_type(n): return bytes([0x13, 0x00, 0, 0]) + struct.pack("<I", n)

def attribute(name, dtype_msg, space_msg, data):
    nb = name.encode() + b"\0"
    return struct.pack("<BBHHH", 1, 0, len(nb), len(dtype_msg), len(space_msg)) + pad8(nb) + pad8(dtype_msg) + pad8(space_msg) + data

def class_attr(cls):
    return msg(0x0C, attribute("MATLAB_class", string_type(len(cls)), dataspace_scalar(), cls.encode()))
def dataspace_scalar(): return struct.pack("<BBBB4x", 1, 0, 0, 0)
def uint_attr(name, value, size=1):
    return msg(0x0C, attribute(name, FT[f'u{size}'], dataspace_scalar(), value.to_bytes(size, 'little')))

def layout_chunked(btree, chunk_dims, elsize):
    dims = list(chunk_dims) + [elsize]
    return struct.pack("<BBBQ", 3, 2, len(dims), btree) + b"".join(struct.pack("<I", d) for d in dims)
def layout_contiguous(addr, size): return struct.pack("<BBQQ", 3, 1, addr, size)
def layout_compact(data): return struct.pack("<BBH", 3, 0, len(data)) + data

def filters(ids_and_cd):
    out = struct.pack("<BB6x", 1, len(ids_and_cd))
    for fid, cd in ids_and_cd:
        out += struct.pack("<HHHH", fid, 0, 0, len(cd)) + b"".join(struct.pack("<I", v) for v in cd)
        if len(cd) % 2: out += b"\0" * 4
    return out
DEFLATE, SHUFFLE, FLETCHER = (1, [6]), (2, [8]), (3, [])

def chunk_btree(f, rank, entries, pad=True, chunk=None):
    """entries: list of (size, mask, offsets, address) -> address of a level-0 chunk B-tree node"""
    body = b""
    for size, mask, offsets, addr in entries:
        body += struct.pack("<II", size, mask) + b"".join(struct.pack("<Q", o) for o in list(offsets) + [0]) + struct.pack("<Q", addr)
    last = [o + (chunk[k] if chunk else 1) for k, o in enumerate(entries[-1][2])] if entries else [0] * rank
    body += struct.pack("<II", 0, 0) + b"".join(struct.pack("<Q", o) for o in last + [0])
    node = b"TREE" + struct.pack("<BBHQQ", 1, 0, len(entries), U, U) + body
    full = 24 + 64 * (8 + 8 * (rank + 1) + 8) + 8 + 8 * (rank + 1)
    return f.put(node + b"\0" * max(0, full - len(node)) if pad else node)

def dataset(f, dims, code, cls, layout_msg, extra=()):
    msgs = [msg(1, dataspace(dims)), msg(3, FT[code] if isinstance(code, str) else code), msg(8, layout_msg)] + list(extra)
    if cls is not None: msgs.append(class_attr(cls))
    return f.put(ohdr_v1(msgs))

def group(f, links, extra=(), one_node=True):
    """links: list of (name, header address); sorted by name; one SNOD holding them all."""
    links = sorted(links)
    heapdata = b"\0" * 8
    offs = []
    for name, _ in links:
        offs.append(len(heapdata)); heapdata += pad8(name.encode() + b"\0")
    data_addr = f.put(heapdata)
    heap = f.put(b"HEAP" + struct.pack("<B3xQQQ", 0, len(heapdata), 1, data_addr))
    snod = f.put(b"SNOD" + struct.pack("<BBH", 1, 0, len(links)) + b"".join(struct.pack("<QQII16x", o, a, 0, 0) for o, (_, a) in zip(offs, links)) + b"\0" * 40 * max(0, 8 - len(links)))
    btree = f.put(b"TREE" + struct.pack("<BBHQQ", 0, 0, 1, U, U) + struct.pack("<QQQ", 0, snod, offs[-1] if offs else 0) + b"\0" * (544 - 48))
    return f.put(ohdr_v1([msg(0x11, struct.pack("<QQ", btree, heap))] + list(extra)))
