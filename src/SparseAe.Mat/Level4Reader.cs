using System.Buffers.Binary;
using System.Text;

namespace SparseAe.Mat;

// Level-4 MAT file layout, after MathWorks' "MAT-File Format" document (chapter "Level 4 MAT-File Format").
// There is no file header: matrices follow each other to the end of the file, each as
//
//   offset size  matrix header (five 32-bit integers)
//        0    4  type, the decimal number MOPT:
//                  M  byte order and number format: 0 IEEE little-endian, 1 IEEE big-endian,
//                     2 VAX D-float, 3 VAX G-float, 4 Cray (only 0 and 1 are read here)
//                  O  always 0
//                  P  element type: 0 double, 1 single, 2 int32, 3 int16, 4 uint16, 5 uint8
//                  T  matrix type: 0 full numeric, 1 text, 2 sparse
//        4    4  mrows
//        8    4  ncols
//       12    4  imagf: 1 when an imaginary part follows the real part
//       16    4  namlen: name length in bytes, including its NUL terminator
//       20  ...  name (namlen bytes), then the real part (mrows*ncols elements of type P, column-major),
//                then the imaginary part if imagf
//
// The header integers are written in the byte order that M names, so the order is found by reading the
// type both ways: only one reading gives a valid MOPT number whose M agrees with it. MATLAB loads every
// full numeric level-4 matrix as double and text as char, whatever P is, and so does this reader.
// A sparse matrix is stored as an (nnz+1)-by-3 real matrix of [row, column, value] triples (4 columns if
// complex) whose last row is [m, n, 0]: the sparse matrix's own dimensions.

/// <summary>Reads a level-4 MAT file held in memory. Only <see cref="MatFile"/> calls it.</summary>
internal static class Level4Reader
{
    private const int MatrixHeaderLength = 20;

    /// <summary>True when the file starts with a plausible level-4 matrix header.</summary>
    public static bool LooksLikeLevel4(ReadOnlySpan<byte> file)
    {
        if (file.Length < MatrixHeaderLength) return false;
        if (!TryDetectByteOrder(file, out bool bigEndian)) return false;
        int rows = ReadInt32(file[4..], bigEndian), columns = ReadInt32(file[8..], bigEndian);
        int imaginary = ReadInt32(file[12..], bigEndian), nameLength = ReadInt32(file[16..], bigEndian);
        return rows >= 0 && columns >= 0 && imaginary is 0 or 1 && nameLength >= 1;
    }

    public static MatFile Read(byte[] file)
    {
        var cursor = new ByteCursor(file, bigEndian: false);
        var variables = new List<MatVariable>();
        var origins = new List<string>();
        bool? fileIsBigEndian = null;
        while (cursor.Remaining > 0)
        {
            int headerOffset = cursor.Position;
            if (cursor.Remaining < MatrixHeaderLength)
                throw cursor.Error(headerOffset,
                    $"The file ends {cursor.Remaining} bytes into a level-4 matrix header, which needs {MatrixHeaderLength} bytes");
            var header = cursor.ReadBytes(MatrixHeaderLength, "level-4 matrix header");
            if (!TryDetectByteOrder(header, out bool bigEndian))
                throw cursor.Error(headerOffset,
                    $"Level-4 matrix header has type {ReadInt32(header, false)} (little-endian) or {ReadInt32(header, true)} (big-endian), " +
                    "but neither is a MOPT number with M 0 (little-endian) or 1 (big-endian), O 0, P 0-5 and T 0-2");
            fileIsBigEndian ??= bigEndian;
            variables.Add(ReadMatrix(cursor, header, headerOffset, bigEndian));
            origins.Add(cursor.Describe(headerOffset));
        }
        return new MatFile(MatFileFormat.Level4, fileIsBigEndian ?? false, variables, origins);
    }

