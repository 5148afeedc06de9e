namespace SparseAe.Mat;

/// <summary>
/// One named variable of a MAT file: its MATLAB class and dimensions, and for dense numeric, logical and
/// char arrays its elements in MATLAB's column-major order (see <see cref="ColumnMajorLayout"/>).
/// </summary>
/// <remarks>
/// Sparse, struct, cell, object, function-handle and opaque variables are listed with their class (and
/// dimensions where the file records them) but their contents are not decoded; neither are complex arrays.
/// Asking any of those for numbers throws <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class MatVariable
{
    private readonly int[] _dimensions;
    private readonly Array? _data;

    internal MatVariable(string name, MatClass matClass, int[] dimensions, Array? columnMajorData, bool isComplex = false)
    {
        Name = name;
        Class = matClass;
        _dimensions = dimensions;
        // Read-only to the caller: the array itself, cast back from IReadOnlyList, let a caller change what the indexer reads.
        Dimensions = Array.AsReadOnly(dimensions);
        _data = columnMajorData;
        IsComplex = isComplex;
    }

    /// <summary>Creates a double variable, e.g. for <see cref="MatWriter"/>.</summary>
    /// <param name="name">A MATLAB variable name (checked when written).</param>
    /// <param name="dimensions">Dimensions in MATLAB order (rows, columns, pages, ...).</param>
    /// <param name="columnMajorData">The elements, first subscript fastest; not copied.</param>
    public static MatVariable FromDoubles(string name, int[] dimensions, double[] columnMajorData) =>
        FromColumnMajorArray(name, dimensions, columnMajorData);

    /// <summary>Creates a single-precision variable; arguments as for <see cref="FromDoubles"/>.</summary>
    public static MatVariable FromSingles(string name, int[] dimensions, float[] columnMajorData) =>
        FromColumnMajorArray(name, dimensions, columnMajorData);

    /// <summary>
    /// Creates a dense variable whose class follows the array's element type: double, float, sbyte, byte,
    /// short, ushort, int, uint, long, ulong, bool (logical) or char.
    /// </summary>
    /// <exception cref="ArgumentException">Unsupported element type, or the element count does not match the dimensions.</exception>
    public static MatVariable FromColumnMajorArray(string name, int[] dimensions, Array columnMajorData)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(columnMajorData);
        var elementType = columnMajorData.GetType().GetElementType()!;
        var matClass = DenseArrayConversion.ClassOfElementType(elementType);
        if (matClass == MatClass.Unknown || columnMajorData.Rank != 1)
            throw new ArgumentException(
                $"Variable '{name}': a {columnMajorData.GetType()} cannot be a MAT variable; use a one-dimensional array of a numeric type, bool or char.",
                nameof(columnMajorData));
        long expected = ColumnMajorLayout.ElementCount(dimensions, $"variable '{name}'");
        if (expected != columnMajorData.Length)
            throw new ArgumentException(
                $"Variable '{name}' has {columnMajorData.Length} elements but its dimensions [{string.Join(", ", dimensions)}] describe {expected}.",
                nameof(columnMajorData));
        return new MatVariable(name, matClass, (int[])dimensions.Clone(), columnMajorData);
    }

    /// <summary>The variable's name in the file.</summary>
    public string Name { get; }

    /// <summary>The variable's MATLAB class, as <c>class(x)</c> would report it (or <see cref="MatClass.Sparse"/>).</summary>
    public MatClass Class { get; }

    /// <summary>Dimensions in MATLAB order (rows, columns, pages, ...); empty when the file does not record them.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The product of <see cref="Dimensions"/> (capped at <see cref="long.MaxValue"/> for absurd ones).</summary>
    public long ElementCount => ColumnMajorLayout.ElementCountSaturating(_dimensions);

    /// <summary>True for complex arrays, which are listed but whose values are not decoded.</summary>
    public bool IsComplex { get; }

    /// <summary>
    /// True when the elements can be read as numbers: dense real arrays of class double, single, the
    /// integer classes, logical (0 or 1) and char (UTF-16 code units). Unlike MATLAB's <c>isnumeric</c>,
    /// this includes logical and char.
    /// </summary>
    public bool IsNumeric => _data is not null;

    /// <summary>The elements as doubles, column-major. int64/uint64 values beyond 2^53 are rounded.</summary>
    public double[] ToDoubleArray() => DenseArrayConversion.ConvertTo<double>(RequireData());

    /// <summary>The elements as floats, column-major.</summary>
    public float[] ToSingleArray() => DenseArrayConversion.ConvertTo<float>(RequireData());

    /// <summary>The elements as doubles in row-major (C) order; <see cref="Dimensions"/> still apply in MATLAB order.</summary>
    public double[] ToRowMajorDoubleArray() => ColumnMajorLayout.ToRowMajor(ToDoubleArray(), _dimensions);

    /// <summary>
    /// A copy of the elements in the class's own .NET type (double[], float[], sbyte[], byte[], short[], ushort[],
    /// int[], uint[], long[], ulong[], bool[] for logical, char[] for char), column-major; exact for every class.
    /// </summary>
    public Array GetColumnMajorData() => (Array)RequireData().Clone();

    /// <summary>The element at zero-based subscripts in MATLAB order, e.g. <c>GetValue(row, column, page)</c>.</summary>
    public double GetValue(params int[] subscripts)
    {
        var data = RequireData();
        long index = ColumnMajorLayout.LinearIndex(_dimensions, subscripts);
        return DenseArrayConversion.ElementAsDouble(data, index);
    }

    /// <summary>Minimum, maximum and sum over all elements.</summary>
    public MatStatistics GetStatistics() => MatStatistics.Compute(RequireData());

    /// <summary>The stored array itself, not a copy (for the writer and for tests).</summary>
    internal Array? ColumnMajorData => _data;

    /// <summary>One line for people: name, class and dimensions, e.g. <c>IMAGES: double [512x512x10]</c>.</summary>
    public override string ToString() =>
        $"{Name}: {(IsComplex ? "complex " : "")}{Class.ToMatlabName()} [{string.Join("x", _dimensions)}]";

    private Array RequireData()
    {
        if (_data is not null) return _data;
        string reason = IsComplex
            ? $"a complex {Class.ToMatlabName()} array; complex values are listed but not decoded"
            : $"of class {Class.ToMatlabName()}, whose contents are listed but not decoded";
        throw new InvalidOperationException(
            $"MAT variable '{Name}' is {reason}. Only real double, single, integer, logical and char arrays can be read as numbers.");
    }
}
