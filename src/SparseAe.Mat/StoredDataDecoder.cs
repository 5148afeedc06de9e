using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace SparseAe.Mat;

/// <summary>
/// Turns the raw bytes of a level-5 numeric or text data element into a .NET array of the element's own
/// type (miINT16 -> short[], miUTF8 -> char[], ...), fixing byte order on the way.
/// </summary>
/// <remarks>
/// The result is sized from the byte count, which the caller has already checked against the file, so
/// no allocation here exceeds the bytes the file holds (twice that for UTF-8 text widened to UTF-16 chars).
/// </remarks>
internal static class StoredDataDecoder
{
    /// <summary>Decodes <paramref name="bytes"/>, whose length must be a multiple of the type's element size.</summary>
    public static Array Decode(ReadOnlySpan<byte> bytes, Level5DataType type, bool bigEndian) => type switch
    {
        Level5DataType.Int8 => Numbers<sbyte>(bytes, bigEndian),
        Level5DataType.UInt8 => bytes.ToArray(),
        Level5DataType.Int16 => Numbers<short>(bytes, bigEndian),
        Level5DataType.UInt16 => Numbers<ushort>(bytes, bigEndian),
        Level5DataType.Int32 => Numbers<int>(bytes, bigEndian),
        Level5DataType.UInt32 => Numbers<uint>(bytes, bigEndian),
        Level5DataType.Single => Numbers<float>(bytes, bigEndian),
        Level5DataType.Double => Numbers<double>(bytes, bigEndian),
        Level5DataType.Int64 => Numbers<long>(bytes, bigEndian),
        Level5DataType.UInt64 => Numbers<ulong>(bytes, bigEndian),
        Level5DataType.Utf8 => Encoding.UTF8.GetString(bytes).ToCharArray(),
        Level5DataType.Utf16 => Numbers<char>(bytes, bigEndian),
        Level5DataType.Utf32 => Utf32ToChars(bytes, bigEndian),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a numeric or text data type."),
    };

    public static T[] Numbers<T>(ReadOnlySpan<byte> bytes, bool bigEndian) where T : unmanaged
    {
        // The managed size: Marshal.SizeOf<char>() is 1 (an ANSI char), which broke UTF-16 data (found by fuzzing).
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var result = new T[bytes.Length / size];
        var target = MemoryMarshal.AsBytes(result.AsSpan());
        bytes[..target.Length].CopyTo(target);
        if (bigEndian == BitConverter.IsLittleEndian)
            ReverseElementBytes(target, size);
        return result;
    }

    /// <summary>Swaps the byte order of every <paramref name="elementSize"/>-byte element in place.</summary>
    public static void ReverseElementBytes(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 1: break;
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes), MemoryMarshal.Cast<byte, ushort>(bytes)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes), MemoryMarshal.Cast<byte, uint>(bytes)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes), MemoryMarshal.Cast<byte, ulong>(bytes)); break;
            default: throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "Element sizes are 1, 2, 4 or 8 bytes.");
        }
    }

    private static char[] Utf32ToChars(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        var text = new StringBuilder(bytes.Length / 4);
        foreach (uint codePoint in Numbers<uint>(bytes, bigEndian))
            text.Append(Rune.IsValid(codePoint) ? new Rune(codePoint).ToString() : "\uFFFD");
        return text.ToString().ToCharArray();
    }
}
