from h5craft import *
import os, random
random.seed(5)
rnd = lambda n: bytes(random.getrandbits(8) for _ in range(n))

# A1: 60 KB of garbage claiming one 62 MB chunk (deflate only, as MATLAB writes): output + chunk buffer allocated before inflate fails
f = File(); S = 60000; N = S * 1032 // 8
c = f.put(rnd(S)); bt = chunk_btree(f, 1, [(S, 0, (0,), c)], chunk=(N,))
ds = dataset(f, (N,), 'f8', 'double', layout_chunked(bt, (N,), 8), [msg(0x0B, filters([DEFLATE]))])
print("A1", f.finish(group(f, [("x", ds)]), "craft/A1_garbage_deflate.mat"))

# A2: shuffle+deflate (h5py order): a 20-byte valid zlib stream + garbage padding; inflate gives 16 bytes, then shuffle makes a 2nd buffer
f = File(); z = zlib.compress(bytes(16)); stored = z + rnd(S - len(z))
c = f.put(stored); bt = chunk_btree(f, 1, [(S, 0, (0,), c)], chunk=(N,))
ds = dataset(f, (N,), 'f8', 'double', layout_chunked(bt, (N,), 8), [msg(0x0B, filters([SHUFFLE, DEFLATE]))])
print("A2", f.finish(group(f, [("x", ds)]), "craft/A2_shuffle_deflate_short.mat"))

# A3: deflate then shuffle (write order): read unshuffles first (buffer 1), then inflate (buffer 2): pure garbage, 3 x 62 MB
f = File(); c = f.put(rnd(S)); bt = chunk_btree(f, 1, [(S, 0, (0,), c)], chunk=(N,))
ds = dataset(f, (N,), 'f8', 'double', layout_chunked(bt, (N,), 8), [msg(0x0B, filters([DEFLATE, SHUFFLE]))])
print("A3", f.finish(group(f, [("x", ds)]), "craft/A3_deflate_shuffle_garbage.mat"))

# A4: dataset of 1 element, chunk of N elements: chunk buffers only (no output), garbage after a short valid stream
f = File(); c = f.put(stored); bt = chunk_btree(f, 1, [(S, 0, (0,), c)], chunk=(N,))
ds = dataset(f, (1,), 'f8', 'double', layout_chunked(bt, (N,), 8), [msg(0x0B, filters([SHUFFLE, DEFLATE]))])
print("A4", f.finish(group(f, [("x", ds)]), "craft/A4_small_dataset_big_chunk.mat"))

# B: K datasets (distinct headers) whose layouts all name one B-tree with one 10 MB chunk of zeros
for K, N in [(20, 10_000_000), (60, 10_000_000)]:
    f = File(); z = zlib.compress(bytes(N), 9)
    c = f.put(z); bt = chunk_btree(f, 1, [(len(z), 0, (0,), c)], chunk=(N,))
    links = [(f"v{k:03d}", dataset(f, (N,), 'u1', 'uint8', layout_chunked(bt, (N,), 1), [msg(0x0B, filters([DEFLATE]))])) for k in range(K)]
    print("B", K, f.finish(group(f, links), f"craft/B_shared_btree_{K}x10M.mat"))

# C: copy with runs of one element: rank-25/26 [2,...,2] uint8 with chunks [2,...,2,1]; both chunks share one stored chunk
for rank, pad in [(25, 40000), (26, 65536)]:
    f = File(); half = 2 ** (rank - 1); z = zlib.compress(bytes(half), 9)
    c = f.put(z); ch = [2] * (rank - 1) + [1]
    bt = chunk_btree(f, rank, [(len(z), 0, tuple([0] * (rank - 1) + [0]), c), (len(z), 0, tuple([0] * (rank - 1) + [1]), c)], chunk=ch)
    ds = dataset(f, [2] * rank, 'u1', 'uint8', layout_chunked(bt, ch, 1), [msg(0x0B, filters([DEFLATE]))])
    print("C", rank, f.finish(group(f, [("x", ds)]), f"craft/C_rank{rank}_runs_of_1.mat", pad_to=pad))
# C3: rank 2, [2^25, 2] with chunks [2^25, 1]
f = File(); n = 2 ** 25; z = zlib.compress(bytes(n), 9); c = f.put(z)
bt = chunk_btree(f, 2, [(len(z), 0, (0, 0), c), (len(z), 0, (0, 1), c)], chunk=(n, 1))
ds = dataset(f, (n, 2), 'u1', 'uint8', layout_chunked(bt, (n, 1), 1), [msg(0x0B, filters([DEFLATE]))])
print("C3", f.finish(group(f, [("x", ds)]), "craft/C_rank2_runs_of_1.mat", pad_to=65536))

# D: logical stored as uint8, 16 MB of zeros (legit decompression 16 MB)
for cls in ["logical", "uint8"]:
    f = File(); n = 16_000_000; z = zlib.compress(bytes(n), 9); c = f.put(z)
    bt = chunk_btree(f, 1, [(len(z), 0, (0,), c)], chunk=(n,))
    ds = dataset(f, (n,), 'u1', cls, layout_chunked(bt, (n,), 1), [msg(0x0B, filters([DEFLATE]))])
    print("D", cls, f.finish(group(f, [("x", ds)]), f"craft/D_{cls}_16M.mat"))
