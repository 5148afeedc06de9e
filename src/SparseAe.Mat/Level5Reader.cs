using System.Buffers.Binary;
using System.Text;

namespace SparseAe.Mat;

// Level-5 MAT file layout, after MathWorks' "MAT-File Format" document (chapter "Level 5 MAT-File Format"):
//
//   offset size  file header (128 bytes)
//        0  116  descriptive text, e.g. "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: ..."
//      116    8  subsystem data offset: 0 or all spaces when absent, else the offset of an unnamed
//                element holding MATLAB's object data (not a user variable, so it is skipped)
//      124    2  version: 0x0100 (a 7.3 file has 0x0200 here and is HDF5 from byte 512 on)
//      126    2  endian indicator: 'M','I' written as one 16-bit integer, so the bytes read "IM" in a
//                little-endian file and "MI" in a big-endian one; every number after it uses that order
//      128  ...  data elements, one per variable, back to back until the end of the file
//
//   data element   [type u32][byte count u32][data: byte count bytes][zero padding to a multiple of 8]
//   small element  [byte count u16][type u16][data: 4 bytes, padded] for 1..4 data bytes; recognised by
//                  non-zero upper 16 bits of the first u32 read in the file's byte order
//   type codes     miINT8 1, miUINT8 2, miINT16 3, miUINT16 4, miINT32 5, miUINT32 6, miSINGLE 7,
//                  miDOUBLE 9, miINT64 12, miUINT64 13, miMATRIX 14, miCOMPRESSED 15, miUTF8 16,
//                  miUTF16 17, miUTF32 18
//   miCOMPRESSED   data is a zlib stream inflating to exactly one miMATRIX element (its tag included);
//                  MATLAB does not pad compressed elements
//   miMATRIX       sub-elements, each a data element as above:
//                    array flags  miUINT32, 8 bytes: flags u32 (bits 0-7 mxCLASS code 1..17, bit 9 logical,
//                                 bit 10 global, bit 11 complex), nzmax u32 (sparse only)
//                    dimensions   miINT32, one per dimension, MATLAB order
//                    array name   miINT8, ASCII, no terminator
//                    then by class: numeric/char: real part in any numeric type (may be narrower than the
//                    class, e.g. a double array saved as miUINT8), imaginary part if complex; sparse: ir, jc,
//                    pr[, pi]; struct: field-name length, field names, one miMATRIX per field; cell: one
//                    miMATRIX per cell; object: class name, then as struct.
//                  Opaque (class 17, e.g. string or table) has no dimensions: flags, name, type-system
//                  name, class name, data.
//
// Numeric data is column-major (see ColumnMajorLayout) and is kept in that order.

/// <summary>Reads a level-5 MAT file held in memory. Only <see cref="MatFile"/> calls it.</summary>
internal static class Level5Reader
{
    public const int HeaderLength = 128;
    private const int TagLength = 8;
    private const uint LogicalFlag = 0x0200, ComplexFlag = 0x0800;

    /// <summary>
    /// Bytes 126-127 hold the endian indicator "IM" or "MI" that every level-5 and 7.3 header ends with, and
    /// bytes 0-3 (text) hold no zero: that is how MATLAB tells the header from a level-4 file, whose first
    /// matrix type (below 2000) always has zero bytes and whose data may hold anything at 126-127.
    /// </summary>
    public static bool HasHeader(ReadOnlySpan<byte> file) =>
        file.Length >= HeaderLength && !file[..4].Contains((byte)0) && IsEndianIndicator(file[126], file[127]);

    public static bool IsBigEndian(ReadOnlySpan<byte> header) => header[126] == (byte)'M';

    public static ushort Version(ReadOnlySpan<byte> header) => IsBigEndian(header)
        ? BinaryPrimitives.ReadUInt16BigEndian(header[124..])
        : BinaryPrimitives.ReadUInt16LittleEndian(header[124..]);

    private static bool IsEndianIndicator(byte a, byte b) => (a == 'I' && b == 'M') || (a == 'M' && b == 'I');

