"""Marks one needed symbol version of a 64-bit little-endian ELF file as weak (VER_FLG_WEAK).

The dynamic loader refuses a library that needs a symbol version its dependency lacks, unless the
reference is weak; then it only warns. run.sh uses it for the GLIBCXX_3.4.32 that libLibTorchSharp.so
needs for one function (see ios-base-library-init.cpp). Usage: weak-version.py FILE VERSION
"""
import struct
import sys

path, wanted = sys.argv[1], sys.argv[2].encode()
data = bytearray(open(path, 'rb').read())
if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
    sys.exit(f'{path}: not a 64-bit little-endian ELF file')
shoff, = struct.unpack_from('<Q', data, 0x28)
shentsize, shnum = struct.unpack_from('<HH', data, 0x3A)
sections = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
verneed = next(s for s in sections if s[1] == 0x6ffffffe)   # SHT_GNU_verneed
strings = sections[verneed[6]]                              # its sh_link: .dynstr


def name(offset):
    start = strings[4] + offset
    return bytes(data[start:data.index(0, start)])


changed, entry = 0, verneed[4]
while True:
    _, count, _, aux, following = struct.unpack_from('<HHIII', data, entry)
    at = entry + aux
    for _ in range(count):
        _, flags, _, name_offset, next_aux = struct.unpack_from('<IHHII', data, at)
        if name(name_offset) == wanted:
            struct.pack_into('<H', data, at + 4, flags | 0x2)
            changed += 1
        at += next_aux
    if following == 0:
        break
    entry += following
open(path, 'wb').write(data)
print(f'{path}: {wanted.decode()} marked weak in {changed} place(s)')