    private static MatVariable ReadMatrix(ByteCursor cursor, ReadOnlySpan<byte> header, int headerOffset, bool bigEndian)
    {
        int type = ReadInt32(header, bigEndian);
        int precision = type / 10 % 10, matrixType = type % 10;
        int rows = ReadInt32(header[4..], bigEndian), columns = ReadInt32(header[8..], bigEndian);
        int imaginary = ReadInt32(header[12..], bigEndian), nameLength = ReadInt32(header[16..], bigEndian);
        if (rows < 0 || columns < 0)
            throw cursor.Error(headerOffset, $"Level-4 matrix header gives {rows} rows and {columns} columns, but neither may be negative");
        if (imaginary is not (0 or 1))
            throw cursor.Error(headerOffset, $"Level-4 matrix header has imagf {imaginary}, but it must be 0 or 1");
        if (nameLength < 1)
            throw cursor.Error(headerOffset, $"Level-4 matrix header has name length {nameLength}, but it must count at least the NUL terminator");

        var nameBytes = cursor.ReadBytes(nameLength, "level-4 matrix name");
        int terminator = nameBytes.IndexOf((byte)0);
        string name = Encoding.ASCII.GetString(terminator < 0 ? nameBytes : nameBytes[..terminator]);

        var storedType = precision switch
        {
            0 => Level5DataType.Double,
            1 => Level5DataType.Single,
            2 => Level5DataType.Int32,
            3 => Level5DataType.Int16,
            4 => Level5DataType.UInt16,
            _ => Level5DataType.UInt8,
        };
        long elements = (long)rows * columns, elementSize = Level5DataTypes.ElementSize(storedType);
        long partBytes = elements > long.MaxValue / elementSize ? long.MaxValue : elements * elementSize;
        int realOffset = cursor.Position;
        var real = cursor.ReadBytes(partBytes, $"real part of level-4 matrix '{name}' ({rows}x{columns})");
        if (imaginary == 1)
            cursor.ReadBytes(partBytes, $"imaginary part of level-4 matrix '{name}' ({rows}x{columns})");

        var stored = StoredDataDecoder.Decode(real, storedType, bigEndian);
        return matrixType switch
        {
            0 when imaginary == 1 => new MatVariable(name, MatClass.Double, [rows, columns], null, isComplex: true),
            0 => new MatVariable(name, MatClass.Double, [rows, columns], DenseArrayConversion.ConvertTo<double>(stored)),
            1 => new MatVariable(name, MatClass.Char, [rows, columns], DenseArrayConversion.ConvertTo<char>(stored)),
            _ => new MatVariable(name, MatClass.Sparse, SparseDimensions(cursor, stored, rows, columns, name, realOffset), null),
        };
    }

    private static int[] SparseDimensions(ByteCursor cursor, Array stored, int rows, int columns, string name, int realOffset)
    {
        if (rows < 1 || columns < 3)
            throw cursor.Error(realOffset,
                $"Level-4 sparse matrix '{name}' is stored as {rows}x{columns}, but needs at least one row and 3 columns of [row, column, value]");
        var values = DenseArrayConversion.ConvertTo<double>(stored);
        double m = values[rows - 1], n = values[2 * rows - 1];
        if (m is < 0 or > int.MaxValue || n is < 0 or > int.MaxValue || m != Math.Floor(m) || n != Math.Floor(n))
            throw cursor.Error(realOffset, $"Level-4 sparse matrix '{name}' gives its size as {m}x{n} in its last row, which are not valid dimensions");
        return [(int)m, (int)n];
    }

    private static bool TryDetectByteOrder(ReadOnlySpan<byte> header, out bool bigEndian)
    {
        foreach (bool candidate in (ReadOnlySpan<bool>)[false, true])
        {
            int type = ReadInt32(header, candidate);
            int machine = type / 1000, zero = type / 100 % 10, precision = type / 10 % 10, matrixType = type % 10;
            if (type is >= 0 and < 2000 && machine == (candidate ? 1 : 0) && zero == 0 && precision <= 5 && matrixType <= 2)
            {
                bigEndian = candidate;
                return true;
            }
        }
        bigEndian = false;
        return false;
    }

    private static int ReadInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes);
}
