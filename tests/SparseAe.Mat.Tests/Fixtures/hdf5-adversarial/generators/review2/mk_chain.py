# E: a chunk that passes through 32 deflate filters, each stage inflating to ~C bytes (literal-heavy fixed-Huffman streams)
from h5craft import *
import sys
def rev(c, n): return int(format(c, f'0{n}b')[::-1], 2)
def litcode(b):
    return (rev(0x30 + b, 8), 8) if b < 144 else (rev(0x190 + b - 144, 9), 9)
MATCH258 = (rev(0xC5, 8) | (0 << 8), 13)   # length code 285 (8 bits: 11000101) then distance code 0 (5 bits 00000)
class BW:
    def __init__(s): s.segs = [bytearray()]; s.acc = 0; s.n = 0
    def bits(s, v, n):
        s.acc |= v << s.n; s.n += n
        while s.n >= 8: s.segs[-1].append(s.acc & 0xFF); s.acc >>= 8; s.n -= 8
    def run(s, b, count):            # count literals of byte b (< 144), the bulk as a constant-byte run
        v, n = litcode(b); assert n == 8
        s.bits(v, 8); count -= 1
        o = s.n; byte = ((v << o) | (v >> (8 - o))) & 0xFF if o else v
        s.segs.append((byte, count)); s.segs.append(bytearray())
        s.acc = v >> (8 - o) if o else 0
    def flush(s):
        if s.n: s.segs[-1].append(s.acc & 0xFF); s.acc = 0; s.n = 0
def total(segs): return sum(len(x) if isinstance(x, bytearray) else x[1] for x in segs)
def adler(segs):
    a = 1
    for x in segs:
        if isinstance(x, bytearray): a = zlib.adler32(bytes(x), a)
        else:
            blk = bytes([x[0]]) * (1 << 20)
            q, r = divmod(x[1], 1 << 20)
            for _ in range(q): a = zlib.adler32(blk, a)
            a = zlib.adler32(blk[:r], a)
    return a
def encode(segs, trim):
    """zlib stream whose output is segs (bytes/run segments); returns the stream as segments."""
    w = BW(); w.segs[-1] += b"\x78\x01"; w.bits(1, 1); w.bits(1, 2)
    for x in segs:
        if isinstance(x, bytearray):
            for b in x: w.bits(*litcode(b))
        else:
            b, n = x; v, _ = litcode(b); assert b < 144
            w.bits(v, 8); n -= 1
            # align so that the run byte of the next stage is < 128 (keeps 8-bit codes there too)
            for _ in range(8):
                o = w.n; byte = ((v << o) | (v >> (8 - o))) & 0xFF if o else v
                if byte < 128: break
                w.bits(*MATCH258); n -= 258
            else: raise Exception("no alignment")
            m = n - trim * 258 - 1
            w.run(b, m); n -= m
            for _ in range(trim): w.bits(*MATCH258); n -= 258
            for _ in range(n): w.bits(v, 8)
    w.bits(0, 7); w.flush()
    w.segs[-1] += adler(segs).to_bytes(4, 'big')
    return [x for x in w.segs if not (isinstance(x, bytearray) and len(x) == 0)]
def materialize(segs): return b"".join(bytes(x) if isinstance(x, bytearray) else bytes([x[0]]) * x[1] for x in segs)

C = int(sys.argv[1]); stages = int(sys.argv[2]); out = sys.argv[3]
segs = [(0, C)]          # S_last: the chunk, C zero bytes
for k in range(stages - 1):
    segs = encode(segs, trim=2)
    assert total(segs) <= C, (k, total(segs))
s1 = materialize(segs)
# sanity: inflating the chain gives zeros
t = s1
for k in range(stages - 1): t = zlib.decompress(t)
assert t == bytes(C)
s0 = zlib.compress(s1, 9)
need = -(-C // 1032)
stored = s0 + bytes(max(0, need - len(s0)))
print("S1", len(s1), "S0", len(s0), "stored", len(stored))
f = File(); c = f.put(stored); bt = chunk_btree(f, 1, [(len(stored), 0, (0,), c)], chunk=(C,))
ds = dataset(f, (1,), 'u1', 'uint8', layout_chunked(bt, (C,), 1), [msg(0x0B, filters([DEFLATE] * stages))])
print(out, f.finish(group(f, [("x", ds)]), out, pad_to=max(65536, 0) if len(f.buf) < 65000 else None))