    public static MatFile Read(byte[] file)
    {
        bool bigEndian = IsBigEndian(file);
        var cursor = new ByteCursor(file, bigEndian);
        ushort version = Version(file);
        if (version != 0x0100)
            throw cursor.Error(124, $"Level-5 MAT header has version 0x{version:X4}, but only 0x0100 (and 0x0200 for HDF5-based 7.3 files) exist");
        long subsystemOffset = SubsystemOffset(file, bigEndian);
        cursor.ReadBytes(HeaderLength, "level-5 header");

        var variables = new List<MatVariable>();
        var origins = new List<string>();
        while (cursor.Remaining > 0)
        {
            int elementOffset = cursor.Position;
            // No tolerance for trailing bytes, even zeros: a big-endian tag starts with zero bytes, so
            // forgiving them would let a file cut inside a tag pass as complete.
            if (cursor.Remaining < TagLength)
                throw cursor.Error(elementOffset,
                    $"The file ends {cursor.Remaining} bytes into a data element tag, which needs {TagLength} bytes");

            var tag = ReadTag(cursor, "top-level data element");
            if (tag.IsSmall)
                throw cursor.Error(elementOffset,
                    $"Top-level data element uses the small format ({tag.ByteCount} bytes of {Level5DataTypes.Describe(tag.Type)}), which only sub-elements of at most 4 bytes may use");
            if (tag.Type == (uint)Level5DataType.Compressed)
            {
                cursor.Require(tag.ByteCount, TagWhat(tag, "top-level"), elementOffset);
                var compressed = cursor.ReadMemory(tag.ByteCount, TagWhat(tag, "top-level"));
                if (elementOffset == subsystemOffset) continue;
                variables.Add(ReadCompressedMatrix(compressed, elementOffset, bigEndian));
                origins.Add(cursor.Describe(elementOffset));
            }
            else if (tag.Type == (uint)Level5DataType.Matrix)
            {
                cursor.Require(tag.ByteCount, TagWhat(tag, "top-level"), elementOffset);
                var matrix = cursor.Slice((int)tag.ByteCount, $"the miMATRIX element at byte offset {elementOffset}");
                cursor.SkipAtMost(PaddingAfter(tag.ByteCount));
                if (elementOffset == subsystemOffset) continue;
                variables.Add(ReadMatrix(matrix, elementOffset));
                origins.Add(cursor.Describe(elementOffset));
            }
            else
            {
                throw cursor.Error(elementOffset,
                    $"Top-level data element has type {Level5DataTypes.Describe(tag.Type)}, but only miMATRIX (14) and miCOMPRESSED (15) may appear at top level");
            }
        }
        return new MatFile(MatFileFormat.Level5, bigEndian, variables, origins);
    }

    private static MatVariable ReadCompressedMatrix(ReadOnlyMemory<byte> compressed, int elementOffset, bool bigEndian)
    {
        byte[] inflated = Level5Inflater.Inflate(compressed, elementOffset, bigEndian);
        var inner = new ByteCursor(inflated, bigEndian, $"the data inflated from the miCOMPRESSED element at byte offset {elementOffset}");
        var tag = ReadTag(inner, "compressed element");
        if (tag.Type != (uint)Level5DataType.Matrix || tag.IsSmall)
            throw inner.Error(0, $"A miCOMPRESSED element must inflate to a miMATRIX (14) element, but this one holds {(tag.IsSmall ? "a small-format " : "")}{Level5DataTypes.Describe(tag.Type)}");
        inner.Require(tag.ByteCount, TagWhat(tag, "compressed"), 0);
        return ReadMatrix(inner.Slice((int)tag.ByteCount, $"the miMATRIX element inflated from byte offset {elementOffset}"), 0);
    }

    private static MatVariable ReadMatrix(ByteCursor matrix, int matrixOffset)
    {
        if (matrix.Remaining == 0)
            throw matrix.Error(matrixOffset, "miMATRIX element is empty, but a variable needs at least array flags, dimensions and a name");

        var flagsTag = ReadTag(matrix, "array-flags sub-element");
        var flagBytes = ReadData(matrix, flagsTag, "array-flags sub-element");
        if (flagsTag.Type != (uint)Level5DataType.UInt32 || flagBytes.Length != 8)
            throw matrix.Error(flagsTag.Offset,
                $"Array-flags sub-element has type {Level5DataTypes.Describe(flagsTag.Type)} and {flagBytes.Length} bytes, but must be miUINT32 (6) with 8 bytes");
        uint flags = ReadUInt32(flagBytes, matrix.BigEndian);
        uint classCode = flags & 0xFF;
        if (classCode is < 1 or > 17)
            throw matrix.Error(flagsTag.Offset, $"Array flags give class code {classCode}, but MATLAB classes are numbered 1 to 17");
        var matClass = (MatClass)classCode;
        if (matClass == MatClass.UInt8 && (flags & LogicalFlag) != 0) matClass = MatClass.Logical;
        bool isComplex = (flags & ComplexFlag) != 0;

        // Opaque objects (string, table, datetime, ...) carry no dimensions sub-element.
        int[] dimensions = matClass == MatClass.Opaque ? [] : ReadDimensions(matrix);
        string name = ReadName(matrix);

        if (DenseArrayConversion.ElementTypeOf(matClass) is null || isComplex)
            return new MatVariable(name, matClass, dimensions, columnMajorData: null, isComplex);
        return new MatVariable(name, matClass, dimensions, ReadRealPart(matrix, name, matClass, dimensions));
    }

