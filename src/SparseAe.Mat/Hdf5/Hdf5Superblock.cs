namespace SparseAe.Mat.Hdf5;

/// <summary>The HDF5 superblock: sizes of addresses and lengths, and where the root group's object header is.</summary>
/// <remarks>
/// HDF5 File Format Specification 3.0, section II.A. After the signature 89 48 44 46 0D 0A 1A 0A:
/// <code>
/// versions 0 and 1:  version u8, free-space version u8, root symbol table entry version u8, reserved u8,
///                    shared header version u8, size of offsets u8 (O), size of lengths u8 (L), reserved u8,
///                    group leaf K u16, group internal K u16, consistency flags u32,
///                    [version 1: indexed storage K u16, reserved u16],
///                    base address O, free-space address O, end-of-file address O, driver info address O,
///                    root group symbol table entry: name offset L, object header address O, cache type u32,
///                    reserved u32, scratch 16 bytes
/// versions 2 and 3:  version u8, O u8, L u8, flags u8, base address O, extension address O,
///                    end-of-file address O, root group object header address O, checksum u32
/// </code>
/// The stored base address is not used: the library itself rebases addresses to where it found the
/// superblock (see <see cref="Hdf5Source"/>). The end-of-file address counts from the start of the file, user
/// block included; a file shorter than it was cut short, which the HDF5 library refuses too ("truncated file").
/// </remarks>
internal sealed record Hdf5Superblock(int Version, ulong RootObjectHeader, ulong EndOfFile)
{
    public static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Reads the superblock and sets the source's sizes of offsets and lengths.</summary>
    public static Hdf5Superblock Read(Hdf5Source source)
    {
        var c = source.ReadMetadataUpTo(0, 128, "superblock");
        var signature = c.Bytes(Math.Min(8, c.Remaining), "signature");
        if (!signature.SequenceEqual(Signature))
            throw new InvalidDataException(
                $"The MAT header says version 7.3 (HDF5), so the HDF5 signature must follow at byte offset {source.SuperblockOffset}, " +
                $"but the {signature.Length} bytes there are [{Convert.ToHexString(signature)}] rather than [{Convert.ToHexString(Signature)}].");
        int version = c.U8("version");
        if (version > 3)
            throw c.Error($"the superblock version is {version}; versions 0 to 3 exist");
        if (version <= 1)
        {
            c.Skip(4, "free-space, symbol table, reserved and shared header version bytes");
            SetSizes(source, c, c.U8("size of offsets"), c.U8("size of lengths"));
            c.Skip(1 + 2 + 2 + 4 + (version == 1 ? 4 : 0), "reserved byte, group K values and flags");
            c.Skip(2 * source.OffsetSize, "base and free-space addresses");
            ulong endOfFile = c.Address("end-of-file address");
            c.Skip(source.OffsetSize, "driver information address");
            c.Length("root group link name offset");   // a heap offset: "size of lengths" bytes, as HDF5 decodes it
            return Checked(source, new Hdf5Superblock(version, c.Address("root group object header address"), endOfFile));
        }
        SetSizes(source, c, c.U8("size of offsets"), c.U8("size of lengths"));
        c.Skip(1 + 2 * source.OffsetSize, "flags, base and extension addresses");
        ulong eof = c.Address("end-of-file address");
        ulong rootAddress = c.Address("root group object header address");
        c.Checksum(0, "superblock");
        return Checked(source, new Hdf5Superblock(version, rootAddress, eof));
    }

    private static Hdf5Superblock Checked(Hdf5Source source, Hdf5Superblock superblock)
    {
        if (!source.IsUndefined(superblock.EndOfFile) && superblock.EndOfFile > (ulong)source.FileLength)
            throw new InvalidDataException(
                $"The HDF5 superblock at byte offset {source.SuperblockOffset} says the file is {superblock.EndOfFile} bytes long, " +
                $"but it has {source.FileLength}: it was cut short.");
        return superblock;
    }

    private static void SetSizes(Hdf5Source source, Hdf5Cursor c, int offsets, int lengths)
    {
        if (offsets is not (2 or 4 or 8))
            throw c.Error($"the size of offsets is {offsets}; it must be 2, 4 or 8");
        if (lengths is not (2 or 4 or 8))
            throw c.Error($"the size of lengths is {lengths}; it must be 2, 4 or 8");
        source.OffsetSize = offsets;
        source.LengthSize = lengths;
    }
}
