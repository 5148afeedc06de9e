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
    /// <summary>No class the reader can name: a 7.3 object that is neither a dataset nor a group, or stored in a type no MATLAB class uses.</summary>
    Unknown = 0,
    /// <summary>A cell array (<c>cell</c>); listed, contents not decoded.</summary>
    Cell = 1,
    /// <summary>A structure array (<c>struct</c>); listed, contents not decoded.</summary>
    Struct = 2,
    /// <summary>An object of an old-style user-defined class (in 7.3 files, any other class name MATLAB does not build in); listed, contents not decoded.</summary>
    Object = 3,
    /// <summary>A character array (<c>char</c>), read as UTF-16 code units.</summary>
    Char = 4,
    /// <summary>A sparse matrix; listed, contents not decoded.</summary>
    Sparse = 5,
    /// <summary>Double-precision floating point (<c>double</c>), MATLAB's default.</summary>
    Double = 6,
    /// <summary>Single-precision floating point (<c>single</c>).</summary>
    Single = 7,
    /// <summary>Signed 8-bit integers (<c>int8</c>).</summary>
    Int8 = 8,
    /// <summary>Unsigned 8-bit integers (<c>uint8</c>).</summary>
    UInt8 = 9,
    /// <summary>Signed 16-bit integers (<c>int16</c>).</summary>
    Int16 = 10,
    /// <summary>Unsigned 16-bit integers (<c>uint16</c>).</summary>
    UInt16 = 11,
    /// <summary>Signed 32-bit integers (<c>int32</c>).</summary>
    Int32 = 12,
    /// <summary>Unsigned 32-bit integers (<c>uint32</c>).</summary>
    UInt32 = 13,
    /// <summary>Signed 64-bit integers (<c>int64</c>).</summary>
    Int64 = 14,
    /// <summary>Unsigned 64-bit integers (<c>uint64</c>).</summary>
    UInt64 = 15,
    /// <summary>A function handle (<c>function_handle</c>); listed, contents not decoded.</summary>
    Function = 16,
    /// <summary>An opaque object (a string, table, datetime or other classdef object; in a 7.3 file, a dataset with MATLAB_object_decode, not a group such as a function handle or an old-style object); listed without dimensions, contents not decoded.</summary>
    Opaque = 17,
    /// <summary>A logical array (<c>logical</c>), read as <see cref="bool"/> (stored as uint8 with a flag in level 5).</summary>
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
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static MatClass FromMatlabName(string name) => name switch
    {
        null => throw new ArgumentNullException(nameof(name)),   // not a user class's name, as it was taken
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