    private static int[] ReadDimensions(ByteCursor matrix)
    {
        var tag = ReadTag(matrix, "dimensions sub-element");
        var bytes = ReadData(matrix, tag, "dimensions sub-element");
        if (tag.Type != (uint)Level5DataType.Int32 || bytes.Length % 4 != 0 || bytes.Length == 0)
            throw matrix.Error(tag.Offset,
                $"Dimensions sub-element has type {Level5DataTypes.Describe(tag.Type)} and {bytes.Length} bytes, but must be miINT32 (5) with 4 bytes per dimension and at least one dimension");
        var dimensions = new int[bytes.Length / 4];
        for (int k = 0; k < dimensions.Length; k++)
        {
            dimensions[k] = (int)ReadUInt32(bytes[(4 * k)..], matrix.BigEndian);
            if (dimensions[k] < 0)
                throw matrix.Error(tag.Offset, $"Dimension {k} is {dimensions[k]}, but dimensions cannot be negative");
        }
        return dimensions;
    }

    private static string ReadName(ByteCursor matrix)
    {
        var tag = ReadTag(matrix, "array-name sub-element");
        var bytes = ReadData(matrix, tag, "array-name sub-element");
        if (tag.Type is not ((uint)Level5DataType.Int8 or (uint)Level5DataType.UInt8 or (uint)Level5DataType.Utf8))
            throw matrix.Error(tag.Offset, $"Array-name sub-element has type {Level5DataTypes.Describe(tag.Type)}, but must be miINT8 (1), miUINT8 (2) or miUTF8 (16)");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    private static Array ReadRealPart(ByteCursor matrix, string name, MatClass matClass, int[] dimensions)
    {
        var tag = ReadTag(matrix, $"real-part sub-element of variable '{name}'");
        var bytes = ReadData(matrix, tag, $"real-part sub-element of variable '{name}'");
        int elementSize = Level5DataTypes.IsKnown(tag.Type) ? Level5DataTypes.ElementSize((Level5DataType)tag.Type) : 0;
        if (elementSize == 0)
            throw matrix.Error(tag.Offset,
                $"Real part of variable '{name}' has type {Level5DataTypes.Describe(tag.Type)}, which does not hold numbers");
        if (bytes.Length % elementSize != 0)
            throw matrix.Error(tag.Offset,
                $"Real part of variable '{name}' has {bytes.Length} bytes, not a multiple of the {elementSize}-byte {Level5DataTypes.Describe(tag.Type)} elements");

        var stored = StoredDataDecoder.Decode(bytes, (Level5DataType)tag.Type, matrix.BigEndian);
        long expected = ColumnMajorLayout.ElementCountSaturating(dimensions);
        if (stored.Length != expected)
            throw matrix.Error(tag.Offset,
                $"Variable '{name}' has dimensions [{string.Join(", ", dimensions)}] and so {expected} elements, but its real part holds {stored.Length}");
        return DenseArrayConversion.ConvertToClass(stored, matClass);
    }

    private readonly record struct ElementTag(uint Type, uint ByteCount, int Offset, bool IsSmall);

    private static ElementTag ReadTag(ByteCursor cursor, string what)
    {
        int offset = cursor.Position;
        cursor.Require(TagLength, $"tag of the {what}", offset);
        uint first = cursor.ReadUInt32(what);
        if ((first >> 16) != 0)
        {
            uint smallCount = first >> 16;
            if (smallCount > 4)
                throw cursor.Error(offset, $"Small-format {what} claims {smallCount} bytes, but a small element holds at most 4");
            return new ElementTag(first & 0xFFFF, smallCount, offset, IsSmall: true);
        }
        return new ElementTag(first, cursor.ReadUInt32(what), offset, IsSmall: false);
    }

    /// <summary>The element's data bytes; moves the cursor past them and their padding.</summary>
    private static ReadOnlySpan<byte> ReadData(ByteCursor cursor, ElementTag tag, string what)
    {
        if (tag.IsSmall)
            return cursor.ReadBytes(4, what)[..(int)tag.ByteCount];
        cursor.Require(tag.ByteCount, TagWhat(tag, what), tag.Offset);
        var data = cursor.ReadBytes(tag.ByteCount, what);
        cursor.SkipAtMost(PaddingAfter(tag.ByteCount));
        return data;
    }

    private static string TagWhat(ElementTag tag, string what) => $"{what} {Level5DataTypes.Describe(tag.Type)}";

    private static int PaddingAfter(uint byteCount) => (int)((8 - byteCount % 8) % 8);

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private static long SubsystemOffset(ReadOnlySpan<byte> header, bool bigEndian)
    {
        var field = header[116..124];
        if (field.IndexOfAnyExcept((byte)0) < 0 || field.IndexOfAnyExcept((byte)' ') < 0) return -1;
        ulong offset = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt64LittleEndian(field);
        return offset > int.MaxValue ? -1 : (long)offset;
    }
}
