namespace SparseAe.Mat.Hdf5;

/// <summary>HDF5 datatype classes (File Format Specification 3.0, IV.A.2.d).</summary>
internal enum Hdf5TypeClass
{
    FixedPoint = 0, FloatingPoint = 1, Time = 2, String = 3, BitField = 4, Opaque = 5, Compound = 6,
    Reference = 7, Enumerated = 8, VariableLength = 9, Array = 10,
}

/// <summary>A datatype message, decoded as far as reading MATLAB data needs.</summary>
/// <remarks>
/// <code>
/// byte 0: class (bits 0-3) and version (bits 4-7); bytes 1-3: class bit fields; bytes 4-7: size u32; properties
/// fixed-point: bit 0 byte order (1 = big-endian), bit 3 signed;   properties: bit offset u16, bit precision u16
/// floating-point: bits 0 and 6 byte order (bit 6 set = VAX), bits 4-5 mantissa normalization (2: implied leading 1),
///                 bits 8-15 sign location;                        properties: bit offset u16, bit precision u16,
///                 exponent location u8, exponent size u8, mantissa location u8, mantissa size u8, exponent bias u32
/// string: bits 0-3 padding (0 null-terminated, 1 null-padded, 2 space-padded), bits 4-7 character set
/// </code>
/// Integers and IEEE floats must use all their bits (offset 0, precision 8 x size), as every writer does;
/// anything else would need bit unpacking and is refused by <see cref="RequireNumeric"/>.
/// </remarks>
internal sealed record Hdf5Datatype(Hdf5TypeClass Class, int Size, bool IsSigned, bool IsBigEndian, bool IsFullWidthNumber)
{
    public static Hdf5Datatype Read(Hdf5Cursor c)
    {
        int classAndVersion = c.U8("class and version");
        var bits = c.Bytes(3, "class bit fields");
        int b0 = bits[0];
        uint size = c.U32("size");
        var typeClass = (Hdf5TypeClass)(classAndVersion & 0x0F);
        if ((int)typeClass > (int)Hdf5TypeClass.Array)
            throw c.Error($"the datatype class is {(int)typeClass}; classes 0 to 10 exist");
        if (size == 0 || size > int.MaxValue)
            throw c.Error($"the datatype size is {size} bytes; it must be from 1 to {int.MaxValue}");
        bool fullWidth = false;
        if (typeClass == Hdf5TypeClass.FixedPoint && c.Remaining >= 4)
            fullWidth = c.U16("bit offset") == 0 && c.U16("bit precision") == 8 * size && size is 1 or 2 or 4 or 8;
        else if (typeClass == Hdf5TypeClass.FloatingPoint && c.Remaining >= 12)
            fullWidth = (b0 & 0x40) == 0 && (b0 & 0x30) == 0x20 && bits[1] == 8 * size - 1 && IsIeee(c, size);
        return new Hdf5Datatype(typeClass, (int)size, IsSigned: (b0 & 0x08) != 0, IsBigEndian: (b0 & 0x01) != 0, fullWidth);
    }

    private static bool IsIeee(Hdf5Cursor c, uint size)
    {
        int offset = c.U16("bit offset"), precision = c.U16("bit precision");
        int exponentAt = c.U8("exponent location"), exponentBits = c.U8("exponent size");
        int mantissaAt = c.U8("mantissa location"), mantissaBits = c.U8("mantissa size");
        uint bias = c.U32("exponent bias");
        return (size, offset, precision, exponentAt, exponentBits, mantissaAt, mantissaBits, bias) switch
        {
            (4, 0, 32, 23, 8, 0, 23, 127) => true,
            (8, 0, 64, 52, 11, 0, 52, 1023) => true,
            _ => false,
        };
    }

    /// <summary>Throws unless this is a 1/2/4/8-byte integer or an IEEE single or double.</summary>
    public void RequireNumeric(string what)
    {
        if ((Class is Hdf5TypeClass.FixedPoint or Hdf5TypeClass.FloatingPoint) && IsFullWidthNumber) return;
        throw new InvalidDataException(
            $"HDF5 {what} has {English.Article(Size)} {Size}-byte {Class} type{(Class is Hdf5TypeClass.FixedPoint or Hdf5TypeClass.FloatingPoint ? " with an unusual bit layout" : "")}, " +
            "but MATLAB numeric data is 1-, 2-, 4- or 8-byte integers or IEEE 4- or 8-byte floats.");
    }

    public override string ToString() => $"{Size}-byte {Class}";
}
