namespace SparseAe.Mat;

/// <summary>The miXXX data-type codes that tag every level-5 data element.</summary>
internal enum Level5DataType : uint
{
    Int8 = 1,
    UInt8 = 2,
    Int16 = 3,
    UInt16 = 4,
    Int32 = 5,
    UInt32 = 6,
    Single = 7,
    Double = 9,
    Int64 = 12,
    UInt64 = 13,
    Matrix = 14,
    Compressed = 15,
    Utf8 = 16,
    Utf16 = 17,
    Utf32 = 18,
}

internal static class Level5DataTypes
{
    /// <summary>Bytes per element of a data type that holds numbers or text; 0 for the others.</summary>
    public static int ElementSize(Level5DataType type) => type switch
    {
        Level5DataType.Int8 or Level5DataType.UInt8 or Level5DataType.Utf8 => 1,
        Level5DataType.Int16 or Level5DataType.UInt16 or Level5DataType.Utf16 => 2,
        Level5DataType.Int32 or Level5DataType.UInt32 or Level5DataType.Single or Level5DataType.Utf32 => 4,
        Level5DataType.Double or Level5DataType.Int64 or Level5DataType.UInt64 => 8,
        _ => 0,
    };

    public static bool IsKnown(uint code) => Enum.IsDefined(typeof(Level5DataType), code);

    /// <summary>"miDOUBLE (9)", or "unknown type 42" for codes the spec does not define.</summary>
    public static string Describe(uint code) => IsKnown(code)
        ? $"mi{((Level5DataType)code).ToString().ToUpperInvariant()} ({code})"
        : $"unknown type {code}";

    /// <summary>The data type the writer uses for each dense class.</summary>
    public static Level5DataType StorageTypeOf(MatClass matClass) => matClass switch
    {
        MatClass.Double => Level5DataType.Double,
        MatClass.Single => Level5DataType.Single,
        MatClass.Int8 => Level5DataType.Int8,
        MatClass.UInt8 or MatClass.Logical => Level5DataType.UInt8,
        MatClass.Int16 => Level5DataType.Int16,
        MatClass.UInt16 or MatClass.Char => Level5DataType.UInt16,
        MatClass.Int32 => Level5DataType.Int32,
        MatClass.UInt32 => Level5DataType.UInt32,
        MatClass.Int64 => Level5DataType.Int64,
        MatClass.UInt64 => Level5DataType.UInt64,
        _ => throw new ArgumentOutOfRangeException(nameof(matClass), matClass, "Only dense numeric, logical and char classes have a storage type."),
    };
}
