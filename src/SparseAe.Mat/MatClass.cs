namespace SparseAe.Mat;

/// <summary>
/// The MATLAB class of a variable, as MATLAB's <c>class(x)</c> would report it, plus
/// <see cref="Sparse"/> for sparse matrices (MATLAB reports their element class instead).
/// </summary>
/// <remarks>
/// Values 1-17 equal the mxCLASS codes of the level-5 array-flags sub-element; <see cref="Logical"/>
/// has no code of its own because level-5 files store logicals as uint8 with a flag bit.
/// </remarks>
public enum MatClass
{
    Unknown = 0,
    Cell = 1,
    Struct = 2,
    Object = 3,
    Char = 4,
    Sparse = 5,
    Double = 6,
    Single = 7,
    Int8 = 8,
    UInt8 = 9,
    Int16 = 10,
    UInt16 = 11,
    Int32 = 12,
    UInt32 = 13,
    Int64 = 14,
    UInt64 = 15,
    Function = 16,
    Opaque = 17,
    Logical = 18,
}

/// <summary>Conversions between <see cref="MatClass"/> and MATLAB's class names.</summary>
public static class MatClassNames
{
    /// <summary>The name MATLAB uses for the class, e.g. "double", "uint8", "struct", "sparse".</summary>
    public static string ToMatlabName(this MatClass matClass) => matClass switch
    {
        MatClass.Cell => "cell",
        MatClass.Struct => "struct",
        MatClass.Object => "object",
        MatClass.Char => "char",
        MatClass.Sparse => "sparse",
        MatClass.Double => "double",
        MatClass.Single => "single",
        MatClass.Int8 => "int8",
        MatClass.UInt8 => "uint8",
        MatClass.Int16 => "int16",
        MatClass.UInt16 => "uint16",
        MatClass.Int32 => "int32",
        MatClass.UInt32 => "uint32",
        MatClass.Int64 => "int64",
        MatClass.UInt64 => "uint64",
        MatClass.Function => "function_handle",
        MatClass.Opaque => "opaque",
        MatClass.Logical => "logical",
        _ => "unknown",
    };

    /// <summary>
    /// Parses a MATLAB class name as found in a 7.3 file's <c>MATLAB_class</c> attribute.
    /// Names that are not built-in classes are user-defined classes and map to <see cref="MatClass.Object"/>.
    /// </summary>
    public static MatClass FromMatlabName(string name) => name switch
    {
        "cell" => MatClass.Cell,
        "struct" => MatClass.Struct,
        "char" => MatClass.Char,
        "double" => MatClass.Double,
        "single" => MatClass.Single,
        "int8" => MatClass.Int8,
        "uint8" => MatClass.UInt8,
        "int16" => MatClass.Int16,
        "uint16" => MatClass.UInt16,
        "int32" => MatClass.Int32,
        "uint32" => MatClass.UInt32,
        "int64" => MatClass.Int64,
        "uint64" => MatClass.UInt64,
        "logical" => MatClass.Logical,
        "function_handle" => MatClass.Function,
        _ => MatClass.Object,
    };
}
