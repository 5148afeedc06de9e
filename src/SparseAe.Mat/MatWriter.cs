using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SparseAe.Mat;

/// <summary>
/// Writes level-5 MAT files (what MATLAB's <c>save -v7</c> writes, readable by MATLAB, Octave and SciPy).
/// </summary>
/// <remarks>
/// Files are little-endian, laid out as described at the top of Level5Reader.cs. Each variable becomes one
/// miMATRIX element, or with <c>compress: true</c> one miCOMPRESSED element wrapping it. Dense real arrays
/// of every class <see cref="MatVariable.FromColumnMajorArray"/> accepts can be written: double and single,
/// the integer classes, logical and char. Data must be column-major, as <see cref="MatVariable"/> holds it.
/// MATLAB has no one-dimensional arrays, so dimensions <c>[n]</c> are written as the column vector
/// <c>[n, 1]</c> and no dimensions as <c>[1, 1]</c>.
/// </remarks>
public static class MatWriter
{
    private const int TagLength = 8;
    private const uint LogicalFlag = 0x0200;
    private static readonly Regex ValidName = new(@"^[A-Za-z][A-Za-z0-9_]{0,62}\z", RegexOptions.CultureInvariant);
    // MATLAB's iskeyword list: isvarname refuses these, and MATLAB cannot name a variable so.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "break", "case", "catch", "classdef", "continue", "else", "elseif", "end", "for", "function", "global", "if",
        "otherwise", "parfor", "persistent", "return", "spmd", "switch", "try", "while",
    };

    /// <summary>
    /// Writes (or overwrites) the file at <paramref name="path"/>, all or nothing: the file goes to a temporary
    /// file beside it and is renamed over <paramref name="path"/> once whole, so a failure part-way (a full disk)
    /// or a crash leaves the old file as it was, and a reader sees the old
    /// file or the whole new one.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A variable cannot be written (a name MATLAB does not take or given twice, a class not written, or more than
    /// <see cref="Array.MaxLength"/> bytes, which MATLAB's -v7 does not hold either); the old file is kept then.
    /// </exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a folder, no file can be made in its folder, the file cannot be written (a full disk), or the file there
    /// cannot be replaced (Windows: read-only, or held open by another process; Linux: immutable): "Cannot write 'path': ...".</exception>
    public static void Write(string path, IEnumerable<MatVariable> variables, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var checkedVariables = Validate(variables);
        SparseAe.Persistence.AtomicFile.Write(path, stream => WriteValidated(stream, checkedVariables, compress));
    }

    /// <summary>Writes a whole MAT file at the current position of <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A variable cannot be written, as for <see cref="Write(string, IEnumerable{MatVariable}, bool)"/>; nothing is written then.
    /// (With <paramref name="compress"/>, data that does not compress within about 0.1% of that limit grows past it as it is
    /// compressed: that fails then, with the variables before it in <paramref name="stream"/>.)
    /// </exception>
    public static void Write(Stream stream, IEnumerable<MatVariable> variables, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteValidated(stream, Validate(variables), compress);
    }

    private static List<MatVariable> Validate(IEnumerable<MatVariable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var list = variables.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in list)
        {
            ArgumentNullException.ThrowIfNull(variable, nameof(variables));
            if (!ValidName.IsMatch(variable.Name))
                throw new ArgumentException(
                    $"'{variable.Name}' is not a MATLAB variable name: it must start with a letter, continue with letters, digits or underscores, and have at most 63 characters.",
                    nameof(variables));
            if (Keywords.Contains(variable.Name))
                throw new ArgumentException(
                    $"'{variable.Name}' is not a MATLAB variable name: it is a keyword (MATLAB's iskeyword), which no variable may be called.",
                    nameof(variables));
            if (!seen.Add(variable.Name))
                throw new ArgumentException($"Variable name '{variable.Name}' appears twice; names in a MAT file must be unique.", nameof(variables));
            if (variable.ColumnMajorData is null)
                throw new ArgumentException(
                    $"Variable '{variable.Name}' is {(variable.IsComplex ? "complex " : "")}{variable.Class.ToMatlabName()}; only dense real numeric, logical and char arrays can be written.",
                    nameof(variables));
            long elementLength = TagLength + MatrixContentLength(variable);
            if (elementLength > Array.MaxLength)
                throw new ArgumentException(
                    $"Variable '{variable.Name}' takes {elementLength} bytes, more than the {Array.MaxLength} bytes a variable of a level-5 file may take " +
                    "(MATLAB's -v7 holds less than 2^31 bytes a variable, and readers, this one too, read a variable into one array); " +
                    "save it in smaller parts.",
                    nameof(variables));
        }
        return list;
    }

    private static void WriteValidated(Stream stream, List<MatVariable> variables, bool compress)
    {
        stream.Write(Header());
        foreach (var variable in variables)
        {
            if (!compress)
            {
                WriteMatrix(stream, variable);
                continue;
            }
            var matrix = new MemoryStream();
            WriteMatrix(matrix, variable);
            var deflated = new MemoryStream();
            using (var zlib = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
                matrix.WriteTo(zlib);
            WriteTag(stream, Level5DataType.Compressed, (uint)deflated.Length);
            deflated.WriteTo(stream); // MATLAB does not pad compressed elements, and neither do we.
        }
    }

    private static byte[] Header()
    {
        var header = new byte[Level5Reader.HeaderLength];
        string created = DateTime.UtcNow.ToString("ddd MMM dd HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        string text = $"MATLAB 5.0 MAT-file, Platform: {RuntimeInformation.OSArchitecture}, Created on: {created} UTC by SparseAe.Mat";
        header.AsSpan(0, 116).Fill((byte)' ');
        Encoding.ASCII.GetBytes(text.Length > 116 ? text[..116] : text).CopyTo(header, 0);
        // Bytes 116-123 stay zero: no subsystem data.
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        return header;
    }

    private static void WriteMatrix(Stream stream, MatVariable variable)
    {
        var matClass = variable.Class;
        uint flags = matClass == MatClass.Logical ? (uint)MatClass.UInt8 | LogicalFlag : (uint)matClass;
        var flagBytes = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(flagBytes, flags);

        int[] dimensions = StoredDimensions(variable);
        var dimensionBytes = new byte[4 * dimensions.Length];
        for (int k = 0; k < dimensions.Length; k++)
            BinaryPrimitives.WriteInt32LittleEndian(dimensionBytes.AsSpan(4 * k), dimensions[k]);

        WriteTag(stream, Level5DataType.Matrix, (uint)MatrixContentLength(variable));
        WriteElement(stream, Level5DataType.UInt32, flagBytes);
        WriteElement(stream, Level5DataType.Int32, dimensionBytes);
        WriteElement(stream, Level5DataType.Int8, Encoding.ASCII.GetBytes(variable.Name));
        WriteElement(stream, Level5DataTypes.StorageTypeOf(matClass), LittleEndianBytes(variable.ColumnMajorData!));
    }

    private static long MatrixContentLength(MatVariable variable) =>
        ElementLength(8)
        + ElementLength(4L * StoredDimensions(variable).Length)
        + ElementLength(Encoding.ASCII.GetByteCount(variable.Name))
        + ElementLength((long)variable.ColumnMajorData!.Length * Level5DataTypes.ElementSize(Level5DataTypes.StorageTypeOf(variable.Class)));

    private static int[] StoredDimensions(MatVariable variable) => variable.Dimensions.Count switch
    {
        0 => [1, 1],
        1 => [variable.Dimensions[0], 1],
        _ => variable.Dimensions.ToArray(),
    };

    /// <summary>Tag plus data plus padding; data of 1 to 4 bytes goes into a small element, as MATLAB writes it.</summary>
    private static long ElementLength(long dataLength) =>
        dataLength is >= 1 and <= 4 ? TagLength : TagLength + dataLength + Padding(dataLength);

    private static void WriteElement(Stream stream, Level5DataType type, ReadOnlySpan<byte> data)
    {
        if (data.Length is >= 1 and <= 4)
        {
            Span<byte> small = stackalloc byte[TagLength];
            small.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(small, ((uint)data.Length << 16) | (uint)type);
            data.CopyTo(small[4..]);
            stream.Write(small);
            return;
        }
        WriteTag(stream, type, (uint)data.Length);
        stream.Write(data);
        Span<byte> padding = stackalloc byte[8];
        padding.Clear();
        stream.Write(padding[..(int)Padding(data.Length)]);
    }

    private static void WriteTag(Stream stream, Level5DataType type, uint byteCount)
    {
        Span<byte> tag = stackalloc byte[TagLength];
        BinaryPrimitives.WriteUInt32LittleEndian(tag, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(tag[4..], byteCount);
        stream.Write(tag);
    }

    private static long Padding(long length) => (8 - length % 8) % 8;

    /// <summary>The elements' bytes in little-endian order; a view of the array itself on little-endian hosts.</summary>
    private static ReadOnlySpan<byte> LittleEndianBytes(Array data)
    {
        ReadOnlySpan<byte> bytes = DenseArrayConversion.ClassOf(data) switch
        {
            MatClass.Logical => DenseArrayConversion.ConvertTo<byte>(data),
            MatClass.Double => MemoryMarshal.AsBytes(((double[])data).AsSpan()),
            MatClass.Single => MemoryMarshal.AsBytes(((float[])data).AsSpan()),
            MatClass.Int8 => MemoryMarshal.AsBytes(((sbyte[])data).AsSpan()),
            MatClass.UInt8 => (byte[])data,
            MatClass.Int16 => MemoryMarshal.AsBytes(((short[])data).AsSpan()),
            MatClass.UInt16 => MemoryMarshal.AsBytes(((ushort[])data).AsSpan()),
            MatClass.Int32 => MemoryMarshal.AsBytes(((int[])data).AsSpan()),
            MatClass.UInt32 => MemoryMarshal.AsBytes(((uint[])data).AsSpan()),
            MatClass.Int64 => MemoryMarshal.AsBytes(((long[])data).AsSpan()),
            MatClass.UInt64 => MemoryMarshal.AsBytes(((ulong[])data).AsSpan()),
            MatClass.Char => MemoryMarshal.AsBytes(((char[])data).AsSpan()),
            _ => throw new ArgumentException($"Cannot write an array of {data.GetType().GetElementType()}.", nameof(data)),
        };
        if (BitConverter.IsLittleEndian || data.Length == 0) return bytes;
        var swapped = bytes.ToArray();
        StoredDataDecoder.ReverseElementBytes(swapped, swapped.Length / data.Length);
        return swapped;
    }
}
